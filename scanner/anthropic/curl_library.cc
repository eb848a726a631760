#include "scanner/anthropic/curl_library.h"

#include <dlfcn.h>

#include <mutex>

namespace leakgate {

const CurlLibrary* curl_library(std::string* error) {
  static CurlLibrary lib;
  static const CurlLibrary* loaded = nullptr;
  static std::string load_error;
  static std::once_flag once;
  std::call_once(once, [] {
    void* h = nullptr;
    for (const char* name : {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so"})
      if ((h = ::dlopen(name, RTLD_NOW | RTLD_LOCAL))) break;
    if (!h) {
      load_error = "libcurl is not installed (libcurl4 on Debian): it is needed to talk to the Anthropic API";
      return;
    }
    bool ok = true;
    auto sym = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(h, name));
      ok = ok && fn != nullptr;
    };
    sym(lib.global_init, "curl_global_init");
    sym(lib.easy_init, "curl_easy_init");
    sym(lib.easy_setopt, "curl_easy_setopt");
    sym(lib.easy_perform, "curl_easy_perform");
    sym(lib.easy_getinfo, "curl_easy_getinfo");
    sym(lib.easy_cleanup, "curl_easy_cleanup");
    sym(lib.easy_strerror, "curl_easy_strerror");
    sym(lib.slist_append, "curl_slist_append");
    sym(lib.slist_free_all, "curl_slist_free_all");
    if (!ok) {
      load_error = "the installed libcurl lacks functions leakgate needs";
      return;
    }
    lib.global_init(CURL_GLOBAL_DEFAULT);
    loaded = &lib;
  });
  if (!loaded && error) *error = load_error;
  return loaded;
}

}  // namespace leakgate
