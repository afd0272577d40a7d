#!/usr/bin/env node
// Flow list model benchmark (`node bench/flowList.mjs`): a port scan of 200,000 flows in the
// store, then the model's share of a keystroke (move + scroll + format the rows of a 24-line
// screen) and of applying a filter, p50/p99 over many runs, per sort order. Prints figures; it
// is not a timed test. References measured in the same run: one pass over the store's flows and
// a sort of 200,000 numbers (what any filter or sort must at least cost).
//
// Usage: node bench/flowList.mjs [--flows N (default 200000)] [--runs N (default 200)]
// Needs a build (`npm run build`).
import { percentiles, time } from './timing.mjs';
import { FlowView } from '../dist/tui/flowList/flowView.js';
import { parseFilter } from '../dist/tui/flowList/filter.js';
import { formatRows } from '../dist/tui/flowList/rowFormat.js';
import { UNICODE_GLYPHS } from '../dist/tui/glyphs.js';
import { FlowStore } from '../dist/store/flowStore.js';

let flows = 200_000;
let runs = 200;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const value = Number(argv[i + 1]);
  if (argv[i] === '--flows' && Number.isInteger(value) && value > 0) flows = value;
  else if (argv[i] === '--runs' && Number.isInteger(value) && value > 0) runs = value;
  else {
    process.stderr.write(`bench: unknown or bad argument ${argv[i]} (see the header of bench/flowList.mjs)\n`);
    process.exit(2);
  }
  i++;
}

const HEIGHT = 22;
const WIDTH = 80;

const store = new FlowStore({ maxFlows: flows + 1000 });
process.stdout.write(`${flows} flows in a FlowStore, ${runs} runs per figure\n`);

/** The port scan: SYN to each port, RST back; a few ports answer with bytes. */
function feed(from, to) {
  for (let i = from; i < to; i++) {
    const key = {
      client: { addr: `10.0.${(i >> 8) & 255}.${i & 255}`, port: 40000 + (i % 20000) },
      server: { addr: '10.9.0.1', port: 1 + (i % 65535) },
    };
    store.apply({ type: 'flow-start', flowId: i + 1, key, ts: 1e6 + i * 10, origin: 'capture', sawHandshake: true });
    store.apply({ type: 'flow-end', flowId: i + 1, ts: 1e6 + i * 10 + (i % 13), reason: 'rst', detail: undefined });
  }
}

feed(0, flows);

// References.
const passes = [];
for (let r = 0; r < 10; r++) passes.push(time(() => { let n = 0; for (const f of store.flows()) n += f.bytesC2s; return n; }));
const sorts = [];
for (let r = 0; r < 5; r++) {
  const numbers = Array.from({ length: flows }, (_, i) => (i * 7919) % flows);
  sorts.push(time(() => numbers.sort((a, b) => a - b)));
}
process.stdout.write(`reference: one pass over the store's flows   ${percentiles(passes)}\n`);
process.stdout.write(`reference: sort of ${flows} numbers           ${percentiles(sorts)}\n`);

let view;
const built = time(() => { view = new FlowView(store, store); });
process.stdout.write(`view built over ${flows} flows: ${built.toFixed(1)} ms\n`);

/** The model's part of a keystroke: move, scroll, read and format the rows shown. */
function key(move) {
  return time(() => {
    move();
    const top = view.top(HEIGHT);
    formatRows(view.rows(top, HEIGHT), { width: WIDTH, glyphs: UNICODE_GLYPHS, focusedId: view.focusedId, now: 0, preview: (f) => view.preview(f) });
  });
}

for (const order of ['arrival', 'bytes', 'duration', 'address']) {
  const sorting = time(() => view.setSort(order));
  view.moveTo(0);
  const figures = { j: [], PgDn: [], G: [], g: [] };
  for (let r = 0; r < runs; r++) {
    figures.j.push(key(() => view.moveBy(1)));
    figures.PgDn.push(key(() => view.moveBy(HEIGHT)));
    figures.G.push(key(() => view.moveTo(view.length - 1)));
    figures.g.push(key(() => view.moveTo(0)));
  }
  process.stdout.write(`sort ${order}: set in ${sorting.toFixed(1)} ms\n`);
  for (const [name, samples] of Object.entries(figures)) process.stdout.write(`  ${name.padEnd(5)} ${percentiles(samples)}\n`);
}

for (const order of ['arrival', 'bytes']) {
  view.setSort(order);
  for (const text of [':443', 'reset 10.0.1', 'has:note', '']) {
    const result = parseFilter(text);
    const samples = [];
    for (let r = 0; r < 10; r++) samples.push(time(() => view.setFilter(result.filter)));
    process.stdout.write(`filter ${JSON.stringify(text).padEnd(15)} (${order}, ${String(view.length).padStart(6)} shown) ${percentiles(samples)}\n`);
  }
}

// Live arrivals: 10,000 new flows in frames of 100, in arrival order and sorted by bytes.
for (const order of ['arrival', 'bytes']) {
  view.setSort(order);
  let spent = 0;
  const frames = [];
  for (let frame = 0; frame < 100; frame++) {
    const from = flows + frame * 100;
    feed(from, from + 100);
    const ms = time(() => view.refresh());
    spent += ms;
    frames.push(ms);
  }
  flows += 10_000;
  process.stdout.write(`arrivals, ${order}: ${(spent * 1000 / 10_000).toFixed(2)} µs per flow, frames of 100: ${percentiles(frames)}\n`);
}
view.dispose();
