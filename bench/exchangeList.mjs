#!/usr/bin/env node
// Exchange list model benchmark (`node bench/exchangeList.mjs`): N flows of M HTTP exchanges
// each (100,000 by default: 1000 flows of 100) in a FlowStore, the messages made by hand; then
// the model's part of switching the list on (`v`), of each sort (`o`), of a keystroke (move,
// scroll, format the rows of a 24-line screen) and of a filter, p50/p99 over many runs; and live
// arrivals. Prints figures; not a timed test. Reference in the same run: a sort of as many numbers.
//
// Usage: node bench/exchangeList.mjs [--flows N (1000)] [--per-flow M (100)] [--runs N (200)]
// Needs a build (`npm run build`).
import { percentiles, time } from './timing.mjs';
import { ExchangeView } from '../dist/tui/flowList/exchangeView.js';
import { formatExchangeRows } from '../dist/tui/flowList/exchangeFormat.js';
import { parseFilter } from '../dist/tui/flowList/filter.js';
import { UNICODE_GLYPHS } from '../dist/tui/glyphs.js';
import { FlowStore } from '../dist/store/flowStore.js';

let flows = 1000;
let perFlow = 100;
let runs = 200;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const value = Number(argv[i + 1]);
  if (!(Number.isInteger(value) && value > 0)) argv[i] = `bad value for ${argv[i]}`;
  if (argv[i] === '--flows') flows = value;
  else if (argv[i] === '--per-flow') perFlow = value;
  else if (argv[i] === '--runs') runs = value;
  else {
    process.stderr.write(`bench: unknown or bad argument ${argv[i]} (see the header of bench/exchangeList.mjs)\n`);
    process.exit(2);
  }
}

const HEIGHT = 22;
const WIDTH = 80;
const total = flows * perFlow;
const store = new FlowStore({ maxFlows: flows + 1000 });
const table = new Map();
process.stdout.write(`${total} exchanges (${flows} flows of ${perFlow}), ${runs} runs per figure\n`);

function exchange(index, flow) {
  const start = 1e6 + flow * 1000 + index * 7919 % 100_000;
  const status = [200, 200, 200, 304, 404, 500][(flow + index) % 6];
  const end = start + ((flow * 31 + index * 17) % 5000) * 100;
  const head = { dir: 'c2s', version: '1.1', offset: 0, headLength: 100, complete: true, incomplete: undefined, malformedHeaderLines: 0 };
  const body = (n) => ({ framing: 'length', offset: 0, length: n, dataLength: n, chunks: 0, trailers: [] });
  return {
    index,
    request: { ...head, kind: 'request', method: index % 9 === 0 ? 'POST' : 'GET', target: `/api/v2/items/${flow}/${index}?q=${index * 13}`, headers: [{ name: 'Host', value: `host${flow % 50}.example` }], body: body(0), firstTs: start, lastTs: start },
    response: { ...head, dir: 's2c', kind: 'response', status, reason: 'x', headers: [], body: body((flow * 7 + index * 131) % 200_000), firstTs: end, lastTs: end },
    interim: [],
    flags: [],
  };
}

function feed(from, to) {
  for (let f = from; f < to; f++) {
    const key = { client: { addr: `10.0.${(f >> 8) & 255}.${f & 255}`, port: 40000 + (f % 20000) }, server: { addr: '10.9.0.1', port: 80 } };
    store.apply({ type: 'flow-start', flowId: f + 1, key, ts: 1e6 + f, origin: 'capture', sawHandshake: true });
    table.set(f + 1, { http: { exchanges: Array.from({ length: perFlow }, (_, i) => exchange(i, f)) }, isOver: true });
  }
}

feed(0, flows);
const sorts = [];
for (let r = 0; r < 5; r++) {
  const numbers = Array.from({ length: total }, (_, i) => (i * 7919) % total);
  sorts.push(time(() => numbers.sort((a, b) => a - b)));
}
process.stdout.write(`reference: sort of ${total} numbers  ${percentiles(sorts)}\n`);

let view;
const built = time(() => { view = new ExchangeView(store, (id) => table.get(id), () => true); });
process.stdout.write(`v (view built over ${view.total} exchanges): ${built.toFixed(1)} ms\n`);

function key(move) {
  return time(() => {
    move();
    formatExchangeRows(view.rows(view.top(HEIGHT), HEIGHT), { width: WIDTH, glyphs: UNICODE_GLYPHS, focused: view.focused, numberColumns: 8 });
  });
}

for (const order of ['arrival', 'duration', 'size', 'status', 'flow']) {
  const sorting = [];
  for (let r = 0; r < 5; r++) {
    view.setSort('arrival' === order ? 'flow' : 'arrival');
    sorting.push(time(() => view.setSort(order)));
  }
  view.moveTo(0);
  const figures = { j: [], PgDn: [], G: [], g: [] };
  for (let r = 0; r < runs; r++) {
    figures.j.push(key(() => view.moveBy(1)));
    figures.PgDn.push(key(() => view.moveBy(HEIGHT)));
    figures.G.push(key(() => view.moveTo(view.length - 1)));
    figures.g.push(key(() => view.moveTo(0)));
  }
  process.stdout.write(`o ${order}: ${percentiles(sorting)}\n`);
  for (const [name, samples] of Object.entries(figures)) process.stdout.write(`  ${name.padEnd(5)} ${percentiles(samples)}\n`);
}

view.setSort('arrival');
for (const text of ['status:5xx', 'method:POST path:/api', 'host:host7', 'items/12', '']) {
  const result = parseFilter(text);
  const samples = [];
  for (let r = 0; r < 5; r++) samples.push(time(() => view.setFilter(result.filter)));
  process.stdout.write(`f ${JSON.stringify(text).padEnd(24)} (${String(view.length).padStart(6)} shown) ${percentiles(samples)}\n`);
}

// Live: 100 new flows per frame, each with its exchanges, 20 frames.
const frames = [];
for (let frame = 0; frame < 20; frame++) {
  const from = flows + frame * 100;
  feed(from, from + 100);
  frames.push(time(() => view.refresh()));
}
process.stdout.write(`arrivals, ${100 * perFlow} exchanges per frame: ${percentiles(frames)}\n`);

// Keep-alive: one open flow of 10,000 settled exchanges gets bytes every frame, under `open`.
{
  const id = flows + 5000;
  const key = { client: { addr: '10.8.0.1', port: 50000 }, server: { addr: '10.9.0.1', port: 80 } };
  store.apply({ type: 'flow-start', flowId: id, key, ts: 2e6, origin: 'capture', sawHandshake: true });
  table.set(id, { http: { exchanges: Array.from({ length: 10_000 }, (_, i) => exchange(i, id)) }, isOver: false });
  view.setFilter(parseFilter('open').filter);
  view.refresh();
  const bytes = new Uint8Array(10);
  const keepAlive = [];
  for (let frame = 0; frame < runs; frame++) {
    store.apply({ type: 'data', flowId: id, dir: 'c2s', offset: frame * 10, bytes, length: 10, ts: 2e6 + frame, fileOffset: -1 });
    keepAlive.push(time(() => view.refresh()));
  }
  process.stdout.write(`keep-alive flow of 10,000 exchanges changing every frame, f "open": ${percentiles(keepAlive)}\n`);
}
view.dispose();
