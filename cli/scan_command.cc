#include "cli/scan_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>

#include "cli/progress_line.h"
#include "cli/reference.h"
#include "scanner/anthropic/key_actions.h"
#include "scanner/report/redact.h"
#include "scanner/tools/redact_text.h"
#include "scanner/ruleset/config_loader.h"
#include "scanner/report/report_writer.h"
#include "scanner/report/suppression.h"
#include "scanner/util/error.h"
#include "scanner/util/utf8.h"

namespace leakgate::cli {

void add_scan_options(CLI::App& cmd, ScanOptions& o) {
  const size_t before = cmd.get_options().size();
  cmd.add_option("-c,--config", o.config, "rule/config file (TOML, gitleaks format); default: built-in rules plus .leakgate.toml at the scanned root");
  cmd.add_flag("--no-local-config", o.no_local_config,
               "ignore .leakgate.toml and .leakgateignore in the scanned tree or repository (for trees you do not own)");
  cmd.add_option("-f,--format", o.format, "report format: text, json, jsonl, sarif, csv")
      ->check(CLI::IsMember({"text", "json", "jsonl", "sarif", "csv"}));
  cmd.add_option("-o,--output", o.output, "write the report to FILE instead of stdout");
  cmd.add_flag("--no-redact", o.no_redact, "print secrets in full (default: redacted)");
  cmd.add_option("--baseline", o.baseline, "ignore findings whose fingerprint is in FILE (an earlier json report)");
  cmd.add_option("--exit-code", o.exit_code, "exit status when findings remain")
      ->capture_default_str()
      ->check(CLI::Range(0, 255));  // 0 reports without failing (as gitleaks); 256 would wrap to 0
  cmd.add_option("-j,--threads", o.threads, "worker threads (default: all cores)");
  cmd.add_flag("--no-progress", o.no_progress, "no progress display on stderr");
  cmd.add_flag("-q,--quiet", o.quiet, "no summary or progress on stderr");
  cmd.add_flag("-v,--verbose", o.verbose, "more detail on stderr (repeat for more)");
  cmd.add_option("--color", o.color, "colour in text reports: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd.add_flag("--stats", o.stats, "print per-stage counters and times on stderr");
  cmd.add_option("--block-size", o.block_size, "bytes per matching block (testing)")->group("");
  cmd.add_flag("--verify", o.verify, "check each found Anthropic key against the API (live / dead / unknown)");
  cmd.add_flag("--revoke", o.revoke,
               "deactivate found Anthropic API keys once each verifies live in the admin key's organization "
               "(admin key from ANTHROPIC_ADMIN_KEY, ANTHROPIC_ADMIN_API_KEY or --admin-key-file)");
  cmd.add_flag("--dry-run", o.dry_run, "with --revoke: look up and report, change nothing");
  cmd.add_flag("--revoke-unverified", o.revoke_unverified,
               "with --revoke: act on the hint alone when verification could not decide (never the default)");
  cmd.add_option("--admin-key-file", o.admin_key_file, "read the admin key from FILE (never pass it on the command line)");
  cmd.add_option("--audit-log", o.audit_log, "append every key change to FILE (JSON lines; default: ~/.local/state/leakgate/audit.jsonl)");
  cmd.add_option("--hook", o.hook, "report as a git hook: a blocking message on stderr (pre-commit, pre-push)")
      ->check(CLI::IsMember({"pre-commit", "pre-push"}))
      ->group("");
  // Listed under one heading in --help and written once in the man page and docs/cli.md.
  const auto options = cmd.get_options();
  for (size_t i = before; i < options.size(); ++i)
    if (!options[i]->get_group().empty()) options[i]->group(kScanOptionsGroup);
}

void check_revoke_prerequisites(const ScanOptions& o) {
  if (!o.revoke) return;
  if (load_admin_key(o.admin_key_file).empty())
    throw Error("--revoke needs an Admin API key: set ANTHROPIC_ADMIN_KEY or ANTHROPIC_ADMIN_API_KEY, or pass "
                "--admin-key-file FILE (never on the command line)");
}

std::optional<ConfigFiles> local_config_files(const ScanOptions& o, const std::filesystem::path& root) {
  if (o.no_local_config || root.empty()) return std::nullopt;
  return disk_config_files(root, /*regular_only=*/true);  // the scanned tree holds these files
}

std::shared_ptr<const CompiledRuleset> compile_config(const std::string& explicit_file, const ConfigFiles* local,
                                                      bool quiet) {
  RuleConfig config = resolve_scan_config(explicit_file, local);
  if (!quiet)
    for (const auto& n : config.notices) std::cerr << "leakgate: notice: " << printable(redact_secrets_in(n)) << '\n';
  return CompiledRuleset::compile(std::move(config));
}

std::string applied_config(const CompiledRuleset& rules) {
  std::string applied;
  for (const auto& s : rules.config_sources()) applied += (applied.empty() ? "" : " + ") + s;
  return applied;
}

std::shared_ptr<const CompiledRuleset> load_rules(const ScanOptions& o, const ConfigFiles* local) {
  check_revoke_prerequisites(o);
  return compile_config(o.config, o.no_local_config ? nullptr : local, o.quiet);
}

ScanResult run_source(const ScanOptions& o, Source& source, std::shared_ptr<const CompiledRuleset> rules,
                      ScanDriverOptions driver) {
  driver.threads = o.threads;
  if (o.block_size) driver.content.block_size = o.block_size;
  driver.on_error = print_input_error;
  ScanProgress progress;
  const bool watched = source.traits().long_running && !o.no_progress && !o.quiet && isatty(STDERR_FILENO);
  if (watched) driver.progress = &progress;
  ProgressLine line(progress, watched);
  return run_scan(source, std::move(rules), driver);
}

void write_output(const std::string& path, const std::function<void(std::ostream&)>& write) {
  if (path.empty() || path == "-") {
    write(std::cout);
    std::cout.flush();
    if (!std::cout) throw Error("cannot write the report to standard output");
    return;
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw Error("cannot write the report to '" + path + "': " + std::strerror(errno));
  write(file);
  file.flush();
  if (!file) throw Error("cannot write the report to '" + path + "'");
}

void print_input_error(const InputError& e) {
  std::cerr << "leakgate: " << printable(e.what) << ": " << printable(redact_secrets_in(e.reason)) << '\n';
}

namespace {

// Files each outcome under the findings of the key it belongs to.
void attach_revocations(std::vector<Finding>& findings, const std::vector<RevokeTarget>& targets,
                        const std::vector<Revocation>& outcomes) {
  std::map<std::string, const Revocation*> by_key;
  for (size_t i = 0; i < targets.size(); ++i) by_key[targets[i].secret_sha256] = &outcomes[i];
  for (Finding& f : findings)
    if (auto it = by_key.find(f.secret_sha256); it != by_key.end()) f.revocation = *it->second;
}

void print_revocations(const std::vector<RevokeTarget>& targets, const std::vector<Revocation>& outcomes) {
  bool changed = false;
  for (size_t i = 0; i < targets.size(); ++i) {
    const Revocation& r = outcomes[i];
    std::cerr << "leakgate: " << targets[i].hint << ": " << revocation_status_name(r.status);
    if (!r.key_id.empty()) std::cerr << " (" << r.key_id << ")";
    if (!r.candidates.empty()) {
      std::cerr << " candidates:";
      for (const auto& c : r.candidates) std::cerr << ' ' << printable(c);
    }
    std::cerr << " - " << printable(r.message) << '\n';
    changed |= r.status == RevocationStatus::kDeactivated;
  }
  if (changed)
    std::cerr << "leakgate: deactivated keys stop working at once. Still to do: create a replacement key in the "
                 "Console, deploy it, remove the leaked key from the code and its history, and archive the old "
                 "key after the grace period (leakgate keys archive ID).\n";
}

// --verify and --revoke on the findings that survived suppression. --revoke verifies as well:
// a found key is deactivated only once it has proved itself live in our organization, because
// its hint, all the Admin API can look up, is public (key_actions.h).
void apply_key_actions(const ScanOptions& o, std::vector<Finding>& findings) {
  CurlTransport transport;
  AnthropicApi api(transport, AnthropicApi::default_base_url());
  const std::map<std::string, KeyCheck> checks = verify_findings(api, findings);
  if (!o.revoke) return;
  RevokeOptions ro;
  ro.dry_run = o.dry_run;
  ro.audit_log = o.audit_log.empty() ? default_audit_log() : o.audit_log;
  ro.act_on_unverified = o.revoke_unverified;
  const std::vector<RevokeTarget> targets = targets_from_findings(findings, checks);
  const std::vector<Revocation> outcomes = revoke_targets(api, load_admin_key(o.admin_key_file), targets, ro);
  attach_revocations(findings, targets, outcomes);
  if (!o.quiet) print_revocations(targets, outcomes);
}

// Findings decide the exit code; with --exit-code 0 they pass, but a revocation that failed does
// not: whoever asked for --revoke must learn that a key may still be live.
int findings_exit_code(const ScanOptions& o, const std::vector<Finding>& findings) {
  if (o.exit_code != 0) return o.exit_code;
  for (const Finding& f : findings)
    if (f.revocation && f.revocation->status == RevocationStatus::kError) return 2;
  return 0;
}

// What a developer sees when a hook refuses: what was found, what to do, how to bypass knowingly.
int print_hook_block(const ScanOptions& o, const ScanResult& result) {
  const bool push = o.hook == "pre-push";
  const bool color = isatty(STDERR_FILENO) && !std::getenv("NO_COLOR");
  const char* red = color ? "\x1b[1;31m" : "";
  const char* bold = color ? "\x1b[1m" : "";
  const char* reset = color ? "\x1b[0m" : "";
  for (const auto& e : result.errors) print_input_error(e);
  if (result.findings.empty()) {
    if (!result.errors.empty()) {
      std::cerr << "leakgate: " << (push ? "push" : "commit") << " blocked: some content could not be read (see above),"
                << " so it was not checked.\n";
      return 2;
    }
    return 0;
  }
  ReportOptions ropts;
  ropts.redact = !o.no_redact;
  std::cerr << red << "leakgate: " << (push ? "push" : "commit") << " blocked" << reset << ": "
            << result.findings.size() << (result.findings.size() == 1 ? " secret" : " secrets") << " in "
            << (push ? "the commits being pushed" : "the staged changes") << "\n\n";
  for (const Finding& f : result.findings) {
    std::cerr << "  " << bold << printable(f.file) << ":" << f.line << ":" << f.column << reset << "  " << f.rule_id
              << "  " << printable(shown_secret(f, ropts));
    if (push && f.git) std::cerr << "  (commit " << f.git->commit.substr(0, 12) << ")";
    std::cerr << "\n";
  }
  std::cerr << "\nWhat to do:\n"
            << "  1. Remove the secret from the file and load it from the environment or a secret store instead.\n";
  if (push)
    std::cerr << "     It is in a commit already: rewrite the unpushed commits (git rebase -i, or git commit --amend).\n";
  else
    std::cerr << "     Then stage the fix (git add) and commit again.\n";
  std::cerr << "  2. If the key ever left this machine, rotate it: create a new one, deploy it, deactivate the old one\n"
            << "     (Anthropic keys: Console > Settings > API keys; `leakgate revoke` can deactivate it).\n"
            << "  3. A false positive? Add `leakgate:allow` to the line, or the finding's fingerprint to .leakgateignore.\n"
            << "To " << (push ? "push" : "commit") << " anyway, knowingly: git " << (push ? "push" : "commit")
            << " --no-verify\n";
  return findings_exit_code(o, result.findings);
}

// The driver's passes with their times (scan_driver.h): where a slow scan spends its time.
void print_passes(const ScanResult& result) {
  std::string line = "leakgate stats: passes:";
  char buf[96];
  for (const PassTime& p : result.passes) {
    std::snprintf(buf, sizeof buf, " %s=%.3fs%s", p.name, p.seconds, p.worker_seconds ? " (thread time)" : "");
    line += buf;
  }
  std::snprintf(buf, sizeof buf, " items=%llu too_large=%llu", static_cast<unsigned long long>(result.stats.planned),
                static_cast<unsigned long long>(result.stats.too_large));
  std::cerr << line << buf << '\n';
}

}  // namespace

int finish_scan(const ScanOptions& o, const CompiledRuleset& rules, ScanResult& result, const ConfigFiles* local,
                const std::string& command, const std::vector<std::string>& notices) {
  Suppression suppress;
  std::string ignore_source;
  if (local && !o.no_local_config)
    if (const auto text = local->read(".leakgateignore")) {
      suppress.load_ignore_text(*text);
      ignore_source = local->display(".leakgateignore");
    }
  if (!o.baseline.empty()) suppress.load_baseline(o.baseline);
  const size_t suppressed = suppress.apply(result.findings);

  if (o.verify || o.revoke) apply_key_actions(o, result.findings);
  if (!o.hook.empty()) return print_hook_block(o, result);
  const ReportFormat format = parse_report_format(o.format);
  ReportOptions ropts;
  ropts.redact = !o.no_redact;
  ropts.command = command;
  ropts.notices = notices;
  for (const auto& r : rules.rules()) ropts.rules.push_back({r.rule.id, r.rule.description});
  const bool to_stdout = o.output.empty() || o.output == "-";
  ropts.color = format == ReportFormat::kText &&
                (o.color == "always" || (o.color == "auto" && to_stdout && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR")));

  const std::string summary = summary_line(result.findings, result.stats, result.errors.size()) +
                              (suppressed ? "; " + std::to_string(suppressed) + " suppressed" : "");
  write_output(o.output, [&](std::ostream& out) {
    write_report(format, out, result.findings, ropts);
    if (format == ReportFormat::kText && !o.quiet) out << "leakgate: " << summary << '\n';
  });
  if (!o.quiet && (format != ReportFormat::kText || !to_stdout)) {
    for (const auto& n : notices) std::cerr << "leakgate: notice: " << printable(n) << '\n';
    std::cerr << "leakgate: " << summary << '\n';
  }
  if (o.stats) {
    std::fprintf(stderr,
                 "leakgate stats: rules=%zu (db %zu bytes, %s in %.1f ms) files=%llu bytes=%llu "
                 "special=%llu symlinks=%llu exempt=%llu unreadable=%llu hs_hits=%llu own_db_scans=%llu confirm_ranges=%llu matches=%llu "
                 "seconds=%.3f\n",
                 rules.rules().size(), rules.database_bytes(), rules.from_cache() ? "loaded from cache" : "compiled", rules.compile_ms(),
                 static_cast<unsigned long long>(result.stats.files), static_cast<unsigned long long>(result.stats.bytes),
                 static_cast<unsigned long long>(result.stats.skipped_special),
                 static_cast<unsigned long long>(result.stats.skipped_symlinks),
                 static_cast<unsigned long long>(result.stats.skipped_exempt),
                 static_cast<unsigned long long>(result.stats.unreadable),
                 static_cast<unsigned long long>(result.stats.hs_hits),
                 static_cast<unsigned long long>(result.stats.own_db_scans),
                 static_cast<unsigned long long>(result.stats.confirm_ranges),
                 static_cast<unsigned long long>(result.stats.matches), result.stats.seconds);
    std::fprintf(stderr, "leakgate stats: config=%s ignore=%s\n", printable(applied_config(rules)).c_str(),
                 ignore_source.empty() ? "(none)" : printable(ignore_source).c_str());
    print_passes(result);
  }
  if (!result.findings.empty()) return findings_exit_code(o, result.findings);
  if (!result.errors.empty()) return 2;  // a gate must not pass what it did not see
  return 0;
}

std::filesystem::path working_directory() {
  std::error_code ec;
  auto p = std::filesystem::current_path(ec);
  return ec ? std::filesystem::path() : p;
}

}  // namespace leakgate::cli
