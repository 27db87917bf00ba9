// The emulated Pico as a serial device: runs an RP2040 image (aiopi-pico by default) in rp2040js paced to
// wall-clock time, with UART0 bridged to a file descriptor (a pseudo-terminal's master, whose slave aiopid
// opens as `[boards.pico1] uart = "/dev/pts/N"`) and a control channel on stdin/stdout for the test.
//
//   node tests/firmware/harness/bridge.mjs --uart-fd 3 [--image aiopi-pico] [--build-dir build/rp2040]
//
// The fd should be non-blocking (Python: os.set_blocking(master, False)): bytes sent while nobody holds the
// slave open (or while its buffer is full) are then dropped, as on a UART nobody listens to, and the
// emulator never stalls. Bytes from the fd enter UART0's RX at the wire's pace (10 bit times at 115200).
//
// Control (one command per line on stdin; answers on stdout):
//   press PIN / release PIN   drive GPIO PIN low / high (an active-low button pressed / released)
//   input PIN 0|1             drive GPIO PIN to a level
//   get PIN                   -> "level PIN 0|1" (the pin's output level as the firmware drives it)
//   now                       -> "now_us T" (the emulated TIMER)
//   quit                      ends the bridge
// The bridge prints "started" once running, "uart <text>" for every comment line (#...) the firmware sends,
// and "stopped <break code> <panic message>" if the firmware stops (a panic), then exits 1.
import fs from 'node:fs';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';
import { Board } from './board.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const uartFd = Number(option('--uart-fd', NaN));
if (!Number.isInteger(uartFd)) {
  process.stderr.write('usage: bridge.mjs --uart-fd N [--image NAME] [--build-dir DIR]\n');
  process.exit(2);
}
const buildDir = option('--build-dir', undefined);
const board = new Board(option('--image', 'aiopi-pico'), buildDir ? { buildDir } : {});
const say = (line) => process.stdout.write(`${line}\n`);

// ---- UART0 RX: bytes from the fd, one per frame time
const frameNs = 10e9 / 115200;
let rxFreeNs = 0;
function feed(bytes) {
  for (const b of bytes) {
    const at = Math.max(rxFreeNs, board.nowNs + 10e3);
    board.uartWrite(Buffer.from([b]), { atNs: at });
    rxFreeNs = at + frameNs;
  }
}
const readBuf = Buffer.alloc(1024);
function readLoop() {
  fs.read(uartFd, readBuf, 0, readBuf.length, null, (err, n) => {
    if (err) {
      // EAGAIN: nothing there (non-blocking fd); EIO: nobody holds the slave open yet. Both: look again soon.
      if (err.code === 'EAGAIN' || err.code === 'EIO' || err.code === 'EWOULDBLOCK') {
        setTimeout(readLoop, 2);
        return;
      }
      say(`error uart read ${err.code}`);
      return;
    }
    if (n > 0) feed(Buffer.from(readBuf.subarray(0, n)));
    setTimeout(readLoop, n > 0 ? 0 : 2);
  });
}

// ---- UART0 TX: what the firmware sent since the last turn goes to the fd; comment lines to stdout too
let comment = null;
function flushTx() {
  const bytes = board.uartBytes[0];
  if (bytes.length === 0) return;
  const out = Buffer.from(bytes);
  bytes.length = 0;  // the harness's array: emptied so that it does not grow for the whole run
  for (const b of out) {
    if (comment !== null) {
      if (b === 0x0a) {
        say(`uart ${comment.replace(/\r$/, '')}`);
        comment = null;
      } else {
        comment += String.fromCharCode(b);
      }
    } else if (b === 0x23 /* # */ && lastTx === 0x0a) {
      comment = '#';
    }
    lastTx = b;
  }
  try {
    fs.writeSync(uartFd, out);
  } catch (e) {
    if (e.code !== 'EAGAIN' && e.code !== 'EIO' && e.code !== 'EWOULDBLOCK') say(`error uart write ${e.code}`);
  }
}
let lastTx = 0x0a;

// ---- control
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, a, b] = line.trim().split(/\s+/);
  const pin = Number(a);
  switch (cmd) {
    case 'press': board.setInput(pin, false); break;
    case 'release': board.setInput(pin, true); break;
    case 'input': board.setInput(pin, b === '1'); break;
    case 'get': say(`level ${pin} ${board.mcu.gpio[pin].outputValue ? 1 : 0}`); break;
    case 'now': say(`now_us ${Math.floor(board.nowUs)}`); break;
    case 'quit': process.exit(0); break;
    case undefined: case '': break;
    default: say(`error unknown command ${cmd}`);
  }
}).on('close', () => process.exit(0));

// ---- the clock: emulated time follows wall-clock time (faster while the firmware sleeps, never ahead)
const wall0 = performance.now();
function tick() {
  const target = (performance.now() - wall0) * 1e6;
  if (target > board.nowNs) board.run({ untilNs: target, maxInstructions: 1e10 });
  flushTx();
  if (board.stopped) {
    say(`stopped ${board.breakCode} ${board.panicMessage ?? ''}`);
    process.exit(1);
  }
  setTimeout(tick, 1);
}
say('started');
readLoop();
tick();
