#include "scanner/util/start_threads.h"

#include <pthread.h>

#include <exception>

namespace leakgate {
namespace {

struct Call {
  const std::function<void()>* fn;
  std::exception_ptr error;
};

void* trampoline(void* arg) {
  auto* call = static_cast<Call*>(arg);
  try {
    (*call->fn)();
  } catch (...) {
    call->error = std::current_exception();
  }
  return nullptr;
}

}  // namespace

void run_with_stack(size_t stack_bytes, const std::function<void()>& fn) {
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return fn();
  Call call{&fn, nullptr};
  pthread_t thread;
  const bool started = pthread_attr_setstacksize(&attr, stack_bytes) == 0 &&
                       pthread_create(&thread, &attr, trampoline, &call) == 0;
  pthread_attr_destroy(&attr);
  if (!started) return fn();
  pthread_join(thread, nullptr);
  if (call.error) std::rethrow_exception(call.error);
}

}  // namespace leakgate
