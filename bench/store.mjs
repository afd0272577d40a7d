#!/usr/bin/env node
// Store benchmark (`npm run bench`). Prints figures; it is not a timed test.
//
// 1. Port scan: writes bench/out/synscan.pcap, a SYN scan of --flows half-open connections
//    (default 200,000: a SYN from the scanner, a SYN-ACK from the target, nothing more), and
//    measures, in --rounds interleaved rounds (default 5), the whole-process wall time and CPU
//    time (user + system, from /usr/bin/time) of loading it into a FlowStore (default caps:
//    100,000 flows, so half of them are evicted while every flow held is open) against
//    `tcpflow -r F -o DIR`. Target: the store load is no slower than tcpflow. On a shared
//    machine the wall times swing with the load; the CPU times much less.
// 2. Reading by position: a flow of --chunks chunks (default 1,000,000, both directions
//    interleaved, with gaps) in one store; the time of `chunkAt` + a 4 KiB `read` at random
//    stream offsets, against the reference of finding the same chunk by walking the chunk
//    index from chunk 0 (what a reader had to do before) at a few offsets.
//
// Usage: node bench/store.mjs [--flows N] [--rounds N] [--chunks N] [--regenerate]
// Needs a build (`npm run build`): it imports ../dist/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const outDir = join(here, 'out');

// ---- child mode: load a capture into a FlowStore, print one JSON line -----------------------
if (process.argv[2] === '--child-load') {
  const { runCapture } = await import('../dist/engine/captureRun.js');
  const { FlowStore } = await import('../dist/store/flowStore.js');
  const file = process.argv[3];
  const store = new FlowStore({ sourceFile: file });
  const summary = await runCapture({ source: file, sinks: [(event) => store.apply(event)] });
  process.stdout.write(JSON.stringify({ packets: summary.packets, flowsSeen: summary.flows, held: store.size, evicted: store.evictedFlows }) + '\n');
  process.exit(0);
}

// ---- arguments -------------------------------------------------------------------------------
let flows = 200_000;
let rounds = 5;
let chunkCount = 1_000_000;
let regenerate = false;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  const number = () => {
    const value = Number(argv[++i]);
    if (!Number.isInteger(value) || value < 1) fail(`${arg} needs a whole number >= 1`);
    return value;
  };
  if (arg === '--flows') flows = number();
  else if (arg === '--rounds') rounds = number();
  else if (arg === '--chunks') chunkCount = number();
  else if (arg === '--regenerate') regenerate = true;
  else fail(`unknown argument ${arg} (see the header of bench/store.mjs)`);
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const fmt = (n, digits = 1) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const have = (program) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
const firstLine = (text) => (text.trim().split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 200);

// ---- the SYN-scan capture --------------------------------------------------------------------
/** Writes a SYN scan of `count` half-open connections with bench/synScan.mjs; returns its packet count. */
function writeSynScan(path, count) {
  const run = spawnSync(process.execPath, [join(here, 'synScan.mjs'), path, String(count)], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) fail('bench/synScan.mjs failed');
  return 2 * count;
}

// ---- timing a process ------------------------------------------------------------------------
/**
 * Runs a command; resolves { code, seconds, cpuSeconds, stdout, stderr }: wall time of the whole
 * process, and its user + system time when /usr/bin/time is there (else NaN).
 */
function measure(command, args) {
  const timeFile = join(outDir, `.time-${process.pid}`);
  const useTime = existsSync('/usr/bin/time');
  const started = performance.now();
  const child = useTime ? spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, command, ...args], { cwd: root }) : spawn(command, args, { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolvePromise) => {
    child.on('error', (error) => resolvePromise({ code: -1, seconds: 0, cpuSeconds: NaN, stdout, stderr: String(error.message) }));
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      let cpuSeconds = NaN;
      if (useTime && existsSync(timeFile)) {
        const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
        const [user, system] = lines[lines.length - 1].split(' ').map(Number);
        cpuSeconds = user + system;
        rmSync(timeFile, { force: true });
      }
      resolvePromise({ code, seconds, cpuSeconds, stdout, stderr });
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values) => `[${[...values].sort((a, b) => a - b).map((v) => fmt(v, 2)).join(' ')}]`;

// ---- 1. port scan ----------------------------------------------------------------------------
mkdirSync(outDir, { recursive: true });
process.stdout.write(`load average ${loadavg().map((n) => n.toFixed(2)).join(' ')} (figures are noisy when the machine is busy)\n`);
const scan = join(outDir, 'synscan.pcap');
const scanParams = join(outDir, 'synscan.json');
let scanPackets;
try {
  const previous = JSON.parse(readFileSync(scanParams, 'utf8'));
  if (!regenerate && previous.flows === flows && statSync(scan).size === previous.bytes) scanPackets = previous.packets;
} catch {
  // no usable previous capture
}
if (scanPackets === undefined) {
  rmSync(scanParams, { force: true });
  scanPackets = writeSynScan(scan, flows);
  writeFileSync(scanParams, JSON.stringify({ flows, packets: scanPackets, bytes: statSync(scan).size }) + '\n');
  process.stdout.write(`wrote ${scan}\n`);
}
process.stdout.write(`SYN scan: ${flows.toLocaleString('en-US')} half-open connections, ${scanPackets.toLocaleString('en-US')} packets, ${fmt(statSync(scan).size / 1e6)} MB\n`);

const runsDir = mkdtempSync(join(outDir, 'store-bench-runs-'));
const storeTimes = [];
const tcpflowTimes = [];
let storeReport;
let storeFailure;
let tcpflowFailure = have('tcpflow') ? undefined : 'tcpflow is not installed, skipped';
const runStore = async () => {
  if (storeFailure) return;
  const run = await measure(process.execPath, [fileURLToPath(import.meta.url), '--child-load', scan]);
  if (run.code !== 0) {
    storeFailure = `failed (exit ${run.code}): ${firstLine(run.stderr || run.stdout) || 'no message'}`;
    return;
  }
  storeReport = JSON.parse(run.stdout.trim().split('\n').pop());
  storeTimes.push(run);
};
const runTcpflow = async (round) => {
  if (tcpflowFailure) return;
  const run = await measure('tcpflow', ['-r', scan, '-o', join(runsDir, `tcpflow-${round}`)]);
  if (run.code !== 0) tcpflowFailure = `failed (exit ${run.code}): ${firstLine(run.stderr || run.stdout) || 'no message'}`;
  else tcpflowTimes.push(run);
};
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [runStore, runTcpflow] : [runTcpflow, runStore];
  for (const run of order) await run(round);
}
rmSync(runsDir, { recursive: true, force: true });
const wall = (runs) => runs.map((r) => r.seconds);
const cpu = (runs) => runs.map((r) => r.cpuSeconds);
const figures = (runs) =>
  `${fmt(median(wall(runs)), 2)} s ${spread(wall(runs))}, CPU ${fmt(median(cpu(runs)), 2)} s ${spread(cpu(runs))}`;
process.stdout.write(`median of ${rounds} interleaved runs each, whole process: wall time [all runs], user + system time [all runs], seconds\n`);
process.stdout.write(
  `  load into the store: ${storeFailure ?? `${figures(storeTimes)} ` +
    `(${storeReport.held.toLocaleString('en-US')} flows held, ${storeReport.evicted.toLocaleString('en-US')} evicted)`}\n`,
);
process.stdout.write(`  tcpflow -o DIR     : ${tcpflowFailure ?? figures(tcpflowTimes)}\n`);
if (!storeFailure && !tcpflowFailure) {
  const verdict = (pick) => (median(pick(storeTimes)) <= median(pick(tcpflowTimes)) ? 'MET' : 'NOT MET');
  process.stdout.write(`  target: store load no slower than tcpflow -o: wall ${verdict(wall)}, CPU ${verdict(cpu)}\n`);
} else {
  process.stdout.write('  target: store load no slower than tcpflow -o: cannot tell (missing figures)\n');
}

// ---- 2. reading by position ------------------------------------------------------------------
{
  const { FlowStore } = await import('../dist/store/flowStore.js');
  const SEGMENT = 1448;
  const sourcePath = join(outDir, 'store-bench-source.bin');
  const sourceBytes = 1 << 20;
  writeFileSync(sourcePath, Buffer.alloc(sourceBytes, 0x61));
  const store = new FlowStore({ sourceFile: sourcePath, maxChunks: chunkCount + 1 });
  const key = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } };
  store.apply({ type: 'flow-start', flowId: 1, key, ts: 0, origin: 'capture', sawHandshake: true });
  // A download: mostly server data, a client byte every 16 chunks, a gap every 1,000; 2 ms apart,
  // so no two chunks merge; the bytes are referenced in a small file (where does not matter here).
  const next = [0, 0];
  const event = { type: 'data', flowId: 1, dir: 's2c', offset: 0, bytes: new Uint8Array(0), length: 0, ts: 0, fileOffset: 0 };
  const buildStarted = performance.now();
  for (let i = 0; i < chunkCount; i++) {
    const d = i % 16 === 15 ? 0 : 1;
    const length = d === 0 ? 100 : SEGMENT;
    const ts = i * 2000;
    if (i % 1000 === 999) {
      store.apply({ type: 'gap', flowId: 1, dir: 's2c', offset: next[1], length: SEGMENT, ts });
    } else {
      event.dir = d === 0 ? 'c2s' : 's2c';
      event.offset = next[d];
      event.length = length;
      event.ts = ts;
      event.fileOffset = (i * SEGMENT) % (sourceBytes - SEGMENT);
      store.apply(event);
    }
    next[d] += length;
  }
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  const flow = store.getFlow(1);
  const extent = flow.extentS2c;
  const random = (() => {
    let state = 12345;
    return () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
  })();
  const lookups = 100_000;
  const offsets = Array.from({ length: lookups }, () => Math.floor(random() * extent));
  let sink = 0;
  let started = performance.now();
  for (const offset of offsets) sink += store.chunkAt(1, 's2c', offset);
  const chunkAtMicros = ((performance.now() - started) * 1000) / lookups;
  const into = new Uint8Array(4096);
  started = performance.now();
  const reads = 20_000;
  for (let i = 0; i < reads; i++) sink += store.readInto(1, 's2c', offsets[i], into);
  const readMicros = ((performance.now() - started) * 1000) / reads;
  // The reference: finding the chunk by walking the index from chunk 0, as a reader without the
  // position search would.
  const walks = 10;
  started = performance.now();
  for (let w = 0; w < walks; w++) {
    const offset = offsets[w];
    for (let i = 0; i < flow.chunkCount; i++) {
      const chunk = store.getChunk(1, i);
      if (chunk.dir === 's2c' && chunk.offset + chunk.length > offset) {
        sink += i;
        break;
      }
    }
  }
  const walkMicros = ((performance.now() - started) * 1000) / walks;
  process.stdout.write(
    `\nreading by position: one flow of ${chunkCount.toLocaleString('en-US')} chunks (${fmt(extent / 2 ** 30, 2)} GiB server→client), indexed in ${fmt(buildSeconds, 2)} s, index ${fmt(store.indexBytes / 2 ** 20, 0)} MiB\n` +
      `  chunkAt at random offsets       : ${fmt(chunkAtMicros, 2)} µs each (${lookups.toLocaleString('en-US')} lookups)\n` +
      `  readInto 4 KiB at random offsets: ${fmt(readMicros, 2)} µs each (${reads.toLocaleString('en-US')} reads, from the source file)\n` +
      `  reference, walking from chunk 0 : ${fmt(walkMicros, 0)} µs each (${walks} walks)\n`,
  );
  store.dispose();
  rmSync(sourcePath, { force: true });
}
