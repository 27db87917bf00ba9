// drivers::Pushbutton on rp2040::GpioInput (programs/hal_button_test.cpp): a long press and a double click
// on an emulated button (GP14 pulled low while pressed); each event with its timestamp. press / release /
// double carry the edge's time (stamped in the IO_BANK0 interrupt), long the timer's expiry (1 s after the
// press edge).
import { Board } from './harness/board.mjs';
import { test, assert } from './harness/test.mjs';

test('Pushbutton: long press and double click on GP14, with the edges\' timestamps', () => {
  const board = new Board('fw_hal_button');
  board.setInput(14, true);  // released (pull-up)
  assert.equal(board.run({ untilUart: 'button ready\r\n', forNs: 100e6 }), 'uart');
  const t0 = board.nowNs;
  const ms = 1e6;
  const long = t0 + 100 * ms;
  board.setInput(14, false, long);              // press ...
  board.setInput(14, true, long + 1500 * ms);   // ... held 1.5 s
  const dbl = long + 2500 * ms;
  board.setInput(14, false, dbl);               // click
  board.setInput(14, true, dbl + 100 * ms);
  board.setInput(14, false, dbl + 250 * ms);    // second click within 400 ms
  board.setInput(14, true, dbl + 350 * ms);
  const { code } = board.runToExit({ maxNs: 10e9 });
  assert.equal(code, 0);
  const events = board.uartLines().filter((l) => l.startsWith('button ') && l !== 'button ready').map((l) => {
    const [, name, t, pressed] = l.split(' ');
    return { name, tUs: Number(t), pressed: pressed === '1' };
  });
  const expected = [
    { name: 'press', at: long, pressed: true },
    { name: 'long', at: long + 1000 * ms, pressed: true },
    { name: 'release', at: long + 1500 * ms, pressed: false },
    { name: 'press', at: dbl, pressed: true },
    { name: 'release', at: dbl + 100 * ms, pressed: false },
    { name: 'press', at: dbl + 250 * ms, pressed: true },   // the press action first, then the double
    { name: 'double', at: dbl + 250 * ms, pressed: true },
    { name: 'release', at: dbl + 350 * ms, pressed: false },
  ];
  assert.deepEqual(events.map((e) => e.name), expected.map((e) => e.name));
  events.forEach((e, i) => {
    const lag = e.tUs - expected[i].at / 1000;
    // Edges: stamped in the ISR (a few µs); long: a loop timer, at most a timer tick late.
    const limit = e.name === 'long' ? 1100 : 3;
    assert.ok(lag >= -1 && lag <= limit, `${e.name} #${i}: ${e.tUs} us vs ${expected[i].at / 1000} us`);
    assert.equal(e.pressed, expected[i].pressed, `${e.name} #${i} pressed`);
  });
  assert.deepEqual(board.warnings, []);
});
