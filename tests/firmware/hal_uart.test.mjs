// rp2040::Uart (programs/hal_uart_test.cpp): line echo through the stream API on UART1, fed at the wire's
// pace (10 bit times per byte), including lines far longer than the 32-byte hardware FIFO; the baud divisors
// the emulator derives; set_config to 9600.
import { Board } from './harness/board.mjs';
import { test, assert } from './harness/test.mjs';

/** Feeds `text` into UART1 one byte per frame time (10 bits at `baud`), from now. */
function feed(board, text, baud = 115200) {
  const frameNs = 10e9 / baud;
  const t0 = board.nowNs + 10e3;
  [...Buffer.from(text, 'latin1')].forEach((b, i) => board.uartWrite(Buffer.from([b]), { uart: 1, atNs: t0 + i * frameNs }));
  return t0 + text.length * frameNs;
}

/** The emulator's warnings, less the one it gives for UARTIFLS (0x34), which it does not model. */
function warnings(board) {
  return board.warnings.filter((w) => !/UART1: Unimplemented peripheral write to 0x34/.test(w));
}

function start() {
  const board = new Board('fw_hal_uart');
  assert.equal(board.run({ untilUart: 'uart ready\r\n', forNs: 100e6 }), 'uart');
  return board;
}

test('UART: 115200 from clk_peri 125 MHz (IBRD 67, FBRD 52), 8N1, FIFOs on', () => {
  const board = start();
  const u = board.mcu.uart[1];
  assert.equal(u.intDivisor, 67);
  assert.equal(u.fracDivisor, 52);
  assert.equal(u.wordLength, 8);
  assert.ok(u.fifosEnabled);
  assert.ok(Math.abs(u.baudRate - 115200) / 115200 < 0.001);
  assert.equal(board.mcu.gpio[4].functionSelect, 2);
  assert.equal(board.mcu.gpio[5].functionSelect, 2);
});

test('UART: lines echo through readline / write_all / drain, a 200-byte line at wire speed included', () => {
  const board = start();
  const long = Array.from({ length: 199 }, (_, i) => String.fromCharCode(33 + (i % 90))).join('') + '\n';
  const lines = ['hello\n', 'a second line\n', long, 'x\n'];
  let end = board.nowNs;
  for (const l of lines) {
    board.nowNs < end && board.run({ untilNs: end });
    end = feed(board, l);
  }
  board.run({ until: (b) => b.uartText(1).length >= lines.join('').length, forNs: 200e6 });
  assert.equal(board.uartText(1), lines.join(''));
  end = feed(board, 'quit\n');
  const { code } = board.runToExit({ maxNs: 1e9 });
  assert.equal(code, 0);
  assert.match(board.uartText(), /lines 4 overrun 0 framing 0 take_error ok\r\n/);
  assert.deepEqual(warnings(board), []);
});

test('UART: a 32-byte burst (one full hardware FIFO at once) and a line split across bursts', () => {
  const board = start();
  const burst = '0123456789abcdefghijklmnopqrstu\n';  // 32 bytes
  assert.equal(burst.length, 32);
  board.uartWrite(burst, { uart: 1 });
  board.run({ until: (b) => b.uartText(1).length >= 32, forNs: 50e6 });
  assert.equal(board.uartText(1), burst);
  board.uartWrite('split ', { uart: 1 });
  board.run({ forNs: 2e6 });
  board.uartWrite('line\n', { uart: 1 });
  board.run({ until: (b) => b.uartText(1).length >= 32 + 11, forNs: 50e6 });
  assert.equal(board.uartText(1), burst + 'split line\n');
});

test('UART: set_config(9600) reprograms the divisors; echo continues at the new rate', () => {
  const board = start();
  let end = feed(board, 'baud\n');
  assert.equal(board.run({ untilUart: 'baud 9600\r\n', forNs: 50e6 }), 'uart');
  const u = board.mcu.uart[1];
  assert.equal(u.intDivisor, 813);
  assert.equal(u.fracDivisor, 51);
  assert.ok(Math.abs(u.baudRate - 9600) < 1, `baud ${u.baudRate}`);
  end = feed(board, 'slow\n', 9600);
  board.run({ until: (b) => b.uartText(1) === 'slow\n', forNs: 50e6 });
  assert.equal(board.uartText(1), 'slow\n');
});

test('UART: while the program does not read, 340 bytes wait in the reader, the staging ring and the FIFO', () => {
  const board = start();
  let end = feed(board, 'hold\n');
  board.run({ untilNs: end + 100e3 });
  const data = Array.from({ length: 340 }, (_, i) => String.fromCharCode(65 + (i % 26))).join('');
  end = feed(board, data);  // 29.5 ms at 115200: all of it arrives before the program reads again
  board.run({ untilNs: end + 1e6 });
  const u = board.mcu.uart[1];
  assert.equal(u.interruptMask & 0x50, 0, 'RX and RX-timeout interrupts masked while the staging ring is full');
  assert.equal(u.rxFIFO.itemCount, 340 - 256 - 64, 'the rest waits in the hardware FIFO');
  assert.equal(board.uartText(1), '');
  board.run({ until: (b) => b.uartText(1).length >= 340, forNs: 200e6 });
  assert.equal(board.uartText(1), data);
  feed(board, 'quit\n');
  const { code } = board.runToExit({ maxNs: 1e9 });
  assert.equal(code, 0);
  assert.match(board.uartText(), /overrun 0 framing 0 take_error ok\r\n/);
});
