// SHA-256 through OpenSSL's libcrypto: a secret's identity in reports (secret_sha256) and the
// basis of fingerprints, so findings can be matched across reports without the secret itself.
#pragma once

#include <string>
#include <string_view>

namespace leakgate {

// Lower-case hex digest of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace leakgate
