#!/usr/bin/env node
// Messages mode on a live HTTP flow (`npm run bench:messageview`): what one frame of the
// conversation pane's MessageView costs (`update()` + `lines()`, as the pane calls them) on a
// keep-alive flow of N exchanges (N = 100, 1,000, 10,000), no terminal. Prints figures; it is
// not a timed test. Per N, frames after:
//   - append: one more exchange arrived (request and response);
//   - grow:   1 KiB more of the last response's body arrived (a download in progress);
//   - scroll: nothing changed, the window moved one row (the reference: no lines are made);
//   - expand: Enter on the first exchange's cut body (its "more lines" row at the window's top);
//   - resize: the pane one column wider;
//   - pane:   one more exchange, then the whole ConversationPane.show() (the stamp, the head and
//             tail lines, then the view's update), as the TUI's frame calls it.
// N counts the exchanges at the end of a round (10,000 is what a flow keeps: MAX_EXCHANGES).
// The view follows (F), as a live view does. The first exchange has a body of 100 lines; the others
// are a poll and its `204 No Content` (four lines each, so 10,000 stay under the view's line cap); bytes go through FlowStore and
// MessageTable as in the TUI, but only the view's calls are timed.
// Usage: node bench/messageView.mjs [--frames N (default 60)] [--rounds N (default 3)]
//        (needs a build: npm run build)
import { MessageTable } from '../dist/messages/messageTable.js';
import { FlowStore } from '../dist/store/flowStore.js';
import { MessageView } from '../dist/tui/conversation/messageView.js';
import { ConversationPane } from '../dist/tui/conversationPane.js';

const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const FRAMES = flag('--frames', 60);
const ROUNDS = flag('--rounds', 3);
const SIZES = [100, 1_000, 10_000];
const FLOW = 1;

/** A live keep-alive HTTP flow fed through a store and a message table, as the TUI has them. */
function liveFlow() {
  const store = new FlowStore();
  const table = new MessageTable();
  const at = { c2s: 0, s2c: 0 };
  let ts = 1_764_666_000_000_000;
  const apply = (event) => {
    store.apply(event);
    table.apply(event);
  };
  const send = (dir, text) => {
    const bytes = Buffer.from(text);
    ts += 100;
    apply({ type: 'data', flowId: FLOW, dir, offset: at[dir], bytes, length: bytes.length, ts, fileOffset: -1 });
    at[dir] += bytes.length;
  };
  const key = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } };
  apply({ type: 'flow-start', flowId: FLOW, key, ts, origin: 'proxy', sawHandshake: true });
  let polls = 0;
  const body = Array.from({ length: 100 }, (_, i) => `chicken ${i}`).join('\n');
  send('c2s', 'GET /chickens HTTP/1.1\r\nHost: farm.example\r\n\r\n');
  send('s2c', `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  return {
    store,
    messages: table.get(FLOW),
    read: (dir, offset, length) => store.read(FLOW, dir, offset, length),
    poll() {
      polls++;
      send('c2s', `GET /poll?since=${polls} HTTP/1.1\r\nHost: farm.example\r\n\r\n`);
      send('s2c', 'HTTP/1.1 204 No Content\r\n\r\n');
    },
    startDownload() {
      send('c2s', 'GET /export.csv HTTP/1.1\r\nHost: farm.example\r\n\r\n');
      send('s2c', 'HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 1000000000\r\n\r\n');
    },
    download() {
      send('s2c', 'chicken,42\n'.repeat(93).padEnd(1024, '.'));
    },
  };
}

const head = () => [{ side: 'event', kind: 'event', text: '09:00:00.000000 handshake 10.0.0.1:40000 -> 10.0.0.2:80' }];
const tail = () => [];
const elapsed = (start) => Number(process.hrtime.bigint() - start) / 1e6;

/** Milliseconds of each of FRAMES frames, `change()` run before each one (not timed). */
function frames(view, change) {
  const times = [];
  for (let frame = 0; frame < FRAMES; frame++) {
    const stamp = change();
    const start = process.hrtime.bigint();
    view.update(81, 22, stamp, head(), tail());
    if (view.lines().length === 0) throw new Error('empty window');
    times.push(elapsed(start));
  }
  return times;
}

function round(n, figures) {
  const flow = liveFlow();
  for (let i = 0; i < n - FRAMES - 2; i++) flow.poll();
  const view = new MessageView(FLOW, flow.messages, flow.read);
  let stamp = 0;
  const open = process.hrtime.bigint();
  view.update(80, 22, `${stamp}`, head(), tail());
  view.lines();
  figures.open.push(elapsed(open));
  if (!view.find('more lines (Enter shows them)', false)) throw new Error('no cut body');
  const expand = process.hrtime.bigint();
  if (!view.expandInWindow()) throw new Error('nothing to expand');
  view.update(80, 22, `${stamp}`, head(), tail());
  view.lines();
  figures.expand.push(elapsed(expand));
  const resize = process.hrtime.bigint();
  view.update(81, 22, `${stamp}`, head(), tail());
  view.lines();
  figures.resize.push(elapsed(resize));
  view.follow = true;
  figures.append.push(...frames(view, () => { flow.poll(); return `${++stamp}`; }));
  flow.startDownload();
  figures.grow.push(...frames(view, () => { flow.download(); return `${++stamp}`; }));
  if (!view.lines().some((line) => line.text.includes('chicken,42'))) throw new Error('the download is not shown');
  view.follow = false;
  figures.scroll.push(...frames(view, () => { view.scroll(-1); return `${stamp}`; }));
  flow.store.dispose();
}

function paneRound(n, figures) {
  const flow = liveFlow();
  for (let i = 0; i < n - FRAMES - 2; i++) flow.poll();
  const pane = new ConversationPane(flow.store, (id) => (id === FLOW ? flow.messages : undefined));
  pane.show(FLOW, 80, 22);
  if (pane.displayLabel !== 'messages') throw new Error(`the pane shows ${pane.displayLabel}`);
  for (let frame = 0; frame < FRAMES; frame++) {
    flow.poll();
    const start = process.hrtime.bigint();
    pane.show(FLOW, 80, 22);
    figures.pane.push(elapsed(start));
  }
  flow.store.dispose();
}

const spread = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (v) => v.toFixed(3);
  return `median ${f(sorted[Math.floor(sorted.length / 2)])} ms (min ${f(sorted[0])}, max ${f(sorted.at(-1))})`;
};

process.stdout.write(`MessageView frames on a live HTTP flow, 80x22, ${ROUNDS} rounds x ${FRAMES} frames\n`);
for (const n of SIZES) {
  const figures = { open: [], expand: [], resize: [], append: [], grow: [], scroll: [], pane: [] };
  for (let r = 0; r < ROUNDS; r++) {
    round(n, figures);
    paneRound(n, figures);
  }
  const label = `${n.toLocaleString('en-US')} exchanges`;
  process.stdout.write(`${label.padEnd(17)} open (first frame)       ${spread(figures.open)}\n`);
  process.stdout.write(`${''.padEnd(17)} expand the first body    ${spread(figures.expand)}\n`);
  process.stdout.write(`${''.padEnd(17)} resize (one column more) ${spread(figures.resize)}\n`);
  process.stdout.write(`${''.padEnd(17)} append one exchange      ${spread(figures.append)}\n`);
  process.stdout.write(`${''.padEnd(17)} grow the last body 1 KiB ${spread(figures.grow)}\n`);
  process.stdout.write(`${''.padEnd(17)} scroll (nothing changed) ${spread(figures.scroll)}\n`);
  process.stdout.write(`${''.padEnd(17)} pane: append, show()     ${spread(figures.pane)}\n`);
}
