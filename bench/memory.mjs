#!/usr/bin/env node
// Memory per flow (`npm run bench`): peak RSS of flowspy `-o`, `--json >/dev/null`, the model
// load (bench/model-load.mjs) and, when installed, `tcpflow -o`, on SYN-scan captures
// (bench/synScan.mjs: N half-open connections, no data) of 200,000 and 1,000,000 flows.
// Prints peak RSS (`/usr/bin/time -f %M`), wall time and bytes per flow (peak RSS / flows), and
// the growth per flow between the two sizes (which takes node's and tcpflow's fixed start-up
// cost out). Prints figures; it is not a timed test.
//
// Usage: node bench/memory.mjs [--flows N,N,...] [--timeout SECONDS (per run, default 600)]
// Needs a build (`npm run build`) and /usr/bin/time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const outDir = join(here, 'out');

let sizes = [200_000, 1_000_000];
let timeoutSeconds = 600;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--flows') sizes = String(argv[++i] ?? '').split(',').map(Number);
  else if (argv[i] === '--timeout') timeoutSeconds = Number(argv[++i]);
  else fail(`unknown argument ${argv[i]} (see the header of bench/memory.mjs)`);
}
if (!sizes.every((n) => Number.isInteger(n) && n > 0)) fail('--flows needs whole numbers > 0, comma-separated');
if (!(timeoutSeconds > 0)) fail('--timeout needs a number of seconds > 0');
if (!existsSync('/usr/bin/time')) fail('needs /usr/bin/time (GNU time) for peak RSS');
if (!existsSync(join(root, 'dist', 'flowspy.cjs'))) fail('needs a build (npm run build)');

function fail(message) {
  process.stderr.write(`bench-memory: ${message}\n`);
  process.exit(2);
}

const haveTcpflow = spawnSync('sh', ['-c', 'command -v tcpflow']).status === 0;

/** The SYN-scan capture of `flows` connections, generated once into bench/out. */
function capture(flows) {
  const file = join(outDir, `syn-scan-${flows}.pcap`);
  if (!existsSync(file)) {
    const gen = spawnSync(process.execPath, [join(here, 'synScan.mjs'), file, String(flows)], { stdio: 'inherit' });
    if (gen.status !== 0) fail(`cannot generate ${file}`);
  }
  return file;
}

/** Runs `command` under /usr/bin/time; { ok, seconds, peakKb, why }. */
function measure(command, args) {
  // timeout(1) runs under time(1), so a run that is cut off is killed itself (killing time(1)
  // would leave it running) and time(1) still reports.
  const result = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', 'timeout', '-s', 'KILL', String(timeoutSeconds), command, ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 24,
  });
  if (result.status === 137 || result.status === 124) return { ok: false, why: `did not finish in ${timeoutSeconds} s` };
  const line = result.stderr.split('\n').reverse().find((l) => l.startsWith('TIME '));
  if (!line) return { ok: false, why: `no figures (exit ${result.status})` };
  const [, seconds, peakKb] = line.split(' ').map(Number);
  if (result.status !== 0) return { ok: false, why: `exit ${result.status}` };
  return { ok: true, seconds, peakKb };
}

const runs = [
  { name: 'flowspy -o', run: (file, dir) => measure(join(root, 'bin', 'flowspy'), ['-r', file, '-o', join(dir, 'flowspy')]) },
  { name: 'flowspy --json', run: (file) => measure('sh', ['-c', `exec "${join(root, 'bin', 'flowspy')}" -r "${file}" --json >/dev/null`]) },
  { name: 'model load', run: (file) => measure(process.execPath, [join(here, 'model-load.mjs'), file]) },
  ...(haveTcpflow ? [{ name: 'tcpflow -o', run: (file, dir) => measure('tcpflow', ['-r', file, '-o', join(dir, 'tcpflow')]) }] : []),
];

const results = new Map();
for (const flows of sizes) {
  const file = capture(flows);
  for (const { name, run } of runs) {
    const dir = mkdtempSync(join(outDir, 'mem-'));
    const figures = run(file, dir);
    rmSync(dir, { recursive: true, force: true });
    results.set(`${name}@${flows}`, figures);
    const text = figures.ok
      ? `${(figures.peakKb / 1024).toFixed(0).padStart(6)} MiB peak RSS, ${String(Math.round((figures.peakKb * 1024) / flows)).padStart(5)} B/flow, ${figures.seconds.toFixed(1)} s`
      : figures.why;
    process.stdout.write(`memory  ${String(flows).padStart(8)} flows  ${name.padEnd(15)} ${text}\n`);
  }
}
if (sizes.length >= 2) {
  const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
  for (const { name } of runs) {
    const a = results.get(`${name}@${small}`);
    const b = results.get(`${name}@${large}`);
    const text = a?.ok && b?.ok ? `${Math.round(((b.peakKb - a.peakKb) * 1024) / (large - small))} B per added flow` : 'n/a';
    process.stdout.write(`memory  growth ${small}->${large}  ${name.padEnd(15)} ${text}\n`);
  }
}
if (!haveTcpflow) process.stdout.write('memory  tcpflow not installed: no reference\n');
