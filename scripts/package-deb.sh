#!/bin/sh
# Builds Release in ./build-deb and writes dist/leakgate_<version>_<arch>.deb with CPack (Depends
# computed by dpkg-shlibdeps, plus the dlopen()ed libgit2 and libcurl; see scripts/packaging.cmake).
# Usage: scripts/package-deb.sh   then: apt-get install ./dist/leakgate_*.deb
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh --package
# Debian's hardening flags, as dpkg-buildflags gives them to every package (bindnow included).
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cmake -S . -B build-deb -G Ninja -DCMAKE_BUILD_TYPE=Release -DLEAKGATE_BUILD_TESTS=OFF -DLEAKGATE_BUILD_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)" \
  -DCMAKE_EXE_LINKER_FLAGS="$(dpkg-buildflags --get LDFLAGS)" >/dev/null
cmake --build build-deb
rm -f dist/leakgate_*.deb
(cd build-deb && cpack -G DEB >/dev/null)
ls dist/leakgate_*.deb
