#!/usr/bin/env bash
# package_deb: tools/build-deb on a built tree, then the two .debs checked without installing them system-wide:
# their file lists (dpkg -c), control fields and maintainer scripts (dpkg-deb -I / -e), the files unpacked into
# a throwaway root (dpkg -x) where the unpacked aiopid checks the unpacked config, and a program built with
# pkg-config against the unpacked libaiopi-dev.
# Usage: deb_test.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
src=$1 build=$2 work=$3
rm -rf "$work"
mkdir -p "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }

"$src/tools/build-deb" --build-dir "$build" --out "$work" --no-build >"$work/build-deb.log" ||
  { cat "$work/build-deb.log"; fail "tools/build-deb"; }
daemon_deb=$(ls "$work"/aiopid_*.deb)
dev_deb=$(ls "$work"/libaiopi-dev_*.deb)
echo "built: $(basename "$daemon_deb") $(basename "$dev_deb")"

# --- aiopid: files
dpkg -c "$daemon_deb" | awk '{print $6}' >"$work/aiopid.files"
expect_files=(./usr/sbin/aiopid ./usr/bin/aiopi-io ./usr/bin/aiopi-cron ./etc/aiopi/aiopid.toml ./etc/aiopi/conf.d/
              ./usr/share/doc/aiopi/daemon.md ./usr/share/doc/aiopi/README.md
              ./usr/share/doc/aiopi/examples/sensors.toml ./usr/share/doc/aiopi/examples/split/conf.d/10-doorbell.toml)
[ -e "$src/systemd/aiopid.service" ] && expect_files+=(./usr/lib/systemd/system/aiopid.service)
[ -e "$src/systemd/aiopid.sysusers.conf" ] && expect_files+=(./usr/lib/sysusers.d/aiopid.conf)
[ -e "$src/tools/aiopictl/CMakeLists.txt" ] && expect_files+=(./usr/bin/aiopictl)
for f in "${expect_files[@]}"; do
  grep -qxF "$f" "$work/aiopid.files" || fail "aiopid .deb lacks $f"
done
if grep -E '^\./usr/(include|lib/cmake|lib/pkgconfig)|\.a$' "$work/aiopid.files"; then
  fail "aiopid .deb carries development files"
fi
echo "aiopid: $(grep -vc '/$' "$work/aiopid.files") files, all expected ones present"

# --- aiopid: control
[ "$(dpkg-deb -f "$daemon_deb" Package)" = aiopid ] || fail "package name"
depends=$(dpkg-deb -f "$daemon_deb" Depends)
echo "aiopid Depends: $depends"
for dep in 'libc6 (>=' 'libstdc++6 (>=' 'adduser' 'libdate-tz3'; do
  [[ $depends == *"$dep"* ]] || fail "Depends lacks $dep"
done
dpkg-deb -e "$daemon_deb" "$work/control"
grep -qx /etc/aiopi/aiopid.toml "$work/control/conffiles" || fail "/etc/aiopi/aiopid.toml is not a conffile"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "no executable $script"
  sh -n "$work/control/$script" || fail "$script: syntax"
done
# Installing enables and starts nothing.
if grep -v '^[[:space:]]*#' "$work/control/postinst" |
   grep -nE 'systemctl +(--[a-z-]+ +)*(enable|start|restart)|deb-systemd-(helper +enable|invoke +start)'; then
  fail "postinst enables or starts the service"
fi
grep -q 'adduser .*--system' "$work/control/postinst" || fail "postinst creates no system user"
# The state directory goes only on purge.
awk '/"\$1" = purge/,/^fi/' "$work/control/postrm" | grep -q 'rm -rf /var/lib/aiopi' ||
  fail "postrm removes the state directory outside purge, or not at all"
[ "$(grep -c 'rm -rf' "$work/control/postrm")" = 1 ] || fail "postrm deletes something outside purge"

# --- aiopid: unpacked
dpkg -x "$daemon_deb" "$work/root"
"$work/root/usr/sbin/aiopid" --check-config --config "$work/root/etc/aiopi/aiopid.toml" ||
  fail "the unpacked aiopid rejects the unpacked config"

# --- libaiopi-dev
dpkg -c "$dev_deb" | awk '{print $6}' >"$work/dev.files"
for pattern in '^\./usr/include/aiopi/aiopi\.hpp$' '^\./usr/lib/.*cmake/aiopi/aiopiConfig\.cmake$' \
               '^\./usr/lib/.*cmake/aiopi/aiopiConfigVersion\.cmake$' '^\./usr/lib/.*pkgconfig/aiopi\.pc$' \
               '^\./usr/lib/.*libaiopi_core\.a$' '^\./usr/lib/.*aiopi/linux_default\.o$'; do
  grep -q "$pattern" "$work/dev.files" || fail "libaiopi-dev .deb lacks $pattern"
done
echo "libaiopi-dev Depends: $(dpkg-deb -f "$dev_deb" Depends)"
dpkg -x "$dev_deb" "$work/root"
pcdir=$(dirname "$(find "$work/root" -name aiopi.pc)")
flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs aiopi)
# shellcheck disable=SC2086  # the flags are words
c++ -O1 -o "$work/consumer" "$src/tests/package/consumer/main.cpp" $flags || fail "c++ $flags"
out=$("$work/consumer") || fail "consumer exited $?"
[ "$out" = "aiopi consumer: 13" ] || fail "consumer printed: $out"
echo "consumer built on the unpacked libaiopi-dev: $out"
echo "package_deb: ok"
