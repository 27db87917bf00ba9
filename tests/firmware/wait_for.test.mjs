// wait_for and cancellation on the RP2040 print exactly what they print on the host's virtual-clock board
// (programs/wait_for_scenario.hpp; tools/firmware-tests also builds and runs the host versions against the
// same lines): the same outcomes, in the same order, at the same millisecond of the loop's clock; and the same
// outcomes in the same order on the Linux epoll loop.
import { Board } from './harness/board.mjs';
import { test, assert } from './harness/test.mjs';
import { execFileSync } from 'node:child_process';

export const expectedLines = [
  '0 start',
  '10 slow unwound',
  '10 slow timed_out=1',
  '15 fast unwound',
  '15 fast timed_out=0',
  '15 fast value=2',
  '25 cancel()=1',
  '25 victim unwound',
  '25 victim cancelled=1',
  '45 handle unwound',
  '45 handle timed_out=1',
  '45 handle cancelled=1',
  '50 inner unwound',
  '50 outer unwound',
  '50 outer cancelled=1',
  '50 zero unwound',
  '50 zero timed_out=1',
  '50 done unwound',
  '51 done value=7',
  '51 end',
];

test('wait_for timeouts and cancellation give the host loop\'s outcomes in its order', () => {
  const board = new Board('fw_wait_for');
  const { code, panic } = board.runToExit({ maxNs: 5e9 });
  assert.equal(panic, undefined);
  assert.equal(code, 0);
  assert.deepEqual(board.uartLines().filter((l) => !l.startsWith('#')), expectedLines);
  assert.deepEqual(board.warnings, []);
});

test('the host build on the virtual-clock board prints the same lines', () => {
  const host = process.env.AIOPI_HOST_WAIT_FOR;  // built by tools/firmware-tests
  assert.ok(host, 'AIOPI_HOST_WAIT_FOR not set: run through tools/firmware-tests');
  const lines = execFileSync(host, { encoding: 'latin1' }).split('\n').filter((l) => l.length > 0);
  assert.deepEqual(lines, expectedLines);
});

test('the host build on the Linux epoll loop gives the same outcomes in the same order', () => {
  // Real time there: the margins between the scenario's deadlines are 5 ms or more, and only the text after
  // the time is compared.
  const host = process.env.AIOPI_HOST_WAIT_FOR_LINUX;  // built by tools/firmware-tests
  assert.ok(host, 'AIOPI_HOST_WAIT_FOR_LINUX not set: run through tools/firmware-tests');
  const strip = (l) => l.replace(/^\d+ /, '');
  const lines = execFileSync(host, { encoding: 'latin1' }).split('\n').filter((l) => l.length > 0);
  assert.deepEqual(lines.map(strip), expectedLines.map(strip));
});
