// A fingerprint of the code that turns rules into a compiled database: the SHA-256 (hex) of the
// sources that decide what a cached database holds, computed at build time (leakgate_fingerprint()
// in CMakeLists.txt, which lists them). The database cache's key holds it, so an entry written by
// a build whose compile code differs is never loaded: a change there needs no hand-bumped number.
#pragma once

#include <string_view>

namespace leakgate {

std::string_view database_code_fingerprint();  // generated: build/generated/database_code_fingerprint.cc

}  // namespace leakgate
