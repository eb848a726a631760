// One file's or blob's bytes → findings. Splits input of any size into blocks that Hyperscan can
// take, with an overlap longer than any match, and gives each match to exactly one block, so a
// secret across a block boundary is found exactly once. Applies the filters, computes line and
// column, and lets a specific rule win over a generic one on the same bytes.
//
// Per worker thread (it owns a BlockMatcher and its buffers).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/finding.h"
#include "scanner/match/block_matcher.h"

namespace leakgate {

struct ContentScannerOptions {
  // Bytes per Hyperscan block. Large blocks amortise per-scan cost; memory per worker is about one
  // block. Tests shrink it to put many boundaries in small inputs.
  size_t block_size = 8u << 20;
};

// What is being scanned: the path used in reports and path rules, and the commit for allowlists.
struct ScanTarget {
  std::string_view path;
  std::string_view commit;
};

// Pulls the next bytes of a stream into buf (up to n); returns 0 at the end. Throws on a read error.
using ReadFn = std::function<size_t(char* buf, size_t n)>;

class ContentScanner {
 public:
  ContentScanner(std::shared_ptr<const CompiledRuleset> rules, ContentScannerOptions options = {});

  // True when a global allowlist exempts this whole path (checked before reading the file).
  bool path_exempt(std::string_view path) const;

  // Findings for bytes already in memory (git blobs, tests).
  void scan_buffer(std::string_view data, const ScanTarget& target, std::vector<Finding>& out);
  // Findings for a stream of any length (files, stdin); returns the bytes read. `size_hint` (the
  // file's size, 0 if unknown) only sizes the buffer.
  uint64_t scan_stream(const ReadFn& read, const ScanTarget& target, std::vector<Finding>& out,
                       uint64_t size_hint = 0);

  const MatchStats& stats() const { return matcher_.stats(); }
  const CompiledRuleset& rules() const { return *rules_; }

 private:
  struct Cursor {
    uint64_t base = 0;           // absolute offset of the block's first byte
    uint64_t lines_before = 0;   // newlines before `base`
    int64_t last_newline = -1;   // absolute offset of the last newline before `base`
    // Absolute offset of the last inline-allow marker in the part of the current line that lies
    // before `base` (-1: none): a line longer than a block keeps its marker across the boundary.
    int64_t line_marker = -1;
  };
  // Scans one block; `owned_end` is the absolute offset where the next block takes over (or
  // UINT64_MAX for the last block).
  void scan_block(std::string_view block, const Cursor& cur, uint64_t owned_end, const ScanTarget& target,
                  std::vector<Finding>& out);
  void add_path_findings(const ScanTarget& target, std::vector<Finding>& out);
  void finish_file(std::vector<Finding>& out, size_t first);
  bool rule_applies(const CompiledRule& r, std::string_view path) const;
  static void advance(Cursor& cur, std::string_view block, uint64_t next_base);

  std::shared_ptr<const CompiledRuleset> rules_;
  ContentScannerOptions options_;
  BlockMatcher matcher_;
  size_t overlap_;
  std::vector<RawMatch> raw_;
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  std::string lower_;  // the current secret, lower-cased for stopwords
};

}  // namespace leakgate
