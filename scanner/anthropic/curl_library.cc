#include "scanner/anthropic/curl_library.h"

#include <mutex>

#include "scanner/util/dynamic_library.h"

namespace leakgate {

const CurlLibrary* curl_library(std::string* error) {
  static CurlLibrary lib;
  static const CurlLibrary* loaded = nullptr;
  static std::string load_error;
  static std::once_flag once;
  std::call_once(once, [] {
    DynamicLibrary so({"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so"});
    if (!so.loaded()) {
      load_error = "libcurl is not installed (libcurl4 on Debian): it is needed to talk to the Anthropic API";
      return;
    }
    so.bind(lib.global_init, "curl_global_init");
    so.bind(lib.easy_init, "curl_easy_init");
    so.bind(lib.easy_setopt, "curl_easy_setopt");
    so.bind(lib.easy_perform, "curl_easy_perform");
    so.bind(lib.easy_getinfo, "curl_easy_getinfo");
    so.bind(lib.easy_cleanup, "curl_easy_cleanup");
    so.bind(lib.easy_strerror, "curl_easy_strerror");
    so.bind(lib.slist_append, "curl_slist_append");
    so.bind(lib.slist_free_all, "curl_slist_free_all");
    if (so.missing()) {
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
