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

/**
 * rp2040js sends a UART byte the moment it is written and always reports the TX FIFO empty, so the TX
 * interrupt path (FIFO full -> TXIM -> the interrupt at half -> the loop refills) never runs there. This
 * models the transmitter on the emulator's UART `n`: a 32-entry FIFO, one frame (10 bits) per byte at the
 * programmed baud rate, UARTFR TXFF/TXFE/BUSY, and the TX interrupt raised while the FIFO is at or below half
 * (UARTIFLS's reset value). Returns the emission times (ns) of the bytes.
 */
function modelTransmitter(board, n) {
  const u = board.mcu.uart[n];
  const fifo = [];
  const times = [];
  let shifting = false;
  const update = () => {
    if (fifo.length <= 16) u.interruptStatus |= 0x20;
    else u.interruptStatus &= ~0x20;
    board.mcu.setInterrupt(u.irq, !!(u.interruptStatus & u.interruptMask));
  };
  const next = () => {
    if (fifo.length === 0) {
      shifting = false;
      update();
      return;
    }
    shifting = true;
    const b = fifo.shift();
    update();
    board.clock.createAlarm(() => {
      times.push(board.nowNs);
      u.onByte?.(b);
      next();
    }).schedule(10e9 / u.baudRate);
  };
  const rxFlags = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(u), 'flags').get;
  Object.defineProperty(u, 'flags', {
    get() {
      const rx = rxFlags.call(u) & ~0x80;
      return rx | (fifo.length >= 32 ? 0x20 : 0) | (fifo.length === 0 && !shifting ? 0x80 : 0) | (shifting ? 0x08 : 0);
    },
  });
  u.checkInterrupts = update;
  const write = u.writeUint32.bind(u);
  u.writeUint32 = (offset, value) => {
    if (offset !== 0) {
      write(offset, value);
      return;
    }
    if (fifo.length < 32) fifo.push(value & 0xff);
    if (!shifting) next();
    update();
  };
  return times;
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
  assert.match(board.uartText(), /lines 4 overrun 0 framing 0 take_error ok then ok\r\n/);
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
  assert.match(board.uartText(), /overrun 0 framing 0 take_error ok then ok\r\n/);
});

test('UART: 600 bytes through the 256-byte writer at wire speed: the TX interrupt refills the FIFO', () => {
  const board = start();
  const times = modelTransmitter(board, 1);
  feed(board, 'blast\n');
  assert.equal(board.run({ untilUart: 'blast sent\r\n', forNs: 200e6 }), 'uart');
  // drain() with a high-water mark of 0 returned once every byte was in the FIFO: at most 32 still to go.
  assert.ok(board.uartText(1).length >= 600 - 32, `${board.uartText(1).length} bytes out at "blast sent"`);
  board.run({ until: (b) => b.uartText(1).length >= 600, forNs: 10e6 });
  const expected = Array.from({ length: 600 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
  assert.equal(board.uartText(1), expected);
  assert.equal(times.length, 600);
  // Back to back: every frame follows the previous one after exactly one frame time (86.8 us), so the FIFO
  // never ran dry while bytes were waiting in the writer.
  const frame = 10e9 / board.mcu.uart[1].baudRate;
  for (let i = 1; i < times.length; i++) {
    assert.ok(Math.abs(times[i] - times[i - 1] - frame) < 1, `gap before byte ${i}: ${times[i] - times[i - 1]} ns`);
  }
  feed(board, 'quit\n');
  assert.equal(board.runToExit({ maxNs: 1e9 }).code, 0);
});

test('UART: a byte with a framing error is dropped and counted; an overrun flag keeps its byte; take_error', () => {
  const board = start();
  // rp2040js never sets UARTDR's error bits: here the byte 0xff arrives with FE (bit 8) and 0xfe with OE
  // (bit 11: the FIFO had overflowed before it, the byte itself is good).
  const u = board.mcu.uart[1];
  const read = u.readUint32.bind(u);
  u.readUint32 = (offset) => {
    const v = read(offset);
    if (offset !== 0) return v;
    return v === 0xff ? v | 0x100 : v === 0xfe ? v | 0x800 : v;
  };
  feed(board, 'a\xffb\xfec\n');
  board.run({ until: (b) => b.uartText(1).length >= 5, forNs: 50e6 });
  assert.equal(board.uartText(1), 'ab\xfec\n');
  feed(board, 'quit\n');
  assert.equal(board.runToExit({ maxNs: 1e9 }).code, 0);
  // The first error (framing: io) once, then none.
  assert.match(board.uartText(), /lines 1 overrun 1 framing 1 take_error io then ok\r\n/);
});
