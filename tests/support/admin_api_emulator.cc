#include "support/admin_api_emulator.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <thread>

#include <nlohmann/json.hpp>

namespace lgtest {

using nlohmann::json;

struct AdminApiEmulator::Impl {
  std::string admin_key, org;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mu;
  std::vector<Key> keys;  // kept sorted by id
  struct Pending {
    Fault fault;
    std::string prefix;
    int times;
  };
  std::deque<Pending> faults;
  std::vector<std::pair<std::string, std::string>> seen;  // (method, path)
  std::vector<std::string> log;
  std::atomic<int> request_counter{0};
  int shift_counter = 0;

  std::string next_request_id() { return "req_emul_" + std::to_string(++request_counter); }

  void error(httplib::Response& res, int status, const std::string& type, const std::string& message) {
    const std::string rid = next_request_id();
    res.status = status;
    res.set_header("request-id", rid);
    res.set_content(json{{"type", "error"}, {"error", {{"type", type}, {"message", message}}}, {"request_id", rid}}.dump(),
                    "application/json");
  }

  static json key_json(const Key& k) {
    json j = {{"id", k.id},         {"type", "api_key"},          {"name", k.name},
              {"status", k.status}, {"partial_key_hint", k.hint}, {"created_at", k.created_at},
              {"created_by", {{"id", "user_01TEST"}, {"type", "user"}}}};
    j["expires_at"] = k.expires_at.empty() ? json(nullptr) : json(k.expires_at);
    j["workspace_id"] = k.workspace.empty() ? json(nullptr) : json(k.workspace);
    j["scope"] = k.workspace.empty() ? json{{"type", "organization"}} : json{{"type", "workspace"}, {"workspace_id", k.workspace}};
    return j;
  }

  // Applies a pending fault to this request; true if the response is taken care of.
  bool fault(const httplib::Request& req, httplib::Response& res) {
    Fault f;
    {
      std::lock_guard<std::mutex> l(mu);
      auto it = std::find_if(faults.begin(), faults.end(), [&](const Pending& p) { return req.path.rfind(p.prefix, 0) == 0; });
      if (it == faults.end()) return false;
      f = it->fault;
      if (--it->times <= 0) faults.erase(it);
    }
    switch (f) {
      case Fault::k429:
        error(res, 429, "rate_limit_error", "Number of requests has exceeded your rate limit");
        res.set_header("retry-after-ms", "30");
        res.set_header("retry-after", "1");
        return true;
      case Fault::k529: error(res, 529, "overloaded_error", "Overloaded"); return true;
      case Fault::k500: error(res, 500, "api_error", "Internal server error"); return true;
      case Fault::k503: error(res, 503, "api_error", "Service unavailable"); return true;
      case Fault::k403: error(res, 403, "permission_error", "This key cannot manage API keys"); return true;
      case Fault::k400: error(res, 400, "invalid_request_error", "Bad request"); return true;
      case Fault::kSlow: std::this_thread::sleep_for(std::chrono::milliseconds(2500)); return false;
      case Fault::kDrop:
        // A response cut off mid-body: the client sees a broken transfer, as with a dropped connection.
        res.status = 200;
        res.set_content_provider(
            1000, "application/json",
            [](size_t, size_t, httplib::DataSink& sink) {
              sink.write("{\"data\": [", 10);
              return false;
            });
        return true;
      case Fault::kMalformed:
        res.status = 200;
        res.set_content("{\"data\": [ {\"id\": ", "application/json");
        return true;
      case Fault::kShiftPage: {
        // A key created between two page requests: it sorts first, shifting every later page.
        std::lock_guard<std::mutex> l(mu);
        Key k;
        k.id = "apikey_00000shift" + std::to_string(++shift_counter);
        k.hint = "sk-ant-api03-zzz...zzAA";
        keys.insert(keys.begin(), k);
        return false;
      }
    }
    return false;
  }

  bool authorized(const httplib::Request& req, httplib::Response& res) {
    if (!req.has_header("anthropic-version")) {
      error(res, 400, "invalid_request_error", "anthropic-version header is required");
      return false;
    }
    if (req.get_header_value("x-api-key") != admin_key) {
      error(res, 401, "authentication_error", "invalid x-api-key");
      return false;
    }
    return true;
  }

  void record(const httplib::Request& req) {
    std::lock_guard<std::mutex> l(mu);
    seen.emplace_back(req.method, req.path);
    std::string line = req.method + " " + req.path;
    for (const auto& [k, v] : req.params) line += " " + k + "=" + v;
    for (const auto& [k, v] : req.headers) line += " " + k + ": " + v;
    line += " " + req.body;
    log.push_back(line);
  }

  void routes() {
    server.Get("/v1/models", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      if (fault(req, res)) return;
      const std::string key = req.get_header_value("x-api-key");
      std::lock_guard<std::mutex> l(mu);
      for (const Key& k : keys) {
        if (k.secret.empty() || k.secret != key) continue;
        if (k.status != "active") break;
        if (k.models_status != 200) {
          error(res, k.models_status, k.models_status == 403 ? "permission_error" : "api_error", "not now");
          return;
        }
        res.status = 200;
        if (k.org_header) res.set_header("anthropic-organization-id", k.org.empty() ? org : k.org);
        res.set_header("request-id", next_request_id());
        res.set_content(R"({"data": [{"id": "claude-test", "type": "model"}], "has_more": false})", "application/json");
        return;
      }
      error(res, 401, "authentication_error", "invalid x-api-key");
    });
    server.Get("/v1/organizations/me", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      if (fault(req, res) || !authorized(req, res)) return;
      res.set_header("request-id", next_request_id());
      res.set_content(json{{"id", org}, {"type", "organization"}, {"name", "Test Org"}}.dump(), "application/json");
    });
    server.Get("/v1/organizations/api_keys", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      if (fault(req, res) || !authorized(req, res)) return;
      int limit = req.has_param("limit") ? std::stoi(req.get_param_value("limit")) : 20;
      if (limit < 1 || limit > 1000) {
        error(res, 400, "invalid_request_error", "limit must be between 1 and 1000");
        return;
      }
      const std::string after = req.get_param_value("after_id");
      const std::string status = req.get_param_value("status");
      std::lock_guard<std::mutex> l(mu);
      json data = json::array();
      bool more = false;
      for (const Key& k : keys) {
        if (!after.empty() && k.id <= after) continue;
        if (!status.empty() && k.status != status) continue;
        if (static_cast<int>(data.size()) == limit) {
          more = true;
          break;
        }
        data.push_back(key_json(k));
      }
      json page = {{"data", data}, {"has_more", more}};
      page["first_id"] = data.empty() ? json(nullptr) : data.front()["id"];
      page["last_id"] = data.empty() ? json(nullptr) : data.back()["id"];
      res.set_header("request-id", next_request_id());
      res.set_content(page.dump(), "application/json");
    });
    server.Get(R"(/v1/organizations/api_keys/([A-Za-z0-9_]+))", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      if (fault(req, res) || !authorized(req, res)) return;
      std::lock_guard<std::mutex> l(mu);
      for (const Key& k : keys)
        if (k.id == req.matches[1]) {
          res.set_header("request-id", next_request_id());
          res.set_content(key_json(k).dump(), "application/json");
          return;
        }
      error(res, 404, "not_found_error", "no such key");
    });
    server.Post(R"(/v1/organizations/api_keys/([A-Za-z0-9_]+))", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      if (fault(req, res) || !authorized(req, res)) return;
      json body;
      try {
        body = json::parse(req.body);
      } catch (const json::exception&) {
        error(res, 400, "invalid_request_error", "body is not JSON");
        return;
      }
      const std::string status = body.value("status", "");
      if (status != "active" && status != "inactive" && status != "archived") {
        error(res, 400, "invalid_request_error", "invalid status");
        return;
      }
      std::lock_guard<std::mutex> l(mu);
      for (Key& k : keys)
        if (k.id == req.matches[1]) {
          if (k.status == "archived") {
            error(res, 409, "conflict_error", "archived keys cannot change");
            return;
          }
          k.status = status;
          res.set_header("request-id", next_request_id());
          res.set_content(key_json(k).dump(), "application/json");
          return;
        }
      error(res, 404, "not_found_error", "no such key");
    });
  }
};

AdminApiEmulator::AdminApiEmulator(std::string admin_key, std::string org_id) : impl_(std::make_unique<Impl>()) {
  impl_->admin_key = std::move(admin_key);
  impl_->org = std::move(org_id);
  impl_->routes();
  impl_->port = impl_->server.bind_to_any_port("127.0.0.1");
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  // The port is bound already (connections queue until listen() accepts); wait until it does.
  for (int i = 0; i < 500 && !impl_->server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

AdminApiEmulator::~AdminApiEmulator() {
  impl_->server.stop();
  impl_->thread.join();
}

std::string AdminApiEmulator::base_url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

void AdminApiEmulator::add_key(Key k) {
  std::lock_guard<std::mutex> l(impl_->mu);
  auto at = std::lower_bound(impl_->keys.begin(), impl_->keys.end(), k.id,
                             [](const Key& a, const std::string& id) { return a.id < id; });
  impl_->keys.insert(at, std::move(k));
}

AdminApiEmulator::Key AdminApiEmulator::key(const std::string& id) {
  std::lock_guard<std::mutex> l(impl_->mu);
  for (const Key& k : impl_->keys)
    if (k.id == id) return k;
  return {};
}

void AdminApiEmulator::inject(Fault fault, const std::string& path_prefix, int times) {
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->faults.push_back({fault, path_prefix, times});
}

int AdminApiEmulator::requests(const std::string& method, const std::string& prefix) const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return static_cast<int>(std::count_if(impl_->seen.begin(), impl_->seen.end(), [&](const auto& s) {
    return s.first == method && s.second.rfind(prefix, 0) == 0;
  }));
}

std::vector<std::string> AdminApiEmulator::log() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->log;
}

}  // namespace lgtest
