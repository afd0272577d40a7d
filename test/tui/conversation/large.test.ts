import { expect, test } from 'vitest';
import { renderStats } from '../../../src/tui/conversation/renderUnit.js';
import { ConversationSearch, searchPattern } from '../../../src/tui/conversation/search.js';
import { DEFAULT_SETTINGS } from '../../../src/tui/conversation/settings.js';
import { ConversationView } from '../../../src/tui/conversation/view.js';
import { FakeSource, FLOW_ID } from './fakeSource.js';

const CHUNKS = 200_000;

/** A CSV download: one request, then 200k chunks of rows whose lines straddle chunk boundaries. */
function download(): { s: FakeSource; rows: number } {
  const s = new FakeSource().data('c2s', 'GET /export.csv HTTP/1.1\r\n\r\n');
  let row = 0;
  let pending = '';
  for (let i = 0; i < CHUNKS; i++) {
    while (pending.length < 150) pending += `${row},chicken-${row},${(row++ * 7) % 1000}\n`;
    s.data('s2c', pending.slice(0, 100));
    pending = pending.slice(100);
  }
  s.close('s2c').finish('fin');
  return { s, rows: row };
}

test('end, paging and search on a 200k-chunk flow build lines only for what is shown', () => {
  const { s, rows } = download();
  const view = new ConversationView(s, FLOW_ID, DEFAULT_SETTINGS, 80, 24);
  renderStats.linesBuilt = 0;
  renderStats.unitsRendered = 0;
  view.end();
  const last = view.lines();
  expect(last.at(-1)!.text).toBe('= end: connection closed');
  expect(last.some((l) => /^< \d+,chicken-\d+,\d+$/.test(l.text))).toBe(true);
  expect(renderStats.unitsRendered).toBeLessThan(60);
  expect(renderStats.linesBuilt).toBeLessThan(200);

  renderStats.linesBuilt = 0;
  for (let i = 0; i < 10; i++) view.pageUp();
  expect(view.lines()).toHaveLength(24);
  expect(renderStats.linesBuilt).toBeLessThan(24 * 10 * 3);

  // With only the client shown, the end is found without visiting the server's 200k chunks.
  renderStats.unitsRendered = 0;
  s.lookups = 0;
  view.setSettings({ filter: 'c2s' });
  view.end();
  expect(s.lookups).toBeLessThan(5000);
  expect(view.lines().map((l) => l.text)).toContain('> GET /export.csv HTTP/1.1');
  expect(renderStats.unitsRendered).toBeLessThan(20);

  // Search a row near the end: found without building lines; showing it builds a few units.
  view.setSettings({ filter: 'both' });
  const target = `,chicken-${rows - 60},`;
  renderStats.linesBuilt = 0;
  const search = new ConversationSearch(s, FLOW_ID, searchPattern(target, DEFAULT_SETTINGS)!, false, { chunk: 0 }, ['c2s', 's2c']);
  let status = search.step();
  let steps = 1;
  while (!status.done) {
    status = search.step();
    steps++;
  }
  expect(steps).toBeGreaterThan(1);
  expect(status.match).toBeDefined();
  expect(status.match!.chunk).toBeGreaterThan(CHUNKS - 200);
  expect(renderStats.linesBuilt).toBe(0);
  view.highlight = { text: target };
  view.showOffset(status.match!.dir, status.match!.offset);
  expect(view.lines()[0].text).toContain(target);
  expect(renderStats.linesBuilt).toBeLessThan(200);
});

test('an interactive flow of one-byte chunks reads little per page', () => {
  const s = new FakeSource();
  for (let i = 0; i < 2_000; i++) {
    const line = `$ command number ${i}\n`;
    for (const ch of line) s.data('c2s', ch);
    s.data('s2c', `ok ${i}\n`);
  }
  const view = new ConversationView(s, FLOW_ID, DEFAULT_SETTINGS, 80, 24);
  view.end();
  s.bytesRead = 0;
  view.pageUp();
  const rows = view.lines();
  expect(rows.filter((r) => r.text.startsWith('> $ command number '))).not.toHaveLength(0);
  // Each chunk shown needs the start of its line: a short read back, not the 8 KiB the rule allows.
  expect(s.bytesRead).toBeLessThan(24 * 30 * 300);
});
