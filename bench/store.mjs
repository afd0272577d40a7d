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
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
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
/** IPv4 header checksum of `buf[at, at + 20)`. */
function ipChecksum(buf, at) {
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += buf.readUInt16BE(at + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** TCP checksum of a 20-byte header at `at` (no payload) between two IPv4 addresses. */
function tcpChecksum(buf, at, src, dst) {
  let sum = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 6 + 20;
  for (let i = 0; i < 20; i += 2) sum += buf.readUInt16BE(at + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const FRAME = 14 + 20 + 20;
const RECORD = 16 + FRAME;
const SCANNER = (10 << 24) | (9 << 16) | 1; // 10.9.0.1
const SCANNER_PORT = 61_000;
const PORTS_PER_TARGET = 50_000;

/** Writes one Ethernet/IPv4/TCP record (no payload) at `at` of `buf`. */
function writeRecord(buf, at, micros, src, dst, sport, dport, seq, ack, flags) {
  buf.writeUInt32LE(Math.floor(micros / 1e6), at);
  buf.writeUInt32LE(micros % 1e6, at + 4);
  buf.writeUInt32LE(FRAME, at + 8);
  buf.writeUInt32LE(FRAME, at + 12);
  const eth = at + 16;
  buf.fill(0x02, eth, eth + 12);
  buf[eth + 5] = src === SCANNER ? 1 : 2;
  buf.writeUInt16BE(0x0800, eth + 12);
  const ip = eth + 14;
  buf.writeUInt32BE(0x45000028, ip); // version 4, IHL 5, total length 40
  buf.writeUInt32BE(0, ip + 4);
  buf.writeUInt32BE(0x40060000, ip + 8); // TTL 64, TCP, checksum 0 for now
  buf.writeUInt32BE(src >>> 0, ip + 12);
  buf.writeUInt32BE(dst >>> 0, ip + 16);
  buf.writeUInt16BE(ipChecksum(buf, ip), ip + 10);
  const tcp = ip + 20;
  buf.writeUInt16BE(sport, tcp);
  buf.writeUInt16BE(dport, tcp + 2);
  buf.writeUInt32BE(seq >>> 0, tcp + 4);
  buf.writeUInt32BE(ack >>> 0, tcp + 8);
  buf.writeUInt16BE(0x5000 | flags, tcp + 12);
  buf.writeUInt16BE(64240, tcp + 14); // window
  buf.writeUInt16BE(0, tcp + 16); // checksum, for now
  buf.writeUInt16BE(0, tcp + 18);
  buf.writeUInt16BE(tcpChecksum(buf, tcp, src, dst), tcp + 16);
}

/**
 * A SYN scan: the scanner sends a SYN to port p of target host h every 10 µs (50,000 ports per
 * host), each target answers with a SYN-ACK 2 ms later, and nothing follows. Returns the packet count.
 */
function writeSynScan(path, count) {
  const SYN = 0x02;
  const SYN_ACK = 0x12;
  const lag = 200; // SYNs sent before the first SYN-ACK comes back: 2 ms at 10 µs each
  const fd = openSync(path, 'w');
  try {
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(65535, 16);
    header.writeUInt32LE(1, 20); // Ethernet
    writeSync(fd, header);
    const batch = Buffer.alloc(4096 * RECORD);
    let fill = 0;
    let packets = 0;
    const flush = () => {
      writeSync(fd, batch, 0, fill);
      fill = 0;
    };
    const start = 1_700_000_000 * 1e6;
    const target = (i) => (10 << 24) | (20 << 16) | (1 + Math.floor(i / PORTS_PER_TARGET));
    const port = (i) => 1 + (i % PORTS_PER_TARGET);
    const isn = (i) => Math.imul(i + 1, 2654435761);
    for (let step = 0; step < count + lag; step++) {
      if (step < count) {
        const i = step;
        writeRecord(batch, fill, start + i * 10, SCANNER, target(i), SCANNER_PORT, port(i), isn(i), 0, SYN);
        fill += RECORD;
        packets++;
      }
      const j = step - lag;
      if (j >= 0) {
        writeRecord(batch, fill, start + j * 10 + 2000, target(j), SCANNER, port(j), SCANNER_PORT, ~isn(j), isn(j) + 1, SYN_ACK);
        fill += RECORD;
        packets++;
      }
      if (fill + 2 * RECORD > batch.length) flush();
    }
    flush();
    return packets;
  } finally {
    closeSync(fd);
  }
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
