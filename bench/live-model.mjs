#!/usr/bin/env node
// Model-only live capture (what the TUI does): capture an interface into the FlowStore (with the
// TUI's RAM budget) and no outputs, until SIGINT. Says "listening on IFACE" on stderr once the
// interface is open, and at the end prints one JSON line on stdout: {packets, bytes, flows, capture: {the live counters}}.
// Usage: node bench/live-model.mjs IFACE [capture filter...]   (needs root and a build: npm run build)
import { runLive } from '../dist/engine/liveRun.js';
import { FlowStore } from '../dist/store/flowStore.js';
import { liveRamBudget } from '../dist/store/payloadStore.js';

const [device, ...filterWords] = process.argv.slice(2);
if (!device) {
  process.stderr.write('usage: node bench/live-model.mjs IFACE [capture filter...]\n');
  process.exit(2);
}
const store = new FlowStore({ ramBudgetBytes: liveRamBudget() });
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
try {
  const summary = await runLive({
    device,
    ...(filterWords.length ? { filter: filterWords.join(' ') } : {}),
    sinks: [(event) => store.apply(event)],
    signal: stop.signal,
    onStart: () => process.stderr.write(`live-model: listening on ${device}\n`),
  });
  process.stdout.write(JSON.stringify({ packets: summary.packets, bytes: summary.bytesRead, flows: store.size, capture: summary.capture }) + '\n');
} catch (error) {
  process.stderr.write(`live-model: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  store.dispose();
}
