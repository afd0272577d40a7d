import { describe, expect, it } from 'vitest';
import { exchangeDuration, exchangeSettled, exchangeStatus, exchangeTarget, exchangeText, UPSTREAM_OUTCOMES } from '../../../src/tui/flowList/exchangeFields.js';
import { exchangeColumns, exchangeDurationText, exchangeHeaderRow, fitRequest, formatExchangeRows } from '../../../src/tui/flowList/exchangeFormat.js';
import { ASCII_GLYPHS, UNICODE_GLYPHS } from '../../../src/tui/glyphs.js';
import { stringColumns } from '../../../src/tui/width.js';
import { exchange } from './fakeExchanges.js';

/** Controls, C1, bidi and other invisible format characters: none may reach a row. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;

const ROWS = [
  { flowId: 12, index: 0, exchange: exchange(0, { host: 'www.example.com', target: '/assets/js/vendor/very/long/path/app.bundle.min.js?v=12345', start: 0, status: 200, end: 1_500_000, size: 123_456 }) },
  { flowId: 12, index: 1, exchange: exchange(1, { method: 'POST', host: 'www.example.com', target: '/api', start: 0, flags: ['after-close'] }) },
  { flowId: 1234, index: 999, exchange: exchange(999, { start: null, status: 502, flags: ['no-request'] }) },
  { flowId: 3, index: 0, exchange: exchange(0, { host: 'evil\x1b[31m\u202e', target: '/\u009b31m', start: 0 }) },
];

const rows = (width: number, glyphs = UNICODE_GLYPHS) => formatExchangeRows(ROWS, { width, glyphs, focused: ROWS[1], numberColumns: 8, methodColumns: 4 });

describe('exchange rows', () => {
  it('at 80 columns: number, mark, method, request cut in its middle, status, size, time', () => {
    expect(rows(80).map((row) => row.text)).toEqual([
      '    12#1   GET  www.example.com/assets/js…undle.min.js?v=12345 200    123k  1.5s',
      '    12#2 ! POST www.example.com/api                            after-close      ',
      '1234#1000 ! -    (no request)                                   502       0 <.1m',
      '     3#1   GET  evil\\x1b[31m\\u{202e}/\\u{9b}31m                 -         -     -',
    ]);
  });

  it.each([80, 100, 160, 60, 40, 20])('every row and the header are exactly %i columns, with no control character', (width) => {
    for (const glyphs of [UNICODE_GLYPHS, ASCII_GLYPHS]) {
      for (const row of [...rows(width, glyphs), exchangeHeaderRow(width, 8, 4)]) {
        expect(stringColumns(row.text)).toBe(width);
        expect(row.text).not.toMatch(UNSAFE);
      }
    }
  });

  it('styles the status by class: 2xx ok, 3xx redirect, 4xx/5xx and no answer error, waiting open', () => {
    const styleOf = (status: number | undefined, flags: ('after-close' | 'lost')[] = []) => {
      const listed = { flowId: 1, index: 0, exchange: exchange(0, { target: '/', start: 0, status, flags }) };
      const row = formatExchangeRows([listed], { width: 80, glyphs: UNICODE_GLYPHS, focused: undefined, numberColumns: 5, methodColumns: 3 })[0];
      return row.spans.find((s) => s.style.startsWith('status.') || s.style === 'state.open')?.style;
    };
    expect([styleOf(200), styleOf(304), styleOf(404), styleOf(503), styleOf(undefined, ['after-close']), styleOf(undefined)]).toEqual(['status.ok', 'status.redirect', 'status.error', 'status.error', 'status.error', 'state.open']);
  });

  it('styles every outcome of an exchange without a response as an error, the upstream failures included', () => {
    const styleOf = (outcome: string) => {
      const listed = { flowId: 1, index: 0, exchange: { ...exchange(0, { target: '/', start: 0 }), upstream: outcome } };
      const row = formatExchangeRows([listed], { width: 80, glyphs: UNICODE_GLYPHS, focused: undefined, numberColumns: 5, methodColumns: 3 })[0];
      return row.spans.find((s) => s.style.startsWith('status.') || s.style === 'state.open')?.style;
    };
    expect(UPSTREAM_OUTCOMES.map(styleOf)).toEqual(UPSTREAM_OUTCOMES.map(() => 'status.error'));
  });

  it('selects the focused exchange; a narrow pane drops size and time', () => {
    expect(rows(80).map((row) => row.selected)).toEqual([false, true, false, false]);
    expect(exchangeColumns(80, 8, 4)).toMatchObject({ size: 7, time: 5, status: 3 });
    expect(exchangeColumns(40, 8, 4)).toMatchObject({ size: 0, time: 0, status: 11 });
    expect(rows(40)[1].text).toContain('after-close');
  });
});

describe('exchange columns: size and time give way below about 60 columns', () => {
  const connect = { flowId: 1, index: 0, exchange: exchange(0, { method: 'CONNECT', target: 'secure.newegg.com:443', start: 0, status: 200, end: 121_000 }) };
  const requestAt = (width: number) => formatExchangeRows([connect], { width, glyphs: UNICODE_GLYPHS, focused: undefined, numberColumns: 3, methodColumns: 7 })[0].spans[6].text.trimEnd();

  it.each([
    [5, 3],
    [5, 7],
    [9, 4],
  ])('numbers %i and methods %i wide: the columns fill the row, and the request gets the room size and time leave', (numberColumns, methodColumns) => {
    const widths = Array.from({ length: 91 }, (_, i) => 30 + i);
    const columns = widths.map((width) => exchangeColumns(width, numberColumns, methodColumns));
    columns.forEach((c, i) => {
      const outcome = c.size > 0 ? c.status + 1 + c.size + 1 + c.time : c.status;
      expect(c.number + 3 + c.method + 1 + c.request + 1 + outcome).toBe(widths[i]);
    });
    // Shown from one width on, never dropped again; that width is about 60.
    const first = columns.findIndex((c) => c.size > 0);
    expect(columns.slice(first).every((c) => c.size === 7 && c.time === 5)).toBe(true);
    expect(columns.slice(0, first).every((c) => c.size === 0 && c.time === 0)).toBe(true);
    expect(widths[first]).toBeGreaterThanOrEqual(56);
    expect(widths[first]).toBeLessThanOrEqual(64);
    // Dropping them widens the request by their room less what the longest outcome needs more.
    expect(columns[first - 1].request).toBe(columns[first].request - 1 + 7 + 1 + 5 + 1 - (11 - 3));
    // Each column more goes to the request, on either side of that width.
    widths.slice(1).forEach((_, i) => {
      if (i + 1 !== first) expect(columns[i + 1].request).toBe(columns[i].request + 1);
    });
  });

  // Where size and time come back (60 columns) the request gives them its room: one of 27 to 31 columns is whole at 59 and cut at 60.
  it('a wider pane never cuts a CONNECT request of 26 columns or less that a narrower one shows whole (at 50 it was cut, at 45 less)', () => {
    const whole = Array.from({ length: 50 }, (_, i) => 40 + i).filter((width) => requestAt(width) === 'secure.newegg.com:443');
    expect(whole[0]).toBeLessThanOrEqual(50);
    expect(whole).toEqual(Array.from({ length: 90 - whole[0] }, (_, i) => whole[0] + i));
    expect(requestAt(50)).toBe('secure.newegg.com:443');
  });
});

describe('exchange rows: cut bodies and short times', () => {
  it('a response whose body did not all arrive ends its size with the ellipsis; sub-millisecond times in tenths', () => {
    const cut = exchange(0, { host: 'h', start: 0, status: 200, end: 300, size: 76 });
    cut.response!.complete = false;
    cut.response!.incomplete = { offset: 200, why: 'stream ended 48,000 bytes before the end of the body' };
    const whole = exchange(1, { host: 'h', start: 0, status: 200, end: 40, size: 76 });
    const listed = [{ flowId: 1, index: 0, exchange: cut }, { flowId: 1, index: 1, exchange: whole }];
    for (const glyphs of [UNICODE_GLYPHS, ASCII_GLYPHS]) {
      const [a, b] = formatExchangeRows(listed, { width: 80, glyphs, focused: undefined, numberColumns: 5, methodColumns: 3 }).map((row) => row.text);
      expect(a.endsWith(` 200     76${glyphs.ellipsis} 0.3ms`)).toBe(true);
      expect(b.endsWith(' 200      76 <.1ms')).toBe(true);
    }
    expect(exchangeDurationText(450)).toBe('0.5ms');
  });

  it('a response whose head a capture gap cut (status line seen, headers not): ! and size lost', () => {
    const e = exchange(0, { host: 'h', start: 0, status: 302, end: 493_000, size: 0, flags: ['head-lost'] });
    e.response = { ...e.response!, complete: false, incomplete: { offset: 18, why: 'gap in the header' } };
    const [row] = formatExchangeRows([{ flowId: 3, index: 0, exchange: e }], { width: 80, glyphs: UNICODE_GLYPHS, focused: undefined, numberColumns: 5, methodColumns: 3 });
    expect(row.text).toMatch(/^  3#1 ! GET h\/ +302    lost 493ms$/);
  });

  it('a response whose head fell in a gap, its body received: lost, and the size and time of what came', () => {
    const e = exchange(0, { host: 'h', start: 0, flags: ['lost'] });
    e.stray = [{ dir: 's2c', offset: 0, length: 853, received: 615, lastTs: 1_200 }];
    for (const glyphs of [UNICODE_GLYPHS, ASCII_GLYPHS]) {
      const [row] = formatExchangeRows([{ flowId: 1, index: 0, exchange: e }], { width: 80, glyphs, focused: undefined, numberColumns: 5, methodColumns: 3 });
      expect(stringColumns(row.text)).toBe(80);
      expect(row.text).toMatch(new RegExp(`^  1#1 ! GET h/ +lost   615\\${glyphs.ellipsis}   1ms$`));
    }
    expect(exchangeDuration(e)).toBe(1_200);
    // Without the bytes, as before: the word over the size and time.
    const [bare] = formatExchangeRows([{ flowId: 1, index: 0, exchange: exchange(0, { host: 'h', start: 0, flags: ['lost'] }) }], { width: 80, glyphs: UNICODE_GLYPHS, focused: undefined, numberColumns: 5, methodColumns: 3 });
    expect(bare.text).toMatch(/ lost {13}$/);
  });

  it('a cut body with a Content-Length shows what came of it, 76/48k, when that fits the column', () => {
    const cutOf = (size: number, contentLength: string) => {
      const e = exchange(0, { host: 'h', start: 0, status: 200, end: 9000, size });
      e.response = { ...e.response!, headers: [{ name: 'Content-Length', value: contentLength }], complete: false, incomplete: { offset: 0, why: 'capture ended' } };
      return { flowId: 5, index: 0, exchange: e };
    };
    const sizeOf = (size: number, contentLength: string) =>
      formatExchangeRows([cutOf(size, contentLength)], { width: 80, glyphs: UNICODE_GLYPHS, focused: undefined, numberColumns: 5, methodColumns: 3 })[0].text.slice(-13, -6);
    expect(sizeOf(76, '48076')).toBe(' 76/48k');
    expect(sizeOf(999, '12000')).toBe('999/12k');
    expect(sizeOf(1234, '9000')).toBe('  1.2k…');
    expect(sizeOf(123_456, '1234567')).toBe('  123k…');
    expect(sizeOf(76, 'bogus')).toBe('    76…');
    expect(exchangeDurationText(700)).toBe('1ms');
    expect(exchangeDurationText(1_500_000)).toBe('1.5s');
  });
});

describe('exchange fields', () => {
  it('outcome: status, else why there is none, else waiting', () => {
    expect(exchangeStatus(exchange(0, { status: 204 }))).toBe('204');
    expect(exchangeStatus(exchange(0, { flags: ['lost'] }))).toBe('lost');
    expect(exchangeStatus(exchange(0, { flags: ['after-close', 'unanswered'] }))).toBe('after-close');
    expect(exchangeStatus(exchange(0, { flags: ['unanswered'] }))).toBe('unanswered');
    expect(exchangeStatus(exchange(0))).toBe('-');
  });

  it('request: host and path, an absolute target without its scheme, CONNECT as it is', () => {
    expect(exchangeTarget(exchange(0, { host: 'h:81', target: '/p?q' }))).toBe('h:81/p?q');
    expect(exchangeTarget(exchange(0, { host: 'h', target: 'http://proxied.example/x' }))).toBe('proxied.example/x');
    expect(exchangeTarget(exchange(0, { method: 'CONNECT', target: 'tls.example:443' }))).toBe('tls.example:443');
    expect(exchangeTarget(exchange(0, { start: null, flags: ['lost'] }))).toBe('(request lost)');
  });

  it('time from the request to the last response byte; settled once answered in full or given up', () => {
    expect(exchangeDuration(exchange(0, { start: 1000, status: 200, end: 4000 }))).toBe(3000);
    expect(exchangeDuration(exchange(0, { start: 1000 }))).toBeUndefined();
    expect(exchangeSettled(exchange(0, { status: 200, growing: true }))).toBe(false);
    expect(exchangeSettled(exchange(0, { status: 200 }))).toBe(true);
    expect(exchangeSettled(exchange(0, { flags: ['unanswered'] }))).toBe(true);
    expect(exchangeText({ flowId: 3, index: 1, exchange: exchange(1, { host: 'h', target: '/x', flags: ['lost'] }) })).toBe('3#2 GET h/x lost !');
  });
});

describe('exchange rows in narrow panes', () => {
  const listed = [
    { flowId: 1, index: 0, exchange: exchange(0, { host: 'shop.example', target: '/api/status', start: 0, status: 200, end: 18_000, size: 49 }) },
    { flowId: 1, index: 1, exchange: exchange(1, { method: 'POST', host: 'shop.example', target: '/cart', start: 0, status: 201, end: 9_000, size: 2 }) },
  ];
  const narrow = (width: number, methodColumns: number) =>
    [exchangeHeaderRow(width, 5, methodColumns), ...formatExchangeRows(listed, { width, glyphs: UNICODE_GLYPHS, focused: undefined, numberColumns: 5, methodColumns })].map((row) => row.text);

  it('the method column is as wide as the widest method listed: at 40 columns the request gets 15', () => {
    expect(narrow(40, 4)).toEqual([
      'flow#   meth request         status     ',
      '  1#1   GET  shop…api/status 200        ',
      '  1#2   POST shop…ample/cart 201        ',
    ]);
  });

  it('at 60 columns, size and time stay', () => {
    expect(narrow(60, 4)).toEqual([
      'flow#   meth request (exchanges)           st.    size  time',
      '  1#1   GET  shop.example/api/status       200      49  18ms',
      '  1#2   POST shop.example/cart             201       2   9ms',
    ]);
  });

  it('within 3 and 7 columns; a longer method is cut', () => {
    expect(exchangeColumns(80, 5, 1).method).toBe(3);
    expect(exchangeColumns(80, 5, 8).method).toBe(7);
    expect(exchangeColumns(40, 5, 3).request - exchangeColumns(40, 5, 7).request).toBe(4);
  });
});

describe('fitRequest', () => {
  const chartbeat = 'ping.chartbeat.net/ping?h=example.co.il&p=%2F&u=abc&d=example.co.il&g=1234&n=1&f=00001&c=0&x=0&m=0&y=2210&o=1280&w=620&j=45&R=0&W=0&I=0&E=0&e=0&r=&b=2000&t=%D7%97%D7%93%D7%A9%D7%95%D7%AA&tz=-120&sn=1&_';
  it('keeps the host whole and cuts the rest in its middle: the query\'s end stays', () => {
    expect(fitRequest(chartbeat, 40, '…')).toBe('ping.chartbeat.net/ping?h…tz=-120&sn=1&_');
    expect(fitRequest('a.test/p?q=1', 40, '…')).toBe('a.test/p?q=1');
    expect(fitRequest('a.test/path?q=1', 12, '…')).toBe('a.test/…?q=1');
    expect(fitRequest('www.example.com/assets/js/vendor/app.bundle.min.js', 36, '…')).toBe('www.example.com/asset….bundle.min.js');
    expect(fitRequest('www.example.com/assets/js/vendor/app.bundle.min.js?v=1', 36, '…')).toBe('www.example.com/asset…dle.min.js?v=1');
  });

  it('tells apart requests that differ only at the end of their query, at any width (favicons of pcapplusplus example2)', () => {
    const domains = ['en.wikipedia.org', 'www.youtube.com', 'www.urbandictionary.com', 'www.internetslang.com', 'www.yelp.com', 'www.ynbarnyc.com'];
    const requests = domains.map((d) => `s2.googleusercontent.com/s2/favicons?domain=${d}`);
    for (let columns = 16; columns <= 60; columns++) {
      const shown = requests.map((r) => fitRequest(r, columns, '…'));
      for (const text of shown) expect(stringColumns(text), text).toBeLessThanOrEqual(columns);
      expect(new Set(shown).size, `${columns}: ${shown.join(' | ')}`).toBe(requests.length);
    }
    expect(fitRequest(requests[1], 48, '…')).toBe('s2.googleusercontent.com/s2/fav…=www.youtube.com');
  });

  it('cuts all of it in its middle when the host leaves the rest less than half', () => {
    // A host that leaves too little for the path: all of it cut in its middle.
    expect(fitRequest('a-very-long-host-name.example.com/some/path', 20, '…')).toBe('a-very…com/some/path');
  });
});
