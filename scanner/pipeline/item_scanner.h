// The per-item policy, one per reader thread, the same for every source:
//
//   exempt    a path a global allowlist exempts whole is not read at all
//   open      through the source's reader, with the size cap (symlinks, special files, missing
//             objects and read errors are counted and named here)
//   match     the content scanner: Hyperscan, RE2 confirmation, filters, allowlists
//   subtract  a secret one of the item's earlier versions already held is not new (a range, the
//             staged index); each earlier version is scanned once per reader
//   record    with the item's provenance, tagged with its commit's position for the dedupe
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "scanner/match/content_scanner.h"
#include "scanner/pipeline/scan_driver.h"
#include "scanner/scan_result.h"
#include "scanner/source/item.h"

namespace leakgate {

// What one reader found; the driver merges them.
struct ReaderOutput {
  std::vector<std::pair<uint32_t, Finding>> findings;  // (commit order, finding)
  std::vector<InputError> errors;
  std::vector<std::string> too_large;
  ScanStats stats;
  double subtract_seconds = 0;
};

class ItemScanner {
 public:
  // `report` is called for every input error as it happens (serialized by the caller).
  ItemScanner(std::shared_ptr<const CompiledRuleset> rules, const ScanDriverOptions& options, SourceReader& reader,
              std::function<void(const InputError&)> report, ReaderOutput& out);
  ~ItemScanner();  // adds the matcher's counters to the output's stats

  // Applies the policy to `item`; a listing's entries go to `entries` instead.
  void scan(const Item& item, std::vector<Item>& entries);

 private:
  using Secrets = std::set<std::pair<std::string, std::string>>;  // (rule, secret)
  void list(const Item& item, std::vector<Item>& entries);
  // False when the item was not scanned (skipped or failed, and counted).
  bool read_and_match(const Item& item, std::vector<Finding>& found);
  void subtract(const Item& item, std::vector<Finding>& found);
  const Secrets& earlier_secrets(const Item& item, const ObjectId& version);
  void record(const Item& item, std::vector<Finding>& found);
  void fail(const std::string& what, const std::string& reason, InputErrorKind kind = InputErrorKind::kUnreadable);
  void skipped(const Item& item, ItemStatus status, const std::string& reason);

  const ScanDriverOptions& options_;
  SourceReader& reader_;
  std::function<void(const InputError&)> report_;
  ReaderOutput& out_;
  ContentScanner scanner_;
  std::map<ObjectId, Secrets> earlier_;  // what each earlier version held, read once
  std::vector<Finding> found_;
};

}  // namespace leakgate
