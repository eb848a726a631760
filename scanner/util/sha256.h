// SHA-256 through Nettle: a secret's identity in reports (secret_sha256) and the basis of
// fingerprints, so findings can be matched across reports without the secret itself. Nettle, not
// OpenSSL's libcrypto: libcrypto's first digest initialises its provider machinery, 1.8 ms of CPU
// in a process whose whole start-up is a few ms (a git hook that finds one key pays it); Nettle's
// hash is a plain function, and its library loads with a fraction of libcrypto's relocations.
#pragma once

#include <string>
#include <string_view>

namespace leakgate {

// Lower-case hex digest of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace leakgate
