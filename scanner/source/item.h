// What a source hands to the scan driver (scanner/pipeline/scan_driver.h): items, and a reader per
// worker thread that opens them. A source enumerates and reads; it never matches. Everything a scan
// decides about an item — exemptions, size caps, matching, subtracting what earlier versions held,
// recording — the driver decides the same way for every source, so a new source (an archive's
// members, a pushed ref) is written once, here, and inherits all of it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/finding.h"
#include "scanner/scan_progress.h"
#include "scanner/scan_result.h"

namespace leakgate {

// A git object id (SHA-1) as plain bytes: the driver compares and shards by it without libgit2.
struct ObjectId {
  std::array<unsigned char, 20> bytes{};
  bool is_zero() const;
  std::string hex() const;
  auto operator<=>(const ObjectId&) const = default;
};

// What an item was listed from, kept alive while any of its entries waits: a directory whose
// descriptor its entries are opened relative to.
struct Container {
  virtual ~Container() = default;
};

struct Item {
  std::string path;  // as reported; what path rules and allowlists see
  bool listing = false;  // a container (a directory): read for its entries, not scanned
  // The commit that introduced the item (history and range scans); null for files, stdin and the
  // staged index. Points into the source's own list, which outlives the scan.
  const GitProvenance* provenance = nullptr;
  uint32_t order = 0;  // the commit's position in the walk: the earliest introduction is reported
  ObjectId id;         // a git blob's id; zero for files
  // Versions of this path before the change (a range, the staged index): a secret they already
  // held is not introduced by it. Read through the same reader, by id.
  std::vector<ObjectId> earlier;
  std::shared_ptr<const Container> parent;  // null: opened by its own path
  uint32_t name_at = 0;                     // where the item's name within `parent` starts in `path`

  // How messages name it: "ID (path)" for an object, else the path.
  std::string label() const;
};

// Why an item was not scanned, when it was not.
enum class ItemStatus : uint8_t {
  kRead,        // opened: scan it
  kSymlink,     // not followed
  kSpecial,     // a FIFO, socket or device: never opened for reading
  kTooLarge,    // over the size cap: skipped and named
  kMissing,     // not in the object database (a partial or shallow clone)
  kUnreadable,  // an error, with its reason
};

// An opened item's bytes: in memory where the source holds them so (a git blob), else a stream.
class Content {
 public:
  virtual ~Content() = default;
  virtual std::optional<std::string_view> in_memory() { return std::nullopt; }
  // The next bytes of a stream, 0 at the end; throws ReadError (util/fd_reader.h).
  virtual size_t read(char* buf, size_t n) = 0;
  uint64_t size_hint = 0;  // the size known when opened (0: unknown); sizes the read buffer only
};

struct Opened {
  ItemStatus status = ItemStatus::kRead;
  std::string reason;                // kUnreadable, kMissing
  std::unique_ptr<Content> content;  // kRead
};

// An entry a listing skipped, or could not read, with why.
struct Unlisted {
  std::string path;
  ItemStatus status;
  std::string reason;
};

// One per worker thread: a source's reading state (a repository handle, an open object database).
class SourceReader {
 public:
  virtual ~SourceReader() = default;
  // Opens `item` (or, for an earlier version, an item with that id) for reading. `max_size`
  // (0: none) is the cap; a source that knows the size before reading applies it here.
  virtual Opened open(const Item& item, uint64_t max_size) = 0;
  // A listing item's entries, in the order they should be scanned, and what it skipped.
  virtual void list(const Item& item, std::vector<Item>& entries, std::vector<Unlisted>& skipped);
};

// Where a source's producer puts items (implemented by the driver). push() moves the items out;
// it throws ScanStopped once a worker has failed, so a long planning pass ends early.
class ItemFeed {
 public:
  virtual ~ItemFeed() = default;
  virtual void push(std::vector<Item>& items) = 0;
};

struct ScanStopped {};

struct SourceTraits {
  // Every item is known before reading starts (a range, the staged index, stdin): the driver
  // plans first and sizes the pool to the work. Otherwise items stream in (a history walk, a
  // directory walk) and readers start at once.
  bool planned_whole = false;
  // Items are versions of the same paths (a git history): one finding per fingerprint, at the
  // earliest introduction. Files are not: each occurrence is its own finding.
  bool versions = false;
  // Whether progress is worth drawing (a history scan takes minutes; a pre-commit does not).
  bool long_running = false;
};

// What the producer learnt while enumerating.
struct SourceSummary {
  uint64_t commits = 0;   // commits walked
  uint64_t gitlinks = 0;  // submodule entries, not blobs
  std::vector<InputError> errors;  // what could not be enumerated (a corrupt tree): not scanned
};

class Source {
 public:
  virtual ~Source() = default;
  virtual SourceTraits traits() const = 0;
  // Runs on the driver's thread while readers work: hands every item to `feed`. Throws Error when
  // the source cannot be enumerated at all (a bad range, a missing root).
  virtual SourceSummary produce(ItemFeed& feed, ScanProgress* progress) = 0;
  // Called on each worker thread. Throws Error when the thread cannot read at all.
  virtual std::unique_ptr<SourceReader> reader() = 0;
  // The total size of what was produced, if the source can learn it cheaply (object headers), for
  // the progress line; runs on a side thread once producing is done. nullopt: unknown.
  virtual std::optional<uint64_t> total_bytes(const ScanProgress&) { return std::nullopt; }
  // How messages name the source when a reader cannot open it (a repository's git directory).
  virtual std::string name() const = 0;
};

}  // namespace leakgate
