#include "scanner/source/git/loose_guard.h"

#include <fcntl.h>
#include <git2/sys/odb_backend.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <mutex>
#include <unordered_set>

#include "scanner/util/fd_reader.h"
#include "scanner/source/git/git_handles.h"
#include "scanner/util/error.h"

namespace leakgate {
namespace {

constexpr size_t kChunk = size_t{1} << 30;  // zlib counts in 32-bit units

// Inflates into dst[0, cap) until it is full or the stream ends. Returns Z_STREAM_END, Z_OK (dst
// full), Z_BUF_ERROR (the input ran out first: truncated) or another zlib error. Every Z_OK from
// inflate() made progress, so this cannot spin the way libgit2's drain loop did.
int pump(z_stream& z, std::string_view& rest, char* dst, size_t cap, size_t& produced) {
  produced = 0;
  while (produced < cap) {
    if (z.avail_in == 0 && !rest.empty()) {
      const size_t n = std::min(rest.size(), kChunk);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(rest.data()));
      z.avail_in = static_cast<uInt>(n);
      rest.remove_prefix(n);
    }
    const size_t room = std::min(cap - produced, kChunk);
    z.next_out = reinterpret_cast<Bytef*>(dst + produced);
    z.avail_out = static_cast<uInt>(room);
    const int ret = inflate(&z, Z_NO_FLUSH);
    produced += room - z.avail_out;
    if (ret != Z_OK) return ret;
  }
  return Z_OK;
}

std::string zlib_problem(int ret) {
  return ret == Z_BUF_ERROR ? "truncated (the compressed stream ends early)" : "not a valid zlib stream";
}

LooseObject inflate_checked(std::string_view compressed) {
  LooseObject out;
  z_stream z{};
  if (inflateInit(&z) != Z_OK) {
    out.error = "zlib could not start";
    return out;
  }
  struct End {
    z_stream& z;
    ~End() { inflateEnd(&z); }
  } end{z};
  std::string_view rest = compressed;
  // The header, "<type> <size>\0", is at most ~30 bytes; 64 leaves room for the body's start.
  char head[64];
  size_t got = 0;
  int ret = pump(z, rest, head, sizeof head, got);
  if (ret != Z_OK && ret != Z_STREAM_END) {
    out.error = zlib_problem(ret);
    return out;
  }
  const char* nul = static_cast<const char*>(std::memchr(head, '\0', got));
  const char* space = nul ? static_cast<const char*>(std::memchr(head, ' ', static_cast<size_t>(nul - head))) : nullptr;
  if (!space) {
    out.error = "no object header";
    return out;
  }
  const std::string_view type(head, static_cast<size_t>(space - head));
  if (type == "blob") out.type = GIT_OBJECT_BLOB;
  else if (type == "tree") out.type = GIT_OBJECT_TREE;
  else if (type == "commit") out.type = GIT_OBJECT_COMMIT;
  else if (type == "tag") out.type = GIT_OBJECT_TAG;
  else {
    out.error = "unknown object type in its header";
    return out;
  }
  uint64_t size = 0;
  const auto [end_of_size, ec] = std::from_chars(space + 1, nul, size);
  // zlib cannot expand more than ~1032:1; a larger claim is a lie, not a reason to allocate.
  if (ec != std::errc() || end_of_size != nul || space + 1 == nul ||
      size > static_cast<uint64_t>(compressed.size()) * 1032 + sizeof head) {
    out.error = "a bad size in its header";
    return out;
  }
  const size_t early = got - static_cast<size_t>(nul + 1 - head);  // body bytes already inflated
  if (early > size) {
    out.error = "longer than its header says";
    return out;
  }
  out.body.resize(static_cast<size_t>(size) + 1);  // one byte more, to see a body that runs on
  std::memcpy(out.body.data(), nul + 1, early);
  size_t more = 0;
  if (ret != Z_STREAM_END) ret = pump(z, rest, out.body.data() + early, out.body.size() - early, more);
  if (ret == Z_OK || (ret == Z_STREAM_END && early + more > size)) {
    out.error = "longer than its header says";
  } else if (ret != Z_STREAM_END) {
    out.error = zlib_problem(ret);
  } else if (early + more < size) {
    out.error = "shorter than its header says";
  }
  if (!out.error.empty()) return out;
  out.body.resize(static_cast<size_t>(size));
  return out;
}

}  // namespace

LooseObject inflate_loose_object(std::string_view compressed) {
  LooseObject out = inflate_checked(compressed);
  if (!out.error.empty()) {  // a refused object has neither type nor body
    out.type = GIT_OBJECT_INVALID;
    out.body.clear();
  }
  return out;
}

namespace {

// libgit2 sees only `base`, the first member; the callbacks cast back.
struct GuardBackend {
  git_odb_backend base{};  // version set in guard_loose_objects(); every callback unset until then
  std::filesystem::path objects;
  std::mutex mu;
  std::array<bool, 256> listed{};
  std::array<std::unordered_set<std::string>, 256> loose;  // per fan-out directory: the 38-hex-digit names

  // Whether `id` is a loose object here (its hex id in `hex` if so). A packed object in a packed
  // repository, the common case, costs a lock and an empty-set check: no string, no system call.
  bool is_loose(const git_oid& id, std::string& hex) {
    const unsigned fan = id.id[0];
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!listed[fan]) {
        listed[fan] = true;
        char dir[3];
        std::snprintf(dir, sizeof dir, "%02x", fan);
        if (DIR* d = ::opendir((objects / dir).c_str())) {
          while (const dirent* e = ::readdir(d))
            if (std::strlen(e->d_name) == GIT_OID_HEXSZ - 2) loose[fan].insert(e->d_name);
          ::closedir(d);
        }
      }
      if (loose[fan].empty()) return false;
    }
    hex = oid_hex(id);
    std::lock_guard<std::mutex> lock(mu);
    return loose[fan].count(hex.substr(2)) > 0;
  }
};

// The object's checked content, or a libgit2 error code with the message set. GIT_PASSTHROUGH:
// not loose here, let the next backend (packs, alternates) answer.
int read_checked(GuardBackend& g, const git_oid& id, LooseObject& obj) {
  std::string hex;
  if (!g.is_loose(id, hex)) return GIT_PASSTHROUGH;
  const auto path = g.objects / hex.substr(0, 2) / hex.substr(2);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return GIT_PASSTHROUGH;  // gone since it was listed (packed meanwhile): ask the others
  std::string compressed;
  try {
    compressed = read_all(fd.get());
  } catch (const ReadError& e) {
    git_error_set_str(GIT_ERROR_ODB, ("loose object " + hex + " cannot be read: " + e.what()).c_str());
    return GIT_ERROR;
  }
  obj = inflate_loose_object(compressed);
  if (!obj.error.empty()) {
    git_error_set_str(GIT_ERROR_ODB, ("corrupt loose object " + hex + ": " + obj.error).c_str());
    return GIT_ERROR;
  }
  return 0;
}

int guard_read(void** data, size_t* len, git_object_t* type, git_odb_backend* backend, const git_oid* id) {
  try {
    LooseObject obj;
    if (const int rc = read_checked(*reinterpret_cast<GuardBackend*>(backend), *id, obj); rc != 0) return rc;
    void* out = git_odb_backend_data_alloc(backend, obj.body.size());
    if (!out) return GIT_ERROR;
    std::memcpy(out, obj.body.data(), obj.body.size());
    *data = out;
    *len = obj.body.size();
    *type = obj.type;
    return 0;
  } catch (const std::exception& e) {  // never across libgit2's C frames
    git_error_set_str(GIT_ERROR_ODB, e.what());
    return GIT_ERROR;
  }
}

int guard_read_header(size_t* len, git_object_t* type, git_odb_backend* backend, const git_oid* id) {
  try {
    LooseObject obj;  // the whole object: a header alone cannot tell a truncated one
    if (const int rc = read_checked(*reinterpret_cast<GuardBackend*>(backend), *id, obj); rc != 0) return rc;
    *len = obj.body.size();
    *type = obj.type;
    return 0;
  } catch (const std::exception& e) {
    git_error_set_str(GIT_ERROR_ODB, e.what());
    return GIT_ERROR;
  }
}

void guard_free(git_odb_backend* backend) { delete reinterpret_cast<GuardBackend*>(backend); }

}  // namespace

void guard_loose_objects(git_repository* repo) {
  git_odb* odb_raw = nullptr;
  int rc = git_repository_odb(&odb_raw, repo);
  if (rc < 0) throw Error(git_error_text(rc, "opening the object database"));
  GitOdb odb(odb_raw);
  auto g = std::make_unique<GuardBackend>();
  static_assert(offsetof(GuardBackend, base) == 0, "libgit2 holds a pointer to the first member");
  g->objects = std::filesystem::path(git_repository_commondir(repo)) / "objects";
  g->base.version = GIT_ODB_BACKEND_VERSION;
  g->base.read = guard_read;
  g->base.read_header = guard_read_header;
  g->base.free = guard_free;
  // Above libgit2's packs (2) and loose objects (1): asked first, it answers only for loose ones.
  if ((rc = git_odb_add_backend(odb.get(), &g->base, 3)) < 0)
    throw Error(git_error_text(rc, "setting up the loose-object check"));
  g.release();  // the object database owns it now and frees it through guard_free
}

}  // namespace leakgate
