// A shared library opened with dlopen(3) when it is first needed instead of being linked: libcurl
// (curl_library.cc) and libgit2 (libgit2_binding.cc) each bring a dozen or more libraries whose
// loading and relocation every run would pay, though few runs call them. Never closed: the
// functions bound from it are used until the process exits.
#pragma once

#include <dlfcn.h>

#include <initializer_list>
#include <string>

namespace leakgate {

class DynamicLibrary {
 public:
  // The first of `sonames` that loads (RTLD_NOW | RTLD_LOCAL).
  explicit DynamicLibrary(std::initializer_list<const char*> sonames);

  bool loaded() const { return handle_ != nullptr; }
  // dlerror()'s account of the last soname tried, when none loaded.
  const std::string& load_error() const { return load_error_; }

  // Looks `name` up into the function pointer `fn`. The first name not found is kept.
  template <class Fn>
  void bind(Fn& fn, const char* name) {
    fn = reinterpret_cast<Fn>(::dlsym(handle_, name));
    if (!fn && !missing_) missing_ = name;
  }
  // The first function bind() did not find, or null.
  const char* missing() const { return missing_; }

 private:
  void* handle_ = nullptr;
  std::string load_error_;
  const char* missing_ = nullptr;
};

}  // namespace leakgate
