// The HTTP seam: everything leakgate says to the Anthropic API goes through HttpTransport, so the
// tests can run the real client against a local emulator or an in-memory fake, and nothing else in
// the program opens a network connection.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace leakgate {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;                              // 0: no response (connection failure, timeout)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string transport_error;                 // set when status == 0
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

struct CurlOptions {
  long connect_timeout_ms = 10'000;
  long total_timeout_ms = 30'000;
};

// libcurl: TLS verification on (never turned off), connect and total timeouts, proxies from the
// usual environment variables (libcurl's own handling of https_proxy / no_proxy).
class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(CurlOptions options = {});
  ~CurlTransport() override;
  HttpResponse send(const HttpRequest& request) override;

 private:
  CurlOptions options_;
};

}  // namespace leakgate
