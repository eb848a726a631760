// Reports: the field contract, valid output for hostile bytes, SARIF structure, and no full secret
// in any format unless asked.
#include <catch2/catch.hpp>

#include <sstream>

#include <set>

#include <nlohmann/json.hpp>

#include "scanner/report/finding_json.h"
#include "scanner/report/report_writer.h"
#include "scanner/report/suppression.h"
#include "scanner/util/error.h"
#include "scanner/util/sha256.h"
#include "scanner/util/utf8.h"
#include "support/test_support.h"

using namespace leakgate;
using nlohmann::json;

namespace {

std::vector<Finding> sample(const std::string& key, const std::string& path = "src/app.py") {
  Finding f;
  f.rule_id = "anthropic-api-key";
  f.description = "Anthropic API key";
  f.file = path;
  f.line = 3;
  f.column = 7;
  f.end_line = 3;
  f.end_column = 7 + key.size() - 1;
  f.secret = key;
  finalize_identity(f);
  Finding g = f;
  g.rule_id = "generic-secret";
  g.description = "Generic secret";
  g.secret = "Zx9!" + key.substr(20, 24);
  g.line = 9;
  finalize_identity(g);
  g.git = GitProvenance{"0123456789abcdef0123456789abcdef01234567", "A. Dev", "dev@example.com",
                        "2024-05-01T10:00:00Z", "add config", "89abcdef0123456789abcdef0123456789abcdef"};
  return {f, g};
}

std::string render(ReportFormat fmt, const std::vector<Finding>& v, bool redact = true) {
  ReportOptions o;
  o.redact = redact;
  o.rules = {{"anthropic-api-key", "Anthropic API key"}, {"generic-secret", "Generic secret"}, {"jwt", "JWT"}};
  std::ostringstream out;
  write_report(fmt, out, v, o);
  return out.str();
}

}  // namespace

TEST_CASE("no format prints the full secret by default, --no-redact does") {
  lgtest::KeyGen g(21);
  const std::string key = g.anthropic_api();
  const auto v = sample(key);
  for (auto fmt : {ReportFormat::kText, ReportFormat::kJson, ReportFormat::kJsonl, ReportFormat::kSarif, ReportFormat::kCsv}) {
    const std::string out = render(fmt, v);
    INFO(static_cast<int>(fmt));
    CHECK(out.find(key) == std::string::npos);
    CHECK(out.find(key.substr(16, 40)) == std::string::npos);
    CHECK(out.find(v[1].secret) == std::string::npos);
    CHECK(out.find(key.substr(0, 16) + "..." + key.substr(key.size() - 4)) != std::string::npos);
  }
  CHECK(render(ReportFormat::kJson, v, false).find(key) != std::string::npos);
}

TEST_CASE("json carries CLI.md's fields") {
  lgtest::KeyGen g(22);
  const auto v = sample(g.anthropic_api());
  const json arr = json::parse(render(ReportFormat::kJson, v));
  REQUIRE(arr.is_array());
  REQUIRE(arr.size() == 2);
  for (const char* k : {"rule_id", "description", "secret", "secret_sha256", "fingerprint", "file", "line", "column"})
    CHECK(arr[0].contains(k));
  CHECK(arr[0]["secret_sha256"] == v[0].secret_sha256);
  CHECK(arr[0]["secret_sha256"].get<std::string>().size() == 64);
  CHECK(arr[1]["commit"] == v[1].git->commit);
  for (const char* k : {"commit", "author", "email", "date", "message", "blob"}) CHECK(arr[1].contains(k));
  // jsonl: one object per line, same content.
  std::istringstream lines(render(ReportFormat::kJsonl, v));
  std::string line;
  size_t n = 0;
  while (std::getline(lines, line)) CHECK(json::parse(line)["fingerprint"] == arr[n++]["fingerprint"]);
  CHECK(n == 2);
}

TEST_CASE("statuses have one spelling each, the CLI contract's, and parse back from it alone") {
  const std::vector<std::string> verification{"live", "dead", "unknown"};
  const std::vector<std::string> revocation{"deactivated", "would-deactivate", "already-inactive",
                                            "not-found",   "ambiguous",        "not-ours",
                                            "not-live",    "declined",         "error"};
  REQUIRE(kVerificationStatuses.size() == verification.size());
  for (size_t i = 0; i < verification.size(); ++i) {
    CHECK(verification_status_name(kVerificationStatuses[i]) == verification[i]);
    CHECK(parse_verification_status(verification[i]) == kVerificationStatuses[i]);
  }
  REQUIRE(kRevocationStatuses.size() == revocation.size());
  for (size_t i = 0; i < revocation.size(); ++i) {
    CHECK(revocation_status_name(kRevocationStatuses[i]) == revocation[i]);
    CHECK(parse_revocation_status(revocation[i]) == kRevocationStatuses[i]);
  }
  // No other spelling: not another case, not padded, not the enumerator's C++ name, not empty.
  for (const char* other : {"Live", "live ", "kLive", "", "alive", "deactivate", "not_found", "ERROR"}) {
    INFO(other);
    CHECK_FALSE(parse_verification_status(other));
    CHECK_FALSE(parse_revocation_status(other));
  }
}

TEST_CASE("every format prints statuses by name, and json and jsonl read each one back") {
  lgtest::KeyGen g(30);
  const Finding base = sample(g.anthropic_api())[0];
  std::vector<Finding> v;
  for (size_t i = 0; i < kRevocationStatuses.size(); ++i) {
    Finding f = base;
    f.line = i + 1;
    f.verification = Verification{kVerificationStatuses[i % kVerificationStatuses.size()], 200, ""};
    f.revocation = Revocation{kRevocationStatuses[i], i % 2 ? "apikey_01r" + std::to_string(i) : "", "m", {}};
    v.push_back(std::move(f));
  }
  const std::string text = render(ReportFormat::kText, v), csv = render(ReportFormat::kCsv, v);
  const json arr = json::parse(render(ReportFormat::kJson, v));
  const json sarif = json::parse(render(ReportFormat::kSarif, v));
  REQUIRE(arr.size() == v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string vs = verification_status_name(v[i].verification->status);
    const std::string rs = revocation_status_name(v[i].revocation->status);
    INFO(vs << " " << rs);
    const std::string key_id = v[i].revocation->key_id.empty() ? "" : " " + v[i].revocation->key_id;
    std::string at = "src/app.py:";  // appended, not "…" + …: GCC 12 warns falsely (-Wstringop-overflow) on that
    at.append(std::to_string(i + 1)).append(":7: anthropic-api-key ");
    CHECK(text.find(at) != std::string::npos);
    CHECK(text.find("  [" + vs + "]  [" + rs + key_id + "]\n") != std::string::npos);
    CHECK(csv.find("," + vs + "," + rs + "\r\n") != std::string::npos);
    CHECK(arr[i]["verification"]["status"] == vs);
    CHECK(arr[i]["revocation"]["status"] == rs);
    CHECK(sarif["runs"][0]["results"][i]["properties"]["verification"] == vs);
    CHECK(sarif["runs"][0]["results"][i]["properties"]["revocation"] == rs);
  }
  for (auto fmt : {ReportFormat::kJson, ReportFormat::kJsonl}) {
    const auto back = parse_json_report(render(fmt, v, /*redact=*/false), "r.json");
    REQUIRE(back.size() == v.size());
    for (size_t i = 0; i < v.size(); ++i) {
      REQUIRE(back[i].verification);
      REQUIRE(back[i].revocation);
      CHECK(back[i].verification->status == v[i].verification->status);
      CHECK(back[i].revocation->status == v[i].revocation->status);
      CHECK(back[i].revocation->key_id == v[i].revocation->key_id);
    }
  }
}

TEST_CASE("secret_sha256 and file_base64 follow the standards (FIPS 180-4 and RFC 4648 test vectors)") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex(std::string(1000, 'a')) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
  const std::pair<const char*, const char*> rfc4648[] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [in, out] : rfc4648) CHECK(base64_encode(in) == out);
  CHECK(base64_encode(std::string("\xff\xfe\x00", 3)) == "//4A");
}

TEST_CASE("fingerprints survive lines moving and differ by file and secret") {
  lgtest::KeyGen g(23);
  const std::string key = g.anthropic_api();
  auto a = sample(key)[0];
  auto b = a;
  b.line = 400;
  finalize_identity(b);
  CHECK(a.fingerprint == b.fingerprint);
  auto c = a;
  c.file = "other.py";
  finalize_identity(c);
  CHECK(a.fingerprint != c.fingerprint);
  auto d = sample(g.anthropic_api())[0];
  CHECK(a.fingerprint != d.fingerprint);
}

TEST_CASE("paths and bytes that are not UTF-8 still give valid JSON, SARIF and CSV") {
  lgtest::KeyGen g(24);
  const std::string path = "dir/\xff\xfe-na\xc3\xafve \x1b[31m\"q\",.txt";
  const auto v = sample(g.anthropic_api(), path);
  const json j = json::parse(render(ReportFormat::kJson, v));
  CHECK(j[0]["file_base64"] == base64_encode(path));
  CHECK(is_valid_utf8(j[0]["file"].get<std::string>()));
  const std::string sarif = render(ReportFormat::kSarif, v);
  CHECK(is_valid_utf8(sarif));
  const json s = json::parse(sarif);
  const std::string uri = s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
  CHECK(uri.find("%FF%FE") != std::string::npos);
  CHECK(uri.find(' ') == std::string::npos);
  const std::string csv = render(ReportFormat::kCsv, v);
  CHECK(is_valid_utf8(csv));
  CHECK(csv.find("\"dir/") != std::string::npos);  // quoted: it holds a comma and quotes
  const std::string text = render(ReportFormat::kText, v);
  CHECK(text.find('\x1b') == std::string::npos);  // no terminal escapes from file names
  CHECK(text.find("\\x1b") != std::string::npos);
}

TEST_CASE("SARIF 2.1.0 structure: rules once, results point at them, fingerprints") {
  lgtest::KeyGen g(25);
  const auto v = sample(g.anthropic_api());
  const json s = json::parse(render(ReportFormat::kSarif, v));
  CHECK(s["version"] == "2.1.0");
  CHECK(s["$schema"].get<std::string>().find("sarif") != std::string::npos);
  const json& run = s["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "leakgate");
  const json& rules = run["tool"]["driver"]["rules"];
  std::set<std::string> ids;
  for (const auto& r : rules) {
    CHECK(ids.insert(r["id"].get<std::string>()).second);
    CHECK(r.contains("shortDescription"));
  }
  CHECK(ids.size() == 3);
  REQUIRE(run["results"].size() == 2);
  for (const auto& r : run["results"]) {
    const size_t idx = r["ruleIndex"];
    CHECK(rules[idx]["id"] == r["ruleId"]);
    CHECK(r["message"]["text"].is_string());
    CHECK(r["partialFingerprints"].contains("leakgate/v1"));
    const auto& region = r["locations"][0]["physicalLocation"]["region"];
    CHECK(region["startLine"].get<int>() >= 1);
    CHECK(region["startColumn"].get<int>() >= 1);
    CHECK(r["level"] == "error");
  }
}

TEST_CASE("CSV neutralises formula cells and quotes per RFC 4180") {
  lgtest::KeyGen g(26);
  auto v = sample(g.anthropic_api(), "=cmd|'/c calc'!A1");
  const std::string csv = render(ReportFormat::kCsv, v);
  CHECK(csv.find(",'=cmd") != std::string::npos);
  CHECK(csv.rfind("rule_id,description,file,line,column", 0) == 0);
}

TEST_CASE("suppression by ignore file and by baseline report") {
  lgtest::KeyGen g(27);
  auto v = sample(g.anthropic_api());
  lgtest::TempDir dir;
  dir.write(".leakgateignore", "# known test fixture\n" + v[0].fingerprint + "  # why\n\n");
  Suppression s;
  s.load_ignore_text(lgtest::read_file(dir.path() / ".leakgateignore"));
  auto copy = v;
  CHECK(s.apply(copy) == 1);
  REQUIRE(copy.size() == 1);
  CHECK(copy[0].rule_id == "generic-secret");
  const auto base = dir.write("base.json", render(ReportFormat::kJson, v));
  Suppression b;
  b.load_baseline(base.string());
  copy = v;
  CHECK(b.apply(copy) == 2);
  dir.write("bad.json", "{not json");
  CHECK_THROWS(b.load_baseline((dir.path() / "bad.json").string()));
}

TEST_CASE("regression (fuzz_report): git fields with invalid UTF-8 stay valid in every format") {
  lgtest::KeyGen g(28);
  auto v = sample(g.anthropic_api());
  v[1].git->commit = "dir\xdc,\x01";
  v[1].git->date = "\xff\x1b[2J";
  for (auto fmt : {ReportFormat::kText, ReportFormat::kJson, ReportFormat::kJsonl, ReportFormat::kSarif, ReportFormat::kCsv}) {
    const std::string out = render(fmt, v);
    INFO(static_cast<int>(fmt));
    CHECK(is_valid_utf8(out));
    if (fmt == ReportFormat::kText || fmt == ReportFormat::kCsv) CHECK(out.find('\x1b') == std::string::npos);
  }
}

TEST_CASE("an earlier report reads back with the exact bytes of non-UTF-8 fields") {
  lgtest::KeyGen g(29);
  auto v = sample(g.anthropic_api(), "dir/\xff\xfe-na\xc3\xafve.txt");
  v[1].git->author = "A. D\xe9v";  // Latin-1, as old commits have
  v[1].git->message = "fix \x80\x81";
  for (auto fmt : {ReportFormat::kJson, ReportFormat::kJsonl}) {
    const auto back = parse_json_report(render(fmt, v, /*redact=*/false), "r.json");
    REQUIRE(back.size() == 2);
    for (size_t i = 0; i < 2; ++i) {
      CHECK(back[i].file == v[i].file);
      CHECK(back[i].secret == v[i].secret);
      CHECK(back[i].fingerprint == v[i].fingerprint);
      CHECK(back[i].line == v[i].line);
    }
    CHECK_FALSE(back[0].git);
    REQUIRE(back[1].git);
    CHECK(back[1].git->author == v[1].git->author);
    CHECK(back[1].git->message == v[1].git->message);
    CHECK(back[1].git->commit == v[1].git->commit);
  }
}

TEST_CASE("a malformed earlier report is an error that names the finding and the field") {
  auto error_of = [](const std::string& text) {
    return lgtest::error_message([&] { parse_json_report(text, "base.jsonl"); });
  };
  CHECK(error_of(R"({"rule_id":"x","line":"seven"})") == "report 'base.jsonl', finding 1: field 'line' must be a number");
  CHECK(error_of("{\"rule_id\":\"x\"}\n{\"line\":-3}") ==
        "report 'base.jsonl', finding 2: field 'line' must be a whole number of 0 or more");
  CHECK(error_of(R"({"commit_order":1.5, "commit":"c"})") ==
        "report 'base.jsonl', finding 1: field 'commit_order' must be a whole number");
  CHECK(error_of(R"({"verification":{"status":5}})") ==
        "report 'base.jsonl', finding 1: field 'verification.status' must be a string");
  CHECK(error_of(R"({"revocation":[]})") == "report 'base.jsonl', finding 1: field 'revocation' must be a JSON object");
  // A status read back is one of its names, or the report is refused: never a silent default.
  CHECK(error_of(R"({"verification":{"status":"alive"}})") ==
        "report 'base.jsonl', finding 1: field 'verification.status' must be one of live, dead, unknown, not 'alive'");
  CHECK(error_of(R"({"verification":{"http_status":200}})") ==
        "report 'base.jsonl', finding 1: field 'verification.status' is missing (it must be one of live, dead, unknown)");
  CHECK(error_of("{}\n" R"({"revocation":{"status":"Deactivated","key_id":"apikey_01x"}})") ==
        "report 'base.jsonl', finding 2: field 'revocation.status' must be one of deactivated, would-deactivate, "
        "already-inactive, not-found, ambiguous, not-ours, not-live, declined, error, not 'Deactivated'");
  CHECK(error_of(R"({"revocation":{"status":null}})") ==
        "report 'base.jsonl', finding 1: field 'revocation.status' is missing (it must be one of deactivated, "
        "would-deactivate, already-inactive, not-found, ambiguous, not-ours, not-live, declined, error)");
  CHECK(error_of(R"({"revocation":{"status":")" + std::string(100, 'x') + R"("}})") ==
        "report 'base.jsonl', finding 1: field 'revocation.status' must be one of deactivated, would-deactivate, "
        "already-inactive, not-found, ambiguous, not-ours, not-live, declined, error, not '" +
            std::string(40, 'x') + "...'");
  CHECK(error_of(R"({"file":"a","file_base64":"not base64!"})") ==
        "report 'base.jsonl', finding 1: field 'file_base64' is not base64");
  CHECK(error_of("[1]") == "report 'base.jsonl', finding 1: the finding must be a JSON object");
  CHECK(error_of("{not json").rfind("report 'base.jsonl' is not a leakgate json or jsonl report", 0) == 0);
  // Absent and null fields take their defaults.
  const auto ok = parse_json_report(R"([{"rule_id":"x","line":null,"commit":null,"revocation":null}])", "r.json");
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].rule_id == "x");
  CHECK(ok[0].line == 0);
  CHECK_FALSE(ok[0].git);
  CHECK_FALSE(ok[0].revocation);
}
