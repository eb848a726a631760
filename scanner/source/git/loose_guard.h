// A shield in front of libgit2 1.5's loose-object reader, which Debian 12 ships. On a truncated
// loose object (a crash or a full disk while git wrote it) that reader loops forever inside
// inflate (libgit2#7342, fixed upstream by #7346), and on one whose header understates its size it
// writes past its buffer (#7177). A hook or a CI job must not hang on a damaged repository.
//
// The shield is an object-database backend consulted before libgit2's own: for an object that
// exists loose in the repository's objects directory it reads the file itself and hands libgit2
// the body only if the zlib stream ends and the body is exactly as long as the header says;
// otherwise libgit2 gets a precise error. Objects in packs pass through untouched (the list of
// loose objects is read once per fan-out directory, so a packed object costs a hash lookup).
#pragma once

#include <git2.h>

#include <string>
#include <string_view>

namespace leakgate {

// Installs the shield on `repo`'s object database (throws Error if libgit2 refuses it).
void guard_loose_objects(git_repository* repo);

// The checked read itself, on a loose object file's compressed bytes: its type and body, or the
// reason it is corrupt (then no type and no body). Exposed for tests.
struct LooseObject {
  git_object_t type = GIT_OBJECT_INVALID;
  std::string body;
  std::string error;  // empty when the object is sound
};
LooseObject inflate_loose_object(std::string_view compressed);

}  // namespace leakgate
