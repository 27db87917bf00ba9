// The board examples (examples/*.cpp, built for the Pico as aiopi-example-<name>) in the emulator:
// blink_button's LED on GP25 blinks at its period, a click on GP14 halves it and a double click stops it;
// htu21d_logger prints "T=.. RH=.." lines on UART0 from a simulated HTU21D at 0x40 on I2C0 (GP4/GP5) every
// 2 s; encoder_pwm's detents on GP2/GP3 move the PWM duty on GP18 (slice 1 A) in 5 % steps; ten_tasks (10
// tasks, 3 drivers) runs its status line with the sensor's values in a 16 KB frame pool.
import { Board } from './harness/board.mjs';
import { test, assert } from './harness/test.mjs';

const ms = 1e6;

/** The gaps (ms, rounded to 0.01) between the recorded changes of `trace` within [fromNs, toNs). */
function gapsMs(trace, fromNs, toNs) {
  const t = trace.filter((c) => c.ns >= fromNs && c.ns < toNs).map((c) => c.ns);
  return t.slice(1).map((ns, i) => Math.round((ns - t[i]) / 1e4) / 100);
}

function crc8(msb, lsb) {
  let crc = 0;
  for (const byte of [msb, lsb]) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x31) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** rp2040js 1.4.1 drops writes to IC_INTR_MASK; model it (as tests/firmware/hal_i2c.test.mjs does). */
function modelIntrMask(i2c) {
  const write = i2c.writeUint32.bind(i2c);
  i2c.writeUint32 = (offset, value) => {
    if (offset === 0x30) {
      i2c.intEnable = value & 0x1fff;
      i2c.checkInterrupts();
    } else {
      write(offset, value);
    }
  };
}

/** An HTU21D: a command byte, then MSB, LSB and CRC of the measurement on the next read. */
function htu21d(celsius, rh) {
  const tWord = Math.round(((celsius + 46.85) * 65536) / 175.72) & 0xfffc;
  const hWord = (Math.round(((rh + 6) * 65536) / 125) & 0xfffc) | 0x02;
  let out = [];
  const dev = {
    measurements: 0,
    write(b) {
      if (b === 0xe3 || b === 0xf3 || b === 0xe5 || b === 0xf5) {
        const w = b === 0xe3 || b === 0xf3 ? tWord : hWord;
        out = [w >> 8, w & 0xff, crc8(w >> 8, w & 0xff)];
        dev.measurements++;
      }
      return true;
    },
    read() { return out.length ? out.shift() : 0xff; },
  };
  return dev;
}

test('blink_button: GP25 toggles every 500 ms; a click on GP14 makes it 250 ms, a double click stops it', () => {
  const board = new Board('aiopi-example-blink_button');
  board.setInput(14, true);  // the button is up (pull-up)
  const led = board.watch(25);
  board.run({ forNs: 2100 * ms });
  assert.ok(led.length >= 4, `the LED toggled ${led.length} times in 2.1 s`);
  for (const gap of gapsMs(led, 0, 2100 * ms)) assert.ok(Math.abs(gap - 500) < 0.05, `1 Hz: ${gap} ms`);

  const click = board.nowNs;
  board.setInput(14, false, click);              // a click: its release acts once the double-click window
  board.setInput(14, true, click + 100 * ms);    // (400 ms from the press) has passed
  board.run({ forNs: 3000 * ms });
  const fast = gapsMs(led, click + 1000 * ms, click + 3000 * ms);
  assert.ok(fast.length >= 6, `2 Hz: ${fast.length} toggles`);
  for (const gap of fast) assert.ok(Math.abs(gap - 250) < 0.05, `2 Hz: ${gap} ms`);

  const dbl = board.nowNs;
  board.setInput(14, false, dbl);
  board.setInput(14, true, dbl + 80 * ms);
  board.setInput(14, false, dbl + 200 * ms);
  board.setInput(14, true, dbl + 280 * ms);
  board.run({ forNs: 3000 * ms });
  const after = led.filter((c) => c.ns >= dbl + 500 * ms);
  assert.deepEqual(after, [], 'no toggle once the double click has stopped the blinking');
  assert.equal(led.at(-1).level, false, 'the LED is off');
  assert.deepEqual(board.warnings.filter((w) => !/I2C|PWM/.test(w)), []);
});

test('htu21d_logger: a "T=23.5C RH=41.2%" line on UART0 every 2 s from the HTU21D at 0x40 on I2C0', () => {
  const board = new Board('aiopi-example-htu21d_logger');
  const chip = htu21d(23.5, 41.2);
  board.attachI2c(0, 0x40, chip);
  modelIntrMask(board.mcu.i2c[0]);
  board.run({ forNs: 7000 * ms });
  const lines = board.uartLines();
  assert.deepEqual(lines, ['T=23.5C RH=41.2%', 'T=23.5C RH=41.2%', 'T=23.5C RH=41.2%'], board.uartText());
  assert.ok(chip.measurements >= 6, `${chip.measurements} measurements`);
});

test('encoder_pwm: each detent on GP2/GP3 moves the 1 kHz duty on GP18 by 5 %, clamped at 0 and 100 %', () => {
  const board = new Board('aiopi-example-encoder_pwm');
  board.setInput(2, true);
  board.setInput(3, true);
  board.run({ forNs: 100 * ms });
  // PWM slice 1 (GP18 is its channel A): DIV at +0x04 (8.4 fixed point), CC at +0x0c (A: low half), TOP at
  // +0x10 (RP2040 datasheet 4.5.3, PWM registers; slice n at 0x40050000 + 0x14 * n).
  const reg = (offset) => board.mcu.readUint32(0x40050000 + 0x14 + offset);
  const percent = () => Math.round(((reg(0x0c) & 0xffff) * 100) / (reg(0x10) + 1));
  const periodNs = (reg(0x10) + 1) * (reg(0x04) / 16) * 8;
  assert.ok(Math.abs(periodNs - 1e6) < 1e3, `period ${periodNs} ns`);
  const seen = [percent()];
  for (const detents of [3, -1, 30, -40]) {
    const [lead, lag] = detents > 0 ? [2, 3] : [3, 2];
    const t = board.nowNs;
    for (let d = 0; d < Math.abs(detents); d++) {
      const at = t + d * 8 * ms;
      board.setInput(lead, false, at);
      board.setInput(lag, false, at + 2 * ms);
      board.setInput(lead, true, at + 4 * ms);
      board.setInput(lag, true, at + 6 * ms);
    }
    board.run({ forNs: Math.abs(detents) * 8 * ms + 200 * ms });
    seen.push(percent());
  }
  assert.deepEqual(seen, [0, 15, 10, 100, 0]);
});

test('ten_tasks: 10 tasks and 3 drivers run in a 16 KB frame pool; the status line has the sensor', () => {
  const board = new Board('aiopi-example-ten_tasks');
  board.setInput(20, true);
  board.setInput(21, true);
  board.setInput(22, true);
  board.attachI2c(0, 0x40, htu21d(21.3, 45.0));
  modelIntrMask(board.mcu.i2c[0]);
  const led = board.watch(25);
  board.run({ forNs: 5000 * ms });
  assert.equal(board.panicMessage, undefined, board.uartText());
  // Two lines (at 2 s and 4 s); the uptime task's second may tick just before or just after the line.
  const lines = board.uartLines();
  assert.equal(lines.length, 2, board.uartText());
  lines.forEach((line, i) => {
    assert.match(line, /^up (\d) s, out on 50%, clicks 0, T=21\.3C RH=45\.0%$/);
    const up = Number(/^up (\d)/.exec(line)[1]);
    assert.ok(up === 2 * i + 1 || up === 2 * i + 2, line);
  });
  assert.ok(led.length >= 9, `heartbeat: ${led.length} toggles in 5 s`);
});
