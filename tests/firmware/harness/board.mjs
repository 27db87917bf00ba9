// One emulated RP2040 running an aiopi image, driven synchronously in simulated time (README.md).
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { RP2040, I2CMode } from 'rp2040js';
import { Profile } from './profile.mjs';

export { I2CMode };

/** BKPT immediates of the firmware (platform/rp2040/include/aiopi/rp2040/startup.hpp) and of the bootrom. */
export const BKPT_EXIT = 0;
export const BKPT_PANIC = 1;
export const BKPT_BAD_BOOT2_CRC = 0xbc;

export function buildDir() {
  return process.env.AIOPI_BUILD_DIR ?? path.resolve(new URL('../../../build/rp2040', import.meta.url).pathname);
}

/** The path of `<name>.bin` under the build directory (a path ending in .bin is taken as given). */
export function findImage(name, dir = buildDir()) {
  if (name.endsWith('.bin')) return path.isAbsolute(name) ? name : path.join(dir, name);
  const want = `${name}.bin`;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name !== 'CMakeFiles' && entry.name !== 'node_modules') stack.push(path.join(d, entry.name));
      } else if (entry.name === want) {
        return path.join(d, entry.name);
      }
    }
  }
  throw new Error(`image ${want} not found under ${dir} (built in the rp2040 preset?)`);
}

function loadBootrom(dir) {
  const file = path.join(dir, 'tests', 'firmware', 'bootrom.bin');
  if (!existsSync(file)) throw new Error(`${file} missing: build the aiopi_fw_bootrom target`);
  const bytes = readFileSync(file);
  const words = new Uint32Array(4 * 1024);
  for (let i = 0; i + 3 < bytes.length; i += 4) words[i / 4] = bytes.readUInt32LE(i);
  return words;
}

export class Board {
  /**
   * @param {string} image  name of an image (`fw_boot` finds fw_boot.bin in the build dir) or a .bin path
   * @param {object} [options]  { buildDir, bin (a Buffer instead of a file) }
   */
  constructor(image, options = {}) {
    const dir = options.buildDir ?? buildDir();
    this.mcu = new RP2040();  // with its SimulationClock
    this.clock = this.mcu.clock;
    this.warnings = [];
    const warnings = this.warnings;
    this.mcu.logger = {
      debug() {},
      info() {},
      warn(component, message) { warnings.push(`${component}: ${message}`); },
      error(component, message) { warnings.push(`error: ${component}: ${message}`); },
    };
    this.mcu.loadBootrom(loadBootrom(dir));  // resets, which wipes flash: the image goes in after
    this.imagePath = options.bin ? null : findImage(image, dir);
    const bin = options.bin ?? readFileSync(this.imagePath);
    this.mcu.flash.set(bin, 0);
    this.mcu.core.PC = this.mcu.readUint32(4) & ~1;
    this.mcu.core.SP = this.mcu.readUint32(0);

    this.uartBytes = [[], []];
    this.mcu.uart.forEach((uart, n) => { uart.onByte = (b) => this.uartBytes[n].push(b); });
    this.breakCode = undefined;
    this.mcu.onBreak = (code) => { this.breakCode = code; this.stopped = true; };
    this.stopped = false;
    this.watched = new Map();
    this.i2cDevices = [new Map(), new Map()];
    this.instructions = 0;
    this.profiler = null;
  }

  /**
   * Attaches a cycle profiler (harness/profile.mjs): between its start() and stop(), run() credits each
   * instruction's cycles to its PC; report()/format() map them to the ELF's functions (`elf` defaults to the
   * image's .elf beside its .bin).
   */
  profile({ elf } = {}) {
    this.profiler = new Profile(elf ?? (this.imagePath ? this.imagePath.replace(/\.bin$/, '.elf') : null));
    return this.profiler;
  }

  /** Simulated time since reset. */
  get nowNs() { return this.clock.nanos; }
  get nowUs() { return this.clock.nanos / 1000; }
  /** Cycles the core has executed (rp2040js counts them per instruction). */
  get cycles() { return this.mcu.core.cycles; }
  /** clk_sys as the emulator derives it from the PLL and CLOCKS registers the firmware set. */
  get clkSys() { return this.mcu.clkSys; }

  /**
   * Runs until a stop condition; returns why it stopped: 'break' (BKPT: exit, panic, bad boot2),
   * 'uart' (untilUart matched), 'until' (the until() predicate), 'time' (forNs/untilNs reached).
   * Throws if maxInstructions is exceeded (a runaway program).
   */
  run({ forNs, untilNs, untilUart, uart = 0, until, maxInstructions = 200_000_000 } = {}) {
    const { mcu, clock } = this;
    const core = mcu.core;
    const endNs = untilNs ?? (forNs !== undefined ? clock.nanos + forNs : clock.nanos + 60e9);
    const match = untilUart === undefined ? null
      : (typeof untilUart === 'string' ? (t) => t.includes(untilUart) : (t) => untilUart.test(t));
    let seenUart = this.uartBytes[uart].length;
    this.stopped = false;
    let budget = maxInstructions;
    for (;;) {
      if (this.stopped) return 'break';
      if (match && this.uartBytes[uart].length !== seenUart) {
        seenUart = this.uartBytes[uart].length;
        if (match(this.uartText(uart))) return 'uart';
      }
      if (until && until(this)) return 'until';
      if (clock.nanos >= endNs) return 'time';
      if (core.waiting) {
        // rp2040js does not end WFI for an interrupt that became pending while PRIMASK was set (silicon does).
        if (core.pendingInterrupts & core.enabledInterrupts) {
          core.waiting = false;
          continue;
        }
        const toAlarm = clock.nanosToNextAlarm;
        const hasAlarm = clock.nextAlarm != null;
        if (!hasAlarm || clock.nanos + toAlarm > endNs) {
          clock.tick(endNs - clock.nanos);
        } else {
          clock.tick(toAlarm);
        }
        continue;
      }
      const profiler = this.profiler;
      const pc = core.PC;
      const cycles = core.executeInstruction();
      if (profiler !== null && profiler.recording) profiler.record(pc, cycles);
      this.instructions++;
      clock.tick((cycles * 1e9) / mcu.clkSys);
      if (--budget <= 0) throw new Error(`more than ${maxInstructions} instructions (at ${this.nowUs} us)`);
    }
  }

  /** Runs to the end of the program; returns { code, panic, uart } (code: main's result, or undefined). */
  runToExit({ maxNs = 60e9, maxInstructions } = {}) {
    const why = this.run({ forNs: maxNs, maxInstructions });
    if (why !== 'break') throw new Error(`program did not stop within ${maxNs / 1e9} s simulated`);
    return { code: this.exitCode, panic: this.panicMessage, uart: this.uartText() };
  }

  uartText(n = 0) { return Buffer.from(this.uartBytes[n]).toString('latin1'); }
  uartLines(n = 0) { return this.uartText(n).split(/\r?\n/).filter((l) => l.length > 0); }
  /** main's result from the "#exit: N" line, or undefined. */
  get exitCode() {
    const m = /#exit: (-?\d+)\r\n/.exec(this.uartText());
    return m ? Number(m[1]) : undefined;
  }
  /** The message of the "#panic: ..." line, or undefined. */
  get panicMessage() {
    const m = /#panic: (.*)\r\n/.exec(this.uartText());
    return m ? m[1] : undefined;
  }

  /** Feeds bytes into UART n's receive FIFO, now or at simulated time atNs. */
  uartWrite(data, { uart = 0, atNs } = {}) {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    this.at(atNs, () => { for (const b of bytes) this.mcu.uart[uart].feedByte(b); });
  }

  /** Runs fn at simulated time atNs (now if undefined or past), through a clock alarm. */
  at(atNs, fn) {
    if (atNs === undefined || atNs <= this.clock.nanos) {
      fn();
      return;
    }
    this.clock.createAlarm(fn).schedule(atNs - this.clock.nanos);
  }

  /** Drives GPIO `pin` as an input to `level` (bool) now or at simulated time atNs. */
  setInput(pin, level, atNs) {
    this.at(atNs, () => this.mcu.gpio[pin].setInputValue(!!level));
  }

  /** Records the transitions of GPIO `pin` from now on: returns the live array of { ns, level }. */
  watch(pin) {
    if (!this.watched.has(pin)) {
      const log = [];
      this.watched.set(pin, log);
      let last = this.mcu.gpio[pin].outputValue;
      this.mcu.gpio[pin].addListener(() => {
        const level = this.mcu.gpio[pin].outputValue;
        if (level !== last) {
          last = level;
          log.push({ ns: this.clock.nanos, level });
        }
      });
    }
    return this.watched.get(pin);
  }

  /**
   * Attaches a simulated I2C target at 7-bit `address` on I2C bus `bus` (0 or 1). `device` may have:
   *   start(repeated)   a (repeated) START addressed to it is coming
   *   connect(mode)     addressed; mode is I2CMode.Write or I2CMode.Read; return false to NACK the address
   *   write(byte)       a byte from the controller; return false to NACK it
   *   read()            the byte to send to the controller (0..255)
   *   stop()            STOP
   * Addresses without a device NACK.
   */
  attachI2c(bus, address, device) {
    const devices = this.i2cDevices[bus];
    const first = devices.size === 0;
    devices.set(address, device);
    if (!first) return;
    const i2c = this.mcu.i2c[bus];
    let current = null;
    i2c.onStart = (repeated) => { i2c.completeStart(); current?.start?.(repeated); };
    i2c.onConnect = (addr, mode) => {
      current = devices.get(addr) ?? null;
      const ack = current !== null && (current.connect?.(mode) ?? true) !== false;
      if (!ack) current = null;
      i2c.completeConnect(ack);
    };
    i2c.onWriteByte = (value) => i2c.completeWrite(current !== null && (current.write?.(value) ?? true) !== false);
    i2c.onReadByte = () => i2c.completeRead(current?.read?.() ?? 0xff);
    i2c.onStop = () => { current?.stop?.(); current = null; i2c.completeStop(); };
  }
}
