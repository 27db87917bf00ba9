#!/usr/bin/env bash
# package_install: `cmake --install` of a built tree into a temporary prefix, then programs outside the tree
# built on it, through find_package(aiopi) (consumer/) and through pkg-config (aiopi.pc, aiopi-sim.pc), and
# run. Also checks where aiopid's files land and that the installed aiopid accepts the installed config.
# Usage: install_test.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
src=$1 build=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix

fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >"$work/install.log"

for f in sbin/aiopid bin/aiopi-io bin/aiopi-cron etc/aiopi/aiopid.toml share/doc/aiopi/daemon.md \
         share/doc/aiopi/examples/sensors.toml include/aiopi/aiopi.hpp include/aiopi/sim/sim_backend.hpp \
         include/aiopi/linux/linux_backend.hpp include/aiopi/cron/schedule.hpp; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
[ -d "$prefix/etc/aiopi/conf.d" ] || fail "not installed: etc/aiopi/conf.d"
if [ -e "$src/tools/aiopictl/CMakeLists.txt" ]; then
  "$prefix/bin/aiopictl" --version >/dev/null || fail "installed aiopictl does not run"
fi
cmakedir=$(find "$prefix" -path '*/cmake/aiopi/aiopiConfig.cmake' -printf '%h\n')
[ -n "$cmakedir" ] || fail "no aiopiConfig.cmake"
[ -e "$cmakedir/aiopiConfigVersion.cmake" ] || fail "no aiopiConfigVersion.cmake"
"$prefix/sbin/aiopid" --check-config --config "$prefix/etc/aiopi/aiopid.toml" || fail "installed config rejected"

# An edited config survives a second install.
echo "# edited" >>"$prefix/etc/aiopi/aiopid.toml"
cmake --install "$build" --prefix "$prefix" >"$work/install2.log"
tail -n1 "$prefix/etc/aiopi/aiopid.toml" | grep -qx '# edited' || fail "reinstall overwrote etc/aiopi/aiopid.toml"

# find_package(aiopi) from a project elsewhere.
cmake -S "$src/tests/package/consumer" -B "$work/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix" >"$work/consumer-configure.log" || { cat "$work/consumer-configure.log"; fail "configure"; }
cmake --build "$work/consumer" >"$work/consumer-build.log" || { cat "$work/consumer-build.log"; fail "build"; }
for program in consumer_linux consumer_sim consumer_all; do
  out=$("$work/consumer/$program") || fail "$program exited $?"
  [ "$out" = "aiopi consumer: 13" ] || fail "$program printed: $out"
  echo "find_package: $program: $out"
done

# A version the package does not provide is refused.
sed 's/find_package(aiopi 0.1 REQUIRED)/find_package(aiopi 9.0 REQUIRED)/' "$src/tests/package/consumer/CMakeLists.txt" \
  >"$work/CMakeLists-v9.txt"
mkdir -p "$work/consumer-v9-src"
cp "$work/CMakeLists-v9.txt" "$work/consumer-v9-src/CMakeLists.txt"
cp "$src/tests/package/consumer/main.cpp" "$work/consumer-v9-src/"
if cmake -S "$work/consumer-v9-src" -B "$work/consumer-v9" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
     >"$work/consumer-v9.log" 2>&1; then
  fail "find_package(aiopi 9.0) accepted the installed version"
fi
grep -q 'but it set aiopi_FOUND to FALSE\|not compatible\|version: 0\.1' "$work/consumer-v9.log" ||
  { cat "$work/consumer-v9.log"; fail "find_package(aiopi 9.0) failed for another reason than the version"; }

# pkg-config.
pcdir=$(find "$prefix" -name aiopi.pc -printf '%h\n')
for module in aiopi aiopi-sim; do
  flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs "$module")
  # shellcheck disable=SC2086  # the flags are words
  c++ -O1 -o "$work/pc-$module" "$src/tests/package/consumer/main.cpp" $flags || fail "pkg-config $module: c++ $flags"
  out=$("$work/pc-$module") || fail "pc-$module exited $?"
  [ "$out" = "aiopi consumer: 13" ] || fail "pc-$module printed: $out"
  echo "pkg-config: $module ($(PKG_CONFIG_PATH=$pcdir pkg-config --modversion "$module")): $out"
done
echo "package_install: ok"
