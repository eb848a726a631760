// The checked reader of loose git objects (loose_guard.h): what libgit2 1.5 loops forever on or
// overruns its buffer with must come back as a precise error, and sound objects as they are.
#include <catch2/catch.hpp>

#include <zlib.h>

#include "scanner/source/git/loose_guard.h"

using leakgate::inflate_loose_object;

namespace {

std::string deflate_bytes(const std::string& raw) {
  uLongf n = compressBound(raw.size());
  std::string out(n, '\0');
  REQUIRE(compress(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(raw.data()), raw.size()) == Z_OK);
  out.resize(n);
  return out;
}

std::string object(const std::string& header, const std::string& body) {
  std::string raw = header;
  raw.push_back('\0');
  return deflate_bytes(raw + body);
}

}  // namespace

TEST_CASE("loose objects: sound ones read back whole, with their type") {
  std::string body;
  for (int i = 0; i < 5000; ++i) body.append("line ").append(std::to_string(i)).append("\n");
  const auto blob = inflate_loose_object(object("blob " + std::to_string(body.size()), body));
  CHECK(blob.error.empty());
  CHECK(blob.type == GIT_OBJECT_BLOB);
  CHECK(blob.body == body);
  const auto empty = inflate_loose_object(object("blob 0", ""));
  CHECK(empty.error.empty());
  CHECK(empty.body.empty());
  CHECK(inflate_loose_object(object("tree 3", "abc")).type == GIT_OBJECT_TREE);
  CHECK(inflate_loose_object(object("commit 3", "abc")).type == GIT_OBJECT_COMMIT);
  CHECK(inflate_loose_object(object("tag 3", "abc")).type == GIT_OBJECT_TAG);
}

TEST_CASE("loose objects: every truncation is an error, never a hang (libgit2#7342)") {
  std::string body;
  for (int i = 0; i < 300; ++i) body.append(std::to_string(i * 7919 % 1000)).append(" ");
  const std::string whole = object("blob " + std::to_string(body.size()), body);
  for (size_t n = 0; n < whole.size(); ++n) {
    INFO("kept " << n << " of " << whole.size() << " bytes");
    const auto o = inflate_loose_object(std::string_view(whole).substr(0, n));
    CHECK_FALSE(o.error.empty());
    CHECK(o.body.empty());
  }
  CHECK(inflate_loose_object(whole.substr(0, whole.size() / 2)).error == "truncated (the compressed stream ends early)");
}

TEST_CASE("loose objects: a header that misstates the size or type is refused (libgit2#7177)") {
  const std::string body = "this is a blob with a too-small length value\n";
  CHECK(inflate_loose_object(object("blob 12", body)).error == "longer than its header says");
  CHECK(inflate_loose_object(object("blob 46", body)).error == "shorter than its header says");
  CHECK(inflate_loose_object(object("blob 45", body)).error.empty());
  CHECK(inflate_loose_object(object("blob 44", body)).error == "longer than its header says");
  CHECK(inflate_loose_object(object("blob 90", body)).error == "shorter than its header says");
  CHECK(inflate_loose_object(object("blob 99999999999", body)).error == "a bad size in its header");
  CHECK(inflate_loose_object(object("blob -5", body)).error == "a bad size in its header");
  CHECK(inflate_loose_object(object("blob ", body)).error == "a bad size in its header");
  CHECK(inflate_loose_object(object("blob 4x", body)).error == "a bad size in its header");
  CHECK(inflate_loose_object(object("blub 45", body)).error == "unknown object type in its header");
  CHECK(inflate_loose_object(deflate_bytes(std::string(100, 'x'))).error == "no object header");
  CHECK(inflate_loose_object("not zlib at all").error == "not a valid zlib stream");
}
