import { describe, expect, test } from 'vitest';
import { ConversationSearch, hexPairsHint, highlightFor, isHexQuery, searchPattern, type SearchMatch, type SearchStart } from '../../../src/tui/conversation/search.js';
import { DEFAULT_SETTINGS } from '../../../src/tui/conversation/settings.js';
import { ConversationView } from '../../../src/tui/conversation/view.js';
import type { Direction } from '../../../src/core/types.js';
import { FakeSource, FLOW_ID } from './fakeSource.js';

/** The match from `start` to the end (the start, `backward`), without going round. */
function run(source: FakeSource, query: string, start: SearchStart, backward = false, dirs: Direction[] = ['c2s', 's2c'], mode: 'text' | 'hex' = 'text') {
  const status = finishSearch(new ConversationSearch(source, FLOW_ID, searchPattern(query, { ...DEFAULT_SETTINGS, mode })!, backward, start, dirs));
  return status.wrapped ? undefined : status.match;
}

function finishSearch(search: ConversationSearch) {
  for (let i = 0; i < 10_000; i++) {
    const status = search.step(64);
    if (status.done) return status;
  }
  throw new Error('search did not finish');
}

/** Every match in display order, by repeated `n` up to the end. */
function all(source: FakeSource, query: string, backward = false): SearchMatch[] {
  const found: SearchMatch[] = [];
  let start: SearchStart = { chunk: backward ? source.chunks.length : 0 };
  for (let m = run(source, query, start, backward); m; m = run(source, query, start, backward)) {
    found.push(m);
    start = { match: m };
  }
  return found;
}

const conversation = () =>
  new FakeSource()
    .data('c2s', 'GET /a HTTP/1.1\r\n') // 0
    .data('s2c', 'HTTP/1.1 200 OK\r\n') // 1
    .data('c2s', 'GET /b HT') // 2
    .gap('s2c', 10) // 3
    .data('c2s', 'TP/1.1\r\n') // 4: "HTTP/1.1" spans chunks 2 and 4
    .data('s2c', 'HTTP/1.1 404\r\n'); // 5

describe('search', () => {
  test('forward finds matches in display order, across chunk boundaries of one direction', () => {
    const found = all(conversation(), 'HTTP/1.1').map((m) => [m.dir, m.offset, m.chunk]);
    expect(found).toEqual([
      ['c2s', 7, 0],
      ['s2c', 0, 1],
      ['c2s', 24, 2],
      ['s2c', 27, 5],
    ]);
  });

  test('backward gives the same matches in reverse', () => {
    const found = all(conversation(), 'HTTP/1.1', true).map((m) => [m.dir, m.offset, m.chunk]);
    expect(found).toEqual([
      ['s2c', 27, 5],
      ['c2s', 24, 2],
      ['s2c', 0, 1],
      ['c2s', 7, 0],
    ]);
  });

  test('a match never spans a gap; not found gives undefined', () => {
    const s = new FakeSource().data('c2s', 'ab').gap('c2s', 5).data('c2s', 'cd');
    expect(run(s, 'abcd', { chunk: 0 })).toBeUndefined();
    expect(run(s, 'cd', { chunk: 0 })).toMatchObject({ offset: 7, chunk: 2 });
    expect(run(s, 'ab', { chunk: 3 }, true)).toMatchObject({ offset: 0, chunk: 0 });
  });

  test('hex mode searches bytes; text in another encoding is encoded first', () => {
    const s = conversation();
    expect(run(s, '0d 0a', { chunk: 1 }, false, ['c2s', 's2c'], 'hex')).toMatchObject({ dir: 's2c', offset: 15, length: 2 });
    const utf16 = new FakeSource().data('s2c', new Uint8Array(Buffer.from('xx héllo', 'utf16le')));
    const pattern = searchPattern('héllo', { ...DEFAULT_SETTINGS, encoding: 'utf-16le' })!;
    const status = new ConversationSearch(utf16, FLOW_ID, pattern, false, { chunk: 0 }, ['s2c']).step();
    expect(status.match).toMatchObject({ offset: 6, length: 10 });
  });

  test('direction filter: only the directions given are searched', () => {
    expect(all(conversation(), 'HTTP', false).length).toBe(4);
    const s = conversation();
    expect(run(s, 'HTTP', { chunk: 0 }, false, ['s2c'])).toMatchObject({ dir: 's2c', chunk: 1 });
  });

  test('going round (/, n, N): past the last match on from the first, before the first on from the last, once', () => {
    const s = conversation();
    const pattern = searchPattern('HTTP/1.1', DEFAULT_SETTINGS)!;
    const finish = (search: ConversationSearch) => {
      for (let i = 0; i < 10_000; i++) {
        const status = search.step(64);
        if (status.done) return status;
      }
      throw new Error('search did not finish');
    };
    const [first, , , last] = all(s, 'HTTP/1.1');
    const round = (start: SearchStart, backward: boolean) => finish(new ConversationSearch(s, FLOW_ID, pattern, backward, start, ['c2s', 's2c']));
    expect(round({ match: last }, false)).toMatchObject({ match: first, wrapped: true });
    expect(round({ match: first }, true)).toMatchObject({ match: last, wrapped: true });
    expect(round({ match: first }, false)).toMatchObject({ match: { dir: 's2c', chunk: 1 }, wrapped: false });
    expect(run(s, 'HTTP/1.1', { match: last })).toBeUndefined();
    // The only match is found again; no match at all ends (not found) after one round.
    const one = new FakeSource().data('c2s', 'ab needle cd').data('s2c', 'ef');
    const only = run(one, 'needle', { chunk: 0 })!;
    expect(finish(new ConversationSearch(one, FLOW_ID, searchPattern('needle', DEFAULT_SETTINGS)!, false, { match: only }, ['c2s', 's2c']))).toMatchObject({ match: only, wrapped: true });
    expect(finish(new ConversationSearch(one, FLOW_ID, searchPattern('nothing', DEFAULT_SETTINGS)!, true, { chunk: 1 }, ['c2s', 's2c']))).toMatchObject({ done: true, match: undefined });
    // A new search (`/`) from the window's chunk goes round too; from the first chunk it scans once.
    const get = searchPattern('GET /a', DEFAULT_SETTINGS)!;
    expect(finish(new ConversationSearch(s, FLOW_ID, get, false, { chunk: 2 }, ['c2s', 's2c']))).toMatchObject({ match: { chunk: 0 }, wrapped: true });
    expect(finish(new ConversationSearch(one, FLOW_ID, searchPattern('nothing', DEFAULT_SETTINGS)!, false, { chunk: 0 }, ['c2s', 's2c']))).toEqual({ done: true, match: undefined, fraction: 1, wrapped: false });
  });

  test('works in slices with progress, and cancel stops it', () => {
    const s = new FakeSource();
    for (let i = 0; i < 50; i++) s.data('s2c', 'x'.repeat(1 << 20));
    s.data('s2c', 'needle');
    const search = new ConversationSearch(s, FLOW_ID, searchPattern('needle', DEFAULT_SETTINGS)!, false, { chunk: 0 }, ['c2s', 's2c']);
    const first = search.step(4 << 20);
    expect(first.done).toBe(false);
    expect(first.fraction).toBeGreaterThan(0);
    expect(first.fraction).toBeLessThan(0.2);
    const second = search.step(4 << 20);
    expect(second.fraction).toBeGreaterThan(first.fraction);
    search.cancel();
    expect(search.step()).toMatchObject({ done: true, match: undefined });
    const readBefore = s.bytesRead;
    search.step();
    expect(s.bytesRead).toBe(readBefore);
  });

  test('the view shows and highlights a match, even inside a line joined over chunks', () => {
    // Chunks 2 and 3 follow each other (no reply between): one line.
    const s = new FakeSource().data('c2s', 'GET /a HTTP/1.1\r\n').data('s2c', 'HTTP/1.1 200 OK\r\n').data('c2s', 'GET /b HT').data('c2s', 'TP/1.1\r\n').data('s2c', 'HTTP/1.1 404\r\n');
    const match = run(s, 'HTTP/1.1', { match: { dir: 's2c', offset: 0, length: 8, chunk: 1 } })!;
    const view = new ConversationView(s, FLOW_ID, DEFAULT_SETTINGS, 80, 2);
    view.highlight = { text: 'HTTP/1.1' };
    view.showOffset(match.dir, match.offset);
    const rows = view.lines();
    expect(rows[0].text).toBe('> GET /b HTTP/1.1');
    expect(rows[0].matches).toEqual([[9, 17]]);
  });

  test('hex highlight marks the matched bytes and their ASCII cells', () => {
    const s = new FakeSource().data('c2s', 'abc\r\ndef');
    const view = new ConversationView(s, FLOW_ID, { ...DEFAULT_SETTINGS, mode: 'hex' }, 100, 5);
    view.highlight = { bytes: { dir: 'c2s', offset: 3, length: 2 } };
    const row = view.lines()[1];
    expect(row.matches.map(([a, b]) => row.text.slice(a, b))).toEqual(['0d', '.', '0a', '.']);
  });
});

test('highlightFor: escaped text in text modes, the match bytes in hex', () => {
  const match = { dir: 'c2s' as const, offset: 4, length: 2, chunk: 0 };
  expect(highlightFor('a\\b', DEFAULT_SETTINGS, match)).toEqual({ text: 'a\\\\b', ignoreCase: true, current: match });
  expect(highlightFor('A\\b', DEFAULT_SETTINGS, undefined)).toEqual({ text: 'A\\\\b', ignoreCase: false });
  expect(highlightFor('0d0a', { ...DEFAULT_SETTINGS, mode: 'hex' }, match)).toEqual({ bytes: { dir: 'c2s', offset: 4, length: 2 }, current: match });
  expect(highlightFor('', DEFAULT_SETTINGS, undefined)).toBeUndefined();
});

describe('search through readInto', () => {
  /** The fake with the store's optional `readInto`, counting its calls. */
  class IntoSource extends FakeSource {
    intoCalls = 0;
    readInto(flowId: number, dir: Direction, offset: number, into: Uint8Array, at: number, length: number): number {
      this.intoCalls++;
      const bytes = this.read(flowId, dir, offset, length);
      into.set(bytes, at);
      return bytes.length;
    }
  }

  test('gives the same matches as read, reusing its buffer', () => {
    const s = new IntoSource().data('c2s', 'GET /a HTTP/1.1\r\n').data('s2c', 'HTTP/1.1 200 OK\r\n').data('c2s', 'GET /b HT').gap('s2c', 10).data('c2s', 'TP/1.1\r\n');
    const forward = all(s, 'HTTP/1.1').map((m) => [m.dir, m.offset]);
    const backward = all(s, 'HTTP/1.1', true).map((m) => [m.dir, m.offset]);
    expect(forward).toEqual([
      ['c2s', 7],
      ['s2c', 0],
      ['c2s', 24],
    ]);
    expect(backward).toEqual([...forward].reverse());
    expect(s.intoCalls).toBeGreaterThan(0);
  });
});

describe('smart case', () => {
  const headers = () =>
    new FakeSource()
      .data('c2s', 'GET / HTTP/1.1\r\nX-Request-Id: 1\r\n')
      .data('s2c', 'HTTP/1.1 200 OK\r\nx-request-id: 2\r\n')
      .data('c2s', 'GET /x-REQUEST-')
      .data('c2s', 'id HTTP/1.1\r\n');

  test('a query without an upper-case letter finds ASCII letters of either case, across chunks, both ways', () => {
    const forward = all(headers(), 'x-request-id').map((m) => [m.dir, m.offset, m.length]);
    expect(forward).toEqual([
      ['c2s', 16, 12],
      ['s2c', 17, 12],
      ['c2s', 38, 12],
    ]);
    expect(all(headers(), 'x-request-id', true).map((m) => [m.dir, m.offset, m.length])).toEqual([...forward].reverse());
  });

  test('a query with an upper-case letter matches exactly', () => {
    expect(all(headers(), 'X-Request-Id').map((m) => [m.dir, m.offset])).toEqual([['c2s', 16]]);
    expect(all(headers(), 'X-Request-Id', true).map((m) => [m.dir, m.offset])).toEqual([['c2s', 16]]);
    expect(all(headers(), 'x-Request-id')).toEqual([]);
  });

  test('bytes other than ASCII letters match exactly; other encodings fold their own letters', () => {
    const latin = new FakeSource().data('c2s', new Uint8Array(Buffer.from('CAFÉ café', 'latin1')));
    const settings = { ...DEFAULT_SETTINGS, encoding: 'latin1' as const };
    const found = new ConversationSearch(latin, FLOW_ID, searchPattern('café', settings)!, false, { chunk: 0 }, ['c2s']).step();
    expect(found.match).toMatchObject({ offset: 5 });
    const ebcdic = new FakeSource().data('c2s', new Uint8Array([0x40, 0xc8, 0xc5, 0xd3, 0xd3, 0xd6])); // " HELLO" in CP037
    const cp037 = { ...DEFAULT_SETTINGS, encoding: 'cp037' as const };
    expect(new ConversationSearch(ebcdic, FLOW_ID, searchPattern('hello', cp037)!, false, { chunk: 0 }, ['c2s']).step().match).toMatchObject({ offset: 1, length: 5 });
  });

  test('hex mode: bytes written in hex match exactly; text there keeps smart case', () => {
    const s = new FakeSource().data('c2s', 'AB ab\r\n');
    expect(run(s, '6162', { chunk: 0 }, false, ['c2s'], 'hex')).toMatchObject({ offset: 3, length: 2 });
    expect(run(s, '4142', { chunk: 0 }, false, ['c2s'], 'hex')).toMatchObject({ offset: 0, length: 2 });
    expect(searchPattern('0d0a', { ...DEFAULT_SETTINGS, mode: 'hex' })).toEqual({ bytes: new Uint8Array([0x0d, 0x0a]) });
    expect(run(s, 'b ab', { chunk: 0 }, false, ['c2s'], 'hex')).toMatchObject({ offset: 1, length: 4 });
  });

  test('the view highlights a caseless match in text mode; an upper-case query only exact ones', () => {
    const s = new FakeSource().data('c2s', 'X-Request-Id: 1\r\nx-request-id: 2\r\n');
    const view = new ConversationView(s, FLOW_ID, DEFAULT_SETTINGS, 80, 4);
    const match = run(s, 'x-request-id', { chunk: 0 })!;
    expect(match).toMatchObject({ offset: 0, length: 12 });
    view.highlight = highlightFor('x-request-id', DEFAULT_SETTINGS, match);
    view.showOffset(match.dir, match.offset);
    const rows = view.lines().filter((row) => row.kind === 'data');
    expect(rows.slice(0, 2).map((row) => row.matches.map(([a, b]) => row.text.slice(a, b)))).toEqual([['X-Request-Id'], ['x-request-id']]);
    view.highlight = highlightFor('X-Request-Id', DEFAULT_SETTINGS, match);
    expect(view.lines().filter((row) => row.kind === 'data').slice(0, 2).map((row) => row.matches.map(([a, b]) => row.text.slice(a, b)))).toEqual([['X-Request-Id'], []]);
  });
});

describe('the = rows of the raw modes (gaps, notes, the start and the end)', () => {
  const rowsFlow = () =>
    new FakeSource()
      .data('c2s', 'abc\n') // 0
      .gap('s2c', 392_464) // 1
      .data('s2c', 'def\n') // 2
      .note('conflicting retransmission: the gap survived')
      .data('c2s', 'xyz\n') // 3
      .close('c2s')
      .close('s2c')
      .finish('fin');

  /** Every match in display order by repeated `n` (`N`, backward), the rows searched too. */
  function allRows(source: FakeSource, query: string, backward = false, mode: 'text' | 'hex' = 'text'): SearchMatch[] {
    const found: SearchMatch[] = [];
    const settings = { ...DEFAULT_SETTINGS, mode };
    let start: SearchStart = { chunk: backward ? source.chunks.length - 1 : 0 };
    for (let i = 0; i < 100; i++) {
      const status = finishSearch(new ConversationSearch(source, FLOW_ID, searchPattern(query, settings)!, backward, start, ['c2s', 's2c'], settings));
      if (!status.match || status.wrapped) return found;
      found.push(status.match);
      start = { match: status.match };
    }
    throw new Error('no end');
  }

  const where = (m: SearchMatch) => (m.unit ? `${m.unit.kind}${m.unit.kind === 'chunk' ? m.unit.chunk : ''}:${m.offset}` : `${m.dir}@${m.offset}`);

  test('a gap row is found where it is shown; without the rows (the old search) it is not', () => {
    const source = rowsFlow();
    expect(allRows(source, 'gap').map(where)).toEqual(['chunk1:0', 'note:0']);
    expect(all(source, 'gap')).toEqual([]);
    expect(allRows(source, '392,464').map(where)).toEqual(['chunk1:0']);
  });

  test('rows and bytes in display order, forward and backward alike', () => {
    const source = rowsFlow();
    // `c`: the start row (connected), abc, the note (conflicting), the FIN rows and the end (closed).
    const forward = allRows(source, 'c').map(where);
    expect(forward).toEqual(['head:0', 'c2s@2', 'note:0', 'tail:0', 'tail:1', 'tail:2']);
    expect(allRows(source, 'c', true).map(where)).toEqual(forward.slice().reverse());
    // From a byte match, n goes on to the rows after it, then the bytes after those.
    expect(allRows(source, 'e').map(where)).toEqual(['head:0', 'chunk1:0', 's2c@392465', 'note:0', 'tail:0', 'tail:1', 'tail:2']);
  });

  test('the view shows a matched row at the top; its text is highlighted', () => {
    const source = rowsFlow();
    const [gap] = allRows(source, 'gap');
    const view = new ConversationView(source, FLOW_ID, DEFAULT_SETTINGS, 80, 3);
    view.highlight = highlightFor('gap', DEFAULT_SETTINGS, gap);
    view.showUnit(gap.unit!);
    const top = view.lines()[0];
    expect(top.text).toBe('= gap of 392,464 bytes (server)');
    expect(top.matches).toEqual([[2, 5]]);
  });

  test('in hex mode a matched row is highlighted too, and data rows only at the match bytes', () => {
    const source = rowsFlow();
    const hex = { ...DEFAULT_SETTINGS, mode: 'hex' as const };
    const [gap] = allRows(source, 'gap', false, 'hex');
    const view = new ConversationView(source, FLOW_ID, hex, 80, 3);
    view.highlight = highlightFor('gap', hex, gap);
    view.showUnit(gap.unit!);
    const top = view.lines()[0];
    expect(top.text).toBe('= gap of 392,464 bytes (server)');
    expect(top.matches).toEqual([[2, 5]]);
    expect(top.current).toEqual([[2, 5]]);
    // A hex query is bytes only: no row is searched, none marked.
    expect(highlightFor('67 61 70', hex, gap)).toEqual({ bytes: { dir: gap.dir, offset: gap.offset, length: 0 }, current: gap });
  });
});

describe('hex queries', () => {
  const hex = { ...DEFAULT_SETTINGS, mode: 'hex' as const };
  test('pairs of hex digits (spaces allowed) are bytes in hex mode only', () => {
    expect(['0d0a', '0d 0a', ' 0D0a '].map((q) => isHexQuery(q, hex))).toEqual([true, true, true]);
    expect(['0d0', 'GET', '', ' '].map((q) => isHexQuery(q, hex))).toEqual([false, false, false, false]);
    expect(isHexQuery('0d0a', DEFAULT_SETTINGS)).toBe(false);
    expect(searchPattern('0d 0a', hex)).toEqual({ bytes: new Uint8Array([0x0d, 0x0a]) });
  });

  test('an odd count of hex digits in hex mode gets the hint, nothing else does', () => {
    expect(hexPairsHint('0d 0', hex)).toBe('hex search takes pairs of hex digits: 0d0a');
    expect(['0d0a', 'GET', '', ' '].map((q) => hexPairsHint(q, hex))).toEqual([undefined, undefined, undefined, undefined]);
    expect(hexPairsHint('0d0', DEFAULT_SETTINGS)).toBeUndefined();
  });
});
