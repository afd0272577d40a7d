#!/usr/bin/env node
// Model-only load (what the TUI does): read a capture into the FlowStore with no outputs; with
// --messages, then parse every flow's messages from the store, as the TUI does with a file
// (MessageBackfill).
// Prints one JSON line: {seconds, packets, bytes, flows, chunks, copiedBytes, peakRssBytes, cpuMs,
// and with --messages: requests, responses, parseSeconds}
// (`seconds`: the load alone and the parse, for standalone use; bench/run.mjs times the whole
// process; `cpuMs`: user + system CPU of the whole process, start-up included).
// Usage: node bench/model-load.mjs FILE [--messages]   (needs a build: npm run build)
import { runCapture } from '../dist/engine/captureRun.js';
import { MessageTable } from '../dist/messages/messageTable.js';
import { FlowStore } from '../dist/store/flowStore.js';
import { MessageBackfill } from '../dist/tui/messageBackfill.js';

const file = process.argv[2];
const withMessages = process.argv[3] === '--messages';
if (!file || (process.argv[3] !== undefined && !withMessages)) {
  process.stderr.write('usage: node bench/model-load.mjs FILE [--messages]\n');
  process.exit(2);
}
// No top-level await: the bench bundles this file as CommonJS, as bin/flowspy's CLI is.
async function main() {
  const started = process.hrtime.bigint();
  const store = new FlowStore({ sourceFile: file });
  const summary = await runCapture({ source: file, sinks: [(event) => store.apply(event)] });
  const loaded = process.hrtime.bigint();
  const messages = {};
  if (withMessages) {
    const table = new MessageTable();
    await new MessageBackfill(store, table, () => {}).run();
    messages.requests = 0;
    messages.responses = 0;
    for (const flow of table.values()) {
      messages.requests += flow.http?.requestCount ?? 0;
      messages.responses += flow.http?.responseCount ?? 0;
    }
    messages.parseSeconds = Number(process.hrtime.bigint() - loaded) / 1e9;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({
    ...messages,
    seconds,
    packets: summary.packets,
    bytes: summary.bytesRead,
    flows: store.size,
    chunks: store.chunkCount,
    copiedBytes: store.copiedBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  }) + '\n');
  store.dispose();
  // The load is over: exit now, as an interactive viewer quits, rather than tearing down a ~90 MB
  // heap first (10-20 ms here). stdout is a pipe, written synchronously on Linux: nothing is lost.
  process.exit(0);
}

main();
