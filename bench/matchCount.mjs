#!/usr/bin/env node
// The messages mode's match count (`match 3 of 17`) over cut bodies of 1.5 MiB (`npm run
// bench:matchcount`), no terminal. The pane runs the count in steps of 20 ms, a key being answered
// between two: the longest step is what a key may wait. Prints, per round: the steps' count,
// their longest and their sum, and, as the reference, the same count made in one call. Bytes go
// through FlowStore and MessageTable as in the TUI; each body is text (~30k lines) with the word
// searched every ~60 lines; the count reads the first MiB of each (what the mode reads).
// Usage: node bench/matchCount.mjs [--bodies N (default 4)] [--rounds N (default 3)]
//        STEPS=1 prints every step's milliseconds too
//        (needs a build: npm run build)
import { MessageTable } from '../dist/messages/messageTable.js';
import { FlowStore } from '../dist/store/flowStore.js';
import { MessageView } from '../dist/tui/conversation/messageView.js';

const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const BODIES = flag('--bodies', 4);
const ROUNDS = flag('--rounds', 3);
const STEP_MS = 20;
const FLOW = 1;

/** A keep-alive HTTP flow of `bodies` exchanges, each answered with a text body of 1.5 MiB. */
function flowOfBodies(bodies) {
  const store = new FlowStore();
  const table = new MessageTable();
  const at = { c2s: 0, s2c: 0 };
  let ts = 1_764_666_000_000_000;
  const apply = (event) => {
    store.apply(event);
    table.apply(event);
  };
  const send = (dir, bytes) => {
    for (let from = 0; from < bytes.length; from += 1448) {
      const piece = bytes.subarray(from, from + 1448);
      apply({ type: 'data', flowId: FLOW, dir, offset: at[dir], bytes: piece, length: piece.length, ts: (ts += 10), fileOffset: -1 });
      at[dir] += piece.length;
    }
  };
  const key = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } };
  apply({ type: 'flow-start', flowId: FLOW, key, ts, origin: 'proxy', sawHandshake: true });
  let text = '';
  for (let line = 0; text.length < 1.5 * (1 << 20); line++) text += `${line} chicken ${line % 60 === 0 ? 'needle ' : ''}coop farm egg feather ${(line * 7) % 1000}\n`;
  const body = Buffer.from(text);
  for (let i = 0; i < bodies; i++) {
    send('c2s', Buffer.from(`GET /farm/${i} HTTP/1.1\r\nHost: farm.example\r\n\r\n`));
    send('s2c', Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
  }
  return { store, messages: table.get(FLOW), read: (dir, offset, length) => store.read(FLOW, dir, offset, length) };
}

/** A view of the flow, its first match of `needle` found (the count not made yet). */
function viewAtMatch(flow, needle) {
  const view = new MessageView(FLOW, flow.messages, flow.read);
  view.update(80, 22, 's');
  if (!view.find(needle, false)) throw new Error('no match');
  view.update(80, 22, 's');
  return view;
}

const flow = flowOfBodies(BODIES);
const ms = (n) => `${n.toFixed(1)} ms`;
console.log(`match count over ${BODIES} cut bodies of 1.5 MiB (the first MiB of each counted), steps of ${STEP_MS} ms`);
for (let round = 1; round <= ROUNDS; round++) {
  const stepped = viewAtMatch(flow, 'needle');
  const steps = [];
  let count;
  do {
    const start = performance.now();
    count = stepped.matchCount(start + STEP_MS);
    steps.push(performance.now() - start);
  } while (count === undefined);
  const whole = viewAtMatch(flow, 'needle');
  const start = performance.now();
  const once = whole.matchCount();
  const oneCall = performance.now() - start;
  if (once !== count) throw new Error(`the counts differ: ${count} in steps, ${once} in one call`);
  if (process.env.STEPS) console.log(steps.map((s) => s.toFixed(1)).join(" "));
  const sum = steps.reduce((a, b) => a + b, 0);
  console.log(`round ${round}: ${count}; ${steps.length} steps, longest ${ms(Math.max(...steps))}, sum ${ms(sum)}; reference, one call: ${ms(oneCall)}`);
}
flow.store.dispose();
