// `leakgate hook install`: writes the pre-commit / pre-push hook into the repository's hooks
// directory (core.hooksPath if set), keeping an existing hook working: it is renamed to
// <hook>.pre-leakgate and the installed hook runs it first, with the same arguments and stdin.
#pragma once

#include <string>

namespace leakgate {

struct HookInstallOptions {
  std::string repo = ".";
  std::string hook = "pre-commit";  // or "pre-push"
  bool force = false;               // replace an existing hook that cannot be chained (backed up)
  std::string leakgate_path;        // the binary the hook runs by default
  bool trust_repo = false;
};

// Installs; returns a sentence saying what was done. Throws Error when it refuses or fails.
std::string install_hook(const HookInstallOptions& options);

}  // namespace leakgate
