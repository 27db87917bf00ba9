#!/bin/sh
# Runs the aiopi-io tool against stand-in /dev and /sys trees (and this machine's, which has no GPIO chip in
# CI) and checks exit status, stdout and stderr fragments.
# usage: aiopi_io_tool_test.sh /path/to/aiopi-io
set -u
tool=$1
failures=0
out=$(mktemp)
err=$(mktemp)
tree=$(mktemp -d)
trap 'rm -rf "$out" "$err" "$tree"' EXIT

# expect NAME STATUS STDOUT_FRAGMENT STDERR_FRAGMENT -- ARGS...   (an empty fragment matches anything)
expect() {
  name=$1 status=$2 want_out=$3 want_err=$4
  shift 5
  "$tool" "$@" >"$out" 2>"$err"
  got=$?
  if [ "$got" -ne "$status" ] ||
     { [ -n "$want_out" ] && ! grep -qF -- "$want_out" "$out"; } ||
     { [ -n "$want_err" ] && ! grep -qF -- "$want_err" "$err"; }; then
    echo "FAIL $name: exit $got (want $status)"
    echo "--- stdout (wanted: $want_out)"; cat "$out"
    echo "--- stderr (wanted: $want_err)"; cat "$err"
    failures=$((failures + 1))
    return
  fi
  echo "ok   $name"
}

# ---- usage errors: exit 2 and the usage text -------------------------------------------------------------
expect no-command 2 "" "aiopi-io: no COMMAND" --
expect usage-shown 2 "" "usage: aiopi-io COMMAND" --
expect help 0 "usage: aiopi-io COMMAND" "" -- help
expect help-option 0 "watch CHIP LINE" "" -- --help
expect unknown-command 2 "" "unknown command 'frobnicate'" -- frobnicate
expect unknown-option 2 "" "unknown option --frob" -- chips --frob
expect chips-extra-arg 2 "" "chips takes no arguments" -- chips gpiochip0
expect get-missing-line 2 "" "get needs CHIP and LINE" -- get gpiochip0
expect set-bad-level 2 "" "the level must be 0 or 1, not 'high'" -- set gpiochip0 GPIO17 high
expect set-missing-level 2 "" "set needs CHIP, LINE and 0 or 1" -- set gpiochip0 GPIO17
expect watch-bad-edges 2 "" "the edges are rising, falling or both, not 'up'" -- watch gpiochip0 GPIO17 up
expect bad-bias 2 "" "bad --bias 'sideways'" -- get gpiochip0 GPIO17 --bias sideways
expect bad-count 2 "" "bad --count '0'" -- watch gpiochip0 GPIO17 --count 0
expect option-without-value 2 "" "option --dev needs a value" -- chips --dev
expect i2c-scan-no-bus 2 "" "i2c-scan needs BUS" -- i2c-scan
expect adc-read-bad-channel 2 "" "adc-read: bad CHANNEL 'x'" -- adc-read ads1015 x

# ---- GPIO without chips: exit 1 and what to check --------------------------------------------------------
mkdir -p "$tree/dev-empty"
expect chips-none 1 "" "no GPIO chips found (no gpiochip* in $tree/dev-empty" -- chips --dev "$tree/dev-empty"
expect lines-none 1 "" "no GPIO chips found" -- lines --dev "$tree/dev-empty"
expect get-missing-chip 1 "" "GPIO chip 'pinctrl-bcm2711' not found; no GPIO chips found" -- \
  get pinctrl-bcm2711 GPIO17 --dev "$tree/dev-empty"
expect watch-missing-chip 1 "" "GPIO chip 'gpiochip4' not found (no $tree/dev-empty/gpiochip4)" -- \
  watch gpiochip4 GPIO17 --dev "$tree/dev-empty"
mkdir -p "$tree/dev-fake"
: >"$tree/dev-fake/gpiochip0"
expect chips-not-a-chip 0 "gpiochip0 (not a GPIO chip)" "" -- chips --dev "$tree/dev-fake"
expect set-not-a-chip 1 "" "$tree/dev-fake/gpiochip0 is not a GPIO chip" -- set 0 GPIO17 1 --dev "$tree/dev-fake"
if ! ls /dev/gpiochip* >/dev/null 2>&1; then
  expect chips-on-this-machine 1 "" "no GPIO chips found (no gpiochip* in /dev" -- chips
else
  echo "skip chips-on-this-machine: this machine has GPIO chips"
fi

# ---- ADC, PWM, I2C and serial listings against a stand-in /sys ----------------------------------------------
sys="$tree/sys"
mkdir -p "$sys/bus/iio/devices/iio:device0/scan_elements" "$sys/class/pwm/pwmchip0" "$sys/class/tty/ttyAMA0/device" \
  "$sys/class/tty/ttyS3/device" "$sys/class/tty/tty1" "$tree/dev-tty"
echo ads1015 >"$sys/bus/iio/devices/iio:device0/name"
echo 4095 >"$sys/bus/iio/devices/iio:device0/in_voltage0_raw"
echo 1 >"$sys/bus/iio/devices/iio:device0/in_voltage_scale"
echo le:u12/16\>\>0 >"$sys/bus/iio/devices/iio:device0/scan_elements/in_voltage0_type"
echo 2 >"$sys/class/pwm/pwmchip0/npwm"
echo 0 >"$sys/class/tty/ttyS3/type"
ln -s ttyAMA0 "$tree/dev-tty/serial0"
expect adc-devices 0 "iio:device0 [ads1015] (voltage channel 0)" "" -- adc-devices --sysfs "$sys"
expect adc-read 0 "raw 4095  u16 65535  4.0950 V" "" -- adc-read ads1015 0 --sysfs "$sys"
expect adc-read-missing 1 "" "IIO device 'mcp3008' not found; IIO devices here: iio:device0 [ads1015]" -- \
  adc-read mcp3008 0 --sysfs "$sys"
expect adc-devices-none 1 "" "no IIO devices found" -- adc-devices --sysfs "$tree/dev-empty"
expect pwm-chips 0 "pwmchip0 (2 channels)" "" -- pwm-chips --sysfs "$sys"
expect pwm-chips-none 1 "" "no PWM chips found" -- pwm-chips --sysfs "$tree/dev-empty"
expect serial-ports 0 "$tree/dev-tty/ttyAMA0" "" -- serial-ports --sysfs "$sys" --dev "$tree/dev-tty"
expect serial-ports-alias 0 "($tree/dev-tty/serial0)" "" -- serial-ports --sysfs "$sys" --dev "$tree/dev-tty"
"$tool" serial-ports --sysfs "$sys" --dev "$tree/dev-tty" >"$out" 2>&1
if grep -q "ttyS3\|tty1 " "$out"; then
  echo "FAIL serial-ports-skips-placeholders: listed a port of type 0 or a virtual terminal"; cat "$out"
  failures=$((failures + 1))
else
  echo "ok   serial-ports-skips-placeholders"
fi
expect serial-ports-none 1 "" "no serial ports found" -- serial-ports --sysfs "$tree/dev-empty" --dev "$tree/dev-empty"
expect i2c-buses-none 1 "" "no I2C buses found: this system has no I2C buses" -- \
  i2c-buses --sysfs "$tree/dev-empty" --dev "$tree/dev-empty"
expect i2c-scan-missing 1 "" "I2C bus '7' not found" -- i2c-scan 7 --sysfs "$tree/dev-empty" --dev "$tree/dev-empty"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all aiopi-io tool cases passed"
