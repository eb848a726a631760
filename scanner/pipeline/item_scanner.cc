#include "scanner/pipeline/item_scanner.h"

#include <chrono>

#include "scanner/util/fd_reader.h"

namespace leakgate {

ItemScanner::ItemScanner(std::shared_ptr<const CompiledRuleset> rules, const ScanDriverOptions& options,
                         SourceReader& reader, std::function<void(const InputError&)> report, ReaderOutput& out)
    : options_(options), reader_(reader), report_(std::move(report)), out_(out), scanner_(std::move(rules), options.content) {}

ItemScanner::~ItemScanner() {
  out_.stats.hs_hits += scanner_.stats().hs_hits;
  out_.stats.own_db_scans += scanner_.stats().own_scans;
  out_.stats.confirm_ranges += scanner_.stats().ranges_confirmed;
  out_.stats.matches += scanner_.stats().matches;
}

void ItemScanner::scan(const Item& item, std::vector<Item>& entries) {
  if (item.listing) return list(item, entries);
  if (scanner_.path_exempt(item.path)) {
    ++out_.stats.skipped_exempt;
    return;
  }
  found_.clear();
  if (!read_and_match(item, found_) || found_.empty()) return;
  if (!item.earlier.empty()) subtract(item, found_);
  record(item, found_);
}

void ItemScanner::list(const Item& item, std::vector<Item>& entries) {
  std::vector<Unlisted> skipped_entries;
  reader_.list(item, entries, skipped_entries);
  for (const Unlisted& u : skipped_entries) {
    if (u.status == ItemStatus::kSymlink) ++out_.stats.skipped_symlinks;
    else if (u.status == ItemStatus::kSpecial) ++out_.stats.skipped_special;
    else fail(u.path, u.reason);
  }
}

bool ItemScanner::read_and_match(const Item& item, std::vector<Finding>& found) {
  Opened opened = reader_.open(item, options_.max_size);
  if (opened.status != ItemStatus::kRead) {
    skipped(item, opened.status, opened.reason);
    return false;
  }
  Content& content = *opened.content;
  const ScanTarget target{item.path, item.provenance ? std::string_view(item.provenance->commit) : std::string_view()};
  uint64_t bytes = 0;
  if (const auto data = content.in_memory()) {
    scanner_.scan_buffer(*data, target, found);
    bytes = data->size();
  } else {
    try {
      bytes = scanner_.scan_stream([&](char* buf, size_t n) { return content.read(buf, n); }, target, found,
                                   content.size_hint);
    } catch (const ReadError& e) {
      found.clear();  // what a partly read input held is not reported as if it were all of it
      fail(item.label(), e.what());
      return false;
    }
  }
  opened.content.reset();  // only the item being scanned is held
  ++out_.stats.files;
  out_.stats.bytes += bytes;
  if (options_.progress) options_.progress->bytes += bytes;
  return true;
}

void ItemScanner::skipped(const Item& item, ItemStatus status, const std::string& reason) {
  switch (status) {
    case ItemStatus::kRead:
      return;
    case ItemStatus::kSymlink:
      ++out_.stats.skipped_symlinks;
      return;
    case ItemStatus::kSpecial:
      ++out_.stats.skipped_special;
      return;
    case ItemStatus::kTooLarge:
      ++out_.stats.too_large;
      out_.too_large.push_back(item.id.is_zero() ? item.path : item.id.hex() + " " + item.path);
      return;
    case ItemStatus::kMissing:
      return fail(item.label(), reason, InputErrorKind::kMissing);
    case ItemStatus::kUnreadable:
      return fail(item.label(), reason);
  }
}

void ItemScanner::fail(const std::string& what, const std::string& reason, InputErrorKind kind) {
  InputError e{what, reason, kind};
  if (report_) report_(e);
  out_.errors.push_back(std::move(e));
  ++out_.stats.unreadable;
}

const ItemScanner::Secrets& ItemScanner::earlier_secrets(const Item& item, const ObjectId& version) {
  auto it = earlier_.find(version);
  if (it != earlier_.end()) return it->second;
  Secrets secrets;
  Item old;
  old.path = item.path;
  old.id = version;
  // An earlier version that cannot be read holds nothing: what the change has is then reported
  // as new, which can only add findings.
  Opened opened = reader_.open(old, 0);
  if (opened.status == ItemStatus::kRead) {
    std::vector<Finding> held;
    try {
      if (const auto data = opened.content->in_memory()) {
        scanner_.scan_buffer(*data, ScanTarget{item.path, {}}, held);
      } else {
        Content& c = *opened.content;
        scanner_.scan_stream([&](char* buf, size_t n) { return c.read(buf, n); }, ScanTarget{item.path, {}}, held,
                             c.size_hint);
      }
    } catch (const ReadError&) {
      held.clear();
    }
    for (auto& f : held) secrets.emplace(f.rule_id, std::move(f.secret));
  }
  return earlier_.emplace(version, std::move(secrets)).first->second;
}

void ItemScanner::subtract(const Item& item, std::vector<Finding>& found) {
  const auto t0 = std::chrono::steady_clock::now();
  Secrets old;
  for (const ObjectId& version : item.earlier) {
    const Secrets& s = earlier_secrets(item, version);
    old.insert(s.begin(), s.end());
  }
  std::erase_if(found, [&](const Finding& f) { return old.count({f.rule_id, f.secret}) > 0; });
  out_.subtract_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void ItemScanner::record(const Item& item, std::vector<Finding>& found) {
  for (Finding& f : found) {
    if (item.provenance) {
      f.git = *item.provenance;
      f.git->blob = item.id.hex();
      f.git->order = item.order;
    }
    out_.findings.emplace_back(item.order, std::move(f));
  }
}

}  // namespace leakgate
