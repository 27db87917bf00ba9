// rp2040::I2cBus (programs/hal_i2c_test.cpp) against simulated targets: an HTU21D at 0x40 through
// drivers::HTU21D (temperature and humidity with CRC; a corrupted CRC), a NACK at an absent address, a
// register device at 0x50 (transfers longer than the 16-entry FIFOs, SMBus block reads of 5 and 0 bytes),
// a device at 0x51 that stalls a read (the time limit aborts the transfer in flight, the bus recovers).
import { Board } from './harness/board.mjs';
import { test, assert } from './harness/test.mjs';

function crc8(msb, lsb) {
  let crc = 0;
  for (const byte of [msb, lsb]) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x31) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/**
 * rp2040js 1.4.1 ignores writes to IC_INTR_MASK (0x30: "Unimplemented peripheral write"), so no I2C
 * interrupt ever reaches the core. This models the register as the datasheet has it (§4.3.17: the mask of
 * IC_INTR_STAT) on the emulator's own state, for the interrupt-driven driver to be tested at all.
 */
function modelIntrMask(i2c) {
  const write = i2c.writeUint32.bind(i2c);
  i2c.writeUint32 = (offset, value) => {
    if (offset === 0x30) {
      i2c.intEnable = value & 0x1fff;
      i2c.checkInterrupts();
    } else {
      write(offset, value);
    }
  };
}

/** An HTU21D: a command byte, then the measurement's MSB, LSB and CRC on the next read. */
function htu21d({ celsius, rh }) {
  const tWord = Math.round(((celsius + 46.85) * 65536) / 175.72) & 0xfffc;
  const hWord = (Math.round(((rh + 6) * 65536) / 125) & 0xfffc) | 0x02;  // status bit 1: humidity
  let out = [];
  let corruptNext = false;  // the first measurement after a user-register read gets a wrong CRC
  const dev = {
    commands: [],
    tWord,
    hWord,
    write(b) {
      dev.commands.push(b);
      if (b === 0xe3 || b === 0xf3 || b === 0xe5 || b === 0xf5) {
        const w = b === 0xe3 || b === 0xf3 ? tWord : hWord;
        let c = crc8(w >> 8, w & 0xff);
        if (corruptNext) c ^= 0x5a;
        corruptNext = false;
        out = [w >> 8, w & 0xff, c];
      } else if (b === 0xe7) {
        out = [0x02];  // the user register's reset value
        corruptNext = true;
      }
      return true;
    },
    read() { return out.length ? out.shift() : 0xff; },
  };
  return dev;
}

/** A 256-byte register file: the first byte written after a START + address is the register pointer. */
function registers() {
  const mem = Array.from({ length: 256 }, (_, i) => i);
  mem[0x80] = 5;  // an SMBus block of 5 bytes (0x81..0x85)
  mem[0x90] = 0;  // an empty block
  let ptr = 0;
  let first = false;
  return {
    mem,
    // connect(), not start(): the harness calls start() only after the emulator has run the transfer's first
    // bytes synchronously.
    connect(mode) { if (mode === 0) first = true; return true; },
    write(b) { if (first) { ptr = b; first = false; } else { mem[ptr] = b; ptr = (ptr + 1) & 0xff; } return true; },
    read() { const v = mem[ptr]; ptr = (ptr + 1) & 0xff; return v; },
  };
}

/** Runs the whole program against the simulated targets; the stalled read is released after 2 ms. */
function runProgram() {
  const board = new Board('fw_hal_i2c');
  const htu = htu21d({ celsius: 23.45, rh: 45.6 });
  board.attachI2c(0, 0x40, htu);
  board.attachI2c(0, 0x50, registers());
  board.attachI2c(0, 0x51, { read: () => 0 });
  const i2c = board.mcu.i2c[0];
  modelIntrMask(i2c);
  // 0x51 never finishes a read: the byte is held until released below.
  const readByte = i2c.onReadByte;
  let held = null;
  i2c.onReadByte = (ack) => {
    if (i2c.targetAddress === 0x51) held = () => i2c.completeRead(0x55);
    else readByte(ack);
  };
  assert.equal(board.run({ untilUart: /hung \w+\r\n/, forNs: 2e9 }), 'uart');
  assert.ok(held, 'the read at 0x51 was started');
  board.run({ forNs: 2e6 });
  const waitedForAbort = !/after/.test(board.uartText());
  held();  // the stalled byte completes: the controller finishes its ABORT with a STOP
  held = null;
  assert.equal(board.run({ untilUart: /cancelled \w+\r\n/, forNs: 2e9 }), 'uart');
  assert.ok(held, 'the second stalled read at 0x51 was started');
  board.run({ forNs: 2e6 });
  const waitedAfterCancel = !/again/.test(board.uartText());
  held();
  const { code } = board.runToExit({ maxNs: 2e9 });
  const lines = board.uartLines();
  const line = (name) => lines.find((l) => l.startsWith(`${name} `));
  return { board, htu, code, line, waitedForAbort, waitedAfterCancel, i2c };
}

test('I2C: drivers::HTU21D reads °C and %RH (CRC checked) from a simulated HTU21D at 0x40, 400 kHz', () => {
  const { board, htu, code, line, i2c } = runProgram();
  assert.equal(code, 0);
  // °C and %RH as the driver computes them from the raw words, to 0.01.
  const t = -46.85 + (175.72 * htu.tWord) / 65536;
  const h = -6 + (125 * (htu.hWord & 0xfffc)) / 65536;
  const m = /^htu T=(-?\d+) RH=(-?\d+)$/.exec(line('htu'));
  assert.ok(m, line('htu'));
  assert.ok(Math.abs(Number(m[1]) - t * 100) <= 1, `T ${m[1]} vs ${t}`);
  assert.ok(Math.abs(Number(m[2]) - h * 100) <= 1, `RH ${m[2]} vs ${h}`);
  assert.ok(Math.abs(t - 23.45) < 0.02 && Math.abs(h - 45.6) < 0.02);
  // read(): temperature then humidity ("hold master" commands), then the user register (write_read).
  const e7 = htu.commands.indexOf(0xe7);
  assert.deepEqual(htu.commands.slice(e7 - 2, e7 + 1), [0xe3, 0xe5, 0xe7]);
  assert.equal(line('user_register'), 'user_register 2');
  assert.equal(i2c.speed, 2, 'fast mode for 400 kHz');
  assert.deepEqual(board.warnings, []);
});

test('I2C: a corrupted HTU21D CRC is an error value (io)', () => {
  const { line } = runProgram();
  assert.equal(line('htu_crc'), 'htu_crc io');
});

test('I2C: an absent address NACKs: IoErrc::nack', () => {
  const { line } = runProgram();
  assert.equal(line('absent'), 'absent nack');
});

test('I2C: a 21-byte write and a 24-byte write_read (beyond the 16-entry FIFOs) move every byte', () => {
  const { line } = runProgram();
  assert.equal(line('write20'), 'write20 ok');
  const expect24 = [0, 1, ...Array.from({ length: 20 }, (_, i) => 0xa1 + i), 22, 23];
  assert.equal(line('read24'), `read24 ${expect24.join(' ')}`);
});

test('I2C: SMBus block reads (recv_len) of 5 bytes and of 0 bytes', () => {
  const { line } = runProgram();
  assert.equal(line('block'), 'block 5 129 130 131 132 133');
  assert.equal(line('block0'), 'block0 0');
});

test('I2C: the time limit aborts a stalled transfer in flight; the next waits for the abort, then works', () => {
  const { line, waitedForAbort } = runProgram();
  assert.equal(line('hung'), 'hung timeout');
  assert.ok(waitedForAbort, 'the next transfer waited for the controller to finish its ABORT');
  assert.equal(line('after'), `after ${0xa2}`);
});

test('I2C: cancelling a task aborts its running transfer, a queued one leaves the queue; the bus recovers', () => {
  const { line, waitedAfterCancel, code } = runProgram();
  assert.equal(line('cancelled'), 'cancelled both');
  assert.ok(waitedAfterCancel, 'the next transfer waited for the ABORT of the cancelled one');
  assert.equal(line('again'), `again ${0xa3}`);
  assert.equal(code, 0);
});
