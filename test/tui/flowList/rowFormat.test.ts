import { CAPTURE_ENDED } from '../../../src/core/types.js';
import { describe, expect, it } from 'vitest';
import { columnLayout, formatRows, headerRow, type RowOptions } from '../../../src/tui/flowList/rowFormat.js';
import { PreviewCache } from '../../../src/tui/flowList/preview.js';
import { ASCII_GLYPHS, UNICODE_GLYPHS } from '../../../src/tui/glyphs.js';
import { stringColumns } from '../../../src/tui/width.js';
import { FakeStore } from './fakeStore.js';

/** Controls, C1, bidi and other invisible format characters: none may reach a row. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;

function sampleStore() {
  const store = new FakeStore();
  store.add({ id: 123456, client: '192.168.100.200:54321', server: '93.184.216.34:443', bytesC2s: 1234 - 36, bytesS2c: 3_400_000, lastTs: 2_500_000, notes: [{ ts: 1, text: 'data after FIN' }] });
  store.data(123456, 'c2s', 'GET /api/v2/chickens.json HTTP/1.1\r\n');
  store.add({ id: 7, client: '[2001:db8:85a3::8a2e:370:7334]:5000', server: '10.0.0.2:25', sawHandshake: false, lastTs: 200e6, end: { ts: 260e6, reason: 'timeout' } });
  store.data(7, 's2c', '220 mail.example ESMTP\r\n');
  store.add({ id: 8, client: '10.0.0.9:1', server: '10.0.0.2:80', closedC2s: true });
  store.add({ id: 9, client: '10.0.0.9:2', server: '10.0.0.2:80', end: { ts: 1.5e6, reason: 'rst' } });
  store.add({ id: 10, client: '10.0.0.9:3', server: '10.0.0.2:80', end: { ts: 1.2e6, reason: 'fin' } });
  return store;
}

function options(store: FakeStore, width: number, unicode = true): RowOptions {
  const previews = new PreviewCache(store);
  return { width, glyphs: unicode ? UNICODE_GLYPHS : ASCII_GLYPHS, focusedId: 7, now: 5e6, preview: (f) => previews.get(f) };
}

describe('flow rows: layout by width', () => {
  it.each([
    [80, { client: 14, server: 14, state: 7, bytes: 4, preview: 15, arrows: false, longStates: false }],
    [100, { client: 21, server: 17, state: 7, bytes: 5, preview: 23, arrows: true, longStates: false }],
    [160, { client: 24, server: 24, state: 12, bytes: 5, preview: 68, arrows: true, longStates: true }],
    [250, { client: 41, server: 41, state: 12, bytes: 5, preview: 124, arrows: true, longStates: true }],
    [60, { compact: true, client: 0, server: 14, state: 7, bytes: 0, duration: 0, preview: 28 }],
  ])('at %i columns', (width, expected) => {
    expect(columnLayout(width, 6)).toMatchObject(expected);
  });

  it.each([80, 100, 160, 250, 60, 30])('every row, and the header, is exactly %i columns', (width) => {
    const store = sampleStore();
    const rows = formatRows([...store.flows()], options(store, width));
    for (const row of [...rows, headerRow(columnLayout(width, 6), width)]) {
      expect(stringColumns(row.text)).toBe(width);
      expect(row.spans.map((s) => s.text).join('')).toBe(row.text);
    }
  });

  it.each([
    [80, true, [
      '123456 192.…200:54321 → 93.18…6.34:443 open    1.2k 3.4M  4.0s • GET /api/v2/ch…',
      '     7 [200…334]:5000 ? 10.0.0.2:25    t/out      0   24  3m19   220 mail.examp…',
      '     8 10.0.0.9:1     → 10.0.0.2:80    half       0    0  4.0s                  ',
      '     9 10.0.0.9:2     → 10.0.0.2:80    reset      0    0 500ms                  ',
      '    10 10.0.0.9:3     → 10.0.0.2:80    closed     0    0 200ms                  ',
    ]],
    [80, false, [
      '123456 192.~200:54321 > 93.18~6.34:443 open    1.2k 3.4M  4.0s * GET /api/v2/ch~',
      '     7 [200~334]:5000 ? 10.0.0.2:25    t/out      0   24  3m19   220 mail.examp~',
    ]],
    [160, true, [
      '123456 192.168.100.200:54321    → 93.184.216.34:443        open         ↑1.2k ↓3.4M  4.0s • GET /api/v2/chickens.json HTTP/1.1' + ' '.repeat(34),
      '     7 [2001:db8…370:7334]:5000 ? 10.0.0.2:25              timed out       ↑0   ↓24  3m19   220 mail.example ESMTP' + ' '.repeat(46),
      '     8 10.0.0.9:1               → 10.0.0.2:80              half-closed     ↑0    ↓0  4.0s   ' + ' '.repeat(68),
    ]],
  ])('at %i columns (unicode %s)', (width, unicode, lines) => {
    const store = sampleStore();
    const rows = formatRows([...store.flows()], options(store, width, unicode));
    expect(rows.slice(0, lines.length).map((r) => r.text)).toEqual(lines);
  });

  it('marks the focused row and gives each column a style', () => {
    const store = sampleStore();
    const rows = formatRows([...store.flows()], options(store, 100));
    expect(rows.map((r) => r.selected)).toEqual([false, true, false, false, false]);
    expect(rows.map((r) => r.spans.find((s) => s.style.startsWith('state.'))!.style)).toEqual([
      'state.open', 'state.timeout', 'state.half-closed', 'state.reset', 'state.closed',
    ]);
    expect(rows[0].spans.find((s) => s.style === 'note')!.text).toBe('•');
    expect(rows[0].spans.find((s) => s.style === 'preview')!.text).toBe('GET /api/v2/chickens.j…');
  });

  it('marks a flow with a capture gap, a note taking precedence', () => {
    const store = new FakeStore();
    store.add({ id: 1, gaps: 2 });
    store.add({ id: 2, gaps: 1, notes: [{ ts: 1, text: 'data after FIN' }] });
    store.add({ id: 3 });
    const marks = (unicode: boolean) => formatRows([...store.flows()], options(store, 100, unicode)).map((r) => r.spans.find((s) => s.style === 'note')!.text);
    expect(marks(true)).toEqual(['¦', '•', ' ']);
    expect(marks(false)).toEqual([':', '*', ' ']);
  });
});

describe('flow rows: hostile bytes', () => {
  const hostile = [
    ['ESC sequences', '\x1b[31mred\x1b]0;title\x07\x1b[?1049l', '\\x1b[31mred\\x1b]0;title\\x07\\x1b[?1049l'],
    ['C1 CSI', 'a\u009b31mb', 'a\\u{9b}31mb'],
    ['bidi override', 'abc\u202edcba', 'abc\\u{202e}dcba'],
    ['blessed tags', '{bold}x{/bold}{|}{/escape}', '{bold}x{/bold}{|}{/escape}'],
    ['invalid UTF-8', Buffer.from([0x41, 0xff, 0xc3, 0x28, 0x80]), 'A\\xff\\xc3(\\x80'],
    ['NUL and DEL', '\x00\x7f', '\\x00\\x7f'],
  ] as const;

  it.each(hostile)('%s in the preview show as visible escapes', (_name, payload, shown) => {
    const store = new FakeStore();
    store.add();
    store.data(1, 'c2s', typeof payload === 'string' ? payload : new Uint8Array(payload));
    const [row] = formatRows([store.getFlow(1)!], options(store, 250));
    expect(row.text).not.toMatch(UNSAFE);
    expect(row.spans.find((s) => s.style === 'preview')!.text.trimEnd()).toBe(shown);
  });

  it('an odd address string (from a proxy) is escaped too', () => {
    const store = new FakeStore();
    store.add({ client: 'evil\x1b[2J\u202e:1', server: 'h{bold}\u009b:2' });
    for (const width of [80, 250]) {
      const [row] = formatRows([store.getFlow(1)!], options(store, width));
      expect(row.text).not.toMatch(UNSAFE);
    }
    const [wide] = formatRows([store.getFlow(1)!], options(store, 250));
    expect(wide.text).toContain('evil\\x1b[2J\\u{202e}:1');
    expect(wide.text).toContain('h{bold}\\u{9b}:2');
  });
});

describe('flow rows: flows the capture ended, flows the idle timeout ended', () => {
  it('a flow still open when the capture ended is open (or half), its time runs to its last packet', () => {
    const store = new FakeStore();
    store.add({ id: 1, client: '10.0.0.9:1', server: '10.0.0.2:80', lastTs: 2_600_000, end: { ts: 9_000_000_000, reason: 'timeout', detail: CAPTURE_ENDED } });
    store.add({ id: 2, client: '10.0.0.9:2', server: '10.0.0.2:80', closedC2s: true, lastTs: 1_600_000, end: { ts: 9_000_000_000, reason: 'timeout', detail: CAPTURE_ENDED } });
    store.add({ id: 3, client: '10.0.0.9:3', server: '10.0.0.2:80', lastTs: 1_500_000, end: { ts: 31_500_000, reason: 'timeout', detail: 'idle' } });
    const rows = formatRows([...store.flows()], options(store, 80, true)).map((r) => r.text.trim().split(/ +/).slice(4, 8).join(' '));
    expect(rows).toEqual(['open 0 0 1.6s', 'half 0 0 600ms', 't/out 0 0 500ms']);
  });
});

describe('flow rows: endpoint columns fit the endpoints listed', () => {
  it('narrower endpoints give their room to the summary; wider ones take the summary\'s room above 30% of the row', () => {
    expect(columnLayout(100, 3)).toMatchObject({ client: 21, server: 17, preview: 26 });
    // The demo's endpoints (18 and 18 columns) fit whole at 100 columns; the summary gains.
    expect(columnLayout(100, 3, { client: 18, server: 18 })).toMatchObject({ client: 18, server: 18, preview: 28 });
    // Short endpoints: the summary takes what they do not need.
    expect(columnLayout(100, 3, { client: 9, server: 9 })).toMatchObject({ client: 9, server: 9, preview: 46 });
    // IPv6 at 120: the summary keeps 30% of the row; the server, shorter, is whole; the client gets the rest.
    expect(columnLayout(120, 3, { client: 42, server: 23 })).toMatchObject({ client: 25, server: 23, preview: 36 });
    // 80 columns leave no room to spare: the table's widths hold.
    expect(columnLayout(80, 3, { client: 18, server: 16 })).toMatchObject({ client: 14, server: 14, preview: 18 });
  });

  it('rows and the header line up with the fitted columns, each exactly the width', () => {
    const store = sampleStore();
    const endpoints = { client: 22, server: 17 };
    const rows = formatRows([...store.flows()], { ...options(store, 100, true), endpoints });
    const header = headerRow(columnLayout(100, 6, endpoints), 100);
    for (const row of [header, ...rows]) expect(stringColumns(row.text)).toBe(100);
    expect(rows[0].text).toContain('192.168.100.200:54321 → 93.184.216.34:443');
    expect(header.text.indexOf('server')).toBe(rows[0].text.indexOf('93.184.216.34'));
  });
});

describe('flow rows: one client address for every flow', () => {
  it('the client column shows ports, the header names the address once, the server gets the room', () => {
    const store = new FakeStore();
    store.add({ id: 1, client: '192.168.100.200:54321', server: '198.51.100.10:443' });
    store.add({ id: 2, client: '192.168.100.200:54322', server: '203.0.113.25:25' });
    const endpoints = { client: 21, server: 17, sharedClient: '192.168.100.200' };
    const layout = columnLayout(80, 3, endpoints);
    expect(layout).toMatchObject({ client: 6, server: 17 });
    const rows = formatRows([...store.flows()], { ...options(store, 80, true), endpoints });
    const header = headerRow(layout, 80);
    for (const row of [header, ...rows]) expect(stringColumns(row.text)).toBe(80);
    expect(rows[0].text).toContain(':54321 → 198.51.100.10:443');
    expect(rows[1].text).toContain(':54322 → 203.0.113.25:25');
    expect(header.text).toContain('from 192.168.100.200');
    expect(header.text.indexOf('server')).toBe(rows[0].text.indexOf('198.51.100.10'));
  });
});

describe('flow rows: a summary cut to its width', () => {
  it('keeps the outcome (→ status, count) and cuts the request; a long outcome cuts at the end', () => {
    const store = new FakeStore();
    store.add({ id: 1, client: '10.0.0.1:1000', server: '10.0.0.2:80' });
    const row = (summary: string): string => formatRows([...store.flows()], { ...options(store, 100), preview: () => summary })[0].text;
    expect(row('GET /site=126885/bnum=opera1/bins=1/opid=10030285/v → 302 (3 req)')).toMatch(/ GET \/site=\S*… → 302 \(3 req\) *$/);
    expect(row('POST /x → (lost in a capture gap) and more words here')).toMatch(/ POST \/x → \(lost in a [^…]*…$/);
    expect(row('GET / → 200')).toMatch(/ GET \/ → 200 *$/);
    // At 80 columns (18 for the summary): the status stays, what follows it goes before the request does.
    const narrow = (summary: string): string => formatRows([...store.flows()], { ...options(store, 80), preview: () => summary })[0].text;
    expect(narrow('! GET /api/status?again=1 → 200 (2 req)')).toMatch(/ ! GET \/api\/s?… → 200$/);
    expect(narrow('GET / → 200 (2 req)')).toMatch(/ GET \/ → 200 \(2 re…$/);
    expect(narrow('GET /a → (no response)')).toMatch(/ GET \/a → \(no resp…$/);
    // With ASCII glyphs the summary's arrow is `->` (FlowView.describe).
    const ascii = formatRows([...store.flows()], { ...options(store, 100, false), preview: () => 'GET /site=126885/bnum=opera1/bins=1/opid=10030285/v -> 302 (3 req)' })[0].text;
    expect(ascii).toMatch(/ GET \/site=\S*~ -> 302 \(3 req\) *$/);
  });
});

describe('flow rows: narrow (a split pane)', () => {
  it('keep the number, server, state, note mark and summary: the summary is not squeezed out', () => {
    const store = sampleStore();
    const rows = formatRows([...store.flows()], { ...options(store, 50, true), numberColumns: 3 }).map((r) => r.text);
    expect(rows[1]).toBe('  7 10.0.0.2:25    t/out?    220 mail.example ESM…');
    const header = headerRow(columnLayout(50, 3), 50).text;
    expect(header.trimEnd()).toBe('  # server         state     summary');
    expect(header.indexOf('summary')).toBe(rows[1].indexOf('220'));
  });
});
