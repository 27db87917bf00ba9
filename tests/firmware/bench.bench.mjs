// Scheduler cycle counts on the RP2040 (programs/bench_test.cpp): `tools/firmware-tests --bench`.
// rp2040js counts Cortex-M0+ cycles per instruction (bus wait states of XIP flash are not modelled: the figure
// is what the core executes, as if the code ran from SRAM or the XIP cache hit).
import { Board } from './harness/board.mjs';
import { elfSymbols } from './harness/profile.mjs';
import { bench, test, assert } from './harness/test.mjs';

const names = {
  yield: 'rp2040_yield_sleep0',
  yield_now: 'rp2040_yield_now',
  event: 'rp2040_event_ping_pong_round_trip',
  create: 'rp2040_create_task_and_await',
  timer: 'rp2040_sleep_ms_wakeup',
  edge: 'rp2040_edge_irq_to_task',
};

// The edge section (programs/bench_test.cpp): GP6 is driven high while the core sleeps; the task awaiting
// next_edge() raises GP7 first thing after resuming. Each edge comes kEdgeGapNs after the previous GP7 fall
// (the task is back in next_edge() and the loop in WFI by then); GP6 is lowered halfway (no edge: rising only).
const kEdgeInput = 6;
const kResumed = 7;
const kEdgeGapNs = 100e3;

// `tools/firmware-tests --bench --profile` (AIOPI_PROFILE=1): each section's top functions go to stderr.
const profiling = !!process.env.AIOPI_PROFILE;

export function measure() {
  const board = new Board('fw_bench');
  const spans = [];
  const profiles = [];
  const prof = profiling ? board.profile() : null;
  let start = null;
  board.mcu.gpio[4].addListener(() => {
    const level = board.mcu.gpio[4].outputValue;
    if (level && start === null) {
      start = board.cycles;
      prof?.reset();
      prof?.start();
    } else if (!level && start !== null) {
      spans.push(board.cycles - start);
      start = null;
      if (prof) {
        prof.stop();
        profiles.push(prof.snapshot());
      }
    }
  });
  // Edge -> resumed spans, in cycles; and whether the core was asleep (WFI) when each edge came.
  // edgeSpans: to the first instruction of the resumed coroutine (its actor's entry, found in the ELF's
  // symbols and caught by a per-instruction hook in the profiler's slot of Board.run());
  // storeSpans: to GP7's rise (after NextEdge::await_resume has moved the event out).
  const edgeSpans = [];
  const storeSpans = [];
  const edgeAsleep = [];
  let edgeAt = null;
  let entered = false;
  const actor = elfSymbols(board.imagePath.replace(/\.bin$/, '.elf'))
    .find((sym) => /edges.*\[clone \.actor\]/.test(sym.name));
  assert.ok(actor, 'the edges() coroutine actor is in the ELF');
  if (!prof) {
    board.profiler = {
      recording: true,
      record(pc, cycles) {
        if (pc === actor.start && edgeAt !== null && !entered) {
          entered = true;
          edgeSpans.push(board.cycles - cycles - edgeAt);
        }
      },
    };
  }
  let armed = false;
  let resumedLevel = false;
  board.mcu.gpio[kResumed].addListener(() => {
    const level = board.mcu.gpio[kResumed].outputValue;
    if (level === resumedLevel) return;
    resumedLevel = level;
    if (level) {
      if (edgeAt !== null) storeSpans.push(board.cycles - edgeAt);
      edgeAt = null;
      entered = false;
      armed = true;
    } else if (armed) {
      armed = false;
      const t = board.nowNs;
      board.setInput(kEdgeInput, false, t + kEdgeGapNs / 2);
      board.at(t + kEdgeGapNs, () => {
        edgeAsleep.push(board.mcu.core.waiting);
        edgeAt = board.cycles;
        board.mcu.gpio[kEdgeInput].setInputValue(true);
      });
    }
  });
  const { code, panic } = board.runToExit({ maxNs: 20e9 });
  assert.equal(panic, undefined);
  assert.equal(code, 0);
  const lines = board.uartLines().filter((l) => !l.startsWith('#'));
  assert.equal(lines.length, spans.length);
  return lines.map((line, i) => {
    const m = /^(\w+) ops=(\d+) allocs=(\d+)$/.exec(line);
    const ops = Number(m[2]);
    if (m[1] === 'edge') {
      if (profiles[i]) console.error(profiles[i].format({ top: 20, ops, title: `profile of ${names.edge} ` +
        '(the whole section: the wake-ups and the way back to WFI):' }));
      if (prof) return null;  // the entry hook shares the profiler's slot: no figure while profiling
      // Every edge found the core asleep, and every one resumed the task.
      assert.equal(storeSpans.length, ops);
      assert.equal(edgeSpans.length, ops);
      assert.ok(edgeAsleep.every((w) => w), 'an edge came while the core was awake');
      const mean = (a) => Math.round((a.reduce((x, y) => x + y, 0) / a.length) * 10) / 10;
      return { name: names.edge, cycles_per_op: mean(edgeSpans), allocs_per_op: Number(m[3]) / ops,
        extra: { min: Math.min(...edgeSpans), max: Math.max(...edgeSpans), to_first_store: mean(storeSpans),
          clk_sys_hz: board.clkSys } };
    }
    if (profiles[i]) console.error(profiles[i].format({ top: 20, ops, title: `profile of ${names[m[1]]}:` }));
    return { name: names[m[1]], cycles_per_op: Math.round((spans[i] / ops) * 10) / 10,
      allocs_per_op: Number(m[3]) / ops, extra: { clk_sys_hz: board.clkSys } };
  }).filter((r) => r !== null);
}

bench('rp2040 scheduler', () => measure());

test('the benchmark program runs; yield, event ping-pong, timer and edge wake-ups allocate nothing', () => {
  const results = measure();
  assert.equal(results.length, 6);
  for (const r of results) {
    assert.ok(r.cycles_per_op > 0 && r.cycles_per_op < 100000, JSON.stringify(r));
    if (r.name !== names.create) assert.equal(r.allocs_per_op, 0, r.name);
  }
});
