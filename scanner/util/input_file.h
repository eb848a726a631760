// Reads a small file the user handed us (a rule file, an earlier report, an ignore file, the admin
// key file) in full, or fails with a message that names it. The stream idiom (`ss << rdbuf()`)
// reads a directory as empty and hides read errors, which turned `--config DIR` into a scan with no
// rules; /dev/zero or a symlink to it would grow without end. Pipes stay welcome (--config <(...)).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace leakgate {

struct InputFileLimits {
  size_t max_bytes = size_t{64} << 20;  // larger than any real rule file, report or ignore file
  bool regular_only = false;            // refuse pipes and devices too (files a scanned repo holds)
};

// `what` names the file's role in messages: "config file", "report", "ignore file".
// Throws Error: missing, unreadable, a directory, not a regular file (when asked), too large.
std::string read_input_file(const std::filesystem::path& path, std::string_view what, InputFileLimits limits = {});

}  // namespace leakgate
