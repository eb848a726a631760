// The test runner: Catch2's, after giving the process a rule-database cache of its own.
//
// Tests must see what this build compiles. With the user's ~/.cache/leakgate they could be served
// an entry an earlier build wrote, and a change to how databases are built would pass unnoticed
// in exactly the suite meant to catch it. So every test process starts with an empty cache in a
// fresh temporary directory, set before any test runs; the leakgate binaries the end-to-end tests
// start inherit it. Tests that need another cache (or none) set LEAKGATE_CACHE_DIR or
// LEAKGATE_NO_CACHE for their own child, which wins over the inherited one.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>

#include "support/test_support.h"

int main(int argc, char* argv[]) {
  // A local, not a static: a forked child that exits must not remove the parent's cache.
  const lgtest::TempDir cache;
  ::setenv("LEAKGATE_CACHE_DIR", cache.path().c_str(), 1);
  ::unsetenv("LEAKGATE_NO_CACHE");  // the cache is under test too, whatever the caller's environment says
  return Catch::Session().run(argc, argv);
}
