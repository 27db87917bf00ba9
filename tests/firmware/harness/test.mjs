// A minimal test runner for the firmware tests: test(name, fn) and bench(name, fn) register, main.mjs runs.
import assert from 'node:assert/strict';

export { assert };
export const registry = { tests: [], benches: [] };

/** Registers a test; fn may be async. It fails by throwing (node:assert). */
export function test(name, fn) {
  registry.tests.push({ name, fn, file: currentFile.value });
}

/**
 * Registers a benchmark: fn returns { cycles_per_op, ... } (or an array of such results with a name each);
 * `tools/firmware-tests --bench` prints one JSON line per result.
 */
export function bench(name, fn) {
  registry.benches.push({ name, fn, file: currentFile.value });
}

export const currentFile = { value: undefined };
