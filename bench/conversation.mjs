#!/usr/bin/env node
// Conversation pane model on one 1 GiB flow (a CSV download of ~700k chunks), no terminal.
// Prints figures, with references measured in the same run; it is not a timed test.
//   - open (first page), `G` (end), PgUp from the end, `g` (home): ms per call;
//   - search for a row near the end, in slices as the pane would run it, against a reference:
//     the same reads (readInto, one buffer) with a bare Buffer.indexOf (the floor any search pays);
//     the query is lower case, so smart case ignores case; the same bytes exactly (what a query
//     with a capital letter costs) are timed too;
//   - peak RSS.
// The flow is synthetic: its bytes are a 1 MiB block of CSV rows repeated, plus one unique row
// near the end; reads cost a copy, like a store reading its spill file from the page cache.
// Usage: node bench/conversation.mjs [--rounds N (default 5)]   (needs a build: npm run build)
import { ConversationView } from '../dist/tui/conversation/view.js';
import { ConversationSearch, searchPattern } from '../dist/tui/conversation/search.js';
import { DEFAULT_SETTINGS } from '../dist/tui/conversation/settings.js';
import { renderStats } from '../dist/tui/conversation/renderUnit.js';

const roundsFlag = process.argv.indexOf('--rounds');
const ROUNDS = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 5;
const FLOW_BYTES = 1 << 30;
const CHUNK = 1534;
const CHUNKS = Math.ceil(FLOW_BYTES / CHUNK);
const REQUEST = Buffer.from('GET /export.csv HTTP/1.1\r\nHost: farm.example\r\n\r\n');

const BLOCK = (() => {
  let text = '';
  for (let row = 0; text.length < 1 << 20; row++) text += `${row},chicken-${row},${(row * 7) % 1000},2026-12-02T09:00:00Z\n`;
  return Buffer.from(text.slice(0, 1 << 20));
})();
const NEEDLE = Buffer.from('\n424242,the-golden-chicken,999,2026-12-02T09:00:00Z\n');
const NEEDLE_AT = FLOW_BYTES - 3 * CHUNK * 1000; // ~3000 chunks before the end

/** A ConversationSource over the synthetic flow: chunk 0 is the request, then the download. */
const source = {
  flow: {
    sawHandshake: true, startTs: 1_764_666_000_000_000, extentC2s: REQUEST.length, extentS2c: FLOW_BYTES,
    closedC2s: true, closedS2c: true, end: { ts: 1_764_666_060_000_000, reason: 'fin', detail: undefined },
    notes: [], chunkCount: CHUNKS + 1,
  },
  getFlow() { return this.flow; },
  getChunk(_id, index) {
    if (index === 0) return { dir: 'c2s', kind: 'data', ts: this.flow.startTs, offset: 0, length: REQUEST.length };
    if (index < 1 || index > CHUNKS) return undefined;
    const offset = (index - 1) * CHUNK;
    return { dir: 's2c', kind: 'data', ts: this.flow.startTs + index * 80, offset, length: Math.min(CHUNK, FLOW_BYTES - offset) };
  },
  chunkAt(_id, dir, offset) {
    if (dir === 'c2s') return offset < REQUEST.length ? 0 : -1;
    return offset < FLOW_BYTES ? 1 + Math.floor(offset / CHUNK) : -1;
  },
  read(id, dir, offset, length) {
    const end = Math.min(offset + length, dir === 'c2s' ? REQUEST.length : FLOW_BYTES);
    const out = new Uint8Array(Math.max(0, end - offset));
    this.readInto(id, dir, offset, out, 0, out.length);
    return out;
  },
  readInto(_id, dir, offset, into, at, length) {
    const end = Math.min(offset + length, dir === 'c2s' ? REQUEST.length : FLOW_BYTES);
    if (end <= offset) return 0;
    const out = into.subarray(at, at + end - offset);
    if (dir === 'c2s') { out.set(REQUEST.subarray(offset, end)); return out.length; }
    for (let at = offset; at < end; ) {
      const inBlock = at % BLOCK.length;
      const n = Math.min(end - at, BLOCK.length - inBlock);
      out.set(BLOCK.subarray(inBlock, inBlock + n), at - offset);
      at += n;
    }
    const from = Math.max(offset, NEEDLE_AT);
    const to = Math.min(end, NEEDLE_AT + NEEDLE.length);
    if (from < to) out.set(NEEDLE.subarray(from - NEEDLE_AT, to - NEEDLE_AT), from - offset);
    return out.length;
  },
};

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const time = (fn) => { const t = process.hrtime.bigint(); fn(); return ms(t); };
const spread = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms (min ${sorted[0].toFixed(1)}, max ${sorted.at(-1).toFixed(1)})`;
};

function referenceScan(pattern) {
  const t = process.hrtime.bigint();
  const buffer = Buffer.alloc((1 << 20) + pattern.length - 1);
  for (let at = 0; at < FLOW_BYTES; at += 1 << 20) {
    const n = source.readInto(1, 's2c', at, buffer, 0, buffer.length);
    if (buffer.subarray(0, n).indexOf(pattern) >= 0) break;
  }
  return ms(t);
}

const figures = { open: [], end: [], pageUp: [], home: [], search: [], searchExact: [], reference: [], units: [] };
const query = '424242,the-golden-chicken';
for (let round = 0; round < ROUNDS; round++) {
  const view = new ConversationView(source, 1, DEFAULT_SETTINGS, 80, 22);
  figures.open.push(time(() => view.lines()));
  renderStats.unitsRendered = 0;
  figures.end.push(time(() => { view.end(); view.lines(); }));
  figures.units.push(renderStats.unitsRendered);
  for (let i = 0; i < 20; i++) figures.pageUp.push(time(() => { view.pageUp(); view.lines(); }));
  figures.home.push(time(() => { view.home(); view.lines(); }));
  const searchAndShow = (pattern) => () => {
    const search = new ConversationSearch(source, 1, pattern, false, { chunk: 0 }, ['c2s', 's2c']);
    let status = search.step();
    while (!status.done) status = search.step(); // the pane yields to the event loop between steps
    if (!status.match) throw new Error('needle not found');
    view.highlight = { text: query };
    view.showOffset(status.match.dir, status.match.offset);
    if (!view.lines()[0].text.includes(query)) throw new Error('match not shown at the top');
  };
  const pattern = searchPattern(query, DEFAULT_SETTINGS);
  if (!pattern.alt) throw new Error('a lower-case query should ignore case');
  figures.search.push(time(searchAndShow(pattern)));
  figures.searchExact.push(time(searchAndShow({ bytes: pattern.bytes })));
  figures.reference.push(referenceScan(Buffer.from(query)));
}

const out = (label, values) => process.stdout.write(`${label.padEnd(44)} ${spread(values)}\n`);
process.stdout.write(`1 GiB flow, ${CHUNKS + 1} chunks, ${ROUNDS} rounds, 80x22 pane\n`);
out('first page (Enter)', figures.open);
out('G (end)                          [target 200]', figures.end);
out('PgUp from the end (20 per round)', figures.pageUp);
out('g (home)', figures.home);
out('search row near the end + show   [target 2000]', figures.search);
out('  the same, exact (a query with a capital)', figures.searchExact);
out('reference: bare read + indexOf to the row', figures.reference);
process.stdout.write(`search per round: ${figures.search.map((v) => v.toFixed(0)).join(", ")} ms; exact: ${figures.searchExact.map((v) => v.toFixed(0)).join(", ")} ms; reference: ${figures.reference.map((v) => v.toFixed(0)).join(", ")} ms\n`);
process.stdout.write(`units rendered by G: ${figures.units.join(', ')}\n`);
process.stdout.write(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
