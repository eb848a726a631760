// Starting worker threads when the system may refuse some (a container's pids limit, an address
// space limit, `-j 1000`). std::thread's constructor throws then, and a vector of joinable threads
// destroyed by that exception calls std::terminate: the scan would abort with no message.
#pragma once

#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "scanner/util/error.h"

namespace leakgate {

// Grows `pool` to `n` threads running fn(index), stopping at the first one the system refuses. The
// work is shared through a queue, so fewer threads only means slower. Throws Error only if not a
// single thread is running (then nothing is left joinable).
template <typename Fn>
void start_threads(std::vector<std::thread>& pool, unsigned n, Fn fn) {
  for (unsigned i = static_cast<unsigned>(pool.size()); i < n; ++i) {
    try {
      pool.emplace_back(fn, i);
    } catch (const std::system_error& e) {
      if (pool.empty()) throw Error(std::string("cannot start a worker thread: ") + e.what());
      return;
    }
  }
}

}  // namespace leakgate
