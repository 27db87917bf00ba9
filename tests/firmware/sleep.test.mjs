// Sleep accuracy in simulated time and ISR wake-ups (programs/sleep_test.cpp).
import { Board } from './harness/board.mjs';
import { test, assert } from './harness/test.mjs';

test('ten sleep_ms(100) take 1 s plus a few microseconds each, never early, sleeping in WFI', () => {
  const board = new Board('fw_sleep');
  const edges = board.watch(2);
  board.run({ untilUart: /flag_us=\d+\r\n/, forNs: 3e9 });
  assert.equal(edges.length, 11);
  const total = edges[10].ns - edges[0].ns;
  const perSleep = edges.slice(1).map((e, i) => e.ns - edges[i].ns);
  // Each sleep: 100 ms plus the 1 us timer slack, the truncation of now() and a loop turn (~9 us); never early.
  for (const d of perSleep) assert.ok(d >= 100e6 && d < 100e6 + 20e3, `a sleep took ${d} ns`);
  assert.ok(total >= 1e9 && total < 1e9 + 100e3, `10 sleeps took ${total} ns`);
  const sleeps = Number(/sleeps=(\d+)/.exec(board.uartText())[1]);
  assert.ok(sleeps >= 10 && sleeps <= 12, `the backend slept ${sleeps} times`);
  console.log(`     10 x sleep_ms(100) = ${(total / 1e6).toFixed(6)} ms; per sleep +${((total - 1e9) / 10 / 1e3).toFixed(2)} us`);
});

test('ten sleep_until(t0 + k * 100 ms) land within a few microseconds of 1 s', () => {
  const board = new Board('fw_sleep');
  const edges = board.watch(3);
  board.run({ untilUart: /flag_us=\d+\r\n/, forNs: 3e9 });
  assert.equal(edges.length, 11);
  edges.slice(1).forEach((e, i) => {
    const late = e.ns - edges[0].ns - (i + 1) * 100e6;
    assert.ok(late >= 0 && late < 10e3, `edge ${i + 1} late by ${late} ns`);
  });
  console.log(`     10 x sleep_until: last edge at +${((edges[10].ns - edges[0].ns - 1e9) / 1e3).toFixed(2)} us after 1 s`);
});

test('an ISR setting a ThreadSafeFlag wakes the sleeping loop at the alarm time', () => {
  const board = new Board('fw_sleep');
  board.run({ untilUart: /flag_us=\d+\r\n/, forNs: 3e9 });
  const us = Number(/flag_us=(\d+)/.exec(board.uartText())[1]);
  assert.ok(us >= 2500 && us < 2520, `flag after ${us} us`);
  assert.equal(board.runToExit({ maxNs: 1e9 }).code, 0);
});
