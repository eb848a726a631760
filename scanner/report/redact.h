// How a secret is shown when it is not shown: the single place that decides what of a secret may
// reach any output.
#pragma once

#include <string>
#include <string_view>

namespace leakgate {

// The Console's partial key hint for an Anthropic credential: the prefix through the dash that ends
// it (`sk-ant-api03-`), the next 3 characters, `...`, the last 4 (`sk-ant-api03-R2D...igAA`).
// Empty if `secret` is not shaped like one.
std::string anthropic_hint(std::string_view secret);

// The redacted form used by every report: Anthropic keys become their hint; other secrets keep a
// short head (at most 4 bytes, and at most a quarter of the secret) followed by `...`.
std::string redact(std::string_view secret);

// Replaces anything shaped like an Anthropic credential in `text` (even a truncated one) with its
// redacted hint: server messages and transport errors pass through this before they are shown or
// logged.
std::string scrub_credentials(const std::string& text);

}  // namespace leakgate
