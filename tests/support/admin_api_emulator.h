// A local stand-in for the Anthropic API, started by the tests on 127.0.0.1 (an ephemeral port),
// faithful to ANTHROPIC.md: x-api-key and anthropic-version checked, the error envelope with a
// request-id, after_id paging, key state that POSTs change, /v1/models for verification, and
// injectable faults. Nothing leaves the machine.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lgtest {

class AdminApiEmulator {
 public:
  struct Key {
    std::string id;
    std::string name;
    std::string status = "active";
    std::string hint;
    std::string created_at = "2024-01-01T00:00:00Z";
    std::string expires_at;  // empty: null
    std::string workspace;
    std::string secret;      // the full key, so /v1/models can answer for it (empty: not usable)
    std::string org;         // empty: this organization
    // What GET /v1/models answers for `secret` while the key is active: this status (a 200 lists
    // models; anything else is an error envelope), with the anthropic-organization-id header only
    // when `org_header`. A forged key is simply one whose secret the emulator does not hold: 401.
    int models_status = 200;
    bool org_header = true;
  };
  enum class Fault { k429, k529, k500, k503, kSlow, kDrop, kMalformed, kShiftPage, k403, k400 };

  AdminApiEmulator(std::string admin_key, std::string org_id = "org_01TESTORG");
  ~AdminApiEmulator();
  AdminApiEmulator(const AdminApiEmulator&) = delete;
  AdminApiEmulator& operator=(const AdminApiEmulator&) = delete;

  std::string base_url() const;
  void add_key(Key k);
  Key key(const std::string& id);
  // The next `times` requests whose path starts with `path_prefix` get `fault` instead of an answer.
  void inject(Fault fault, const std::string& path_prefix = "", int times = 1);
  int requests(const std::string& method, const std::string& path_prefix) const;
  // Every request line and header value received (to check what was sent where).
  std::vector<std::string> log() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lgtest
