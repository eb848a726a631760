// Findings the user has already judged: `.leakgateignore` (one fingerprint per line, # comments)
// and --baseline (an earlier json report). Both match by fingerprint, which survives lines moving.
#pragma once

#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

#include "scanner/finding.h"

namespace leakgate {

class Suppression {
 public:
  // Adds the fingerprints in an ignore file's text (one per line, # comments).
  void load_ignore_text(const std::string& text);
  // Adds the fingerprints of an earlier json/jsonl report. Throws Error naming the file.
  void load_baseline(const std::string& report);
  void add(std::string fingerprint) { fingerprints_.insert(std::move(fingerprint)); }

  // Removes suppressed findings; returns how many.
  size_t apply(std::vector<Finding>& findings) const;
  size_t size() const { return fingerprints_.size(); }

 private:
  std::unordered_set<std::string> fingerprints_;
};

}  // namespace leakgate
