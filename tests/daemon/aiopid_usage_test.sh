#!/bin/sh
# aiopid's command line outside the configuration: usage errors exit 64 (EX_USAGE), --help and --version 0.
set -u
aiopid=$1
failures=0
expect() {
  want=$1
  shift
  "$@" >/dev/null 2>&1
  got=$?
  if [ "$got" -ne "$want" ]; then echo "FAIL: $* exited $got, want $want"; failures=$((failures + 1)); fi
}
expect 0 "$aiopid" --help
expect 0 "$aiopid" --version
expect 64 "$aiopid" --bogus
expect 64 "$aiopid" --check-config --config
expect 64 "$aiopid" --board mars
expect 64 "$aiopid" --next-runs --count 0
expect 64 "$aiopid" --trace-outputs
# Running needs a valid configuration: without one it exits 78 before starting anything.
expect 78 "$aiopid" --config /nonexistent/aiopid.toml
expect 78 "$aiopid" --check-config --config /nonexistent/aiopid.toml
"$aiopid" --version | grep -q '^aiopid [0-9]' || { echo "FAIL: --version prints no version"; failures=$((failures + 1)); }
if [ "$failures" -ne 0 ]; then exit 1; fi
echo "ok   aiopid usage"
