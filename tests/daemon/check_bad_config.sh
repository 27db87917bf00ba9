#!/bin/sh
# Runs the real `aiopid --check-config` on one malformed configuration of tests/data/bad-configs and demands
# exit 78 (EX_CONFIG) and exactly the expected stderr (every error, with its line and column).
# usage: check_bad_config.sh AIOPID CATALOGUE_DIR CASE
#   CASE.toml is a single-file case; CASE/ a directory with aiopid.toml (maybe missing) and conf.d/.
#   CASE.expected holds the expected stderr. Paths are relative to CATALOGUE_DIR, as the messages show them.
set -u
aiopid=$1
dir=$2
case=$3
cd "$dir" || exit 2
if [ -d "$case" ]; then config="$case/aiopid.toml"; else config="$case.toml"; fi
err=$(mktemp)
out=$(mktemp)
trap 'rm -f "$err" "$out"' EXIT
"$aiopid" --check-config --config "$config" >"$out" 2>"$err"
status=$?
if [ "$status" -ne 78 ]; then
  echo "FAIL $case: exit $status, want 78"; cat "$err"; exit 1
fi
if [ -s "$out" ]; then
  echo "FAIL $case: stdout should be empty"; cat "$out"; exit 1
fi
if ! diff -u "$case.expected" "$err"; then
  echo "FAIL $case: stderr differs from $case.expected (- expected, + got)"; exit 1
fi
echo "ok   $case"
