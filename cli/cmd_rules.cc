// `leakgate rules list` and `leakgate rules check [FILE] [--pedantic]`.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/scan_command.h"
#include "scanner/report/finding_json.h"
#include "scanner/ruleset/config_loader.h"
#include "scanner/tools/rule_check.h"
#include "scanner/util/utf8.h"

namespace leakgate::cli {

namespace {

struct RulesArgs {
  std::string config;
  std::string format = "text";
  std::string file;
  bool no_local_config = false;
  uint64_t seed = 1;
  int rounds = 5;
  bool pedantic = false;
};

int run_list(const RulesArgs& a) {
  ScanOptions scope;
  scope.no_local_config = a.no_local_config;
  const auto local = local_config_files(scope, working_directory());
  auto rules = compile_config(a.config, local ? &*local : nullptr, /*quiet=*/false);
  const std::string applied = applied_config(*rules);
  if (a.format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : rules->rules())
      arr.push_back({{"id", r.rule.id},
                     {"description", r.rule.description},
                     {"engine", engine_mode_name(r.mode)},
                     {"own_database", r.own_database},
                     {"generic", r.rule.generic},
                     {"keywords", r.rule.keywords},
                     {"entropy", r.rule.entropy}});
    std::cerr << "leakgate: config: " << printable(applied) << '\n';
    std::cout << dump_json(arr, 2) << '\n';
    return 0;
  }
  for (const auto& r : rules->rules())
    std::printf("%-40s %-24s %s\n", r.rule.id.c_str(), engine_mode_name(r.mode), printable(r.rule.description).c_str());
  std::printf("%zu rules; Hyperscan database %zu bytes, compiled in %.1f ms\n", rules->rules().size(),
              rules->database_bytes(), rules->compile_ms());
  std::printf("config: %s\n", printable(applied).c_str());
  return 0;
}

// The rule file as written, for --pedantic's raw-file check.
std::string raw_rule_file(const RulesArgs& a) {
  if (a.file.empty()) return std::string(embedded_builtin_rules());
  return disk_config_files().read(a.file).value_or("");
}

int run_check(const RulesArgs& a) {
  const RuleConfig config = a.file.empty() ? load_builtin_config(/*with_examples=*/true) : load_config_file(a.file);
  const std::string raw = a.pedantic ? raw_rule_file(a) : "";
  const auto results = check_rules(config, RuleCheckOptions{a.seed, a.rounds, a.pedantic, raw});
  size_t bad = 0;
  std::map<EngineMode, size_t> in_mode;
  for (const auto& r : results) {
    if (!r.ok()) ++bad;
    if (r.mode) ++in_mode[*r.mode];
    std::printf("%-4s %-40s %-24s examples %zu/%zu  look-alikes %zu/%zu\n", r.ok() ? "ok" : "FAIL", r.id.c_str(),
                r.mode_name(), r.examples_ok, r.examples, r.negatives_ok, r.negatives);
    if (!r.note.empty()) std::printf("     note: %s\n", printable(r.note).c_str());
    if (r.generic) std::printf("     generic: its findings yield to a specific rule's on the same bytes\n");
    for (const auto& f : r.failures) std::printf("     %s\n", printable(f).c_str());
  }
  std::printf("%zu rules: %zu exact in Hyperscan, %zu Hyperscan prefilter + RE2, %zu RE2 only, %zu path only; "
              "%zu failing%s\n", results.size(), in_mode[EngineMode::kExact], in_mode[EngineMode::kPrefilter],
              in_mode[EngineMode::kRe2Only], in_mode[EngineMode::kPathOnly], bad, a.pedantic ? " (pedantic)" : "");
  return bad ? 2 : 0;
}

}  // namespace

void add_rules_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RulesArgs>();
  CLI::App* rules = app.add_subcommand("rules", "show the rules in force; check a rule file");
  rules->require_subcommand(1);
  CLI::App* list = rules->add_subcommand("list", "list the rules in force and the engine each runs on");
  list->add_option("-c,--config", args->config, "rule/config file (default: built-in plus .leakgate.toml)");
  list->add_option("-f,--format", args->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  list->add_flag("--no-local-config", args->no_local_config, "ignore .leakgate.toml in the current directory");
  list->callback([args, &exit_code] { exit_code = run_list(*args); });
  CLI::App* check = rules->add_subcommand("check", "check a rule file: compiles, examples match, look-alikes don't");
  check->add_option("file", args->file, "rule file (default: the built-in rules)");
  check->add_option("--seed", args->seed, "seed for the example templates")->capture_default_str();
  check->add_option("--rounds", args->rounds, "expansions per template")->capture_default_str();
  check->add_flag("--pedantic", args->pedantic,
                  "also check the rule file's conventions: 2+ examples and look-alikes, a keyword in every match, "
                  "every keyword exercised, no rule matching the file as written, unique and well-formed ids, "
                  "descriptions and keywords present");
  check->callback([args, &exit_code] { exit_code = run_check(*args); });
}

}  // namespace leakgate::cli
