# Turns INPUT into a C++ source defining leakgate::NAME() (a std::string_view of the bytes) so the
# binary carries its rule set and hook scripts. A byte array (not a raw string) so any byte in the TOML survives unchanged.
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_len)
math(EXPR byte_len "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}" "// Generated from ${INPUT} by scripts/embed_file.cmake. Do not edit.\n#include <string_view>\nnamespace leakgate {\nstatic const unsigned char kData[] = {\n${bytes}0x00};\nstd::string_view ${NAME}() {\n  return {reinterpret_cast<const char*>(kData), ${byte_len}};\n}\n}  // namespace leakgate\n")
