// libcurl, loaded when the first HTTP request is made rather than at process start. libcurl pulls
// ~25 shared libraries (Kerberos, LDAP, GnuTLS, …) whose loading and relocation cost ~4 ms on every
// run — a third of a directory scan's start-up — although only --verify, --revoke and `keys` ever
// talk to the network. The headers still come from libcurl's -dev package; only the binding is late.
#pragma once

#include <curl/curl.h>

#include <string>

namespace leakgate {

struct CurlLibrary {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  void (*easy_cleanup)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

// The loaded library (once per process); nullptr and `error` set when libcurl cannot be loaded.
const CurlLibrary* curl_library(std::string* error);

}  // namespace leakgate
