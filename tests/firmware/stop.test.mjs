// How a program stops (programs/stop_test.cpp): panics, faults, no heap, frame pool exhaustion and main's end
// all report one line on UART0 and stop at a BKPT the harness sees.
import { Board, BKPT_EXIT, BKPT_PANIC } from './harness/board.mjs';
import { test, assert } from './harness/test.mjs';

function stopWith(command) {
  const board = new Board('fw_stop');
  assert.equal(board.run({ untilUart: 'ready\r\n', forNs: 100e6 }), 'uart');
  board.uartWrite(command);
  const result = board.runToExit({ maxNs: 2e9 });
  return { board, ...result };
}

test('aiopi::panic prints "#panic: <message>" on UART0 and stops at BKPT #1', () => {
  const { board, panic, code } = stopWith('p');
  assert.equal(panic, 'test panic 42');
  assert.equal(code, undefined);
  assert.equal(board.breakCode, BKPT_PANIC);
  assert.ok(board.uartText().endsWith('#panic: test panic 42\r\n'));
});

test('a fault reports the faulting PC through the HardFault handler, then panics', () => {
  const { board, panic } = stopWith('f');
  assert.match(panic, /^hard fault at pc=0x100[0-9a-f]{5}$/);
  assert.equal(board.breakCode, BKPT_PANIC);
});

test('frame pool exhaustion panics naming the size and the pool (FRAME_POOL_BYTES 2048)', () => {
  const { board, panic } = stopWith('o');
  assert.match(panic, /^frame pool exhausted: no block for \d+ bytes \(pool 2048 bytes, \d+ in use\)$/);
  assert.equal(board.breakCode, BKPT_PANIC);
});

test('malloc is not there: a call panics', () => {
  const { panic } = stopWith('m');
  assert.equal(panic, 'malloc: the RP2040 firmware has no heap (use static storage)');
});

test('operator new is not there: a call panics', () => {
  const { panic } = stopWith('n');
  assert.equal(panic, 'operator new: the RP2040 firmware has no heap (use static storage)');
});

test('an interrupt without a handler panics naming its exception number (16 + IRQ 25)', () => {
  const { panic } = stopWith('u');
  assert.equal(panic, 'unhandled exception 41');
});

test('main returning prints "#exit: <code>" and stops at BKPT #0', () => {
  const { board, code, panic } = stopWith('e');
  assert.equal(code, 3);
  assert.equal(panic, undefined);
  assert.equal(board.breakCode, BKPT_EXIT);
});

test('the frame pool takes its blocks back: none in use after the tasks ended', () => {
  const { board, code } = stopWith('s');
  assert.equal(code, 0);
  const lines = board.uartLines();
  assert.ok(lines.includes('capacity=2048'), lines.join('|'));
  assert.ok(lines.includes('in_use_after=0'), lines.join('|'));
  const hw = Number(lines.find((l) => l.startsWith('high_water=')).split('=')[1]);
  assert.ok(hw > 0 && hw <= 2048, `high water ${hw}`);
});

test('overflowing the 8 KB main stack is caught at the next sleep by its guard words', () => {
  const { panic } = stopWith('k');
  assert.equal(panic, 'stack overflow: the 8 KB main stack ran past its guard words');
});
