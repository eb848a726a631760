#!/bin/sh
# Installs what leakgate needs to build and test on Debian 12, and nothing when all is there.
# Usage: scripts/install-deps.sh [--test] [--bench] [--sanitize] [--package] [--lint]
#   --test      what the tests run besides leakgate: man-db and groff (the man page is rendered), and
#               pre-commit (the hook manifest is tried through the real framework)
#   --bench     ripgrep and hyperfine for the bench/ scripts
#   --sanitize  clang with its sanitizer and libFuzzer runtimes (scripts/sanitize.sh, fuzz.sh)
#   --package   what building the .deb needs (scripts/package-deb.sh)
#   --lint      lintian, to check the .deb (scripts/check-package.sh)
set -eu

packages="build-essential cmake ninja-build pkg-config git ca-certificates
  libgit2-dev libcli11-dev nlohmann-json3-dev catch2 libbenchmark-dev libre2-dev
  libtomlplusplus-dev libcurl4-openssl-dev nettle-dev libcpp-httplib-dev zlib1g-dev"
for flag in "$@"; do
  case "$flag" in
    --bench) packages="$packages ripgrep hyperfine time bc" ;;
    --sanitize) packages="$packages clang libclang-rt-14-dev" ;;
    --test) packages="$packages man-db pre-commit" ;;
    --package) packages="$packages dpkg-dev file" ;;
    --lint) packages="$packages lintian man-db" ;;
    *) echo "install-deps.sh: unknown option '$flag'" >&2; exit 2 ;;
  esac
done

# Hyperscan is x86-only; its API-compatible fork Vectorscan builds the same code elsewhere.
if dpkg -s libhyperscan-dev >/dev/null 2>&1 || dpkg -s libvectorscan-dev >/dev/null 2>&1; then
  :
elif [ "$(dpkg --print-architecture)" = "amd64" ]; then
  packages="$packages libhyperscan-dev"
else
  packages="$packages libvectorscan-dev"
fi

missing=""
for p in $packages; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing:$missing" >&2
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
