#!/usr/bin/env node
// Capture benchmark (`npm run bench`). Prints figures; it is not a timed test.
//
// 1. Generates the big synthetic capture into bench/out/big.pcap (reused when present and made
//    with the same parameters by the same generator build).
// 2. Measures `./bin/flowspy -r F -o DIR`, the model-only load (`bench/model-load.mjs F`, bundled
//    as bin/flowspy's CLI is) and, when installed,
//    `tcpflow -r F -o DIR2`: wall time, MB/s, packets/s, peak RSS.
// 3. Compares flowspy's and tcpflow's output directories (same names, same bytes).
//
// Usage: node bench/run.mjs [--seed N] [--target-bytes N] [--min-flows N] [--concurrency N]
//                           [--regenerate] [--keep-outputs] [--rounds N (default 5)]
//                           [--runs-dir DIR (a fresh directory for the -o outputs is made in it;
//                            default bench/out; e.g. /dev/shm to take the disk out of the comparison)]
//
// Fairness: every run writes into a fresh directory and the outputs are deleted only after the
// last measurement (on ext4 here, creating files right after deleting thousands costs both tools
// seconds of system time). Times are whole-process wall times, node's start-up included.
// Needs a build (`npm run build`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, mkdirSync, mkdtempSync, openSync, readSync, closeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIG_CAPTURE_FLAGS, bundleModelLoad, ensureBigCapture } from './benchFiles.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const outDir = join(here, 'out');
const capture = join(outDir, 'big.pcap');
let runsParent = outDir;

const TARGET_RSS_BYTES = 200 * 1024 * 1024;

// ---- arguments -------------------------------------------------------------------------------
const numericFlags = BIG_CAPTURE_FLAGS;
const overrides = {};
let regenerate = false;
let keepOutputs = false;
let rounds = 5;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (numericFlags[arg] !== undefined) {
    const value = Number(argv[++i]);
    if (!Number.isFinite(value)) fail(`${arg} needs a number`);
    overrides[numericFlags[arg]] = value;
  } else if (arg === '--regenerate') regenerate = true;
  else if (arg === '--keep-outputs') keepOutputs = true;
  else if (arg === '--runs-dir') runsParent = resolve(argv[++i] ?? fail('--runs-dir needs a directory'));
  else if (arg === '--rounds') {
    rounds = Number(argv[++i]);
    if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds needs a whole number >= 1');
  }
  else fail(`unknown argument ${arg} (see the header of bench/run.mjs)`);
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

// ---- helpers ---------------------------------------------------------------------------------
const mb = (bytes) => bytes / 1e6;
const fmt = (n, digits = 1) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mib = (bytes) => `${fmt(bytes / 1048576, 0)} MiB`;
const have = (program) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
const firstLine = (text) => (text.trim().split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 200);

/**
 * Runs a command and measures wall time and peak RSS: with `/usr/bin/time -f '%e %M'` when
 * present, else by polling /proc/PID/status (VmHWM). Resolves { code, seconds, peakRssBytes,
 * stdout, stderr }.
 */
function measure(command, args) {
  const useTime = existsSync('/usr/bin/time');
  const timeFile = join(outDir, `.time-${process.pid}`);
  const started = performance.now();
  const child = useTime
    ? spawn('/usr/bin/time', ['-f', '%e %M', '-o', timeFile, command, ...args], { cwd: root })
    : spawn(command, args, { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    if (stdout.length < 1 << 20) stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    if (stderr.length < 1 << 20) stderr += chunk;
  });
  let polledPeak = 0;
  const poll = useTime
    ? undefined
    : setInterval(() => {
        try {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          const match = /VmHWM:\s+(\d+) kB/.exec(status);
          if (match) polledPeak = Math.max(polledPeak, Number(match[1]) * 1024);
        } catch {
          // the process is gone
        }
      }, 25);
  return new Promise((resolvePromise) => {
    child.on('error', (error) => {
      if (poll) clearInterval(poll);
      resolvePromise({ code: -1, seconds: 0, peakRssBytes: 0, stdout, stderr: String(error.message) });
    });
    child.on('close', (code) => {
      if (poll) clearInterval(poll);
      let seconds = (performance.now() - started) / 1000;
      let peakRssBytes = polledPeak;
      if (useTime && existsSync(timeFile)) {
        const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
        const [elapsed, maxKb] = lines[lines.length - 1].split(' ').map(Number);
        if (Number.isFinite(elapsed)) seconds = elapsed;
        if (Number.isFinite(maxKb)) peakRssBytes = maxKb * 1024;
        rmSync(timeFile, { force: true });
      }
      resolvePromise({ code, seconds, peakRssBytes, stdout, stderr });
    });
  });
}

function listFiles(dir) {
  const out = new Map();
  const walk = (sub) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub === '' ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile() && rel !== 'report.xml') out.set(rel, statSync(join(dir, rel)).size);
    }
  };
  walk('');
  return out;
}

function sameBytes(a, b) {
  const size = 1 << 20;
  const bufA = Buffer.allocUnsafe(size);
  const bufB = Buffer.allocUnsafe(size);
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
  try {
    for (;;) {
      const na = readSync(fa, bufA, 0, size, null);
      const nb = readSync(fb, bufB, 0, size, null);
      if (na !== nb) return false;
      if (na === 0) return true;
      if (bufA.compare(bufB, 0, nb, 0, na) !== 0) return false;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

/** Compares two output directories like `cmp` on every file (report.xml excluded). */
function compareDirs(a, b) {
  const filesA = listFiles(a);
  const filesB = listFiles(b);
  const onlyA = [...filesA.keys()].filter((name) => !filesB.has(name));
  const onlyB = [...filesB.keys()].filter((name) => !filesA.has(name));
  const differ = [];
  let same = 0;
  for (const [name, size] of filesA) {
    if (!filesB.has(name)) continue;
    if (size === filesB.get(name) && sameBytes(join(a, name), join(b, name))) same++;
    else differ.push(name);
  }
  return { filesA: filesA.size, filesB: filesB.size, onlyA, onlyB, differ, same };
}

function verdict(ok) {
  return ok ? 'MET' : 'NOT MET';
}

/** Newest modification time of the files under `dir` with a name ending in `suffix`. */
function newestMtime(dir, suffix) {
  let newest = 0;
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(suffix)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  if (existsSync(dir)) walk(dir);
  return newest;
}

// ---- 1. the capture --------------------------------------------------------------------------
mkdirSync(outDir, { recursive: true });
if (newestMtime(join(root, 'src'), '.ts') > newestMtime(join(root, 'dist'), '.js')) {
  process.stdout.write('warning: src/ has changes newer than dist/; run `npm run build` to measure the current code\n');
}
process.stdout.write(`load average ${loadavg().map((n) => n.toFixed(2)).join(' ')} (figures are noisy when the machine is busy)\n`);
let options;
let stats;
try {
  const big = await ensureBigCapture({ overrides, regenerate, log: (line) => process.stdout.write(line + '\n') });
  ({ options, stats } = big);
  if (big.reused) process.stdout.write(`reusing ${capture} (same parameters)\n`);
} catch (error) {
  fail(error.message);
}
process.stdout.write(
  `capture: ${fmt(mb(stats.bytes))} MB, ${stats.packets.toLocaleString('en-US')} packets, ${stats.flows} flows ` +
    `(${options.concurrency} concurrent), ${stats.reordered} reordered, ${stats.duplicated} duplicated segments, ` +
    `${stats.resetFlows} reset, ${stats.openFlows} left open\n\n`,
);

const figures = (m) =>
  `${fmt(m.seconds, 2)} s, ${fmt(mb(stats.bytes) / m.seconds)} MB/s, ` +
  `${fmt(stats.packets / m.seconds / 1000, 0)} kpackets/s, peak RSS ${mib(m.peakRssBytes)}`;

// ---- 2. measurements -------------------------------------------------------------------------
// Each tool runs `rounds` times, interleaved, so that load from elsewhere hits all alike; the
// median of each is reported (the spread is printed beside it).
/** Flushes the previous run's file writes and deletions, so they do not land on the next one's clock. */
const settle = () => spawnSync('sync');
const median = (runs) => [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
const spread = (runs) => runs.length > 1 ? ` [${runs.map((r) => fmt(r.seconds, 2)).sort().join(' ')}]` : '';
const flowspyRuns = [];
const modelRuns = [];
const tcpflowRuns = [];
// A fresh directory of our own inside the one given: only it is deleted at the end.
mkdirSync(runsParent, { recursive: true });
const runsDir = mkdtempSync(join(runsParent, 'flowspy-bench-runs-'));
settle();
let flowspyOut;
let tcpflowOut;
let flowspyFailure;
// The model-only load runs as bin/flowspy's CLI does: a CommonJS bundle (scripts/bundleOptions.mjs).
let modelBundle;
let modelFailure;
try {
  modelBundle = await bundleModelLoad();
} catch (error) {
  modelFailure = error.message;
}
let tcpflowFailure = have('tcpflow') ? undefined : 'tcpflow is not installed, skipped';
/** One `-o DIR` run into a fresh directory: pushes the measurement, returns the failure text if it failed. */
const runWritingTool = async (command, args, dir, runs) => {
  settle();
  const run = await measure(command, [...args, '-o', dir]);
  if (run.code !== 0) return `failed (exit ${run.code}): ${firstLine(run.stderr || run.stdout) || 'no message'}`;
  runs.push(run);
  return undefined;
};
const runFlowspy = async (round) => {
  if (flowspyFailure) return;
  flowspyOut = join(runsDir, `flowspy-${round}`);
  flowspyFailure = await runWritingTool(join(root, 'bin', 'flowspy'), ['-r', capture], flowspyOut, flowspyRuns);
};
const runModel = async () => {
  if (modelFailure) return;
  settle();
  const run = await measure(process.execPath, [modelBundle, capture]);
  try {
    if (run.code !== 0) throw new Error(`exit ${run.code}: ${firstLine(run.stderr || run.stdout) || 'no message'}`);
    const reported = JSON.parse(run.stdout.trim().split('\n').pop());
    modelRuns.push({ seconds: run.seconds, peakRssBytes: run.peakRssBytes || reported.peakRssBytes, reported });
  } catch (error) {
    modelFailure = `failed: ${error.message}`;
  }
};
const runTcpflow = async (round) => {
  if (tcpflowFailure) return;
  tcpflowOut = join(runsDir, `tcpflow-${round}`);
  tcpflowFailure = await runWritingTool('tcpflow', ['-r', capture], tcpflowOut, tcpflowRuns);
};
// The order rotates each round, so that no tool always runs first (or always right after another).
const tools = [runFlowspy, runModel, runTcpflow];
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < tools.length; i++) await tools[(round + i) % tools.length](round);
}
const flowspy = flowspyRuns.length ? median(flowspyRuns) : undefined;
const flowspyOk = !!flowspy && !flowspyFailure;
const model = modelRuns.length && !modelFailure ? median(modelRuns) : undefined;
const tcpflow = tcpflowRuns.length && !tcpflowFailure ? median(tcpflowRuns) : undefined;
process.stdout.write(`median of ${rounds} interleaved runs each, whole-process wall time [all runs, seconds]; outputs in ${runsDir}\n`);
process.stdout.write(`flowspy -o DIR     : ${flowspyOk ? figures(flowspy) + spread(flowspyRuns) : flowspyFailure}\n`);
process.stdout.write(`model-only load    : ${model ? `${figures(model)}${spread(modelRuns)} (${model.reported.flows} flows, ${model.reported.packets} packets)` : modelFailure}\n`);
process.stdout.write(`tcpflow -o DIR     : ${tcpflow ? figures(tcpflow) + spread(tcpflowRuns) : tcpflowFailure}\n`);
// Streaming from a pipe (`tcpdump -w - | flowspy -r -`): memory must not grow with the input either.
// (The peak RSS is GNU time's for the shell, i.e. the largest of its children: flowspy.)
{
  settle();
  const pipeOut = join(runsDir, 'flowspy-stdin');
  const run = await measure('sh', ['-c', `cat "$0" | "$1" -q -r - -o "$2"`, capture, join(root, 'bin', 'flowspy'), pipeOut]);
  process.stdout.write(`flowspy -r - -o DIR: ${run.code === 0 ? `${figures(run)} (from a pipe; one run)` : `failed (exit ${run.code}): ${firstLine(run.stderr)}`}\n`);
}

// ---- 3. targets --------------------------------------------------------------------------------
process.stdout.write('\ntargets\n');
if (flowspyOk && tcpflow) {
  const fast = flowspy.seconds <= tcpflow.seconds;
  const small = flowspy.peakRssBytes <= TARGET_RSS_BYTES;
  process.stdout.write(
    `  -o DIR no slower than tcpflow (${fmt(flowspy.seconds, 2)} s vs ${fmt(tcpflow.seconds, 2)} s): ${verdict(fast)}\n` +
      `  -o DIR peak RSS <= 200 MiB (${mib(flowspy.peakRssBytes)}): ${verdict(small)}\n`,
  );
} else if (flowspyOk) {
  process.stdout.write(`  -o DIR peak RSS <= 200 MiB (${mib(flowspy.peakRssBytes)}): ${verdict(flowspy.peakRssBytes <= TARGET_RSS_BYTES)}\n`);
  process.stdout.write('  -o DIR no slower than tcpflow: cannot tell (no tcpflow figures)\n');
} else {
  process.stdout.write('  -o DIR no slower than tcpflow, peak RSS <= 200 MiB: cannot tell (flowspy -o failed)\n');
}
if (model && tcpflow) {
  const limit = tcpflow.seconds / 3;
  process.stdout.write(
    `  model-only load <= 1/3 of tcpflow (${fmt(model.seconds, 2)} s vs ${fmt(limit, 2)} s): ${verdict(model.seconds <= limit)}\n`,
  );
} else {
  process.stdout.write('  model-only load <= 1/3 of tcpflow: cannot tell (missing figures)\n');
}

// ---- 4. output comparison ----------------------------------------------------------------------
process.stdout.write('\noutputs\n');
if (flowspyOk && tcpflow && flowspyOut && tcpflowOut && existsSync(flowspyOut) && existsSync(tcpflowOut)) {
  const c = compareDirs(flowspyOut, tcpflowOut);
  const identical = c.onlyA.length === 0 && c.onlyB.length === 0 && c.differ.length === 0;
  process.stdout.write(
    `  flowspy ${c.filesA} files, tcpflow ${c.filesB} files (report.xml excluded): ` +
      (identical ? `IDENTICAL (${c.same} files, same names and bytes)\n` : `DIFFERENT: ${c.same} same, ${c.differ.length} differ, ${c.onlyA.length} only in flowspy, ${c.onlyB.length} only in tcpflow\n`),
  );
  const show = (label, names) => {
    if (names.length > 0) process.stdout.write(`    ${label}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}\n`);
  };
  show('differ', c.differ);
  show('only in flowspy', c.onlyA);
  show('only in tcpflow', c.onlyB);
} else {
  process.stdout.write('  comparison skipped (needs both flowspy -o and tcpflow outputs)\n');
}

if (!keepOutputs) rmSync(runsDir, { recursive: true, force: true });
