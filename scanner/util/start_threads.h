// Starting worker threads when the system may refuse some (a container's pids limit, an address
// space limit, `-j 1000`). std::thread's constructor throws then, and a vector of joinable threads
// destroyed by that exception calls std::terminate: the scan would abort with no message.
#pragma once

#include <cstddef>
#include <functional>
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

namespace leakgate {

// Runs fn() on a thread of its own with a `stack_bytes` stack and waits for it; rethrows what it
// threw. For recursion whose depth the input decides (a tree nested 4,096 deep, git's own limit):
// the main thread's 8 MiB is not enough under AddressSanitizer's larger frames. The stack is
// reserved address space, committed only as it is used. If the system refuses the thread, fn runs
// on the calling thread.
void run_with_stack(size_t stack_bytes, const std::function<void()>& fn);

}  // namespace leakgate
