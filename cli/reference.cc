#include "cli/reference.h"

#include <iostream>
#include <set>
#include <sstream>

namespace leakgate::cli {

// Text in these tables uses one piece of markup, `code`: bold in the man page, a code span in
// markdown, plain in --help.

const std::vector<ReferenceEntry>& exit_codes() {
  static const std::vector<ReferenceEntry> v = {
      {"0", "Everything was scanned and no findings remain."},
      {"1", "Findings remain (or the status given with `--exit-code`)."},
      {"2", "A usage error; a broken rule or config file (the message names the file and the rule); a path that "
            "does not exist; a repository that cannot be opened; `--revoke` without an admin key; `revoke` with no "
            "terminal to confirm on and neither `--yes` nor `--dry-run`; an error talking to the Admin API where it "
            "decides the outcome, and with `--exit-code 0` a revocation that failed (a found key that could not be "
            "verified, for one). Also when nothing was found but some input could not "
            "be read: a gate must not pass what it did not see."},
  };
  return v;
}

const std::vector<ReferenceEntry>& environment_variables() {
  static const std::vector<ReferenceEntry> v = {
      {"ANTHROPIC_ADMIN_KEY", "The Admin API key for `--revoke`, `revoke` and `keys` (or `--admin-key-file FILE`). "
                              "It is never taken from the command line and never printed."},
      {"ANTHROPIC_ADMIN_API_KEY", "The same, under the name newer Anthropic documentation uses; read when "
                                  "`ANTHROPIC_ADMIN_KEY` is not set."},
      {"ANTHROPIC_BASE_URL", "The API address (default `https://api.anthropic.com`), as the official SDKs read it."},
      {"https_proxy, no_proxy", "libcurl's usual proxy variables apply to every API request."},
      {"LEAKGATE", "The leakgate binary the installed git hooks run (default: the one that installed them, "
                   "else `leakgate` on PATH)."},
      {"LEAKGATE_CACHE_DIR", "Where compiled rule databases are cached (default `$XDG_CACHE_HOME/leakgate`, "
                             "else `~/.cache/leakgate`)."},
      {"LEAKGATE_NO_CACHE", "When set, compiled rule databases are neither read from nor written to the cache."},
      {"LEAKGATE_HTTP_TIMEOUT_MS", "The total time one API request may take, retries included (default 30000)."},
      {"LEAKGATE_RETRY_BASE_MS", "The first retry delay of the API client's backoff (the tests shorten it)."},
      {"LEAKGATE_NOW", "`keys audit` takes this time (`YYYY-MM-DDTHH:MM:SS`, UTC) as now, for reproducible audits."},
      {"NO_COLOR", "When set, no colour in text reports and hook messages."},
      {"XDG_CACHE_HOME, XDG_STATE_HOME, HOME", "Where the rule cache and the audit log go by default."},
  };
  return v;
}

const std::vector<ReferenceEntry>& files_read_and_written() {
  static const std::vector<ReferenceEntry> v = {
      {".leakgate.toml", "At the scanned root or repository: rules and allowlists in gitleaks' format, layered "
                         "on the rules in force (never replacing the set; `[extend] disabledRules` switches named "
                         "rules off, with a notice); `[hooks]` `revoke = \"on\"|\"dry-run\"|\"off\"` for "
                         "the pre-push hook. Ignored when `--config` is given. In any rule file, leakgate's rule key "
                         "`generic = true|false` marks a catch-all rule, whose finding yields to a specific rule's on "
                         "the same bytes; absent, a rule is generic when its id starts with `generic` (gitleaks' "
                         "`generic-api-key`)."},
      {".leakgateignore", "At the scanned root: one finding fingerprint per line, `#` comments; those findings are "
                          "not reported."},
      {"~/.cache/leakgate/", "Compiled rule databases, keyed by the rules and the engine; a damaged entry is "
                             "recompiled."},
      {"~/.local/state/leakgate/audit.jsonl", "Every key change through the Admin API, appended as a JSON line "
                                              "without secrets (`--audit-log FILE` to choose another)."},
      {"<git dir>/hooks/pre-commit, pre-push", "Written by `hook install` (or under `core.hooksPath`); an existing "
                                               "hook is kept as `<hook>.pre-leakgate` and still runs first."},
      {"share/leakgate/hooks/", "The plain hook scripts, installed beside the binary, for copying by hand."},
  };
  return v;
}

const std::vector<ReferenceEntry>& report_fields() {
  static const std::vector<ReferenceEntry> v = {
      {"rule_id", "The rule that found the secret, e.g. `anthropic-api-key`."},
      {"description", "The rule's description."},
      {"secret", "Redacted unless `--no-redact`; Anthropic keys redact to the Console's hint "
                 "(`sk-ant-api03-R2D...igAA`). Non-UTF-8 bytes: see `secret_base64`."},
      {"redacted", "Whether `secret` is redacted."},
      {"secret_sha256", "Hex SHA-256 of the full secret: matches findings across reports without the secret."},
      {"fingerprint", "Stable identity for `.leakgateignore` and `--baseline`; survives lines moving."},
      {"file", "Path relative to the scan root or the repository; `-` for standard input."},
      {"line, column", "1-based position of the secret's first byte."},
      {"end_line, end_column", "1-based position of the secret's last byte."},
      {"entropy", "Shannon entropy of the secret, bits per byte."},
      {"commit, author, email, date, message", "git scans: the commit that introduced the secret at that path "
                                               "(ISO 8601 date, first line of the message)."},
      {"blob", "git scans: the blob id."},
      {"commit_order", "git history scans: the commit's place in the walk, for merging shard reports."},
      {"verification", "With `--verify`: `status` (`live`, `dead`, `unknown`), `http_status`, `detail`."},
      {"revocation", "With `--revoke`: `status` (`deactivated`, `would-deactivate`, `already-inactive`, "
                     "`not-found`, `ambiguous`, `not-ours`, `not-live`, `error`), `key_id`, `message`, "
                     "`candidates` (the keys sharing the hint: of `ambiguous`, and the active keys a `not-live` "
                     "look-alike imitates). A found key is acted on only once it is verified live in the admin "
                     "key's organization."},
      {"*_base64", "Beside `file`, `secret`, `author`, `email` and `message` when they are not valid UTF-8: "
                   "the exact bytes."},
  };
  return v;
}

namespace {

// `code` -> open + code + close; everything else through `escape`.
template <typename Escape>
std::string render(const std::string& text, const char* open, const char* close, Escape escape) {
  std::string out;
  bool in_code = false;
  std::string run;
  auto flush = [&] {
    out += escape(run);
    run.clear();
  };
  for (char c : text) {
    if (c == '`') {
      flush();
      out += in_code ? close : open;
      in_code = !in_code;
    } else {
      run += c;
    }
  }
  flush();
  return out;
}

std::string plain(const std::string& text) {
  return render(text, "", "", [](const std::string& s) { return s; });
}

// roff: a backslash is \e, a minus is \-, and a line must not start with a control character.
std::string roff_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  return out;
}

std::string roff(const std::string& text) {
  std::string out = render(text, "\\fB", "\\fR", roff_escape);
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|' || c == '<' || c == '>' || c == '*' || c == '_') out += '\\';
    out += c;
  }
  return out;
}

std::string md(const std::string& text) {
  // Inside a code span nothing is escaped, but a table cell still needs its pipes escaped.
  std::string out;
  bool in_code = false;
  std::string run;
  for (char c : text) {
    if (c == '`') {
      out += in_code ? run : md_escape(run);
      run.clear();
      out += c;
      in_code = !in_code;
    } else if (in_code && c == '|') {
      run += "\\|";
    } else {
      run += c;
    }
  }
  out += in_code ? run : md_escape(run);
  return out;
}

// The visible options of one command, in the order it declares them.
std::vector<const CLI::Option*> visible_options(const CLI::App& cmd, bool positional) {
  return cmd.get_options([&](const CLI::Option* o) {
    return o != cmd.get_help_ptr() && !o->get_group().empty() && o->get_positional() == positional;
  });
}

std::vector<const CLI::App*> visible_subcommands(const CLI::App& cmd) {
  return cmd.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
}

std::string command_path(const CLI::App& cmd) {
  std::vector<std::string> names;
  for (const CLI::App* c = &cmd; c; c = c->get_parent()) names.push_back(c->get_parent() ? c->get_name() : "leakgate");
  std::string out;
  for (auto it = names.rbegin(); it != names.rend(); ++it) out += (out.empty() ? "" : " ") + *it;
  return out;
}

std::string synopsis(const CLI::App& cmd) {
  std::string s = command_path(cmd) + " [OPTIONS]";
  if (!visible_subcommands(cmd).empty()) return s + " SUBCOMMAND";
  for (const CLI::Option* p : visible_options(cmd, true)) {
    std::string name = p->get_name(true);
    if (p->get_expected_max() > 1) name += "...";
    s += p->get_required() ? " " + name : " [" + name + "]";
  }
  return s;
}

// "-c, --config FILE"-style label with the value's type and default as CLI11 states them.
std::string option_label(const CLI::Option& o) {
  std::string names;
  for (const auto& s : o.get_snames()) names += (names.empty() ? "-" : ", -") + s;
  for (const auto& l : o.get_lnames()) names += (names.empty() ? "--" : ", --") + l;
  return names;
}

std::string option_value(const CLI::Option& o) {
  std::string v = o.get_type_name();
  if (o.get_type_size() == 0) v.clear();  // a flag
  return v;
}

std::string option_text(const CLI::Option& o) {
  std::string t = o.get_description();
  if (!o.get_default_str().empty() && o.get_type_size() != 0) t += " (default: " + o.get_default_str() + ")";
  return t;
}

// Depth-first over the visible command tree, leaves and inner commands alike.
void each_command(const CLI::App& cmd, const std::function<void(const CLI::App&)>& fn) {
  for (const CLI::App* s : visible_subcommands(cmd)) {
    fn(*s);
    each_command(*s, fn);
  }
}

// The scan options are the same on every scan subcommand: take them from the first that has them,
// and name the commands that take them.
std::vector<const CLI::Option*> scan_options(const CLI::App& app, std::vector<std::string>* commands) {
  std::vector<const CLI::Option*> found;
  each_command(app, [&](const CLI::App& c) {
    auto opts = c.get_options([](const CLI::Option* o) { return o->get_group() == kScanOptionsGroup; });
    if (opts.empty()) return;
    if (found.empty()) found = opts;
    if (commands) commands->push_back(command_path(c));
  });
  return found;
}

bool is_scan_option(const CLI::Option* o) { return o->get_group() == kScanOptionsGroup; }

const char* kDescription =
    "leakgate finds leaked secrets \\(em Anthropic API and Admin keys first, and the credentials that usually "
    "leak next to them \\(em in files, standard input and git history, before they are published: as a git "
    "hook, as a gate on pull requests, and as a bulk scan of a repository's whole history. All rules compile "
    "into one Hyperscan database; each hit is confirmed and extracted by RE2 in a small window. With an admin "
    "key it can deactivate a confirmed leaked Anthropic key through the Admin API.";

const char* kConfigSources =
    "`dir`, `stdin`, `git` (history), `git --staged` and `git --pre-push` read `--config FILE`, else the built-in "
    "rules plus `.leakgate.toml` and `.leakgateignore` at the scanned root. `git --range A..B` reads those files "
    "from A's tree, never from the commits under judgement, and says so when the range changes them. "
    "`--no-local-config` reads none of them. A local config layers on the rules in force with gitleaks' "
    "extend semantics: it adds and refines rules, and `[extend] disabledRules` switches named ones off, which a "
    "notice on stderr and in the report says; `--stats` and `rules list` name the files applied.";

}  // namespace

std::string help_footer() {
  std::ostringstream out;
  out << "Exit codes:\n";
  for (const auto& e : exit_codes()) out << "  " << e.name << "  " << plain(e.text) << "\n";
  out << "Environment:";
  for (const auto& e : environment_variables()) out << " " << e.name << ";";
  out << "\nFull reference: man leakgate, or docs/cli.md in the source.";
  return out.str();
}

void write_man_page(const CLI::App& app, std::ostream& out) {
  out << ".\\\" Generated by `leakgate --reference man` from the command definitions; do not edit.\n"
      << ".TH LEAKGATE 1 \"\" \"leakgate " << LEAKGATE_VERSION << "\" \"User Commands\"\n"
      << ".SH NAME\nleakgate \\- find leaked secrets before they are published\n"
      << ".SH SYNOPSIS\n";
  each_command(app, [&](const CLI::App& c) {
    if (visible_subcommands(c).empty()) out << ".br\n\\fB" << roff_escape(synopsis(c)) << "\\fR\n";
  });
  out << ".SH DESCRIPTION\n" << kDescription << "\n";
  auto write_options = [&](const std::vector<const CLI::Option*>& opts) {
    for (const CLI::Option* o : opts) {
      out << ".TP\n\\fB" << roff_escape(o->get_positional() ? o->get_name(true) : option_label(*o)) << "\\fR";
      if (!o->get_positional() && !option_value(*o).empty()) out << " \\fI" << roff_escape(option_value(*o)) << "\\fR";
      out << "\n" << roff(option_text(*o)) << "\n";
    }
  };
  out << ".SH COMMANDS\n";
  each_command(app, [&](const CLI::App& c) {
    out << ".SS \"" << roff_escape(synopsis(c)) << "\"\n" << roff(c.get_description()) << "\n";
    std::vector<const CLI::Option*> opts = visible_options(c, true);
    for (const CLI::Option* o : visible_options(c, false))
      if (!is_scan_option(o)) opts.push_back(o);
    write_options(opts);
    if (!c.get_options(is_scan_option).empty()) out << ".PP\nAnd the scan options below.\n";
  });
  std::vector<std::string> scanners;
  const auto common = scan_options(app, &scanners);
  out << ".SH \"SCAN OPTIONS\"\nTaken by";
  for (size_t i = 0; i < scanners.size(); ++i) out << (i ? ", " : " ") << "\\fB" << roff_escape(scanners[i]) << "\\fR";
  out << ".\n";
  write_options(common);
  out << ".SH CONFIGURATION\n" << roff(kConfigSources) << "\n";
  auto write_table = [&](const char* title, const std::vector<ReferenceEntry>& rows) {
    out << ".SH " << title << "\n";
    for (const auto& r : rows) out << ".TP\n\\fB" << roff_escape(r.name) << "\\fR\n" << roff(r.text) << "\n";
  };
  write_table("\"EXIT STATUS\"", exit_codes());
  write_table("ENVIRONMENT", environment_variables());
  write_table("FILES", files_read_and_written());
  write_table("\"REPORT FIELDS\"", report_fields());
  out << ".PP\nThe \\fBjson\\fR format is one array of findings, \\fBjsonl\\fR one finding per line; "
         "\\fBsarif\\fR is SARIF 2.1.0; \\fBcsv\\fR has one row per finding.\n"
      << ".SH \"SEE ALSO\"\n\\fBgit\\fR(1), \\fBgithooks\\fR(5)\n";
}

void write_markdown_reference(const CLI::App& app, std::ostream& out) {
  out << "# leakgate command-line reference\n\n"
      << "<!-- Generated by `leakgate --reference markdown` from the command definitions, like the man page;\n"
      << "     a test fails when this file and the binary disagree. Regenerate it, do not edit it. -->\n\n";
  auto write_options = [&](const std::vector<const CLI::Option*>& opts) {
    if (opts.empty()) return;
    out << "| option | value | meaning |\n|---|---|---|\n";
    for (const CLI::Option* o : opts) {
      const std::string label = o->get_positional() ? o->get_name(true) : option_label(*o);
      const std::string value = o->get_positional() ? "" : option_value(*o);
      out << "| `" << label << "` | " << (value.empty() ? "" : "`" + md(value) + "`") << " | " << md(option_text(*o))
          << " |\n";
    }
    out << "\n";
  };
  out << "## Commands\n\n";
  each_command(app, [&](const CLI::App& c) {
    out << "### `" << synopsis(c) << "`\n\n" << md(c.get_description()) << "\n\n";
    std::vector<const CLI::Option*> opts = visible_options(c, true);
    for (const CLI::Option* o : visible_options(c, false))
      if (!is_scan_option(o)) opts.push_back(o);
    write_options(opts);
    if (!c.get_options(is_scan_option).empty()) out << "And the [scan options](#scan-options).\n\n";
  });
  std::vector<std::string> scanners;
  const auto common = scan_options(app, &scanners);
  out << "## Scan options\n\nTaken by";
  for (size_t i = 0; i < scanners.size(); ++i) out << (i ? ", " : " ") << "`" << scanners[i] << "`";
  out << ".\n\n";
  write_options(common);
  out << "## Configuration\n\n" << md(kConfigSources) << "\n\n";
  auto write_table = [&](const char* title, const char* column, const std::vector<ReferenceEntry>& rows) {
    out << "## " << title << "\n\n| " << column << " | meaning |\n|---|---|\n";
    for (const auto& r : rows) out << "| `" << r.name << "` | " << md(r.text) << " |\n";
    out << "\n";
  };
  write_table("Exit codes", "code", exit_codes());
  write_table("Environment", "variable", environment_variables());
  write_table("Files", "file", files_read_and_written());
  write_table("Report fields (json, jsonl)", "field", report_fields());
}

void add_reference_option(CLI::App& app) {
  app.add_option_function<std::string>(
         "--reference",
         [&app](const std::string& kind) {
           if (kind == "man") write_man_page(app, std::cout);
           else write_markdown_reference(app, std::cout);
           throw CLI::Success();
         },
         "print the reference: man or markdown")
      ->check(CLI::IsMember({"man", "markdown"}))
      ->trigger_on_parse()
      ->group("");
}

}  // namespace leakgate::cli
