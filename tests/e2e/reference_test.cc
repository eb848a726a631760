// The command-line reference (docs/cli.md and the man page) against the binary: both are generated
// from the command definitions, so these tests catch a stale committed copy, an option or command
// the reference leaves out, and an environment variable the code reads that no one documented.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>

#include "support/test_support.h"

using lgtest::run_command;
using lgtest::run_leakgate;

namespace {

// "  -c,--config TEXT  ..." lines of a --help text: every long option name.
std::set<std::string> long_options(const std::string& help) {
  std::set<std::string> names;
  static const std::regex re(R"((?:^|[ ,])--([a-z][a-z0-9-]*))");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), re); it != std::sregex_iterator(); ++it)
    names.insert((*it)[1]);
  names.erase("help");
  return names;
}

// The man page as a reader sees it: rendered by groff, with roff's escapes resolved.
std::string rendered_man_page() {
  const auto man = run_leakgate({"--reference", "man"});
  REQUIRE(man.exit_code == 0);
  lgtest::TempDir t;
  const auto page = t.write("leakgate.1", man.out);
  const auto r = run_command({"groff", "-ww", "-man", "-Tutf8", "-P", "-cbou", page.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());  // -ww: any warning about the page's roff is a defect of the generator
  return r.out;
}

}  // namespace

TEST_CASE("docs/cli.md is exactly what the binary generates") {
  const auto r = run_leakgate({"--reference", "markdown"});
  REQUIRE(r.exit_code == 0);
  const std::string committed = lgtest::read_file(std::filesystem::path(LEAKGATE_SOURCE_DIR) / "docs/cli.md");
  // On a mismatch: build/leakgate --reference markdown > docs/cli.md
  CHECK(r.out == committed);
}

TEST_CASE("the man page names every command and every option that --help shows") {
  const std::string page = rendered_man_page();
  const std::vector<std::vector<std::string>> commands = {
      {"dir"},           {"git"},          {"stdin"},         {"rules", "list"},          {"rules", "check"},
      {"hook", "install"}, {"revoke"},     {"keys", "list"},  {"keys", "audit"},          {"keys", "deactivate"},
      {"keys", "archive"}, {"merge"}};
  for (const auto& cmd : commands) {
    std::string path = "leakgate";
    for (const auto& c : cmd) path += " " + c;
    INFO(path);
    CHECK(page.find(path + " [OPTIONS]") != std::string::npos);
    auto args = cmd;
    args.push_back("--help");
    const auto help = run_leakgate(args);
    REQUIRE(help.exit_code == 0);
    const auto names = long_options(help.out);
    CHECK(!names.empty());
    for (const auto& name : names) {
      INFO("--" << name);
      CHECK(page.find("--" + name) != std::string::npos);
    }
  }
  for (const char* section : {"EXIT STATUS", "ENVIRONMENT", "FILES", "REPORT FIELDS", "SCAN OPTIONS"})
    CHECK(page.find(section) != std::string::npos);
}

TEST_CASE("every environment variable the code reads is in the reference") {
  const std::string page = rendered_man_page();
  std::set<std::string> read;
  static const std::regex getenv_re(R"re(getenv\("([A-Za-z_][A-Za-z0-9_]*)"\))re");
  for (const char* dir : {"scanner", "cli"}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(std::filesystem::path(LEAKGATE_SOURCE_DIR) / dir)) {
      if (!e.is_regular_file()) continue;
      const std::string text = lgtest::read_file(e.path());
      for (auto it = std::sregex_iterator(text.begin(), text.end(), getenv_re); it != std::sregex_iterator(); ++it)
        read.insert((*it)[1]);
    }
  }
  REQUIRE(read.count("ANTHROPIC_ADMIN_KEY"));  // the scan of the sources works
  for (const auto& name : read) {
    INFO(name);
    CHECK(page.find(name) != std::string::npos);
  }
  // The hook scripts read $LEAKGATE (the page's title is "LEAKGATE(1)").
  CHECK(std::regex_search(page, std::regex("LEAKGATE(?![_A-Z(])")));
}

TEST_CASE("the root --help ends with the exit codes and the environment") {
  const auto r = run_leakgate({"--help"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Exit codes:") != std::string::npos);
  CHECK(r.out.find("ANTHROPIC_ADMIN_KEY") != std::string::npos);
  const auto bad = run_leakgate({"--reference", "pdf"});
  CHECK(bad.exit_code == 2);
}
