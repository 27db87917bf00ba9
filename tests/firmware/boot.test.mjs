// Boot: the stand-in bootrom checks boot2's CRC and enters it, boot2 enters the vector table, start-up
// brings the clocks to 125 MHz and main runs (tests/firmware/programs/boot_test.cpp).
import { Board, BKPT_EXIT, BKPT_BAD_BOOT2_CRC, findImage } from './harness/board.mjs';
import { test, assert } from './harness/test.mjs';
import { readFileSync } from 'node:fs';

test('boots through bootrom and boot2 to main, with a UART banner and clk_sys at 125 MHz', () => {
  const board = new Board('fw_boot');
  assert.equal(board.run({ untilUart: '\r\n', forNs: 100e6 }), 'uart');
  const m = /^aiopi boot: clk_sys=125000000 measured=(\d+)\r\n$/.exec(board.uartText());
  assert.ok(m, board.uartText());
  const measured = Number(m[1]);
  assert.ok(Math.abs(measured - 125e6) <= 125e6 * 0.001, `clk_sys measured ${measured} Hz`);
  console.log(`     clk_sys measured by SysTick over 1000 us of TIMER: ${measured} Hz`);
  assert.equal(board.clkSys, 125e6, 'the emulator derives clk_sys from the PLL/CLOCKS registers');
  const { code } = board.runToExit({ maxNs: 5e9 });
  assert.equal(code, 0);
  assert.equal(board.breakCode, BKPT_EXIT);
  assert.deepEqual(board.warnings, [], 'no access to a register rp2040js does not model');
});

test('a wrong boot2 CRC stops in the bootrom', () => {
  const bin = Buffer.from(readFileSync(findImage('fw_boot')));
  bin[252] ^= 1;
  const board = new Board(null, { bin });
  assert.equal(board.run({ forNs: 10e6 }), 'break');
  assert.equal(board.breakCode, BKPT_BAD_BOOT2_CRC);
  assert.equal(board.uartText(), '');
});

test('the LED blinks 10 times at 100 ms, each edge within 20 us of its ideal time', () => {
  const board = new Board('fw_boot');
  const led = board.watch(25);
  board.runToExit({ maxNs: 5e9 });
  assert.equal(led.length, 20);
  const t0 = led[0].ns;
  led.forEach((edge, i) => {
    assert.equal(edge.level, i % 2 === 0);
    const drift = edge.ns - t0 - i * 50e6;
    assert.ok(drift >= 0 && drift < 20e3 * (i + 1), `edge ${i} at +${drift} ns`);
  });
});
