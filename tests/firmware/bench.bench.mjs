// Scheduler cycle counts on the RP2040 (programs/bench_test.cpp): `tools/firmware-tests --bench`.
// rp2040js counts Cortex-M0+ cycles per instruction (bus wait states of XIP flash are not modelled: the figure
// is what the core executes, as if the code ran from SRAM or the XIP cache hit).
import { Board } from './harness/board.mjs';
import { bench, test, assert } from './harness/test.mjs';

const names = {
  yield: 'rp2040_yield_sleep0',
  event: 'rp2040_event_ping_pong_round_trip',
  create: 'rp2040_create_task_and_await',
};

export function measure() {
  const board = new Board('fw_bench');
  const spans = [];
  let start = null;
  board.mcu.gpio[4].addListener(() => {
    const level = board.mcu.gpio[4].outputValue;
    if (level && start === null) start = board.cycles;
    else if (!level && start !== null) { spans.push(board.cycles - start); start = null; }
  });
  const { code, panic } = board.runToExit({ maxNs: 20e9 });
  assert.equal(panic, undefined);
  assert.equal(code, 0);
  const lines = board.uartLines().filter((l) => !l.startsWith('#'));
  assert.equal(lines.length, spans.length);
  return lines.map((line, i) => {
    const m = /^(\w+) ops=(\d+) allocs=(\d+)$/.exec(line);
    const ops = Number(m[2]);
    return { name: names[m[1]], cycles_per_op: Math.round((spans[i] / ops) * 10) / 10,
      allocs_per_op: Number(m[3]) / ops, extra: { clk_sys_hz: board.clkSys } };
  });
}

bench('rp2040 scheduler', () => measure());

test('the benchmark program runs; yield and event ping-pong allocate nothing', () => {
  const results = measure();
  assert.equal(results.length, 3);
  for (const r of results) assert.ok(r.cycles_per_op > 0 && r.cycles_per_op < 100000, JSON.stringify(r));
  assert.equal(results[0].allocs_per_op, 0);
  assert.equal(results[1].allocs_per_op, 0);
});
