// Set-up failures (a broken rule, an unreadable config, a path that does not exist) are one typed
// error that the CLI turns into a message and exit code 2. Failures on a single file or object are
// not errors of this kind: they are recorded in the scan's result and the scan goes on.
#pragma once

#include <stdexcept>
#include <string>

namespace leakgate {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace leakgate
