#!/usr/bin/env node
// Message-layer benchmark (`npm run bench:messages`): what parsing every stream into messages
// (MessageTable: detection, HTTP/1.x, lines, TLS) adds to a model load (FlowStore only, as the
// TUI loads a file), parsed during the load (as live sources and --har/--json do) and after it
// from the store (as the TUI does a file: MessageBackfill). Prints figures; not a timed test.
//
// Each round runs both loads in fresh processes, alternating which goes first, then a store-only
// load followed by the parse from the store; it prints the median and the spread of each and of
// their ratio. The reference (store only) is measured in the same run. Last, the model load as
// bench/run.mjs times it (bench/model-load.mjs bundled, whole process), alone and followed by the
// parse from the store (--messages: the TUI's way with a file), alternating.
//
// Usage: node bench/messages.mjs [FILE (default bench/out/big.pcap)] [--rounds N (default 5)]
//        (needs a build: npm run build; makes the big capture with `node bench/run.mjs` first)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleModelLoad } from './benchFiles.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

/** Nanoseconds the main thread has run (Linux: /proc schedstat), or undefined elsewhere. */
function mainThreadNs() {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

async function loadOnce(file, kind) {
  const withMessages = kind === 'messages';
  const { runCapture } = await import(join(root, 'dist/engine/captureRun.js'));
  const { FlowStore } = await import(join(root, 'dist/store/flowStore.js'));
  const { MessageTable } = await import(join(root, 'dist/messages/messageTable.js'));
  const { MessageBackfill } = await import(join(root, 'dist/tui/messageBackfill.js'));
  const store = new FlowStore({ sourceFile: file });
  const table = new MessageTable();
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const mainStarted = mainThreadNs();
  const sinks = withMessages ? [(e) => store.apply(e), (e) => table.apply(e)] : [(e) => store.apply(e)];
  await runCapture({ source: file, sinks });
  const loadSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (kind === 'backfill') await new MessageBackfill(store, table, () => {}).run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const mainEnded = mainThreadNs();
  const mainSeconds = mainStarted === undefined || mainEnded === undefined ? undefined : (mainEnded - mainStarted) / 1e9;
  let requests = 0;
  let responses = 0;
  const protocols = {};
  for (const flow of table.values()) {
    protocols[flow.protocol] = (protocols[flow.protocol] ?? 0) + 1;
    requests += flow.http?.requestCount ?? 0;
    responses += flow.http?.responseCount ?? 0;
  }
  process.stdout.write(JSON.stringify({ seconds, loadSeconds, cpuSeconds, mainSeconds, flows: store.size, requests, responses, protocols, peakRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n');
  process.exit(0);
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
if (argv[0] === '--one') {
  await loadOnce(argv[1], argv[2]);
} else {
  let rounds = 5;
  let file = join(here, 'out', 'big.pcap');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rounds') rounds = Number(argv[++i]);
    else file = resolve(argv[i]);
  }
  if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds needs a whole number >= 1');
  if (!existsSync(file)) fail(`no capture at ${file} (make it with node bench/run.mjs, or name one)`);
  if (!existsSync(join(root, 'dist/messages/messageTable.js'))) fail('no build: run npm run build');
  const run = (kind) => {
    const started = performance.now();
    const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', file, kind], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (out.status !== 0) fail(`${kind} load failed: ${out.stderr.trim().split('\n')[0]}`);
    return { ...JSON.parse(out.stdout), processSeconds: (performance.now() - started) / 1000 };
  };
  const store = [];
  const messages = [];
  const storeCpu = [];
  const messagesCpu = [];
  const storeMain = [];
  const messagesMain = [];
  const storeProcess = [];
  const messagesProcess = [];
  const backfill = [];
  const backfillRatios = [];
  // The model load as bench/run.mjs times it: bench/model-load.mjs bundled as bin/flowspy's CLI
  // is, whole process; with --messages it then parses the messages from the store, as the TUI does.
  let bundle;
  try {
    bundle = await bundleModelLoad();
  } catch (error) {
    fail(error.message);
  }
  const wholeProcess = (withMessages) => {
    const started = performance.now();
    const out = spawnSync(process.execPath, [bundle, file, ...(withMessages ? ['--messages'] : [])], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (out.status !== 0) fail(`bundled model load failed: ${out.stderr.trim().split('\n')[0]}`);
    return (performance.now() - started) / 1000;
  };
  const bundledStore = [];
  const bundledMessages = [];
  let last;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? ['messages', 'store'] : ['store', 'messages'];
    for (const kind of order) {
      const result = run(kind);
      (kind === 'store' ? store : messages).push(result.seconds);
      (kind === 'store' ? storeCpu : messagesCpu).push(result.cpuSeconds);
      if (result.mainSeconds !== undefined) (kind === 'store' ? storeMain : messagesMain).push(result.mainSeconds);
      (kind === 'store' ? storeProcess : messagesProcess).push(result.processSeconds);
      if (kind === 'messages') last = result;
    }
    const after = run('backfill');
    backfill.push(after.seconds - after.loadSeconds);
    backfillRatios.push(after.seconds / after.loadSeconds);
    for (const withMessages of r % 2 ? [true, false] : [false, true]) (withMessages ? bundledMessages : bundledStore).push(wholeProcess(withMessages));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const spread = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} s`;
  const ratios = store.map((s, i) => messages[i] / s);
  const cpuRatios = storeCpu.map((s, i) => messagesCpu[i] / s);
  const processRatios = storeProcess.map((s, i) => messagesProcess[i] / s);
  process.stdout.write(`capture: ${file} (${last.flows} flows; ${last.requests} requests, ${last.responses} responses; protocols ${JSON.stringify(last.protocols)})\n`);
  process.stdout.write(`model load, store only:      median ${median(store).toFixed(2)} s (${spread(store)}) over ${rounds} rounds\n`);
  process.stdout.write(`model load, store + messages: median ${median(messages).toFixed(2)} s (${spread(messages)}), peak RSS ${(last.peakRssBytes / 1048576).toFixed(0)} MiB\n`);
  process.stdout.write(`CPU time (user + system, less disturbed by other load): store only median ${median(storeCpu).toFixed(2)} s (${spread(storeCpu)}), store + messages ${median(messagesCpu).toFixed(2)} s (${spread(messagesCpu)}); messages add ${((median(cpuRatios) - 1) * 100).toFixed(1)}%\n`);
  if (storeMain.length === rounds && messagesMain.length === rounds) {
    const mainRatios = storeMain.map((s, i) => messagesMain[i] / s);
    process.stdout.write(`main thread's CPU time (its own work: no other thread, no waiting for a CPU): store only median ${median(storeMain).toFixed(3)} s (${spread(storeMain)}), store + messages ${median(messagesMain).toFixed(3)} s (${spread(messagesMain)}); messages add ${((median(mainRatios) - 1) * 100).toFixed(1)}%\n`);
  }
  process.stdout.write(`whole process (node's start-up included, as bench/run.mjs times the model load): store only median ${median(storeProcess).toFixed(2)} s (${spread(storeProcess)}), store + messages ${median(messagesProcess).toFixed(2)} s (${spread(messagesProcess)}); messages add ${((median(processRatios) - 1) * 100).toFixed(1)}%\n`);
  const percents = (xs) => `median ${((median(xs) - 1) * 100).toFixed(1)}% (per round ${xs.map((x) => `${((x - 1) * 100).toFixed(1)}%`).join(', ')})`;
  process.stdout.write(`messages parsed after the load, from the store: median ${median(backfill).toFixed(2)} s (${spread(backfill)})\n`);
  process.stdout.write(`model load as bench/run.mjs times it (bundled as bin/flowspy, whole process): store only median ${median(bundledStore).toFixed(2)} s (${spread(bundledStore)}), then the messages parsed from the store ${median(bundledMessages).toFixed(2)} s (${spread(bundledMessages)})\n`);
  process.stdout.write('messages add:\n');
  process.stdout.write(`  parsed during the load (live sources, the proxy, --har, --json), the load's wall time: ${percents(ratios)}\n`);
  process.stdout.write(`  parsed from the store after the load (how the TUI opens a file), the load's wall time: ${percents(backfillRatios)}\n`);
  process.stdout.write(`  the same, to the model load as bench/run.mjs times it (whole process): ${percents(bundledStore.map((s, i) => bundledMessages[i] / s))}; target <= 30%\n`);
}
