#!/usr/bin/env node
// TUI save actions benchmark (`node bench/actions.mjs`). Prints figures; it is not a timed test.
//
// 1. `w` on a file source: writeFlowsPcap copies the original packets of the 20 biggest flows of
//    a synthetic capture (bench/out/actions.pcap, --mb MB, made once) by reading the whole file
//    again; reference, same run: loading that file into a FlowStore (the headless model load).
// 2. `s` and `w` on one big flow held in RAM and spill (--flow-mb MB, as the proxy records it):
//    saveFlow (two stream files + dialogue) and writeFlowsPcap synthesized; references, same run:
//    reading the flow's bytes out of the store in 1 MiB slices, writing that many bytes to a file,
//    `--log --timestamps` (LogOutput) and `-w` (PcapOutput) fed the original events.
// For each: wall time over --rounds rounds (min / median / max) and the longest event-loop stall
// seen during the run (a setImmediate loop measures the gaps; a synchronous reference stalls for
// its whole run). Needs a build (`npm run build`).
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGenerator } from './generator.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, 'out');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const captureMb = option('--mb', 150);
const flowMb = option('--flow-mb', 256);
const rounds = option('--rounds', 3);

const { runCapture } = await import('../dist/engine/captureRun.js');
const { FlowStore } = await import('../dist/store/flowStore.js');
const { saveFlow } = await import('../dist/tui/actions/saveFlow.js');
const { writeFlowsPcap } = await import('../dist/tui/actions/writePcap.js');
const { openPcapFileOutput } = await import('../dist/outputs/pcapFile.js');
const { LogOutput } = await import('../dist/outputs/log.js');

/** Runs `work` and returns { seconds, stallMs }: its wall time and the longest gap between event-loop turns. */
async function measure(work) {
  let stall = 0;
  let last = performance.now();
  let running = true;
  const tick = () => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setImmediate(resolve)); // the gap since the last turn counts too
  running = false;
  return { seconds, stallMs: stall };
}

async function rounded(name, work) {
  const runs = [];
  for (let i = 0; i < rounds; i++) runs.push(await measure(work));
  const times = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const stall = Math.max(...runs.map((r) => r.stallMs));
  const f = (s) => s.toFixed(2);
  process.stdout.write(`${name.padEnd(58)} ${f(times[0])} / ${f(times[times.length >> 1])} / ${f(times[times.length - 1])} s   longest stall ${stall.toFixed(0)} ms\n`);
  return times[times.length >> 1];
}

const tmp = mkdtempSync(join(tmpdir(), 'flowspy-bench-actions-'));
try {
  // ---- 1. original packets from a capture file --------------------------------------------------
  const capture = join(outDir, `actions-${captureMb}.pcap`);
  if (!existsSync(capture)) {
    mkdirSync(outDir, { recursive: true });
    const { writeBigCaptureFile } = await loadGenerator();
    writeBigCaptureFile(capture, { targetBytes: captureMb * 1e6, minFlows: 200 });
  }
  process.stdout.write(`capture ${capture}: ${(statSync(capture).size / 1e6).toFixed(0)} MB, ${rounds} rounds (min / median / max)\n`);
  let store;
  let summary;
  await rounded('reference: load the file into a FlowStore', async () => {
    store?.dispose();
    store = new FlowStore({ sourceFile: capture });
    summary = await runCapture({ source: capture, sinks: [(e) => store.apply(e)] });
  });
  process.stdout.write(`   (${summary.packets} packets, ${summary.flows} flows, ${(summary.payloadBytes / 1e6).toFixed(0)} MB of payload)\n`);
  const biggest = [...store.flows()].sort((a, b) => b.bytesC2s + b.bytesS2c - a.bytesC2s - a.bytesS2c).slice(0, 20).map((f) => f.id);
  let packets = 0;
  await rounded('w: original packets of the 20 biggest flows', async () => {
    const out = join(tmp, 'w.pcap');
    rmSync(out, { force: true });
    packets = (await writeFlowsPcap(store, biggest, out, { kind: 'file', path: capture })).packets;
  });
  process.stdout.write(`   (${packets} packets of ${store.size} flows' file written)\n`);
  store.dispose();

  // ---- 2. one big flow held by the store ---------------------------------------------------------
  const big = new FlowStore({ spillParent: tmp });
  const key = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 8080 } };
  const events = [{ type: 'flow-start', flowId: 1, key, ts: 1_767_225_600_000_000, origin: 'proxy', sawHandshake: true }];
  const slice = new Uint8Array(64 * 1024).map((_, i) => 32 + (i % 90));
  slice[100] = 10;
  const sliceCount = Math.ceil((flowMb << 20) / slice.length);
  const feed = (sink) => {
    sink(events[0]);
    sink({ type: 'data', flowId: 1, dir: 'c2s', offset: 0, bytes: slice.subarray(0, 200), length: 200, ts: 1_767_225_600_001_000, fileOffset: -1 });
    for (let i = 0; i < sliceCount; i++) {
      sink({ type: 'data', flowId: 1, dir: 's2c', offset: i * slice.length, bytes: slice, length: slice.length, ts: 1_767_225_600_002_000 + i * 2000, fileOffset: -1 });
    }
    sink({ type: 'half-close', flowId: 1, dir: 's2c', ts: 1_767_225_700_000_000 });
    sink({ type: 'half-close', flowId: 1, dir: 'c2s', ts: 1_767_225_700_000_000 });
    sink({ type: 'flow-end', flowId: 1, ts: 1_767_225_700_000_000, reason: 'fin', detail: undefined });
  };
  feed((e) => big.apply(e));
  process.stdout.write(`one flow of ${flowMb} MiB (${sliceCount} chunks of 64 KiB, ${big.copiedBytes >> 20} MiB copied into RAM and spill)\n`);
  await rounded('reference: read the flow out of the store in 1 MiB slices', async () => {
    const buffer = new Uint8Array(1 << 20);
    for (let at = 0; at < sliceCount * slice.length; at += buffer.length) big.readInto(1, 's2c', at, buffer, 0, Math.min(buffer.length, sliceCount * slice.length - at));
  });
  await rounded('reference: write the flow\'s size to a file (writeFileSync)', async () => {
    writeFileSync(join(tmp, 'raw'), Buffer.alloc(sliceCount * slice.length, 65));
  });
  await rounded('reference: --log --timestamps (LogOutput) fed the original events', async () => {
    let chars = 0;
    const log = new LogOutput((text) => { chars += text.length; }, { timestamps: true });
    feed((e) => log.handle(e));
    log.close();
  });
  await rounded('s: saveFlow (two files + --log dialogue)', async () => {
    rmSync(join(tmp, 's'), { recursive: true, force: true });
    await saveFlow(big, 1, join(tmp, 's'));
  });
  await rounded('reference: -w (PcapOutput) fed the original events', async () => {
    const output = openPcapFileOutput(join(tmp, 'ref.pcap'));
    feed((e) => output.handle(e));
    output.close();
  });
  await rounded('w: synthesized packets of the flow', async () => {
    rmSync(join(tmp, 'synth.pcap'), { force: true });
    await writeFlowsPcap(big, [1], join(tmp, 'synth.pcap'), { kind: 'synthesized' });
  });
  big.dispose();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
