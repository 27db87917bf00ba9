// Runs the firmware tests: node harness/main.mjs [--bench] [--filter TEXT] FILE.test.mjs...
// Prints one line per test and "N passed, N failed"; exits 1 on any failure. With --bench, runs the
// benchmarks of the files instead and prints their JSON lines.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { registry, currentFile } from './test.mjs';

const args = process.argv.slice(2);
let benchMode = false;
let filter = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--bench') benchMode = true;
  else if (args[i] === '--filter') filter = args[++i];
  else files.push(args[i]);
}

for (const file of files) {
  currentFile.value = path.basename(file);
  await import(pathToFileURL(path.resolve(file)).href);
}

if (benchMode) {
  let failed = 0;
  for (const b of registry.benches) {
    if (filter && !b.name.includes(filter)) continue;
    try {
      const result = await b.fn();
      for (const r of Array.isArray(result) ? result : [result]) {
        console.log(JSON.stringify({ name: r.name ?? b.name, cycles_per_op: r.cycles_per_op, unit: 'cycles',
          allocs_per_op: r.allocs_per_op ?? 0, ...(r.extra ?? {}) }));
      }
    } catch (e) {
      failed++;
      console.error(`bench ${b.name} failed: ${e.stack ?? e}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

let passed = 0;
let failed = 0;
for (const t of registry.tests) {
  if (filter && !t.name.includes(filter)) continue;
  const started = Date.now();
  try {
    await t.fn();
    passed++;
    console.log(`ok   ${t.file} ${t.name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${t.file} ${t.name}\n${String(e.stack ?? e).replace(/^/gm, '     ')}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
