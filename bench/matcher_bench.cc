// Matcher micro-benchmarks: throughput on text without hits and with dense hits, the RE2
// confirmation cost per hit, and the compile time of the built-in and gitleaks rule sets.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "scanner/match/content_scanner.h"
#include "scanner/ruleset/config_loader.h"
#include "scanner/ruleset/templates.h"

namespace {

using namespace leakgate;

std::shared_ptr<const CompiledRuleset> builtin() {
  static auto rules = CompiledRuleset::compile(load_builtin_config());
  return rules;
}

const std::string kGitleaks = LEAKGATE_TEST_DATA_DIR "/gitleaks/gitleaks.toml";

std::shared_ptr<const CompiledRuleset> gitleaks() {
  static auto rules = CompiledRuleset::compile(load_config_file(kGitleaks));
  return rules;
}

// Source-like text: identifiers, punctuation, numbers, newlines; deterministic.
std::string source_text(size_t n) {
  static const char* words[] = {"int", "return", "const", "value", "config", "std::string", "if", "(", ")", "{",
                                "}", ";", "=", "==", "user", "name", "for", "auto", "\n", "  ", "0x1f", "42", "//",
                                "data", "path", "error", "result", "self", "import", "def", ":", ",", "\"text\""};
  std::mt19937_64 rng(7);
  std::string out;
  out.reserve(n + 32);
  while (out.size() < n) {
    out += words[rng() % (sizeof words / sizeof *words)];
    out += ' ';
  }
  out.resize(n);
  return out;
}

// Text where every line holds a key (hits for RE2 to confirm).
std::string dense_text(size_t n) {
  TemplateExpander t(9);
  std::string out;
  while (out.size() < n) out += "ANTHROPIC_API_KEY=\"sk-ant-api03-" + t.random("b64url", 93) + "AA\"\n";
  return out;
}

void scan(benchmark::State& state, const std::shared_ptr<const CompiledRuleset>& rules, const std::string& text) {
  ContentScanner scanner(rules);
  std::vector<Finding> out;
  for (auto _ : state) {
    out.clear();
    scanner.scan_buffer(text, ScanTarget{"bench.txt", {}}, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["findings"] = static_cast<double>(out.size());
}

void BM_Builtin_NoHits(benchmark::State& s) { static auto t = source_text(16 << 20); scan(s, builtin(), t); }
void BM_Builtin_DenseHits(benchmark::State& s) { static auto t = dense_text(4 << 20); scan(s, builtin(), t); }
void BM_Gitleaks_NoHits(benchmark::State& s) { static auto t = source_text(16 << 20); scan(s, gitleaks(), t); }

// RE2 confirmation + filters cost per confirmed key (one key per 128-byte line).
void BM_ConfirmPerHit(benchmark::State& state) {
  static auto text = dense_text(1 << 20);
  ContentScanner scanner(builtin());
  std::vector<Finding> out;
  size_t hits = 0;
  for (auto _ : state) {
    out.clear();
    scanner.scan_buffer(text, ScanTarget{"bench.txt", {}}, out);
    hits += out.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(hits));
}

// Compile time without the on-disk cache (the cost of a first run or a changed rule file)...
CompileOptions no_cache() {
  CompileOptions o;
  o.use_cache = false;
  return o;
}
void BM_Compile_Builtin(benchmark::State& state) {
  const RuleConfig cfg = load_builtin_config();
  for (auto _ : state) benchmark::DoNotOptimize(CompiledRuleset::compile(cfg, no_cache()));
}
void BM_Compile_Gitleaks(benchmark::State& state) {
  const RuleConfig cfg = load_config_file(kGitleaks);
  for (auto _ : state) benchmark::DoNotOptimize(CompiledRuleset::compile(cfg, no_cache()));
}
// ...and with it (every later run): RE2 programs are still built, Hyperscan is deserialized.
void BM_LoadCached_Builtin(benchmark::State& state) {
  const RuleConfig cfg = load_builtin_config();
  CompiledRuleset::compile(cfg);
  for (auto _ : state) benchmark::DoNotOptimize(CompiledRuleset::compile(cfg));
}
void BM_LoadCached_Gitleaks(benchmark::State& state) {
  const RuleConfig cfg = load_config_file(kGitleaks);
  CompiledRuleset::compile(cfg);
  for (auto _ : state) benchmark::DoNotOptimize(CompiledRuleset::compile(cfg));
}

}  // namespace

BENCHMARK(BM_Builtin_NoHits)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Builtin_DenseHits)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Gitleaks_NoHits)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ConfirmPerHit)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Compile_Builtin)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Compile_Gitleaks)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_LoadCached_Builtin)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadCached_Gitleaks)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
