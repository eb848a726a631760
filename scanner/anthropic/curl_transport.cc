
#include <algorithm>
#include <cstdlib>
#include <cctype>
#include <memory>

#include "scanner/anthropic/curl_library.h"
#include "scanner/anthropic/http_transport.h"

namespace leakgate {
namespace {

struct CurlFree {
  const CurlLibrary* lib;
  void operator()(CURL* c) const noexcept { lib->easy_cleanup(c); }
};
struct SlistFree {
  const CurlLibrary* lib;
  void operator()(curl_slist* l) const noexcept { lib->slist_free_all(l); }
};

size_t on_body(char* data, size_t size, size_t n, void* out) noexcept {
  try {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
  } catch (...) {
    return 0;  // tells libcurl to abort the transfer
  }
}

size_t on_header(char* data, size_t size, size_t n, void* out) noexcept {
  try {
    std::string line(data, size * n);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
      (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
    }
    return size * n;
  } catch (...) {
    return 0;
  }
}

}  // namespace

CurlTransport::CurlTransport(CurlOptions options) : options_(options) {
  if (const char* t = std::getenv("LEAKGATE_HTTP_TIMEOUT_MS"); t && std::atol(t) > 0) options_.total_timeout_ms = std::atol(t);
}

CurlTransport::~CurlTransport() = default;

HttpResponse CurlTransport::send(const HttpRequest& req) {
  HttpResponse res;
  std::string load_error;
  const CurlLibrary* lib = curl_library(&load_error);
  if (!lib) {
    res.transport_error = load_error;
    return res;
  }
  std::unique_ptr<CURL, CurlFree> curl(lib->easy_init(), CurlFree{lib});
  if (!curl) {
    res.transport_error = "libcurl could not start a transfer";
    return res;
  }
  std::unique_ptr<curl_slist, SlistFree> headers(nullptr, SlistFree{lib});
  for (const auto& [k, v] : req.headers) {
    curl_slist* next = lib->slist_append(headers.get(), (k + ": " + v).c_str());
    if (!next) {
      res.transport_error = "out of memory building headers";
      return res;
    }
    headers.release();
    headers.reset(next);
  }
  CURL* c = curl.get();
  lib->easy_setopt(c, CURLOPT_URL, req.url.c_str());
  lib->easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  lib->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  lib->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  lib->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  lib->easy_setopt(c, CURLOPT_TIMEOUT_MS, options_.total_timeout_ms);
  lib->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  lib->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect must not carry the key elsewhere
  lib->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  lib->easy_setopt(c, CURLOPT_USERAGENT, "leakgate/" LEAKGATE_VERSION);
  lib->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  lib->easy_setopt(c, CURLOPT_WRITEDATA, &res.body);
  lib->easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  lib->easy_setopt(c, CURLOPT_HEADERDATA, &res.headers);
  if (req.method == "POST") {
    lib->easy_setopt(c, CURLOPT_POST, 1L);
    lib->easy_setopt(c, CURLOPT_POSTFIELDS, req.body.c_str());
    lib->easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
  } else if (req.method != "GET") {
    lib->easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  const CURLcode rc = lib->easy_perform(c);
  if (rc != CURLE_OK) {
    // curl_easy_strerror never echoes request headers, so no key can reach this message.
    res.status = 0;
    res.transport_error = lib->easy_strerror(rc);
    return res;
  }
  long status = 0;
  lib->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  res.status = static_cast<int>(status);
  return res;
}

}  // namespace leakgate
