#!/bin/sh
# Runs the aiopi-cron tool and compares stdout, stderr fragments and exit status.
# usage: aiopi_cron_tool_test.sh /path/to/aiopi-cron
set -u
tool=$1
failures=0
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# expect NAME STATUS EXPECTED_STDOUT -- ARGS...
expect() {
  name=$1 status=$2 want=$3
  shift 4
  "$tool" "$@" >"$out" 2>"$err"
  got=$?
  if [ "$got" -ne "$status" ]; then
    echo "FAIL $name: exit $got, want $status"; cat "$err"; failures=$((failures + 1)); return
  fi
  if [ "$(cat "$out")" != "$want" ]; then
    echo "FAIL $name: stdout differs"; echo "--- got"; cat "$out"; echo "--- want"; echo "$want"
    failures=$((failures + 1)); return
  fi
  echo "ok   $name"
}

# expect_err NAME STATUS FRAGMENT -- ARGS...   (stderr must contain FRAGMENT, stdout must be empty)
expect_err() {
  name=$1 status=$2 fragment=$3
  shift 4
  "$tool" "$@" >"$out" 2>"$err"
  got=$?
  if [ "$got" -ne "$status" ] || ! grep -qF -- "$fragment" "$err" || [ -s "$out" ]; then
    echo "FAIL $name: exit $got (want $status), stderr:"; cat "$err"; echo "(wanted fragment: $fragment)"
    failures=$((failures + 1)); return
  fi
  echo "ok   $name"
}

expect london-gap 0 "2025-03-30T02:00:00+01:00
2025-03-31T01:30:00+01:00
2025-04-01T01:30:00+01:00" -- '30 1 * * *' --tz Europe/London --from 2025-03-29T12:00:00Z --count 3

expect keyvalue-joined-args 0 "2025-01-03T04:10:00+00:00
2025-01-06T04:10:00+00:00
2025-01-10T04:10:00+00:00" -- hrs=4 mins=10 wday=mon,fri --from 2025-01-01T00:00:00Z --count 3

expect fixed-offset 0 "2025-01-02T00:00:00+05:45
2025-01-03T00:00:00+05:45" -- '0 0 * * *' --tz=+05:45 --from=2025-01-01T00:00:00Z --count=2

expect new-york-local-from 0 "2025-11-02T02:00:00-05:00
2025-11-02T03:00:00-05:00
2025-11-02T04:00:00-05:00" -- '0 * * * *' --tz America/New_York --from 2025-11-02T01:30:00 --count 3

expect default-count-is-5 0 "2028-02-29T00:00:00+00:00
2032-02-29T00:00:00+00:00
2036-02-29T00:00:00+00:00
2040-02-29T00:00:00+00:00
2044-02-29T00:00:00+00:00" -- '0 0 29 2 *' --from 2025-01-01T00:00:00Z

expect times-limits-output 0 "2025-01-06T03:00:00+00:00
2025-02-03T03:00:00+00:00" -- 'mday=1-7 wday=mon times=2' --from 2025-01-01T00:00:00Z --count 5

expect explain 0 "# secs=0 mins=*/15 hrs=3 mday=* month=* wday=* (tz UTC)
2025-01-01T03:00:00+00:00" -- 'mins=*/15' --explain --from 2025-01-01T00:00:00Z --count 1

# A bad spec: the error names the column and field, and a caret line marks the characters.
expect_err bad-spec 2 "column 9 (wday): unknown day name" -- '0 0 * * frx' --count 1
expect_err bad-spec-caret 2 "        ^^^" -- '0 0 * * frx' --count 1
expect_err bad-keyvalue 2 "column 5 (hrs): value out of range 0-23" -- 'hrs=24'
expect_err never-fires 2 "never fires" -- '0 0 31 2 *'
expect_err bad-option 2 "usage: aiopi-cron" -- '* * * * *' --bogus
expect_err bad-count 2 "usage: aiopi-cron" -- '* * * * *' --count many
expect_err missing-spec 2 "missing SPEC" -- --count 1
expect_err bad-zone 2 "unknown time zone 'Mars/Olympus'" -- '* * * * *' --tz Mars/Olympus
expect_err bad-from 2 "bad --from time" -- '* * * * *' --from 2025-02-30T00:00:00Z

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all aiopi-cron tool cases passed"
