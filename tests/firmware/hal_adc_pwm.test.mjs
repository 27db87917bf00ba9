// rp2040::AdcChannel and rp2040::PwmOutput (programs/hal_adc_pwm_test.cpp). rp2040js models the ADC's
// channel values (mcu.adc.channelValues) and drives pins from the PWM slices, so both are checked on what
// the emulated chip does: the readings of values set here, the pins' waveforms.
import { Board } from './harness/board.mjs';
import { test, assert } from './harness/test.mjs';

function runProgram() {
  const board = new Board('fw_hal_adc_pwm');
  board.mcu.adc.channelValues = [1234, 0, 4095, 0, 876];  // 876 counts = 0.706 V: 27 °C
  const p15 = board.watch(15);
  const p2 = board.watch(2);
  const marks = {};
  for (const m of ['pwm25', 'pwm75', 'pwm off', 'fast']) {
    assert.equal(board.run({ untilUart: new RegExp(`${m}.*\\r\\n`), forNs: 1e9 }), 'uart');
    marks[m] = board.nowNs;
    marks[`${m} fsel15`] = board.mcu.gpio[15].functionSelect;
  }
  const { code } = board.runToExit({ maxNs: 1e9 });
  const lines = board.uartLines();
  const line = (name) => lines.find((l) => l.startsWith(`${name} `));
  return { board, code, line, p15, p2, marks };
}

/** Periods and high times (ns) of the full cycles in a transition log, between t0 and t1. */
function cycles(log, t0, t1) {
  const edges = log.filter((e) => e.ns >= t0 && e.ns <= t1);
  const out = [];
  for (let i = 0; i + 2 < edges.length; i++) {
    if (!edges[i].level) continue;
    out.push({ period: edges[i + 2].ns - edges[i].ns, high: edges[i + 1].ns - edges[i].ns });
  }
  return out;
}

test('ADC: channels 0 and 2 read the values set in the emulator, 12 bits scaled to 16', () => {
  const { board, code, line } = runProgram();
  assert.equal(code, 0);
  assert.equal(line('adc 0'), 'adc 0 raw 1234 u16 19748');  // 1234 << 4 | 1234 >> 8
  assert.equal(line('adc 2'), 'adc 2 raw 4095 u16 65535');
  for (const pin of [26, 28]) {
    const g = board.mcu.gpio[pin];
    assert.equal(g.functionSelect, 0x1f, `GP${pin} FUNCSEL null`);
    assert.equal(g.inputEnable, false, `GP${pin} digital input off`);
    assert.equal(g.outputDisable, true, `GP${pin} output disabled`);
  }
  assert.deepEqual(board.warnings, []);
});

test('ADC: the temperature sensor (channel 4) reads 0.706 V as 27 °C', () => {
  const { line } = runProgram();
  assert.equal(line('adc 4'), 'adc 4 raw 876 u16 14019');
  const c = Number(line('celsius').split(' ')[2]) / 100;
  assert.ok(Math.abs(c - 27) < 0.3, `${c} °C`);
});

test('PWM: 1 kHz at 25 % then 75 % on GP15: the pin toggles with that period and duty', () => {
  const { line, p15, marks } = runProgram();
  // 1 ms = 125000 clk_sys cycles: DIV 31/16, TOP 64515 -> 999998 ns.
  assert.equal(line('pwm25'), 'pwm25 top 64515 div16 31 cc 16129 period 999998 duty 249999');
  assert.equal(line('pwm75'), 'pwm75 top 64515 div16 31 cc 48387 period 999998 duty 749998');
  const c25 = cycles(p15, marks.pwm25, marks.pwm75);
  const c75 = cycles(p15, marks.pwm75 + 1.1e6, marks['pwm off']);  // CC changes at the next wrap
  assert.ok(c25.length >= 3 && c75.length >= 3, `${c25.length} and ${c75.length} cycles`);
  for (const c of c25) {
    assert.ok(Math.abs(c.period - 999998) < 50, `period ${c.period}`);
    assert.ok(Math.abs(c.high - 249999) < 50, `high ${c.high}`);
  }
  for (const c of c75) assert.ok(Math.abs(c.high - 749998) < 50, `high ${c.high}`);
});

test('PWM: enable(false) leaves the pin low; 20 us / 5 us on GP2 (DIV 1, TOP 2499); limits refused', () => {
  const { board, line, p15, p2, marks } = runProgram();
  const last = p15.filter((e) => e.ns <= marks.fast).at(-1);
  assert.equal(last.level, false);
  assert.ok(p15.every((e) => e.ns <= marks['pwm off'] + 1e3), 'no transitions once disabled');
  assert.equal(marks['pwm25 fsel15'], 4, 'FUNCSEL PWM while enabled');
  assert.equal(marks['pwm off fsel15'], 5, 'SIO drives the disabled channel low');
  assert.equal(board.mcu.gpio[15].functionSelect, 0x1f, 'the destructor gave the pin back');
  assert.equal(line('fast'), 'fast top 2499 div16 16 cc 625 period 20000 duty 5000');
  const c = cycles(p2, marks.fast, marks.fast + 0.9e6);
  assert.ok(c.length >= 20);
  for (const x of c) {
    assert.ok(Math.abs(x.period - 20000) < 20 && Math.abs(x.high - 5000) < 20, JSON.stringify(x));
  }
  assert.equal(line('invalid'), 'invalid invalid_argument invalid_argument invalid_argument');
  // 134 ms: the largest divider step that fits, period rounded to the nearest the hardware can do.
  assert.equal(line('slow'), 'slow top 65525 div16 4090 cc 0 period 134000670 duty 0');
});

test('PWM: the two channels of a slice share the period; the other keeps its duty in nanoseconds', () => {
  const { line, code } = runProgram();
  assert.equal(code, 0);
  // 2 ms: DIV 62/16, TOP 64515 -> 1999996 ns; GP15's 749998 ns duty kept (CC rounded to the new TOP).
  const m = /^shared a (\d+) (\d+) b (\d+) (\d+)$/.exec(line('shared'));
  assert.ok(m, line('shared'));
  const [a, aDuty, b, bDuty] = m.slice(1).map(Number);
  assert.equal(a, b);
  assert.ok(Math.abs(a - 2e6) < 10, `${a}`);
  assert.ok(Math.abs(aDuty - a / 2) < 40, `${aDuty}`);
  assert.ok(Math.abs(bDuty - 749998) < 40, `${bDuty}`);
});
