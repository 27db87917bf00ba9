// rp2040::GpioOutput / GpioInput (programs/hal_gpio_test.cpp): output transitions seen on the pins, edges
// driven from here arrive with the time they were driven (within a few µs), active_low, two edges in one
// masked section, the staging ring's overflow, release.
import { Board } from './harness/board.mjs';
import { test, assert } from './harness/test.mjs';

function edgeLines(board) {
  return board.uartLines().filter((l) => l.startsWith('edge ')).map((l) => {
    const [, pin, dir, t, seq] = l.split(' ');
    return { pin: Number(pin), dir, tUs: Number(t), seq: Number(seq) };
  });
}

test('GPIO: push-pull output toggles every 1 ms; open drain drives low and releases high', () => {
  const board = new Board('fw_hal_gpio');
  const out = board.watch(2);
  const od = [];
  board.run({ untilUart: 'od released\r\n', forNs: 100e6 });
  od.push({ oe: board.mcu.gpio[6].outputEnable });
  board.run({ untilUart: 'od low\r\n', forNs: 10e6 });
  od.push({ oe: board.mcu.gpio[6].outputEnable, value: board.mcu.gpio[6].outputValue });
  board.run({ untilUart: /od released\r\n.*od released\r\n/s, forNs: 10e6 });
  od.push({ oe: board.mcu.gpio[6].outputEnable });
  assert.deepEqual(out.map((e) => e.level), [true, false, true, false, true, false]);
  for (let i = 1; i < out.length; i++) {
    const dt = out[i].ns - out[i - 1].ns;
    assert.ok(dt >= 1e6 && dt < 1e6 + 30e3, `transition ${i} after ${dt} ns`);
  }
  assert.deepEqual(od, [{ oe: false }, { oe: true, value: false }, { oe: false }]);
});

test('GPIO: edges reach next_edge() with the time they were driven (both edges; active_low)', () => {
  const board = new Board('fw_hal_gpio');
  board.setInput(3, false);
  board.setInput(7, true);
  assert.equal(board.run({ untilUart: 'ready\r\n', forNs: 100e6 }), 'uart');
  const t0 = board.nowNs;
  const driven = [];
  const drive = (pin, level, atNs) => { board.setInput(pin, level, atNs); driven.push({ pin, level, atNs }); };
  drive(3, true, t0 + 100e3);
  drive(3, false, t0 + 300e3);
  drive(3, true, t0 + 500e3);
  drive(3, false, t0 + 700e3);
  drive(7, false, t0 + 900e3);   // logical rising (active low): reported
  drive(7, true, t0 + 1100e3);   // logical falling: not detected
  drive(7, false, t0 + 1300e3);  // reported
  assert.equal(board.run({ untilUart: 'value 3', forNs: 10e6 }), 'uart');
  board.run({ untilUart: /value 3 \d+ 7 \d+\r\n/, forNs: 1e6 });
  const edges = edgeLines(board);
  assert.equal(edges.length, 6);
  const expect = [
    { pin: 3, dir: 'R', at: driven[0].atNs, seq: 1 },
    { pin: 3, dir: 'F', at: driven[1].atNs, seq: 2 },
    { pin: 3, dir: 'R', at: driven[2].atNs, seq: 3 },
    { pin: 3, dir: 'F', at: driven[3].atNs, seq: 4 },
    { pin: 7, dir: 'R', at: driven[4].atNs, seq: 1 },
    { pin: 7, dir: 'R', at: driven[6].atNs, seq: 2 },
  ];
  edges.forEach((e, i) => {
    assert.equal(e.pin, expect[i].pin);
    assert.equal(e.dir, expect[i].dir, `edge ${i}`);
    assert.equal(e.seq, expect[i].seq, `edge ${i} seq`);
    const lag = e.tUs - expect[i].at / 1000;
    assert.ok(lag >= -1 && lag <= 3, `edge ${i}: stamped ${e.tUs} us, driven at ${expect[i].at / 1000} us`);
  });
  // GP3 low (pull-down, not active low) -> 0; GP7 low and active low -> 1.
  assert.match(board.uartText(), /value 3 0 7 1\r\n/);
});

function runToBusy(board) {
  board.setInput(3, false);
  board.setInput(7, true);
  board.run({ untilUart: 'ready\r\n', forNs: 100e6 });
  const t0 = board.nowNs;
  [true, false, true, false].forEach((l, i) => board.setInput(3, l, t0 + (i + 1) * 100e3));
  [false, true, false].forEach((l, i) => board.setInput(7, l, t0 + (i + 5) * 100e3));
}

test('GPIO: two edges inside one masked section are both reported, in order, with one timestamp', () => {
  const board = new Board('fw_hal_gpio');
  runToBusy(board);
  assert.equal(board.run({ untilUart: 'masked\r\n', forNs: 10e6 }), 'uart');
  const t0 = board.nowNs;
  board.setInput(3, true, t0 + 100e3);
  board.setInput(3, false, t0 + 200e3);
  board.run({ untilUart: 'busy\r\n', forNs: 10e6 });
  const edges = edgeLines(board).filter((e) => e.pin === 3).slice(4);
  assert.equal(edges.length, 2);
  assert.deepEqual(edges.map((e) => [e.dir, e.seq]), [['R', 5], ['F', 6]]);
  assert.equal(edges[0].tUs, edges[1].tUs);
  assert.ok(edges[0].tUs >= t0 / 1000 + 900, 'stamped when the ISR ran, after the masked section');
});

test('GPIO: edges beyond the 32-entry staging ring are counted as dropped, with the seq gap', () => {
  const board = new Board('fw_hal_gpio');
  runToBusy(board);
  board.run({ untilUart: 'masked\r\n', forNs: 10e6 });
  const tm = board.nowNs;
  board.setInput(3, true, tm + 100e3);
  board.setInput(3, false, tm + 200e3);
  assert.equal(board.run({ untilUart: 'busy\r\n', forNs: 10e6 }), 'uart');
  const t0 = board.nowNs;
  for (let i = 0; i < 40; i++) board.setInput(3, i % 2 === 0, t0 + 50e3 + i * 20e3);
  assert.equal(board.run({ untilUart: /overflow .*\r\n/, forNs: 20e6 }), 'uart');
  // seq: 6 edges before, then 40: 32 staged (seq 7..38), then the 8 lost ones (counted after them).
  assert.match(board.uartText(), /overflow got 32 dropped 8 last 38\r\n/);
});

test('GPIO: release() wakes a waiting reader with closed; the program ends with 0', () => {
  const board = new Board('fw_hal_gpio');
  runToBusy(board);
  board.run({ untilUart: 'masked\r\n', forNs: 10e6 });
  const tm = board.nowNs;
  board.setInput(3, true, tm + 100e3);
  board.setInput(3, false, tm + 200e3);
  const { code } = board.runToExit({ maxNs: 1e9 });
  assert.match(board.uartText(), /released closed\r\n/);
  assert.equal(code, 0);
  assert.deepEqual(board.warnings, []);
});
