// The TUI bench's own captures in bench/out, made once and reused while their generator and
// parameters are unchanged: a SYN scan (bench/synScan.mjs) and one CSV download flow
// (bench/csvFlow.mjs).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, 'out');

/**
 * Runs `generator args...` into `file` unless `file` exists with a sidecar `file.json` saying it
 * was made by the same generator source with the same arguments. Returns the sidecar's record
 * (`extra` from the generator's last JSON stdout line, if any). Throws a one-line Error.
 */
function ensureGenerated(file, generator, args) {
  mkdirSync(outDir, { recursive: true });
  const sidecar = `${file}.json`;
  const version = createHash('sha256').update(readFileSync(join(here, generator))).digest('hex').slice(0, 16);
  try {
    const previous = JSON.parse(readFileSync(sidecar, 'utf8'));
    if (previous.version === version && JSON.stringify(previous.args) === JSON.stringify(args) && statSync(file).size === previous.bytes) return previous;
  } catch {
    // not made yet, or by another version
  }
  process.stdout.write(`generating ${file} ...\n`);
  const run = spawnSync(process.execPath, [join(here, generator), file, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${generator} failed: ${(run.stderr || run.stdout).trim().split('\n')[0]}`);
  const lastLine = run.stdout.trim().split('\n').pop() ?? '';
  const extra = lastLine.startsWith('{') ? JSON.parse(lastLine) : {};
  const record = { ...extra, file, version, args, bytes: statSync(file).size };
  writeFileSync(sidecar, JSON.stringify(record, null, 2) + '\n');
  return record;
}

/** bench/out/scan-N.pcap: a SYN scan of `flows` connections; returns its path. */
export function ensureScanCapture(flows) {
  return ensureGenerated(join(outDir, `scan-${flows}.pcap`), 'synScan.mjs', [String(flows)]).file;
}

/** bench/out/csv-N.pcap: one flow downloading `bodyBytes` of CSV; returns { file, bodyBytes, packets, needle, lastRow }. */
export function ensureCsvCapture(bodyBytes) {
  return ensureGenerated(join(outDir, `csv-${bodyBytes}.pcap`), 'csvFlow.mjs', [String(bodyBytes)]);
}
