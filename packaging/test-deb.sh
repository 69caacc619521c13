#!/usr/bin/env bash
# Builds the .deb from a configured build folder and checks that it installs and starts.
# Usage: packaging/test-deb.sh BUILD_DIR
# As root on CI (CI=true) it installs the package for real with apt-get, runs it from /usr/bin
# and removes it again; elsewhere it unpacks the package into a temporary root and runs it there.
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$build"
cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/lmodesk_*.deb)
echo "built $(basename "$deb")"

fail() { echo "FAIL: $*" >&2; exit 1; }

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for needed in libqt6widgets6 libqt6charts6 libqt6sql6 libqt6sql6-sqlite qt6-qpa-plugins libsqlite3-0 libqt6sql6-psql libpq5 libqt6keychain1; do
  grep -q "$needed" <<<"$depends" || fail "the package does not depend on $needed"
done
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/lmodesk ./usr/share/applications/org.lmodesk.LmoDesk.desktop \
            ./usr/share/metainfo/org.lmodesk.LmoDesk.metainfo.xml \
            ./usr/share/icons/hicolor/scalable/apps/org.lmodesk.LmoDesk.svg; do
  grep -q " $path\$" <<<"$contents" || fail "the package lacks $path"
done

if [ "$(id -u)" -eq 0 ] && [ "${CI:-}" = "true" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "apt-get install"; }
  bin=/usr/bin/lmodesk
  installed=1
else
  dpkg-deb -x "$deb" "$work/root"
  bin="$work/root/usr/bin/lmodesk"
  installed=0
fi

"$bin" --version | grep -q "^lmodesk " || fail "--version"
"$bin" demo --db "$work/demo.sqlite" --licenses 2000 >/dev/null || fail "demo"
"$bin" stats --db "$work/demo.sqlite" --json | grep -q '"licenses": 2000' || fail "stats"
# The window starts and keeps running until stopped: timeout's 124 means it was still up.
set +e
XDG_CONFIG_HOME="$work/config" QT_QPA_PLATFORM=offscreen timeout 5 "$bin" --db "$work/demo.sqlite" --page dashboard
code=$?
set -e
[ "$code" -eq 124 ] || fail "the window did not stay up (exit $code)"

if [ "$installed" -eq 1 ]; then
  apt-get remove -y lmodesk >/dev/null 2>&1 || fail "apt-get remove"
fi
echo "PASS: the package installs and starts"
