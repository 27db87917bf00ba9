#!/bin/sh
# systemd/aiopid.service passes `systemd-analyze verify` (with ExecStart= pointing at the built aiopid, since
# verify checks that the programs exist) and `systemd-analyze security --offline=yes` rates it OK or better.
#   systemd_unit_test.sh UNIT AIOPID_BINARY
set -eu
unit=$1
aiopid=$2
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "systemd-analyze not found: tools/install-deps installs the systemd package" >&2
  exit 1
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s#/usr/sbin/aiopid#$aiopid#g" "$unit" > "$dir/aiopid.service"
cd "$dir"

# verify exits 0 on some problems (unknown keys are "ignoring" warnings): any line naming the unit fails too.
if ! systemd-analyze verify ./aiopid.service > verify.out 2>&1; then
  cat verify.out >&2
  echo "FAIL: systemd-analyze verify" >&2
  exit 1
fi
if grep -q 'aiopid.service' verify.out; then
  cat verify.out >&2
  echo "FAIL: systemd-analyze verify warns about the unit" >&2
  exit 1
fi
echo "systemd-analyze verify: clean"

systemd-analyze security --offline=yes ./aiopid.service > security.out 2>&1 || true
line=$(grep 'Overall exposure level for aiopid.service' security.out || true)
if [ -z "$line" ]; then
  cat security.out >&2
  echo "FAIL: no exposure level in systemd-analyze security's output" >&2
  exit 1
fi
# "→ Overall exposure level for aiopid.service: 1.5 OK 🙂"
exposure=$(echo "$line" | sed 's/.*aiopid\.service: *\([0-9.]*\) *\([A-Z]*\).*/\1 \2/')
echo "systemd-analyze security: exposure $exposure"
case "${exposure#* }" in
  OK|SAFE|PERFECT) ;;
  *) grep '✗' security.out >&2 || true
     echo "FAIL: exposure level '${exposure#* }', wanted OK or better" >&2
     exit 1 ;;
esac
if grep -q 'aiopid.service:[0-9]' security.out; then
  grep 'aiopid.service:[0-9]' security.out >&2
  echo "FAIL: systemd-analyze security warns about the unit" >&2
  exit 1
fi
