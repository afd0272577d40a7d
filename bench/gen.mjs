#!/usr/bin/env node
// Writes the big synthetic benchmark capture.
// Usage: node bench/gen.mjs [OUT.pcap] [--seed N] [--target-bytes N] [--min-flows N] [--concurrency N]
// Prints the generator's statistics as JSON.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGenerator } from './generator.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const flags = { '--seed': 'seed', '--target-bytes': 'targetBytes', '--min-flows': 'minFlows', '--concurrency': 'concurrency' };
const options = {};
let out = resolve(here, 'out', 'big.pcap');
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const name = flags[args[i]];
  if (name !== undefined) {
    const value = Number(args[++i]);
    if (!Number.isFinite(value)) {
      process.stderr.write(`gen: ${args[i - 1]} needs a number\n`);
      process.exit(2);
    }
    options[name] = value;
  } else if (args[i].startsWith('--')) {
    process.stderr.write(`gen: unknown option ${args[i]}\n`);
    process.exit(2);
  } else {
    out = resolve(args[i]);
  }
}

let writeBigCaptureFile;
try {
  ({ writeBigCaptureFile } = await loadGenerator());
} catch (error) {
  process.stderr.write(`gen: cannot bundle the capture generator (test/support/bigCapture.ts): ${error.message}\n`);
  process.exit(2);
}
mkdirSync(dirname(out), { recursive: true });
const started = performance.now();
const stats = writeBigCaptureFile(out, options);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  JSON.stringify({ file: out, options, seconds: Number(seconds.toFixed(2)), mbPerSecond: Number((stats.bytes / 1e6 / seconds).toFixed(1)), ...stats }) + '\n',
);
