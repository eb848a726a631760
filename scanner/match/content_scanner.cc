#include "scanner/match/content_scanner.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <tuple>

#include "scanner/match/filters.h"

namespace leakgate {
namespace {

// Bytes at the start of every block (after the first) that only serve as context: a match that
// starts there belongs to the previous block, which saw it with its real left neighbours.
constexpr size_t kLeadMargin = 256;
// How far a line is followed for inline-allow markers and line allowlists.
constexpr size_t kLineContext = 64 * 1024;
constexpr uint64_t kNoEnd = std::numeric_limits<uint64_t>::max();

uint64_t count_newlines(const char* p, size_t n) {
  uint64_t c = 0;
  const char* end = p + n;
  while (p < end) {
    const void* q = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (!q) break;
    ++c;
    p = static_cast<const char*>(q) + 1;
  }
  return c;
}

// Offset of the last '\n' in [p, p+n), or -1.
int64_t last_newline(const char* p, size_t n) {
  const void* q = n ? memrchr(p, '\n', n) : nullptr;
  return q ? static_cast<const char*>(q) - p : -1;
}

}  // namespace

ContentScanner::ContentScanner(std::shared_ptr<const CompiledRuleset> rules, ContentScannerOptions options)
    : rules_(std::move(rules)), options_(options), matcher_(rules_) {
  overlap_ = rules_->max_window() + 2 * kLeadMargin + 1;
  options_.block_size = std::max(options_.block_size, 4 * overlap_);
}

bool ContentScanner::path_exempt(std::string_view path) const { return rules_->path_exempt(path); }

bool ContentScanner::rule_applies(const CompiledRule& r, std::string_view path) const {
  if (!r.path) return true;
  return RE2::PartialMatch(re2::StringPiece(path.data(), path.size()), r.path->get());
}

void ContentScanner::add_path_findings(const ScanTarget& target, std::vector<Finding>& out) {
  for (uint32_t id : rules_->path_only_rules()) {
    const CompiledRule& r = rules_->rules()[id];
    if (!rule_applies(r, target.path)) continue;
    // The same allowlists as a content finding: the rule's, then the global ones. (The directory
    // walk used to exempt such paths before reading while git scans did not, so a path-only rule
    // under a global path allowlist blocked a commit that `leakgate dir` called clean.)
    const AllowContext ctx{{}, {}, {}, {}, target.path, target.commit};
    auto allows = [&](const CompiledAllowlist& a) { return allowlist_allows(a, ctx); };
    if (std::any_of(r.allowlists.begin(), r.allowlists.end(), allows)) continue;
    if (std::any_of(rules_->global_allowlists().begin(), rules_->global_allowlists().end(), allows)) continue;
    Finding f;
    f.rule_id = r.rule.id;
    f.description = r.rule.description;
    f.file = std::string(target.path);
    out.push_back(std::move(f));
  }
}

void ContentScanner::advance(Cursor& cur, std::string_view block, uint64_t next_rel) {
  cur.lines_before += count_newlines(block.data(), next_rel);
  const int64_t nl = last_newline(block.data(), next_rel);
  if (nl >= 0) {
    cur.last_newline = static_cast<int64_t>(cur.base) + nl;
    cur.line_marker = -1;  // a new line: an earlier line's marker does not carry
  }
  // The last marker that starts in the line's part this block leaves behind (a marker starting at
  // or after `next_rel` is in the next block, which sees it whole).
  const size_t from = nl >= 0 ? static_cast<size_t>(nl) + 1 : 0;
  for (const std::string_view marker : {std::string_view("leakgate:allow"), std::string_view("gitleaks:allow")}) {
    const size_t end = std::min<size_t>(block.size(), next_rel + marker.size() - 1);
    if (end <= from) continue;
    const size_t at = block.substr(from, end - from).rfind(marker);
    if (at != std::string_view::npos)
      cur.line_marker = std::max<int64_t>(cur.line_marker, static_cast<int64_t>(cur.base + from + at));
  }
  cur.base += next_rel;
}

void ContentScanner::scan_block(std::string_view block, const Cursor& cur, uint64_t owned_end,
                                 const ScanTarget& target, std::vector<Finding>& out) {
  raw_.clear();
  matcher_.scan(block, raw_);
  if (raw_.empty()) return;
  std::sort(raw_.begin(), raw_.end(), [](const RawMatch& a, const RawMatch& b) {
    return std::tie(a.secret_start, a.rule) < std::tie(b.secret_start, b.rule);
  });
  const uint64_t owned_begin = cur.base == 0 ? 0 : cur.base + kLeadMargin;
  const bool markers = contains_inline_allow(block);
  uint64_t lines = cur.lines_before;
  int64_t last_nl = cur.last_newline;
  size_t counted = 0;
  for (const RawMatch& m : raw_) {
    const uint64_t abs_start = cur.base + m.match_start;
    if (abs_start < owned_begin || abs_start >= owned_end) continue;
    const CompiledRule& r = rules_->rules()[m.rule];
    if (!rule_applies(r, target.path)) continue;
    const std::string_view secret = block.substr(m.secret_start, m.secret_end - m.secret_start);
    const double entropy = shannon_entropy(secret);
    if (r.rule.entropy > 0 && entropy <= r.rule.entropy) continue;
    if (looks_like_placeholder(secret)) continue;

    const size_t back = std::min<size_t>(m.secret_start, kLineContext);
    const int64_t nl_before = last_newline(block.data() + m.secret_start - back, back);
    const size_t line_start = nl_before >= 0 ? m.secret_start - back + nl_before + 1 : m.secret_start - back;
    // The line ends at the first newline after the secret, even one the rule's trailing boundary
    // consumed: else a marker or a line allowlist on the NEXT line would apply to this key.
    const size_t fwd = std::min<size_t>(block.size() - m.match_end, kLineContext);
    const void* nl_after = std::memchr(block.data() + m.secret_end, '\n', m.match_end - m.secret_end + fwd);
    const size_t line_end = nl_after ? static_cast<const char*>(nl_after) - block.data() : m.match_end + fwd;
    const std::string_view line = block.substr(line_start, line_end - line_start);
    if (markers && has_inline_allow(line)) continue;
    // The line began in an earlier block: its marker there, if near enough, still applies.
    if (nl_before < 0 && back == m.secret_start && cur.line_marker >= 0 &&
        cur.base + m.secret_start - static_cast<uint64_t>(cur.line_marker) <= kLineContext)
      continue;
    lower_.assign(secret);
    for (char& ch : lower_)
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + ('a' - 'A'));
    const AllowContext ctx{secret, lower_, block.substr(m.match_start, m.match_end - m.match_start), line,
                           target.path, target.commit};
    auto allows = [&](const CompiledAllowlist& a) { return allowlist_allows(a, ctx); };
    if (std::any_of(r.allowlists.begin(), r.allowlists.end(), allows)) continue;
    if (std::any_of(rules_->global_allowlists().begin(), rules_->global_allowlists().end(), allows)) continue;

    // Line and column, counted incrementally: matches are sorted by position.
    lines += count_newlines(block.data() + counted, m.secret_start - counted);
    const int64_t nl = last_newline(block.data() + counted, m.secret_start - counted);
    if (nl >= 0) last_nl = static_cast<int64_t>(cur.base + counted) + nl;
    counted = m.secret_start;

    Finding f;
    f.rule_id = r.rule.id;
    f.description = r.rule.description;
    f.file = std::string(target.path);
    f.offset = cur.base + m.secret_start;
    f.line = lines + 1;
    f.column = f.offset - static_cast<uint64_t>(last_nl + 1) + 1;
    const uint64_t inner = count_newlines(secret.data(), secret.size());
    f.end_line = f.line + inner;
    if (inner == 0) {
      f.end_column = f.column + secret.size() - 1;
    } else {
      f.end_column = secret.size() - 1 - static_cast<uint64_t>(last_newline(secret.data(), secret.size()));
    }
    f.secret = std::string(secret);
    f.entropy = entropy;
    out.push_back(std::move(f));
  }
}

void ContentScanner::finish_file(std::vector<Finding>& out, size_t first) {
  // A catch-all rule yields to a specific rule that found the same bytes (`API_KEY="sk-ant-…"` is an
  // Anthropic key, not also a generic secret).
  auto generic = [&](const Finding& f) {
    return rules_->generic_rule(f.rule_id);
  };
  std::vector<std::pair<uint64_t, uint64_t>> specific;  // [start, end) of specific findings
  for (size_t i = first; i < out.size(); ++i)
    if (!generic(out[i]) && !out[i].secret.empty())
      specific.emplace_back(out[i].offset, out[i].offset + out[i].secret.size());
  if (!specific.empty()) {
    std::sort(specific.begin(), specific.end());
    // Longest specific secret: any overlapping interval starts at most this far before `e`.
    uint64_t longest = 0;
    for (const auto& p : specific) longest = std::max(longest, p.second - p.first);
    auto overlaps = [&](const Finding& f) {
      const uint64_t s = f.offset, e = f.offset + f.secret.size();
      // Candidates start in [s - longest, e): binary search, then a short scan.
      auto it = std::lower_bound(specific.begin(), specific.end(), std::make_pair(s > longest ? s - longest : 0, uint64_t{0}));
      for (; it != specific.end() && it->first < e; ++it)
        if (s < it->second) return true;
      return false;
    };
    auto drop = std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                               [&](const Finding& f) { return generic(f) && !f.secret.empty() && overlaps(f); });
    out.erase(drop, out.end());
  }
  for (size_t i = first; i < out.size(); ++i) finalize_identity(out[i]);
}

void ContentScanner::scan_buffer(std::string_view data, const ScanTarget& target, std::vector<Finding>& out) {
  const size_t first = out.size();
  add_path_findings(target, out);
  Cursor cur;
  size_t pos = 0;
  for (;;) {
    const size_t len = std::min(options_.block_size, data.size() - pos);
    const bool last = pos + len == data.size();
    const std::string_view block = data.substr(pos, len);
    const uint64_t next_rel = len - overlap_;
    scan_block(block, cur, last ? kNoEnd : cur.base + next_rel + kLeadMargin, target, out);
    if (last) break;
    advance(cur, block, next_rel);
    pos += next_rel;
  }
  finish_file(out, first);
}

uint64_t ContentScanner::scan_stream(const ReadFn& read, const ScanTarget& target, std::vector<Finding>& out,
                                     uint64_t size_hint) {
  const size_t first = out.size();
  add_path_findings(target, out);
  // Room for the whole input when it is known to be small (one read, and no 8 MiB buffer to fault
  // in per worker for a tree of small files), else a full block. Not zero-filled: every byte
  // scanned was read first.
  const size_t want = size_hint && size_hint < options_.block_size ? static_cast<size_t>(size_hint) + 1
                                                                   : options_.block_size;
  if (capacity_ < want) {
    const size_t cap = std::max(want, std::min(options_.block_size, capacity_ * 2));
    buffer_.reset(new char[cap]);
    capacity_ = cap;
  }
  Cursor cur;
  size_t filled = 0;
  uint64_t total = 0;
  bool eof = false;
  for (;;) {
    while (!eof && filled < capacity_) {
      const size_t n = read(buffer_.get() + filled, capacity_ - filled);
      if (n == 0) eof = true;
      filled += n;
      total += n;
    }
    if (!eof && capacity_ < options_.block_size) {
      // The input outgrew its size hint (a file that grew): continue with full blocks.
      std::unique_ptr<char[]> bigger(new char[options_.block_size]);
      std::memcpy(bigger.get(), buffer_.get(), filled);
      buffer_ = std::move(bigger);
      capacity_ = options_.block_size;
      continue;
    }
    const std::string_view block(buffer_.get(), filled);
    if (eof) {
      scan_block(block, cur, kNoEnd, target, out);
      break;
    }
    const uint64_t next_rel = filled - overlap_;
    scan_block(block, cur, cur.base + next_rel + kLeadMargin, target, out);
    advance(cur, block, next_rel);
    std::memmove(buffer_.get(), buffer_.get() + next_rel, overlap_);
    filled = overlap_;
  }
  finish_file(out, first);
  return total;
}

}  // namespace leakgate
