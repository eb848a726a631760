#include "scanner/util/dynamic_library.h"

namespace leakgate {

DynamicLibrary::DynamicLibrary(std::initializer_list<const char*> sonames) {
  for (const char* name : sonames) {
    if ((handle_ = ::dlopen(name, RTLD_NOW | RTLD_LOCAL))) return;
    const char* why = ::dlerror();
    load_error_ = why ? why : name;
  }
}

}  // namespace leakgate
