// Secrets in free text, found by the whole engine: the last step before an error message that may
// quote input reaches stderr. Above the stages (it compiles the built-in rules and runs the
// content scanner), so report/ stays a leaf that only formats findings.
#pragma once

#include <string>

namespace leakgate {

// Error text that may quote input (a rule's regex, a config line, a server message) with every
// secret the built-in rules find in it, and anything Anthropic-shaped, redacted. For messages, not
// reports: it compiles (or loads from the cache) the built-in rules on first use.
std::string redact_secrets_in(const std::string& text);

}  // namespace leakgate
