// Paths and matched bytes come from untrusted trees: they can be any bytes. Reports must stay valid
// UTF-8 (JSON, SARIF, CSV) and must not let a hostile file name drive the terminal (text).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace leakgate {

bool is_valid_utf8(std::string_view s);

// Replaces every invalid UTF-8 sequence with U+FFFD.
std::string to_valid_utf8(std::string_view s);

// Valid UTF-8 with C0/C1 control characters (and DEL) shown as \xNN escapes: safe to print on a terminal.
std::string printable(std::string_view s);

// RFC 3986 percent-encoding of every byte outside the unreserved set (A-Z a-z 0-9 - . _ ~), and
// outside `keep` too: a SARIF artifact URI keeps '/', an API query value keeps nothing.
std::string percent_encode(std::string_view s, std::string_view keep = {});

// Standard base64 (RFC 4648), used to carry the exact bytes of a non-UTF-8 path in JSON.
std::string base64_encode(std::string_view s);
// The inverse, for reading those bytes back from an earlier report; nullopt if `s` is not base64.
std::optional<std::string> base64_decode(std::string_view s);

}  // namespace leakgate
