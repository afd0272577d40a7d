import { CAPTURE_ENDED } from '../../../src/core/types.js';
import { describe, expect, it } from 'vitest';
import { columnLayout } from '../../../src/tui/flowList/columnLayout.js';
import { formatRows, headerRow, type RowOptions, type RowPreview } from '../../../src/tui/flowList/rowFormat.js';
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
  return { width, glyphs: unicode ? UNICODE_GLYPHS : ASCII_GLYPHS, focusedId: 7, now: 5e6, preview: (f) => ({ text: previews.get(f), summarized: false, replied: false }) };
}

/** A summary of a flow's messages ending in flowspy's outcome (see `FlowMatcher.preview`). */
function summary(text: string): RowPreview {
  return { text, summarized: true, replied: true };
}

describe('flow rows: layout by width', () => {
  it.each([80, 100, 160, 250, 60, 30])('every row, and the header, is exactly %i columns', (width) => {
    const store = sampleStore();
    const rows = formatRows([...store.flows()], options(store, width));
    for (const row of [...rows, headerRow(columnLayout(width, 6), width)]) {
      expect(stringColumns(row.text)).toBe(width);
      expect(row.spans.map((s) => s.text).join('')).toBe(row.text);
    }
  });

  it.each([
    // At 80 (IPv4 endpoints assumed, 6-digit numbers) the summary's 40 columns come first.
    [80, true, [
      '123456 …00:54321 → …34:443    open    • GET /api/v2/chickens.json HTTP/1.1      ',
      '     7 […4]:5000 ? …0.0.2:25  t/out     220 mail.example ESMTP                  ',
      '     8 …0.0.9:1  → …0.0.2:80  h-clos                                            ',
      '     9 …0.0.9:2  → …0.0.2:80  reset                                             ',
      '    10 …0.0.9:3  → …0.0.2:80  closed                                            ',
    ]],
    [80, false, [
      '123456 ~00:54321 > ~34:443    open    * GET /api/v2/chickens.json HTTP/1.1      ',
      '     7 [~4]:5000 ? ~0.0.2:25  t/out     220 mail.example ESMTP                  ',
    ]],
    [120, true, [
      '123456 192.168.100.200:54321 → 93.184.216.34:443     open    ↑1.2k ↓3.4M  4.0s • GET /api/v2/chickens.json HTTP/1.1     ',
    ]],
    [160, true, [
      '123456 192.168.100.200:54321 → 93.184.216.34:443     open         ↑1.2k ↓3.4M  4.0s • GET /api/v2/chickens.json HTTP/1.1' + ' '.repeat(40),
      '     7 […8a2e:370:7334]:5000 ? 10.0.0.2:25           timed out       ↑0   ↓24  3m19   220 mail.example ESMTP' + ' '.repeat(52),
      '     8 10.0.0.9:1            → 10.0.0.2:80           half-closed     ↑0    ↓0  4.0s   ' + ' '.repeat(74),
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
    expect(rows[0].spans.find((s) => s.style === 'preview')!.text.trimEnd()).toBe('GET /api/v2/chickens.json HTTP/1.1');
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
    const rows = formatRows([...store.flows()], options(store, 120, true)).map((r) => r.text.trim().split(/ +/).slice(4, 8).join(' '));
    expect(rows).toEqual(['open ↑0 ↓0 1.6s', 'h-clos ↑0 ↓0 600ms', 't/out ↑0 ↓0 500ms']);
  });
});

/** The column where the span of `style` starts in `row`. */
function columnOf(row: { spans: readonly { text: string; style: string }[] }, style: string): number {
  const at = row.spans.findIndex((s) => s.style === style);
  return stringColumns(row.spans.slice(0, at).map((s) => s.text).join(''));
}

describe('flow rows: endpoint columns fit the endpoints listed', () => {
  it('at 80 columns the client, then the server give way to the summary, each keeping the end of its address', () => {
    // The demo: its widest client is [2001:db8:1::23]:50100 (22), server [2001:db8:2::7]:7777 (20).
    const demo = { client: 22, server: 20 };
    const store = new FakeStore();
    store.add({ id: 1, client: '192.168.1.23:51000', server: '198.51.100.10:80' });
    store.add({ id: 2, client: '192.168.1.50:40222', server: '203.0.113.25:25' });
    store.add({ id: 3, client: '[2001:db8:1::23]:50100', server: '[2001:db8:2::7]:7777' });
    const rows = formatRows([...store.flows()], { ...options(store, 80), endpoints: demo }).map((r) => r.text);
    expect(rows[0]).toMatch(/^ {2}1 …23:51000 → …51\.100\.10:80 open /);
    expect(rows[1]).toMatch(/^ {2}2 …50:40222 → …0\.113\.25:25  open /);
    // Too narrow for [, ] and a group: the end of the text.
    expect(rows[2]).toMatch(/^ {2}3 …3\]:50100 → \[…2::7\]:7777  open /);
  });

  it('servers that differ only at the end of their address can be told apart at 80 columns', () => {
    // pcapplusplus's pcapng-example: one client talking to X servers 130.217.250.129, .142, .145 ...
    const store = new FakeStore();
    store.add({ id: 1, client: '130.217.250.13:60478', server: '130.217.250.129:6000', sawHandshake: false });
    store.add({ id: 2, client: '130.217.250.13:34558', server: '130.217.250.142:6000', sawHandshake: false });
    store.add({ id: 3, client: '127.0.0.1:40304', server: '127.0.0.1:3306' });
    const rows = formatRows([...store.flows()], { ...options(store, 80), endpoints: { client: 20, server: 20 } }).map((r) => r.text);
    expect(rows[0]).toContain(' …13:60478 ? …250.129:6000 ');
    expect(rows[1]).toContain(' …13:34558 ? …250.142:6000 ');
    expect(rows[2]).toContain(' …1:40304  → …0.0.1:3306   ');
  });

  it('rows and the header line up with the fitted columns, each exactly the width', () => {
    const store = sampleStore();
    const endpoints = { client: 22, server: 17 };
    for (const width of [40, 60, 80, 100, 120, 200]) {
      const rows = formatRows([...store.flows()], { ...options(store, width, true), endpoints });
      const header = headerRow(columnLayout(width, 6, endpoints), width);
      for (const row of [header, ...rows]) expect(stringColumns(row.text)).toBe(width);
      expect(header.text.indexOf('server')).toBe(columnOf(rows[2], 'server'));
      for (const title of ['sent', 'time']) expect(header.text.includes(title)).toBe(rows[2].spans.some((s) => s.style === (title === 'sent' ? 'bytesC2s' : 'duration')));
    }
    const rows = formatRows([...store.flows()], { ...options(store, 120, true), endpoints });
    expect(rows[0].text).toContain('192.168.100.200:54321  → 93.184.216.34:443');
  });
});

describe('flow rows: one client or server address for every flow', () => {
  it('the client column shows ports, the header names the address once, the server gets the room', () => {
    const store = new FakeStore();
    store.add({ id: 1, client: '192.168.100.200:54321', server: '198.51.100.10:443' });
    store.add({ id: 2, client: '192.168.100.200:54322', server: '203.0.113.25:25' });
    const endpoints = { client: 21, server: 17, sharedClient: '192.168.100.200' };
    const layout = columnLayout(100, 3, endpoints);
    expect(layout).toMatchObject({ client: 6, server: 17 });
    const rows = formatRows([...store.flows()], { ...options(store, 100, true), endpoints });
    const header = headerRow(layout, 100);
    for (const row of [header, ...rows]) expect(stringColumns(row.text)).toBe(100);
    expect(rows[0].text).toContain(':54321 → 198.51.100.10:443');
    expect(rows[1].text).toContain(':54322 → 203.0.113.25:25');
    expect(header.text).toContain('from 192.168.100.200');
    expect(header.text.indexOf('server')).toBe(rows[0].text.indexOf('198.51.100.10'));
  });

  it('likewise a server every flow shares: its column shows ports, the header says `to` it', () => {
    const store = new FakeStore();
    store.add({ id: 1, client: '192.168.100.200:54321', server: '198.51.100.10:443' });
    store.add({ id: 2, client: '192.168.100.201:54322', server: '198.51.100.10:443' });
    const endpoints = { client: 21, server: 17, sharedServer: '198.51.100.10' };
    const layout = columnLayout(110, 3, endpoints);
    expect(layout).toMatchObject({ client: 21, server: 6 });
    const rows = formatRows([...store.flows()], { ...options(store, 110, true), endpoints });
    const header = headerRow(layout, 110);
    expect(rows[0].text).toContain(' 192.168.100.200:54321 → :443   ');
    expect(rows[1].text).toContain(' 192.168.100.201:54322 → :443   ');
    expect(header.text).toContain('to 198.51.100.10');
    expect(header.text.indexOf('server')).toBe(rows[0].text.indexOf(':443'));
  });
});

describe('flow rows: the header names a shared address, never cut silently', () => {
  const v6 = '2001:618:400::5199:cc70';
  const title = (width: number, endpoints: { client: number; server: number; sharedClient?: string; sharedServer?: string }, glyphs = UNICODE_GLYPHS): string => {
    const header = headerRow(columnLayout(width, 3, endpoints), width, glyphs).text;
    expect(stringColumns(header)).toBe(width);
    // What follows the last column title (and the blanks over the note mark).
    return header.replace(/^.*(?:state|recv|time) {3,}/, '').trim();
  };

  it('whole with its word when it fits; else without the word; else cut in the middle with an ellipsis', () => {
    // pcapplusplus's four_ipv6_http_streams: the client 2001:618:400::5199:cc70 shared.
    const fourV6 = { client: 38, server: 40, sharedClient: v6 };
    expect(title(120, fourV6)).toBe(`from ${v6}`);
    expect(title(56, fourV6)).toBe(`from ${v6}`);
    expect(title(50, fourV6)).toBe(v6);
    expect(title(44, fourV6)).toBe('2001:6…00::5199:cc70');
    expect(title(44, fourV6, ASCII_GLYPHS)).toMatch(/^2001:.*~.*:cc70$/);
    for (const width of [40, 44, 48, 50, 56, 80]) {
      const shown = title(width, fourV6);
      // Never a prefix of the address that reads as another address (`2001:618:400::5199:cc`).
      expect(shown === v6 || shown === `from ${v6}` || shown.includes('…')).toBe(true);
    }
  });

  it('both shared: `from A to B`, then `A → B`, then each cut', () => {
    const both = { client: 14, server: 14, sharedClient: '10.255.0.1', sharedServer: '192.168.100.200' };
    expect(title(120, both)).toBe('from 10.255.0.1 to 192.168.100.200');
    expect(title(50, both)).toBe('10.255.0.1 → 192.168.100.200');
    expect(title(44, both)).toBe('10.255.0.1 → 192…00.200');
    expect(title(36, both)).toBe('');
  });
});

describe('flow rows: a summary cut to its width', () => {
  it('keeps the outcome (→ status, count) and cuts the request; a long status in words cuts at the end', () => {
    const store = new FakeStore();
    store.add({ id: 1, client: '10.0.0.1:1000', server: '10.0.0.2:80' });
    const row = (text: string): string => formatRows([...store.flows()], { ...options(store, 100), preview: () => summary(text) })[0].text;
    expect(row('GET /site=126885/bnum=opera1/bins=1/opid=10030285/v → 302 (3 req)')).toMatch(/ GET \/site\S*… → 302 \(3 req\) *$/);
    expect(row('POST /x → (lost in a capture gap) and more words here')).toMatch(/ POST \/x → \(lost in a capture gap\) *$/);
    expect(row('GET / → 200')).toMatch(/ GET \/ → 200 *$/);
    // At 60 columns (30 for the summary): what follows the status stays whole while the request
    // keeps its method and 8 columns of target; else the status alone, never a piece of what follows.
    const narrow = (text: string): string => formatRows([...store.flows()], { ...options(store, 60), preview: () => summary(text) })[0].text;
    expect(narrow('! GET /api/status?again=1 → 200 (2 req)')).toMatch(/ ! GET \/api\/stat… → 200 \(2 req\)$/);
    expect(narrow('! GET /site=126885/bnum=opera1/bins=1/opid=10030285/ve… → 302 (head lost)')).toMatch(/ ! GET \/site=126885\/bnum… → 302$/);
    expect(narrow('GET /x → 200 (12 req) and more and more')).toMatch(/ GET \/x → 200 +$/);
    expect(narrow('GET /a → (no response from the server at all)')).toMatch(/ GET \/a → \(no response from th…$/);
    // A long outcome: the request keeps its method and a few columns of target, the outcome is cut at its end.
    expect(narrow('! POST /upload/photos/2004/DSC07858.JPG → (head lost in a capture gap)')).toMatch(/ ! POST \/upload… → \(head lost… *$/);
    expect(row('! #2 POST /upload/photos/2004/DSC07858.JPG/and/more/of/it → (head lost in a capture gap)')).toMatch(/ ! #2 POST \/upload… → \(head lost in a ca… *$/);
    // With ASCII glyphs the summary's arrow is `->` (FlowView.describe).
    const ascii = formatRows([...store.flows()], { ...options(store, 100, false), preview: () => summary('GET /site=126885/bnum=opera1/bins=1/opid=10030285/v -> 302 (3 req)') })[0].text;
    expect(ascii).toMatch(/ GET \/si\S*~ -> 302 \(3 req\) *$/);
  });
});

describe('flow rows: what follows a summary\'s status', () => {
  it('is shown whole or not at all, at any width (never `(5 c…`)', () => {
    const store = new FakeStore();
    store.add({ id: 1, client: '10.0.0.1:1000', server: '10.0.0.2:80' });
    const cases: [string, RegExp][] = [
      ['! GET /reports/2025/annual.csv → 200 (cut short)', / → 200(?: \(cut short\))? *$/],
      ['SMTP EHLO laptop.example.com → 250 (5 cmds)', / → 250(?: \(5 cmds\))? *$/],
      ['GET /site=126885/bnum=opera1/bins=1 → 302 (2 req)', / → 302(?: \(2 req\))? *$/],
    ];
    for (const [text, outcome] of cases) {
      for (let width = 30; width <= 160; width++) {
        const row = formatRows([...store.flows()], { ...options(store, width), preview: () => summary(text) })[0].text;
        expect(stringColumns(row), `${width}: ${row}`).toBe(width);
        if (row.includes('→')) expect(row, `${width}`).toMatch(outcome);
      }
    }
    // The demo's rows at 80 columns (40 for the summary): the request cut, the outcome whole.
    const at80 = (text: string): string => formatRows([...store.flows()], { ...options(store, 80), preview: () => summary(text) })[0].text;
    expect(at80(cases[0][0])).toMatch(/ ! GET \/reports\/\S*… → 200 \(cut short\)$/);
    expect(at80(cases[1][0])).toMatch(/ SMTP EHLO laptop\S*… → 250 \(5 cmds\)$/);
    // A first line of captured bytes (no summary) is cut at its end, visibly, arrow or not.
    const raw = formatRows([...store.flows()], { ...options(store, 80), preview: () => ({ text: `${cases[1][0]} and more`, summarized: false, replied: false }) })[0].text;
    expect(raw).toMatch(/ SMTP EHLO laptop\.example\.com → 250 \(5 c…$/);
  });
});

describe('flow rows: narrow (a split pane)', () => {
  it('keep the number, server, state, note mark and summary: the summary is not squeezed out', () => {
    const store = sampleStore();
    const rows = formatRows([...store.flows()], { ...options(store, 50, true), numberColumns: 3 }).map((r) => r.text);
    expect(rows[1]).toBe('  7 …0.0.2:25  t/out?    220 mail.example ESMTP   ');
    const header = headerRow(columnLayout(50, 3), 50).text;
    expect(header.trimEnd()).toBe('  # server     state     summary');
    expect(header.indexOf('summary')).toBe(rows[1].indexOf('220'));
  });
});

describe('flow rows: a summary\'s mark and status as spans to colour', () => {
  const store = new FakeStore();
  store.add({ id: 1, client: '10.0.0.1:1000', server: '10.0.0.2:80' });
  /** The spans after the note mark column and its space: the preview's. */
  const spans = (preview: string, summarized = true, unicode = true, replied = summarized) => {
    const all = formatRows([...store.flows()], { ...options(store, 100, unicode), preview: () => ({ text: preview, summarized, replied }) })[0].spans;
    return all.slice(all.findIndex((s) => s.style === 'note') + 2).filter((s) => s.style !== 'space');
  };

  it('gives the status after the arrow its class, and a leading ! the note style', () => {
    expect(spans('GET / → 200 (2 req)').map((s) => [s.text.trimEnd(), s.style])).toEqual([['GET / →', 'preview'], ['200', 'status.ok'], [' (2 req)', 'preview']]);
    expect(spans('GET / → 302').find((s) => s.text === '302')?.style).toBe('status.redirect');
    expect(spans('#2 GET /x → 404 (2 req)').find((s) => s.text === '404')?.style).toBe('status.error');
    const smtp = spans('! SMTP RCPT TO:<a@b> → 554 (9 cmds)');
    expect(smtp.map((s) => s.style)).toEqual(['note', 'preview', 'status.error', 'preview']);
    expect(smtp[0].text).toBe('!');
    expect(spans('! POP3 USER a → -ERR').find((s) => s.text === '-ERR')?.style).toBe('status.error');
    expect(spans('GET / -> 500', true, false).find((s) => s.text === '500')?.style).toBe('status.error');
  });

  it('colours nothing in a first line, a summary not replied, or an outcome that is no status', () => {
    expect(spans('! GET / → 500', false).map((s) => s.style)).toEqual(['preview']);
    expect(spans('GET / → (no response)').map((s) => s.style)).toEqual(['preview']);
    // A command with no reply yet: its `→ 250` is captured text, not flowspy's outcome.
    expect(spans('SMTP EHLO a → 250 ok', true, true, false).map((s) => s.style)).toEqual(['preview']);
    expect(spans('! SMTP EHLO a → 250 ok', true, true, false).map((s) => s.style)).toEqual(['note', 'preview']);
  });
});

describe('summaries in a narrow pane (a split tmux window: 30 to 60 columns)', () => {
  it('fill the row exactly, with one ellipsis at most, and a status whole or not at all', () => {
    const store = new FakeStore();
    store.add({ id: 3, client: '192.168.1.23:51002', server: '198.51.100.10:80', end: { ts: 1.5e6, reason: 'rst' }, notes: [{ ts: 1, text: 'x' }] });
    store.add({ id: 5, client: '192.168.1.23:51010', server: '198.51.100.20:8080', end: { ts: 1.5e6, reason: 'rst' } });
    store.add({ id: 6, client: '192.168.1.23:51011', server: '198.51.100.20:25', end: { ts: 1.5e6, reason: 'fin' } });
    const texts: Record<number, [string, string]> = {
      3: ['! #2 GET /api/status?again=1 → after-close', 'after-close'],
      5: ['! GET /reports/2025/annual.csv → 200 (cut)', '200'],
      6: ['SMTP EHLO laptop.example.com → 250 (5 cmds)', '250'],
    };
    for (let width = 30; width <= 60; width++) {
      const rows = formatRows([...store.flows()], { ...options(store, width), preview: (f) => summary(texts[f.id][0]) });
      for (const [i, row] of rows.entries()) {
        const status = texts[[3, 5, 6][i]][1];
        expect(stringColumns(row.text), `${width}: ${row.text}`).toBe(width);
        const preview = row.text.slice(row.text.indexOf(' ', row.text.search(/reset|closed/)));
        expect(preview.split('…').length, `${width}: ${row.text}`).toBeLessThanOrEqual(2);
        if (preview.includes('→')) expect(preview.slice(preview.indexOf('→') + 2).startsWith(status), `${width}: ${row.text}`).toBe(true);
      }
    }
    // A short request: still never a cut status (`→ 2…`), at any width.
    const one = new FakeStore();
    one.add({ id: 1, client: '10.0.0.1:1000', server: '10.0.0.2:80' });
    for (const [text, status] of [['GET /x → 200', '200'], ['POST /a → 200 (3 req)', '200'], ['! #13 GET / → 200', '200']]) {
      for (let width = 20; width <= 60; width++) {
        const row = formatRows([...one.flows()], { ...options(one, width), preview: () => summary(text) })[0].text;
        if (row.includes('→')) expect(row.slice(row.indexOf('→') + 2).startsWith(status), `${width}: ${row}`).toBe(true);
      }
    }
    // From 38 columns on the HTTP status shows beside the method and the start of the target.
    const at38 = formatRows([...store.flows()], { ...options(store, 38), preview: (f) => summary(texts[f.id][0]) });
    expect(at38[1].text).toMatch(/! GET \/… → 200\s*$/);
  });
});

describe('a summary of escapes (CJK under LANG=C) cut short', () => {
  it('is cut between escapes, never inside one (`\\u{30~` would read as another character)', () => {
    const store = new FakeStore();
    store.add({ id: 1, client: '10.0.0.1:1000', server: '10.0.0.2:80' });
    const text = 'GET /\\u{30a2}\\u{30a4}\\u{30a6}\\u{30a8}\\x1b\\u{30aa} -> 200';
    for (let width = 30; width <= 80; width++) {
      const row = formatRows([...store.flows()], { ...options(store, width, false), preview: () => summary(text) })[0].text;
      expect(stringColumns(row), row).toBe(width);
      expect(row, `${width}`).not.toMatch(/\\(?:u\{[0-9a-f]*|u|x[0-9a-f]?)?~/);
    }
  });
});
