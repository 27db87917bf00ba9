// A cycle profiler for the emulated core: while recording, Board.run() credits every executed instruction's
// cycles to its PC; report() maps the PCs to the image's functions (arm-none-eabi-nm -S -C on the ELF that
// sits next to the .bin) and returns them heaviest first. Exact, not sampled: rp2040js counts cycles per
// instruction, so the totals equal board.cycles over the window (minus cycles spent asleep in WFI, which are
// counted apart). Inlined code is credited to the function it was inlined into.
//
//   const prof = board.profile();   // attached, not recording
//   prof.start(); board.run(...); prof.stop();
//   console.error(prof.format({ top: 15 }));     // or prof.report() for the rows
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The functions and objects of an ELF: sorted [{ start, end, name }], Thumb bit cleared. */
export function elfSymbols(elf) {
  const nm = process.env.AIOPI_ARM_NM ?? 'arm-none-eabi-nm';
  const out = execFileSync(nm, ['-S', '--size-sort', '-C', elf], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const symbols = [];
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (\w) (.*)$/.exec(line);
    if (!m || !'tTwW'.includes(m[3])) continue;
    const start = parseInt(m[1], 16) & ~1;
    symbols.push({ start, end: start + parseInt(m[2], 16), name: m[4] });
  }
  symbols.sort((a, b) => a.start - b.start);
  return symbols;
}

export class Profile {
  /** @param {string} elf  the image's ELF (symbols); see Board.profile() */
  constructor(elf) {
    this.elf = elf;
    this.recording = false;
    this.byPc = new Map();  // pc -> [cycles, instructions]
    this.cycles = 0;
    this.instructions = 0;
  }

  start() { this.recording = true; }
  stop() { this.recording = false; }
  reset() {
    this.byPc.clear();
    this.cycles = 0;
    this.instructions = 0;
  }

  /** A copy of what was recorded so far (to keep one window's figures while recording the next). */
  snapshot() {
    const copy = new Profile(this.elf);
    for (const [pc, entry] of this.byPc) copy.byPc.set(pc, [...entry]);
    copy.cycles = this.cycles;
    copy.instructions = this.instructions;
    return copy;
  }

  /** Called by Board.run() for each instruction executed while recording. */
  record(pc, cycles) {
    const entry = this.byPc.get(pc);
    if (entry) {
      entry[0] += cycles;
      entry[1]++;
    } else {
      this.byPc.set(pc, [cycles, 1]);
    }
    this.cycles += cycles;
    this.instructions++;
  }

  /**
   * Per function, heaviest first: [{ name, cycles, instructions, share, perOp }] (perOp = cycles / ops when
   * `ops` is given). PCs outside every symbol are grouped as `?<addr>`.
   */
  report({ ops } = {}) {
    const symbols = this.elf && existsSync(this.elf) ? elfSymbols(this.elf) : [];
    const find = (pc) => {
      let lo = 0;
      let hi = symbols.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (symbols[mid].end <= pc) lo = mid + 1;
        else if (symbols[mid].start > pc) hi = mid - 1;
        else return symbols[mid].name;
      }
      return `?0x${pc.toString(16)}`;
    };
    const byName = new Map();
    for (const [pc, [cycles, instructions]] of this.byPc) {
      const name = find(pc);
      const row = byName.get(name) ?? { name, cycles: 0, instructions: 0 };
      row.cycles += cycles;
      row.instructions += instructions;
      byName.set(name, row);
    }
    return [...byName.values()]
      .sort((a, b) => b.cycles - a.cycles)
      .map((r) => ({ ...r, share: r.cycles / (this.cycles || 1), ...(ops ? { perOp: r.cycles / ops } : {}) }));
  }

  /** The hottest individual PCs: [{ pc, cycles, instructions }] (to read beside objdump -d). */
  hotPcs(top = 20) {
    return [...this.byPc].sort((a, b) => b[1][0] - a[1][0]).slice(0, top)
      .map(([pc, [cycles, instructions]]) => ({ pc: `0x${pc.toString(16)}`, cycles, instructions }));
  }

  /** A text table of the top functions (cycles, share, cycles per op when `ops` is given). */
  format({ top = 15, ops, title } = {}) {
    const rows = this.report({ ops });
    const lines = [];
    if (title) lines.push(title);
    lines.push(`  ${this.cycles} cycles, ${this.instructions} instructions${ops ? `, ${ops} ops: ` +
      `${(this.cycles / ops).toFixed(1)} cycles/op` : ''}`);
    for (const r of rows.slice(0, top)) {
      const perOp = ops ? `${r.perOp.toFixed(1).padStart(8)}/op` : '';
      lines.push(`  ${String(r.cycles).padStart(10)} ${(100 * r.share).toFixed(1).padStart(5)}% ${perOp}  ${r.name}`);
    }
    if (rows.length > top) {
      const rest = rows.slice(top).reduce((s, r) => s + r.cycles, 0);
      lines.push(`  ${String(rest).padStart(10)} ${(100 * rest / (this.cycles || 1)).toFixed(1).padStart(5)}%` +
        `${ops ? ' '.repeat(11) : ''}  (${rows.length - top} more functions)`);
    }
    return lines.join('\n');
  }
}
