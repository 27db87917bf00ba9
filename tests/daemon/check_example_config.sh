#!/bin/sh
# An example configuration passes `aiopid --check-config`, and its --print-config output is itself a valid
# configuration that prints the same again (the effective config is a fixed point).
# usage: check_example_config.sh AIOPID CONFIG
set -u
aiopid=$1
config=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! "$aiopid" --check-config --config "$config"; then
  echo "FAIL $config: --check-config rejected it"; exit 1
fi
"$aiopid" --print-config --config "$config" >"$work/printed.toml" || { echo "FAIL: --print-config"; exit 1; }
if ! "$aiopid" --check-config --config "$work/printed.toml" >/dev/null; then
  echo "FAIL $config: its --print-config output does not pass --check-config"; cat "$work/printed.toml"; exit 1
fi
"$aiopid" --print-config --config "$work/printed.toml" >"$work/again.toml"
# Only the header (which files were merged) and the origin comments may differ.
strip() { grep -v '^#' "$1" | sed 's/  # .*$//'; }
if [ "$(strip "$work/printed.toml")" != "$(strip "$work/again.toml")" ]; then
  echo "FAIL $config: printing the printed config changes it"
  diff -u "$work/printed.toml" "$work/again.toml"; exit 1
fi
echo "ok   $config"
