#!/bin/sh
# CI's check of the Debian package: builds it with scripts/package-deb.sh, reads its metadata and
# contents, runs lintian (no errors allowed), installs it with apt-get as a user would, runs the
# installed leakgate and its man page, and removes it again.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh --lint
deb=$(scripts/package-deb.sh | tail -n 1)
fail() { echo "check-package: $*" >&2; exit 1; }

info=$(dpkg-deb -I "$deb")
printf '%s\n' "$info" | grep -E '^ (Package|Version|Architecture|Depends|Recommends|Installed-Size):' >&2
for want in 'Package: leakgate' 'Depends: .*libgit2' 'Depends: .*libhyperscan' 'Depends: .*libcurl' 'Recommends: git'; do
  printf '%s\n' "$info" | grep -Eq "^ $want" || fail "control field missing: $want"
done
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/leakgate ./usr/share/man/man1/leakgate.1.gz ./usr/share/leakgate/hooks/pre-commit \
         ./usr/share/leakgate/hooks/pre-push ./usr/share/doc/leakgate/copyright ./usr/share/doc/leakgate/changelog.gz; do
  printf '%s\n' "$contents" | grep -q " $f\$" || fail "not in the package: $f"
done

lint=$(lintian --pedantic --display-info "$deb" 2>/dev/null || true)
printf '%s\n' "${lint:-lintian: no tags}" >&2
printf '%s\n' "$lint" | grep -q '^E:' && fail "lintian reports errors"

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "./$deb" >/dev/null
empty=$(mktemp -d)
trap 'rm -rf "$empty"; DEBIAN_FRONTEND=noninteractive $SUDO apt-get remove -y -qq leakgate >/dev/null' EXIT
/usr/bin/leakgate dir "$empty" >&2 || fail "the installed leakgate did not scan"
man -w leakgate >/dev/null || fail "man leakgate finds no page"
man -P cat leakgate 2>/dev/null | grep -q 'EXIT STATUS' || fail "the man page does not render"
echo "check-package: $deb ($(du -k "$deb" | cut -f1) KiB) is good" >&2
