// --verify, --revoke, `leakgate revoke` and `leakgate keys` against the local Admin API emulator.
// Every outcome of the revoke flow, the retry paths, paging, and that no key leaks anywhere.
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "scanner/report/redact.h"
#include "support/admin_api_emulator.h"
#include "support/test_support.h"

using lgtest::AdminApiEmulator;
using lgtest::KeyGen;
using lgtest::run_leakgate;
using nlohmann::json;
using Fault = AdminApiEmulator::Fault;

namespace {

struct World {
  KeyGen g{400};
  std::string admin = g.anthropic_admin();
  AdminApiEmulator api{admin};
  lgtest::TempDir dir;
  std::string audit = (dir.path() / "audit.jsonl").string();

  std::map<std::string, std::string> env(bool with_admin = true) {
    std::map<std::string, std::string> e{{"ANTHROPIC_BASE_URL", api.base_url()}, {"LEAKGATE_RETRY_BASE_MS", "10"},
                                         {"LEAKGATE_HTTP_TIMEOUT_MS", "1500"}, {"HOME", dir.path().string()}};
    if (with_admin) e["ANTHROPIC_ADMIN_KEY"] = admin;
    return e;
  }
  // A key of this organization; `secret` is what the scan will find. `tweak` changes the key
  // before the emulator gets it (how /v1/models answers for it, its workspace).
  std::string add(const std::string& id, const std::string& status = "active", std::string secret = "",
                  const std::function<void(AdminApiEmulator::Key&)>& tweak = {}) {
    if (secret.empty()) secret = g.anthropic_api();
    AdminApiEmulator::Key k;
    k.id = id;
    k.name = "key " + id;
    k.status = status;
    k.hint = leakgate::anthropic_hint(secret);
    k.secret = secret;
    if (tweak) tweak(k);
    api.add_key(k);
    return secret;
  }
  std::string add(const std::string& id, const std::function<void(AdminApiEmulator::Key&)>& tweak) {
    return add(id, "active", "", tweak);
  }
  // A repository whose .leakgate.toml says [hooks] revoke = "on", with leakgate's pre-push hook,
  // commits `key` and pushes it to a bare remote at dir/remote.git: what the hook does.
  lgtest::RunResult push_with_hook_revoke(const std::string& key) {
    const auto remote = dir.path() / "remote.git";
    REQUIRE(lgtest::run_command({"git", "init", "-q", "--bare", remote.string()}).exit_code == 0);
    repo.write(".leakgate.toml", "[hooks]\nrevoke = \"on\"\n");
    repo.commit("config");
    repo.git({"remote", "add", "origin", remote.string()});
    REQUIRE(lgtest::run_leakgate({"hook", "install", "--pre-push", repo.path().string()}).exit_code == 0);
    repo.write("settings.env", "ANTHROPIC_API_KEY=" + key + "\n");
    repo.commit("add key");
    for (const auto& [name, value] : env()) ::setenv(name.c_str(), value.c_str(), 1);
    ::setenv("XDG_STATE_HOME", dir.path().c_str(), 1);
    return repo.try_git({"push", "origin", "main"});
  }
  lgtest::GitRepo repo;
  // What anyone who has seen `real`'s hint can write: the same prefix, first 3 and last 4
  // characters, any middle. The emulator does not know it, so it never authenticates.
  std::string forge(const std::string& real) {
    const size_t head = leakgate::anthropic_hint(real).find("...");
    std::string forged = real.substr(0, head) + g.random("b64url", real.size() - head - 4) + real.substr(real.size() - 4);
    REQUIRE(forged != real);
    REQUIRE(leakgate::anthropic_hint(forged) == leakgate::anthropic_hint(real));
    return forged;
  }
  lgtest::RunResult scan(const std::string& text, std::vector<std::string> extra) {
    std::vector<std::string> args{"stdin", "--format", "json", "--audit-log", audit};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_leakgate(args, text, {}, env());
  }
  json revocation(const lgtest::RunResult& r, const std::string& secret) {
    for (const auto& f : json::parse(r.out))
      if (f["secret_sha256"] == leakgate_sha(secret)) return f.value("revocation", json());
    return json();
  }
  static std::string leakgate_sha(const std::string& s);
  void no_secret_anywhere(const lgtest::RunResult& r, const std::vector<std::string>& secrets) {
    const std::string audit_text = lgtest::read_file(audit);
    for (const auto& s : secrets) {
      CHECK(r.out.find(s) == std::string::npos);
      CHECK(r.err.find(s) == std::string::npos);
      CHECK(audit_text.find(s) == std::string::npos);
    }
    CHECK(r.out.find(admin) == std::string::npos);
    CHECK(r.err.find(admin) == std::string::npos);
    CHECK(audit_text.find(admin) == std::string::npos);
  }
};

}  // namespace

#include "scanner/util/sha256.h"
std::string World::leakgate_sha(const std::string& s) { return leakgate::sha256_hex(s); }

TEST_CASE("verify: live, dead and unknown, each distinct key checked once") {
  World w;
  const std::string live = w.add("apikey_01live");
  const std::string dead = w.g.anthropic_api();
  auto r = w.scan("a=" + live + "\nb=" + dead + "\nc=" + live + "\n", {"--verify", "--no-redact"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  std::map<std::string, std::string> status;
  for (const auto& f : json::parse(r.out)) status[f["secret"]] = f["verification"]["status"];
  CHECK(status[live] == "live");
  CHECK(status[dead] == "dead");
  CHECK(w.api.requests("GET", "/v1/models") == 2);
  // A server that keeps failing gives "unknown", never "dead".
  const std::string other = w.add("apikey_01other");
  w.api.inject(Fault::k500, "/v1/models", 10);
  auto u = w.scan("k=" + other + "\n", {"--verify"});
  const json f = json::parse(u.out);
  CHECK(f[0]["verification"]["status"] == "unknown");
  CHECK(f[0]["verification"]["http_status"] == 500);
}

TEST_CASE("revoke: the unique active match is deactivated, read back, and logged without secrets") {
  World w;
  const std::string k = w.add("apikey_01target");
  auto r = w.scan("ANTHROPIC_API_KEY=" + k + "\n", {"--revoke"});
  INFO(r.err);
  CHECK(r.exit_code == 1);  // the finding remains in the code
  const json rev = w.revocation(r, k);
  CHECK(rev["status"] == "deactivated");
  CHECK(rev["key_id"] == "apikey_01target");
  CHECK(w.api.key("apikey_01target").status == "inactive");
  CHECK(w.api.requests("POST", "/v1/organizations/api_keys/apikey_01target") == 1);
  CHECK(r.err.find("replacement key") != std::string::npos);
  const json line = json::parse(lgtest::read_file(w.audit));
  CHECK(line["key_id"] == "apikey_01target");
  CHECK(line["old_status"] == "active");
  CHECK(line["new_status"] == "inactive");
  CHECK(line["hint"] == leakgate::anthropic_hint(k));
  CHECK_FALSE(line["request_id"].get<std::string>().empty());
  w.no_secret_anywhere(r, {k});
  // --revoke verified the key first, even without --verify: the found key went to /v1/models
  // once, and only there; the admin endpoints saw the admin key and the hint, never the found key.
  CHECK(w.api.requests("GET", "/v1/models") == 1);
  for (const auto& l : w.api.log())
    if (l.rfind("GET /v1/models", 0) != 0) CHECK(l.find(k) == std::string::npos);
}

TEST_CASE("revoke outcomes: would-deactivate, not-live, ambiguous, not-ours, admin key, by hint already-inactive, not-found") {
  World w;
  const std::string dry = w.add("apikey_01dry");
  const std::string inactive = w.add("apikey_01inactive", "inactive");
  const std::string unknown = w.g.anthropic_api();
  const std::string shared = w.add("apikey_01sharedA");
  {
    AdminApiEmulator::Key twin;
    twin.id = "apikey_01sharedB";
    twin.hint = leakgate::anthropic_hint(shared);
    w.api.add_key(twin);
  }
  // Live, but in another organization (its /v1/models answer names a different org).
  const std::string foreign = w.g.anthropic_api();
  {
    AdminApiEmulator::Key f;
    f.id = "apikey_01foreignlookalike";
    f.hint = leakgate::anthropic_hint(foreign);
    f.secret = foreign;
    f.org = "org_01SOMEONEELSE";
    w.api.add_key(f);
  }
  const std::string admin_found = w.g.anthropic_admin();

  auto d = w.scan("k=" + dry + "\n", {"--revoke", "--dry-run"});
  CHECK(w.revocation(d, dry)["status"] == "would-deactivate");
  CHECK(w.api.requests("POST", "/") == 0);
  CHECK(w.api.key("apikey_01dry").status == "active");

  const std::string text = "a=" + inactive + "\nb=" + unknown + "\nc=" + shared + "\nd=" + foreign + "\ne=" + admin_found + "\n";
  auto r = w.scan(text, {"--revoke", "--verify"});
  INFO(r.err);
  // A found key that does not authenticate changes nothing, whatever the organization holds.
  CHECK(w.revocation(r, inactive)["status"] == "not-live");
  const json stranger = w.revocation(r, unknown);
  CHECK(stranger["status"] == "not-live");
  CHECK(stranger["message"] == "does not authenticate; a key with the same hint, if any, was left alone");
  CHECK_FALSE(stranger.contains("candidates"));
  const json amb = w.revocation(r, shared);
  CHECK(amb["status"] == "ambiguous");
  CHECK(amb["candidates"] == json::array({"apikey_01sharedA", "apikey_01sharedB"}));
  CHECK(w.revocation(r, foreign)["status"] == "not-ours");
  const json adm = w.revocation(r, admin_found);
  CHECK(adm["status"] == "error");
  CHECK(adm["message"].get<std::string>().find("Console") != std::string::npos);
  CHECK(w.api.requests("POST", "/") == 0);  // nothing changed
  CHECK(w.api.key("apikey_01sharedA").status == "active");
  CHECK(w.api.key("apikey_01foreignlookalike").status == "active");
  w.no_secret_anywhere(r, {inactive, unknown, shared, foreign, admin_found});

  // Named by hint, by an administrator: those two are looked up, not verified.
  auto h = run_leakgate({"revoke", "--hint", leakgate::anthropic_hint(inactive), "--hint",
                         leakgate::anthropic_hint(unknown), "--yes", "-f", "json", "--audit-log", w.audit},
                        "", {}, w.env());
  INFO(h.err);
  CHECK(h.exit_code == 1);
  const json out = json::parse(h.out);
  REQUIRE(out.size() == 2);
  CHECK(out[0]["status"] == "already-inactive");
  CHECK(out[0]["key_id"] == "apikey_01inactive");
  CHECK(out[1]["status"] == "not-found");
  CHECK(w.api.requests("POST", "/") == 0);
}

TEST_CASE("revoke without an admin key fails before scanning, naming where the key comes from") {
  World w;
  auto r = run_leakgate({"stdin", "--revoke"}, "nothing\n", {}, w.env(false));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("ANTHROPIC_ADMIN_KEY") != std::string::npos);
  CHECK(r.err.find("ANTHROPIC_ADMIN_API_KEY") != std::string::npos);
  CHECK(r.err.find("--admin-key-file") != std::string::npos);
  // From a file instead.
  const auto file = w.dir.write("admin.key", w.admin + "\n");
  const std::string k = w.add("apikey_01fromfile");
  auto ok = run_leakgate({"stdin", "--revoke", "--format", "json", "--admin-key-file", file.string(), "--audit-log", w.audit},
                         "k=" + k + "\n", {}, w.env(false));
  CHECK(w.revocation(ok, k)["status"] == "deactivated");
}

TEST_CASE("retries: 429 with retry-after, 529, 500 and a dropped connection are retried, 400 is not") {
  World w;
  const std::string k = w.add("apikey_01retry");
  w.api.inject(Fault::k429, "/v1/organizations/api_keys", 1);
  w.api.inject(Fault::k529, "/v1/organizations/api_keys", 1);
  w.api.inject(Fault::k500, "/v1/organizations/api_keys", 1);
  auto r = w.scan("k=" + k + "\n", {"--revoke"});
  INFO(r.err);
  CHECK(w.revocation(r, k)["status"] == "deactivated");
  CHECK(w.api.requests("GET", "/v1/organizations/api_keys") >= 4);

  const std::string k2 = w.add("apikey_01drop");
  w.api.inject(Fault::kDrop, "/v1/organizations/api_keys", 1);
  CHECK(w.revocation(w.scan("k=" + k2 + "\n", {"--revoke"}), k2)["status"] == "deactivated");

  const std::string k3 = w.add("apikey_01slow");
  w.api.inject(Fault::kSlow, "/v1/organizations/api_keys", 1);  // longer than the client's timeout
  CHECK(w.revocation(w.scan("k=" + k3 + "\n", {"--revoke"}), k3)["status"] == "deactivated");

  const std::string k4 = w.add("apikey_01bad");
  const int before = w.api.requests("GET", "/v1/organizations/api_keys");
  w.api.inject(Fault::k403, "/v1/organizations/api_keys", 1);
  auto e = w.scan("k=" + k4 + "\n", {"--revoke"});
  const json rev = w.revocation(e, k4);
  CHECK(rev["status"] == "error");
  const std::string msg = rev["message"];
  CHECK(msg.find("permission_error") != std::string::npos);
  CHECK(msg.find("request-id req_emul_") != std::string::npos);
  CHECK(w.api.requests("GET", "/v1/organizations/api_keys") == before + 1);  // no retry on 4xx
  CHECK(w.api.key("apikey_01bad").status == "active");

  const std::string k5 = w.add("apikey_01malformed");
  w.api.inject(Fault::kMalformed, "/v1/organizations/api_keys", 1);
  CHECK(w.revocation(w.scan("k=" + k5 + "\n", {"--revoke"}), k5)["status"] == "error");
  CHECK(w.api.key("apikey_01malformed").status == "active");
}

TEST_CASE("paging: an organization of 2,500 keys, and a page that shifts between calls") {
  World w;
  for (int i = 0; i < 2500; ++i) {
    AdminApiEmulator::Key k;
    char id[32];
    std::snprintf(id, sizeof id, "apikey_01bulk%05d", i);
    k.id = id;
    k.hint = "sk-ant-api03-" + w.g.random("b64url", 3) + "..." + w.g.random("b64url", 2) + "AA";
    w.api.add_key(k);
  }
  const std::string last = w.add("apikey_01zzzlast");  // sorts after every bulk key: on page 3
  w.api.inject(Fault::kShiftPage, "/v1/organizations/api_keys", 1);
  auto r = w.scan("k=" + last + "\n", {"--revoke"});
  INFO(r.err);
  CHECK(w.revocation(r, last)["status"] == "deactivated");
  CHECK(w.api.requests("GET", "/v1/organizations/api_keys?") + w.api.requests("GET", "/v1/organizations/api_keys") >= 3);
}

TEST_CASE("leakgate revoke by hint and from a redacted report") {
  World w;
  const std::string k = w.add("apikey_01report");
  auto scan = w.scan("k=" + k + "\n", {"-o", (w.dir.path() / "r.json").string()});
  CHECK(scan.exit_code == 1);
  auto dry = run_leakgate({"revoke", "--report", (w.dir.path() / "r.json").string(), "--dry-run", "--audit-log", w.audit},
                          "", {}, w.env());
  CHECK(dry.exit_code == 0);
  CHECK(dry.out.find("would-deactivate") != std::string::npos);
  auto real = run_leakgate({"revoke", "--hint", leakgate::anthropic_hint(k), "--yes", "-f", "json", "--audit-log", w.audit},
                           "", {}, w.env());
  CHECK(real.exit_code == 0);
  CHECK(json::parse(real.out)[0]["status"] == "deactivated");
  auto missing =
      run_leakgate({"revoke", "--hint", "sk-ant-api03-abc...wxAA", "--yes", "--audit-log", w.audit}, "", {}, w.env());
  CHECK(missing.exit_code == 1);
  CHECK(missing.out.find("not-found") != std::string::npos);
  w.no_secret_anywhere(real, {k});
}

TEST_CASE("keys list, audit (dates pinned), deactivate and archive") {
  World w;
  using Key = AdminApiEmulator::Key;
  Key old_active{.id = "apikey_01old", .name = "old", .status = "active", .hint = "sk-ant-api03-aaa...aaAA",
                 .created_at = "2024-01-01T00:00:00Z"};
  Key fresh{.id = "apikey_01fresh", .name = "fresh", .status = "active", .hint = "sk-ant-api03-bbb...bbAA",
            .created_at = "2024-05-25T00:00:00Z", .expires_at = "2025-01-01T00:00:00Z", .workspace = "wrkspc_01A"};
  Key stale_inactive{.id = "apikey_01stale", .name = "stale", .status = "inactive", .hint = "sk-ant-api03-ccc...ccAA",
                     .created_at = "2024-05-01T00:00:00Z", .expires_at = "2025-01-01T00:00:00Z"};
  Key new_inactive{.id = "apikey_01recent", .name = "recent", .status = "inactive", .hint = "sk-ant-api03-ddd...ddAA",
                   .created_at = "2024-05-28T00:00:00Z", .expires_at = "2025-01-01T00:00:00Z"};
  for (auto& k : {old_active, fresh, stale_inactive, new_inactive}) w.api.add_key(k);
  auto env = w.env();
  env["LEAKGATE_NOW"] = "2024-06-01T00:00:00";
  auto list = run_leakgate({"keys", "list", "-f", "json"}, "", {}, env);
  CHECK(list.exit_code == 0);
  CHECK(json::parse(list.out).size() == 4);
  auto active = run_leakgate({"keys", "list", "--status", "active", "-f", "json"}, "", {}, env);
  CHECK(json::parse(active.out).size() == 2);
  auto audit = run_leakgate({"keys", "audit", "-f", "json"}, "", {}, env);
  CHECK(audit.exit_code == 1);
  std::map<std::string, std::string> why;
  for (const auto& k : json::parse(audit.out)) why[k["id"]] = k["findings"].dump();
  CHECK(why.count("apikey_01old"));
  CHECK(why["apikey_01old"].find("rotate") != std::string::npos);
  CHECK(why["apikey_01old"].find("no expiry") != std::string::npos);
  CHECK(why["apikey_01stale"].find("archive") != std::string::npos);
  CHECK_FALSE(why.count("apikey_01fresh"));
  CHECK_FALSE(why.count("apikey_01recent"));
  // Deactivate needs --yes when there is no terminal to ask on.
  CHECK(run_leakgate({"keys", "deactivate", "apikey_01old", "--audit-log", w.audit}, "", {}, env).exit_code == 2);
  CHECK(w.api.key("apikey_01old").status == "active");
  CHECK(run_leakgate({"keys", "deactivate", "apikey_01old", "--yes", "--audit-log", w.audit}, "", {}, env).exit_code == 0);
  CHECK(w.api.key("apikey_01old").status == "inactive");
  CHECK(run_leakgate({"keys", "archive", "apikey_01stale", "--yes", "--audit-log", w.audit}, "", {}, env).exit_code == 0);
  CHECK(w.api.key("apikey_01stale").status == "archived");
  CHECK(lgtest::read_file(w.audit).find("\"new_status\":\"archived\"") != std::string::npos);
  // A wrong admin key: a clear authentication error, exit 2.
  env["ANTHROPIC_ADMIN_KEY"] = w.g.anthropic_admin();
  auto denied = run_leakgate({"keys", "list"}, "", {}, env);
  CHECK(denied.exit_code == 2);
  CHECK(denied.err.find("authentication_error") != std::string::npos);
  CHECK(denied.err.find(env["ANTHROPIC_ADMIN_KEY"]) == std::string::npos);
}

TEST_CASE("pre-push with hooks.revoke set to on in .leakgate.toml: the found key is deactivated and the push refused") {
  World w;
  const std::string k = w.add("apikey_01pushed");
  auto r = w.push_with_hook_revoke(k);
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("push blocked") != std::string::npos);
  CHECK(r.err.find("deactivated") != std::string::npos);
  CHECK(w.api.key("apikey_01pushed").status == "inactive");
  CHECK(r.err.find(k) == std::string::npos);
  CHECK(r.err.find(w.admin) == std::string::npos);
}

namespace {
// Every byte under `dir`, concatenated: what a leak into a temp or cache file would show up in.
std::string all_bytes_under(const std::filesystem::path& dir) {
  std::string all;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) all += lgtest::read_file(e.path());
  return all;
}
}  // namespace

TEST_CASE("no leaks: every format, stdout, stderr, audit log, temp and cache directories, and error messages") {
  World w;
  const std::string live = w.add("key_live");  // found, verified, revoked
  const std::string other = w.g.anthropic_api();  // found, unknown to the organization
  lgtest::TempDir tree, tmp, cache;
  tree.write("app/.env", "ANTHROPIC_API_KEY=" + live + "\n");
  tree.write("notes.md", "old key: " + other + "\n");
  auto env = w.env();
  env["TMPDIR"] = tmp.path().string();
  env["LEAKGATE_CACHE_DIR"] = cache.path().string();
  const std::vector<std::string> secrets{live, other};
  for (std::string fmt : {"text", "json", "jsonl", "sarif", "csv"}) {
    INFO(fmt);
    const auto out_file = (w.dir.path() / ("report." + fmt)).string();
    auto r = run_leakgate({"dir", tree.path().string(), "--format", fmt, "--verify", "--revoke", "--dry-run",
                           "--audit-log", w.audit},
                          "", {}, env);
    CHECK(r.exit_code == 1);
    w.no_secret_anywhere(r, secrets);
    auto to_file = run_leakgate({"dir", tree.path().string(), "--format", fmt, "-o", out_file}, "", {}, env);
    CHECK(to_file.exit_code == 1);
    const std::string written = lgtest::read_file(out_file);
    CHECK(written.find(leakgate::anthropic_hint(live)) != std::string::npos);  // the report is there...
    for (const auto& s : secrets) CHECK(written.find(s) == std::string::npos);  // ...without the secret
  }
  // The real revoke: the emulator saw the secret only where the API needs it (GET /v1/models).
  auto revoked = run_leakgate({"dir", tree.path().string(), "--revoke", "--audit-log", w.audit}, "", {}, env);
  CHECK(revoked.exit_code == 1);
  w.no_secret_anywhere(revoked, secrets);
  // Error paths that quote input: a rule regex and an allowlist entry holding a key, a broken
  // .leakgate.toml line holding one. The message names the problem, not the secret.
  lgtest::TempDir bad;
  const auto rules = bad.write("rules.toml", "[[rules]]\nid = \"bad\"\nregex = '''(" + live + "'''\n");
  auto e1 = run_leakgate({"dir", tree.path().string(), "-c", rules.string()}, "", {}, env);
  CHECK(e1.exit_code == 2);
  CHECK(e1.err.find("invalid regex") != std::string::npos);
  INFO(e1.err);
  CHECK(e1.err.find(leakgate::anthropic_hint(live)) != std::string::npos);
  const auto allow = bad.write("allow.toml", "[allowlist]\nregexes = ['''" + other + "(''']\n");
  auto e2 = run_leakgate({"dir", tree.path().string(), "-c", allow.string()}, "", {}, env);
  CHECK(e2.exit_code == 2);
  bad.write("root/.leakgate.toml", "title = \"x\"\nkey = " + live + "\n");
  auto e3 = run_leakgate({"dir", (bad.path() / "root").string()}, "", {}, env);
  CHECK(e3.exit_code == 2);
  CHECK(e3.err.find(".leakgate.toml") != std::string::npos);
  for (const auto* r : {&e1, &e2, &e3}) w.no_secret_anywhere(*r, secrets);
  // Nothing was left in the temp directory, and the compiled-rule cache holds no secret.
  const std::string leftovers = all_bytes_under(tmp.path()) + all_bytes_under(cache.path());
  for (const auto& s : secrets) CHECK(leftovers.find(s) == std::string::npos);
  CHECK(leftovers.find(w.admin) == std::string::npos);
  // The emulator received the found keys only as the x-api-key of GET /v1/models (verification).
  CHECK(w.api.requests("GET", "/v1/models") > 0);
  for (const auto& line : w.api.log()) {
    if (line.rfind("GET /v1/models", 0) == 0) continue;
    for (const auto& s : secrets) CHECK(line.find(s) == std::string::npos);
  }
}

TEST_CASE("an audit log that cannot be written: no key changes, every target gets its outcome") {
  World w;
  const std::string a = w.add("apikey_01first"), b = w.add("apikey_01second");
  // The log's directory is a regular file: neither the directory nor the log can be created.
  w.dir.write("not-a-dir", "x");
  const std::string bad = (w.dir.path() / "not-a-dir" / "audit.jsonl").string();
  auto r = run_leakgate({"revoke", "--hint", leakgate::anthropic_hint(a), "--hint", leakgate::anthropic_hint(b), "--yes",
                         "-f", "json", "--audit-log", bad},
                        "", {}, w.env());
  INFO(r.err);
  CHECK(r.exit_code == 2);
  const json out = json::parse(r.out);
  REQUIRE(out.size() == 2);
  for (const auto& o : out) {
    CHECK(o["status"] == "error");
    CHECK(o["message"].get<std::string>().rfind("not deactivated: cannot write the audit log '" + bad + "'", 0) == 0);
  }
  CHECK(w.api.key("apikey_01first").status == "active");
  CHECK(w.api.key("apikey_01second").status == "active");
  CHECK(w.api.requests("POST", "/v1/organizations/api_keys/apikey_01first") == 0);
  // keys deactivate refuses before it changes anything, too.
  auto set = run_leakgate({"keys", "deactivate", "apikey_01first", "--yes", "--audit-log", bad}, "", {}, w.env());
  CHECK(set.exit_code == 2);
  CHECK(set.err.find("cannot write the audit log") != std::string::npos);
  CHECK(w.api.key("apikey_01first").status == "active");
  CHECK(w.api.requests("POST", "/v1/organizations/api_keys/apikey_01first") == 0);
}

// The hole this guards: a key's hint is public (the Console shows it to every member, redacted
// reports print it), so anyone can write a key-shaped string with a production key's hint and put
// it in a pull request. A --revoke scan must not take it for the production key.
TEST_CASE("a forged look-alike of a real active key: not-live, the real key left alone and named") {
  World w;
  const std::string real = w.add("apikey_01production");
  const std::string forged = w.forge(real);
  for (const std::vector<std::string>& extra : {std::vector<std::string>{"--revoke"}, {"--revoke", "--revoke-unverified"}}) {
    auto r = w.scan("ANTHROPIC_API_KEY=" + forged + "\n", extra);
    INFO(r.err);
    CHECK(r.exit_code == 1);  // still a finding
    const json rev = w.revocation(r, forged);
    CHECK(rev["status"] == "not-live");
    CHECK(rev["key_id"].is_null());
    CHECK(rev["candidates"] == json::array({"apikey_01production"}));
    CHECK(rev["message"] ==
          "a look-alike of a real key: the active key apikey_01production (key apikey_01production) has the same "
          "hint and was left alone");
    CHECK(json::parse(r.out)[0]["verification"]["status"] == "dead");  // --revoke verified it
    CHECK(r.err.find(": not-live candidates: apikey_01production - a look-alike") != std::string::npos);
    CHECK(r.err.find("stop working") == std::string::npos);
    w.no_secret_anywhere(r, {forged, real});
  }
  CHECK(w.api.key("apikey_01production").status == "active");
  CHECK(w.api.requests("POST", "/") == 0);
  CHECK_FALSE(std::filesystem::exists(w.audit));  // no audit record: nothing changed
}

TEST_CASE("dead found keys change nothing: 401 and 404, with or without --revoke-unverified") {
  World w;
  const std::string disabled = w.add("apikey_01disabled", [](AdminApiEmulator::Key& k) { k.models_status = 404; });
  const std::string stranger = w.g.anthropic_api();  // no key of the organization has its hint
  for (const std::vector<std::string>& extra : {std::vector<std::string>{"--revoke"}, {"--revoke", "--revoke-unverified"}}) {
    auto r = w.scan("a=" + disabled + "\nb=" + stranger + "\n", extra);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(w.revocation(r, disabled)["status"] == "not-live");
    CHECK(w.revocation(r, disabled)["candidates"] == json::array({"apikey_01disabled"}));
    CHECK(w.revocation(r, stranger)["status"] == "not-live");
    CHECK(w.revocation(r, stranger)["message"] ==
          "does not authenticate; a key with the same hint, if any, was left alone");
  }
  CHECK(w.api.key("apikey_01disabled").status == "active");
  CHECK(w.api.requests("POST", "/") == 0);
  // not-live is no failure of the revocation: --exit-code 0 passes.
  CHECK(w.scan("b=" + stranger + "\n", {"--revoke", "--exit-code", "0"}).exit_code == 0);
}

TEST_CASE("a live key whose response names no organization is not proven") {
  World w;
  const std::string k = w.add("apikey_01noorg", [](AdminApiEmulator::Key& key) { key.org_header = false; });
  auto r = w.scan("k=" + k + "\n", {"--revoke"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const json rev = w.revocation(r, k);
  CHECK(rev["status"] == "error");
  CHECK(rev["message"] ==
        "could not verify the key (it is live, but the response names no organization): nothing was changed; "
        "--revoke-unverified acts on the hint alone");
  CHECK(w.api.key("apikey_01noorg").status == "active");
  CHECK(w.api.requests("POST", "/") == 0);
  // Opting in acts on the hint, and says so.
  auto u = w.scan("k=" + k + "\n", {"--revoke", "--revoke-unverified"});
  const json acted = w.revocation(u, k);
  CHECK(acted["status"] == "deactivated");
  CHECK(acted["message"].get<std::string>().rfind(
            "acted on the hint alone (could not verify the key: it is live, but the response names no organization): "
            "deactivated",
            0) == 0);
  CHECK(w.api.key("apikey_01noorg").status == "inactive");
}

TEST_CASE("a key that cannot be verified (503 past the retries, dropped connections) changes nothing") {
  World w;
  const std::string busy = w.add("apikey_01busy", [](AdminApiEmulator::Key& k) { k.models_status = 503; });
  auto r = w.scan("k=" + busy + "\n", {"--revoke"});
  INFO(r.err);
  CHECK(r.exit_code == 1);  // the finding decides the exit code
  const json rev = w.revocation(r, busy);
  CHECK(rev["status"] == "error");
  const std::string msg = rev["message"];
  CHECK(msg.rfind("could not verify the key (HTTP 503 api_error", 0) == 0);
  CHECK(msg.find("): nothing was changed; --revoke-unverified acts on the hint alone") != std::string::npos);
  CHECK(w.api.requests("GET", "/v1/models") == 4);  // retried to the budget
  CHECK(w.api.requests("GET", "/v1/organizations/api_keys") == 0);  // no lookup for an unproven key
  // With --exit-code 0 the findings pass, the failed revocation does not.
  CHECK(w.scan("k=" + busy + "\n", {"--revoke", "--exit-code", "0"}).exit_code == 2);
  CHECK(w.api.key("apikey_01busy").status == "active");

  const std::string dropped = w.add("apikey_01dropped");
  w.api.inject(Fault::kDrop, "/v1/models", 4);
  auto d = w.scan("k=" + dropped + "\n", {"--revoke", "--exit-code", "0"});
  CHECK(d.exit_code == 2);
  CHECK(w.revocation(d, dropped)["status"] == "error");
  CHECK(w.revocation(d, dropped)["message"].get<std::string>().find("could not verify the key (connection_error") == 0);
  CHECK(w.api.key("apikey_01dropped").status == "active");
  CHECK(w.api.requests("POST", "/") == 0);

  // --revoke-unverified: the old hint-only path, named as such.
  for (const auto& [secret, id] : {std::pair{busy, "apikey_01busy"}, {dropped, "apikey_01dropped"}}) {
    if (secret == dropped) w.api.inject(Fault::kDrop, "/v1/models", 4);
    auto u = w.scan("k=" + secret + "\n", {"--revoke", "--revoke-unverified"});
    INFO(u.err);
    const json acted = w.revocation(u, secret);
    CHECK(acted["status"] == "deactivated");
    CHECK(acted["message"].get<std::string>().rfind("acted on the hint alone (could not verify the key: ", 0) == 0);
    CHECK(w.api.key(id).status == "inactive");
  }
}

TEST_CASE("revoke --hint off a terminal needs --yes, --dry-run does not, the candidate is shown first") {
  World w;
  const std::string k = w.add("apikey_01byhand", [](AdminApiEmulator::Key& key) { key.workspace = "wrkspc_01X"; });
  const std::string d = w.add("apikey_01default");
  const std::string hint = leakgate::anthropic_hint(k), hint_d = leakgate::anthropic_hint(d);
  auto refused = run_leakgate({"revoke", "--hint", hint, "--audit-log", w.audit}, "", {}, w.env());
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("revoke changes keys: run it on a terminal to confirm each, or pass --yes (--dry-run shows "
                         "what would change)") != std::string::npos);
  CHECK(w.api.log().empty());  // refused before any request
  auto dry = run_leakgate({"revoke", "--hint", hint, "--dry-run", "-f", "json", "--audit-log", w.audit}, "", {}, w.env());
  CHECK(dry.exit_code == 0);
  CHECK(json::parse(dry.out)[0]["status"] == "would-deactivate");
  CHECK(w.api.key("apikey_01byhand").status == "active");
  CHECK(w.api.requests("POST", "/") == 0);
  auto yes = run_leakgate({"revoke", "--hint", hint, "--hint", hint_d, "--yes", "--audit-log", w.audit}, "", {}, w.env());
  INFO(yes.err);
  CHECK(yes.exit_code == 0);
  CHECK(yes.err.find(hint + " is apikey_01byhand \"key apikey_01byhand\", workspace wrkspc_01X, created "
                            "2024-01-01T00:00:00Z") != std::string::npos);
  CHECK(yes.err.find(hint_d + " is apikey_01default \"key apikey_01default\", default workspace, created ") !=
        std::string::npos);
  CHECK(yes.err.find("[y/N]") == std::string::npos);  // --yes: shown, not asked
  CHECK(yes.out.find(hint + "  deactivated  apikey_01byhand") != std::string::npos);
  CHECK(w.api.key("apikey_01byhand").status == "inactive");
  CHECK(w.api.key("apikey_01default").status == "inactive");
}

TEST_CASE("revoke on a terminal asks for each key, a declined key is left alone") {
  World w;
  const std::string a = w.add("apikey_01askfirst"), b = w.add("apikey_01asksecond");
  // script(1) is util-linux's (Debian's essential bsdutils): always there, so never skipped.
  REQUIRE(lgtest::run_command({"script", "--version"}).exit_code == 0);
  // script(1) gives leakgate a terminal as stdin and stderr; the answers are typed into it.
  const std::string cmd = std::string(LEAKGATE_BINARY) + " revoke --hint '" + leakgate::anthropic_hint(a) +
                          "' --hint '" + leakgate::anthropic_hint(b) + "' --audit-log '" + w.audit + "'";
  auto r = lgtest::run_command({"script", "-qec", cmd, "/dev/null"}, "n\ny\n", {}, w.env());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);  // one key was not deactivated
  CHECK(r.out.find("Deactivate apikey_01askfirst? [y/N]") != std::string::npos);
  CHECK(r.out.find("Deactivate apikey_01asksecond? [y/N]") != std::string::npos);
  CHECK(r.out.find("declined  apikey_01askfirst  not confirmed: nothing was changed") != std::string::npos);
  CHECK(r.out.find("deactivated  apikey_01asksecond") != std::string::npos);
  CHECK(w.api.key("apikey_01askfirst").status == "active");
  CHECK(w.api.key("apikey_01asksecond").status == "inactive");
  CHECK(w.api.requests("POST", "/v1/organizations/api_keys/apikey_01askfirst") == 0);
}

TEST_CASE("revoke --report: an unredacted report's keys must prove themselves, its hints need not") {
  World w;
  const std::string real = w.add("apikey_01reported");
  const std::string forged = w.forge(real);
  const auto report = (w.dir.path() / "full.json").string();
  REQUIRE(w.scan("k=" + forged + "\n", {"--no-redact", "-o", report}).exit_code == 1);
  REQUIRE(lgtest::read_file(report).find(forged) != std::string::npos);
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--revoke-unverified"}}) {
    std::vector<std::string> args{"revoke", "--report", report, "--yes", "-f", "json", "--audit-log", w.audit};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_leakgate(args, "", {}, w.env());
    INFO(r.err);
    CHECK(r.exit_code == 1);
    const json out = json::parse(r.out);
    REQUIRE(out.size() == 1);
    CHECK(out[0]["status"] == "not-live");
    CHECK(out[0]["candidates"] == json::array({"apikey_01reported"}));
    CHECK(r.err.find("Deactivate") == std::string::npos);
    CHECK(r.err.find(" is apikey_01reported") == std::string::npos);  // no candidate was ever offered
  }
  CHECK(w.api.key("apikey_01reported").status == "active");
  CHECK(w.api.requests("POST", "/") == 0);
  CHECK_FALSE(std::filesystem::exists(w.audit));
  // The real key, unredacted, proves itself; a report's secret_sha256 is not what decides.
  const auto real_report = (w.dir.path() / "real.json").string();
  REQUIRE(w.scan("k=" + real + "\n", {"--no-redact", "-o", real_report}).exit_code == 1);
  auto ok = run_leakgate({"revoke", "--report", real_report, "--yes", "-f", "json", "--audit-log", w.audit}, "", {},
                         w.env());
  CHECK(ok.exit_code == 0);
  CHECK(json::parse(ok.out)[0]["status"] == "deactivated");
  CHECK(w.api.requests("GET", "/v1/models") == 3);  // each report's full key was verified
}

TEST_CASE("pre-push with hooks.revoke on and a forged key: nothing deactivated, the push refused") {
  World w;
  const std::string real = w.add("apikey_01prodpush");
  const std::string forged = w.forge(real);
  auto r = w.push_with_hook_revoke(forged);
  const auto remote = w.dir.path() / "remote.git";
  INFO(r.err);
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("push blocked") != std::string::npos);
  CHECK(r.err.find("not-live candidates: apikey_01prodpush") != std::string::npos);
  CHECK(r.err.find("stop working") == std::string::npos);
  CHECK(w.api.key("apikey_01prodpush").status == "active");
  CHECK(w.api.requests("POST", "/") == 0);
  CHECK(lgtest::run_command({"git", "--git-dir", remote.string(), "rev-parse", "--verify", "-q", "main"}).exit_code != 0);
  CHECK(r.err.find(forged) == std::string::npos);
}
