// aiopi-pico (firmware/aiopi-pico) in the emulator: JSON-RPC lines fed into UART0 at the wire's pace, replies
// and notifications read back from UART0. daemon.info, a digital_out on GP15 seen on the pin, a pushbutton on
// GP14 whose double click arrives as device.btn.double stamped with the second press's edge, an HTU21D on
// I2C0 (GP4/GP5) read every period_ms as device.NAME.value, and the protocol's errors
// (docs/design/pico-tether.md).
import { Board } from './harness/board.mjs';
import { test, assert } from './harness/test.mjs';

const BANNER = '#aiopi-pico 0.1.0 ready\n';

/** Feeds `text` into UART0 one byte per frame time (10 bits at 115200), from now; returns when it ends. */
function feed(board, text) {
  const frameNs = 10e9 / 115200;
  const t0 = board.nowNs + 10e3;
  [...Buffer.from(text, 'latin1')].forEach((b, i) => board.uartWrite(Buffer.from([b]), { atNs: t0 + i * frameNs }));
  return t0 + text.length * frameNs;
}

/** The JSON lines the Pico sent (comments and console lines left out). */
function messages(board) {
  return board.uartLines().filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

/** Sends a request and runs until its reply is in; returns the reply. */
function call(board, id, method, params) {
  const req = { jsonrpc: '2.0', id, method };
  if (params !== undefined) req.params = params;
  feed(board, JSON.stringify(req) + '\n');
  const r = board.run({ untilUart: new RegExp(`"id":${id},[^\\n]*\\n`), forNs: 1e9 });
  assert.equal(r, 'uart', `no reply to ${method} (id ${id})`);
  return messages(board).find((m) => m.id === id);
}

function start() {
  const board = new Board('aiopi-pico');
  assert.equal(board.run({ untilUart: BANNER, forNs: 200e6 }), 'uart');
  assert.ok(board.uartText().startsWith(BANNER), JSON.stringify(board.uartText()));
  return board;
}

/** rp2040js warnings, less the registers it does not model: UART0's FIFO level (0x34) and ROSC RANDOMBIT
 * (0x1c, read for the boot number; the emulator reads 0 there). */
function warnings(board) {
  return board.warnings.filter((w) => !/UART0: Unimplemented peripheral write to 0x34|ROSC_BASE: Unimplemented peripheral read from 0x1c/.test(w));
}

test('tether: the banner, then daemon.info', () => {
  const board = start();
  const info = call(board, 1, 'daemon.info');
  assert.equal(info.jsonrpc, '2.0');
  const r = info.result;
  assert.equal(r.name, 'aiopi-pico');
  assert.equal(r.version, '0.1.0');
  assert.equal(r.protocol, 1);
  assert.equal(r.devices, 0);
  assert.equal(r.max_devices, 16);
  assert.ok(Number.isInteger(r.boot));
  // uptime_us is the TIMER: close to the emulator's clock when the request was answered.
  assert.ok(r.uptime_us > 0 && r.uptime_us <= board.nowUs, `${r.uptime_us} vs ${board.nowUs}`);
  assert.ok(board.nowUs - r.uptime_us < 5000, `${r.uptime_us} vs ${board.nowUs}`);
  const again = call(board, 2, 'daemon.info');
  assert.equal(again.result.boot, r.boot);  // the same until the next reset
  assert.deepEqual(warnings(board), []);
});

test('tether: digital_out on GP15 drives the pin', () => {
  const board = start();
  const pin = board.watch(15);
  const opened = call(board, 1, 'devices.open', { name: 'led', type: 'digital_out', params: { pin: 15 } });
  assert.deepEqual(opened.result, { name: 'led', type: 'digital_out', direction: 'output', state: 'open', value: false });
  const set = call(board, 2, 'devices.set', { name: 'led', value: true });
  assert.equal(set.result.value, true);
  assert.equal(board.mcu.gpio[15].outputValue, true);
  assert.equal(pin.at(-1).level, true);
  call(board, 3, 'devices.set', { name: 'led', value: false });
  assert.equal(board.mcu.gpio[15].outputValue, false);
  const list = call(board, 4, 'devices.list');
  assert.deepEqual(list.result.map((d) => d.name), ['led']);
  assert.deepEqual(call(board, 5, 'devices.close', { name: 'led' }).result, { name: 'led', closed: true });
  assert.deepEqual(call(board, 6, 'devices.list').result, []);
});

test('tether: a double click on GP14 is device.btn.double with the second press\'s time', () => {
  const board = start();
  board.setInput(14, true);  // released (pull-up)
  const opened = call(board, 1, 'devices.open', { name: 'btn', type: 'pushbutton', params: { pin: 14 } });
  assert.equal(opened.result.type, 'pushbutton');
  const ms = 1e6;
  const t0 = board.nowNs + 50 * ms;
  board.setInput(14, false, t0);               // press
  board.setInput(14, true, t0 + 100 * ms);     // release
  board.setInput(14, false, t0 + 250 * ms);    // second press within 400 ms: double
  board.setInput(14, true, t0 + 350 * ms);
  assert.equal(board.run({ untilUart: /device\.btn\.release[^\n]*\n[^]*device\.btn\.release[^\n]*\n/, forNs: 2e9 }), 'uart');
  const notes = messages(board).filter((m) => m.method === 'notify').map((m) => m.params);
  assert.deepEqual(notes.map((n) => n.topic),
    ['device.btn.press', 'device.btn.release', 'device.btn.press', 'device.btn.double', 'device.btn.release']);
  const dbl = notes[3];
  assert.deepEqual(dbl.data, { pressed: true });
  // Stamped in the IO_BANK0 interrupt: within a few µs of the edge.
  const lag = dbl.mono_us - (t0 + 250 * ms) / 1000;
  assert.ok(lag >= -1 && lag <= 5, `double at ${dbl.mono_us} us, second press at ${(t0 + 250 * ms) / 1000} us`);
  assert.ok(Math.abs(notes[0].mono_us - t0 / 1000) <= 5);
  const read = call(board, 2, 'devices.read', { name: 'btn' });
  assert.deepEqual(read.result, { name: 'btn', value: false });
});

test('tether: errors of the protocol', () => {
  const board = start();
  const code = (m) => m.error && m.error.code;
  assert.equal(code(call(board, 1, 'devices.open', { name: 'tx', type: 'digital_out', params: { pin: 0 } })), -32602);
  assert.equal(code(call(board, 2, 'devices.open', { name: 'x', type: 'servo', params: { pin: 3 } })), -32602);
  assert.equal(code(call(board, 3, 'devices.open', { name: 'x', type: 'digital_out', params: { pin: 3, colour: 1 } })),
    -32602);
  assert.equal(code(call(board, 4, 'devices.get', { name: 'ghost' })), -32004);
  assert.equal(code(call(board, 5, 'devices.explode')), -32601);
  call(board, 6, 'devices.open', { name: 'in', type: 'digital_in', params: { pin: 3 } });
  assert.equal(code(call(board, 7, 'devices.set', { name: 'in', value: true })), -32005);
  assert.equal(code(call(board, 8, 'devices.open', { name: 'led', type: 'digital_out', params: { pin: 3 } })), -32602);
  // A line that is not JSON, then one longer than 512 bytes: -32700 and -32600, both with id null; the
  // link goes on.
  feed(board, 'hello pico\n');
  assert.equal(board.run({ untilUart: /-32700[^\n]*\n/, forNs: 1e9 }), 'uart');
  const end = feed(board, `{"id":9,"method":"daemon.info","pad":"${'x'.repeat(600)}"}\n`);
  assert.equal(board.run({ untilUart: /-32600[^\n]*\n/, forNs: 1e9 }), 'uart');
  assert.ok(board.nowNs >= end - 1e6);
  const errs = messages(board).filter((m) => m.id === null).map((m) => m.error.code);
  assert.deepEqual(errs, [-32700, -32600]);
  assert.equal(call(board, 10, 'daemon.info').result.devices, 1);
  assert.deepEqual(warnings(board), []);
});

/** rp2040js 1.4.1 ignores writes to IC_INTR_MASK (0x30); modelled as in hal_i2c.test.mjs (datasheet 4.3.17). */
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

/** An HTU21D at a fixed temperature and humidity: a command byte, then MSB, LSB, CRC-8 (poly 0x31). */
function htu21d(tWord, hWord) {
  const crc8 = (msb, lsb) => {
    let crc = 0;
    for (const byte of [msb, lsb]) {
      crc ^= byte;
      for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x31) & 0xff : (crc << 1) & 0xff;
    }
    return crc;
  };
  let out = [];
  return {
    write(b) {
      const w = b === 0xe3 ? tWord : b === 0xe5 ? hWord : null;
      out = w === null ? [] : [w >> 8, w & 0xff, crc8(w >> 8, w & 0xff)];
      return true;
    },
    read() { return out.length ? out.shift() : 0xff; },
  };
}

test('tether: an HTU21D on GP4/GP5 reports device.climate.value every period_ms', () => {
  const board = start();
  board.attachI2c(0, 0x40, htu21d(0x683a, 0x4e85));  // 24.69 °C, 32.34 %RH (the datasheet's words)
  modelIntrMask(board.mcu.i2c[0]);
  const opened = call(board, 1, 'devices.open', { name: 'climate', type: 'htu21d', params: { sda: 4, scl: 5, period_ms: 500 } });
  assert.equal(opened.result.state, 'open');
  assert.equal(board.mcu.gpio[4].functionSelect, 3);
  assert.equal(board.run({ untilUart: /device\.climate\.value[^]*device\.climate\.value[^\n]*\n/, forNs: 5e9 }), 'uart');
  const values = messages(board).filter((m) => m.method === 'notify').map((m) => m.params);
  assert.deepEqual(values[0].data, { temperature: 24.69, humidity: 32.34 });
  // period_ms between the end of one cycle and the start of the next (two 60 ms conversions per cycle).
  const gap = values[1].mono_us - values[0].mono_us;
  assert.ok(gap >= 620e3 && gap <= 640e3, `${gap} us between readings`);
  const read = call(board, 2, 'devices.read', { name: 'climate' });
  assert.deepEqual(read.result, { name: 'climate', value: { temperature: 24.69, humidity: 32.34 },
    unit: { temperature: '\u00b0C', humidity: '%RH' } });
  // An open on the pins of a block in use, and a pair of two blocks: refused with the reason.
  assert.equal(call(board, 3, 'devices.open', { name: 'x', type: 'htu21d', params: { sda: 8, scl: 9 } }).error.code, -32602);
  const pair = call(board, 4, 'devices.open', { name: 'y', type: 'htu21d', params: { sda: 6, scl: 9 } });
  assert.match(pair.error.message, /sda\/scl: not an I2C pin pair/);
});
