import { describe, expect, test } from 'vitest';
import { MatchCounter, MAX_COUNTED } from '../../../src/tui/conversation/matchCount.js';
import { ConversationSearch, searchPattern, type SearchMatch, type SearchStart, type SearchStatus } from '../../../src/tui/conversation/search.js';
import { DEFAULT_SETTINGS } from '../../../src/tui/conversation/settings.js';
import type { Direction } from '../../../src/core/types.js';
import { FakeSource, FLOW_ID } from './fakeSource.js';

/** Every match in display order, by repeated `n` up to the end (as the search finds them). */
function all(source: FakeSource, query: string, dirs: Direction[]): SearchMatch[] {
  const found: SearchMatch[] = [];
  let start: SearchStart = { chunk: 0 };
  for (;;) {
    const search = new ConversationSearch(source, FLOW_ID, searchPattern(query, DEFAULT_SETTINGS)!, false, start, dirs);
    let status: SearchStatus = search.step();
    while (!status.done) status = search.step();
    if (!status.match || status.wrapped) return found;
    found.push(status.match);
    start = { match: status.match };
  }
}

function counted(source: FakeSource, query: string, dirs: Direction[] = ['c2s', 's2c'], settings?: typeof DEFAULT_SETTINGS, stepBudget = 1): MatchCounter {
  const pattern = searchPattern(query, DEFAULT_SETTINGS)!;
  const counter = settings ? new MatchCounter(source, FLOW_ID, pattern, dirs, settings) : new MatchCounter(source, FLOW_ID, pattern, dirs);
  let steps = 0;
  while (!counter.step(stepBudget)) if (++steps > 10_000) throw new Error('count did not finish');
  return counter;
}

const conversation = () =>
  new FakeSource()
    .data('c2s', 'GET /a HTTP/1.1\r\n')
    .data('s2c', 'HTTP/1.1 200 OK\r\n')
    .data('c2s', 'GET /b HT')
    .gap('s2c', 10)
    .data('c2s', 'TP/1.1\r\n')
    .data('s2c', 'HTTP/1.1 404\r\nhttp/1.1')
    .gap('c2s', 5)
    .data('c2s', 'aaaa');

describe('match count', () => {
  test('numbers each match the search finds, in display order, of all of them (across chunks, not gaps)', () => {
    for (const [query, dirs] of [['HTTP/1.1', ['c2s', 's2c']], ['http/1.1', ['c2s', 's2c']], ['HTTP', ['s2c']], ['aa', ['c2s']]] as const) {
      const source = conversation();
      const found = all(source, query, [...dirs]);
      expect(found.length).toBeGreaterThan(1);
      const counter = counted(source, query, [...dirs]);
      expect(found.map((m) => counter.describe(m))).toEqual(found.map((_, i) => `match ${i + 1} of ${found.length}`));
    }
    // Overlapping matches count, as `n` finds them: `aa` three times in `aaaa`.
    expect(all(conversation(), 'aa', ['c2s'])).toHaveLength(3);
  });

  test('says nothing before the count is done', () => {
    const source = conversation();
    const counter = new MatchCounter(source, FLOW_ID, searchPattern('HTTP', DEFAULT_SETTINGS)!, ['c2s', 's2c']);
    expect(counter.describe(all(source, 'HTTP', ['c2s', 's2c'])[0])).toBe('');
  });

  test('matches across the 1 MiB slices the count reads, each counted once', () => {
    const mib = 1 << 20;
    const bytes = Buffer.alloc(3 * mib + 100, 'x');
    // Starts just before, at and after slice ends (a match may be cut by one).
    const starts = [0, mib - 3, mib + 3, 2 * mib, 3 * mib - 5, 3 * mib + 94];
    for (const at of starts) bytes.write('NEEDLE', at, 'latin1');
    const source = new FakeSource().data('c2s', bytes);
    const counter = counted(source, 'needle');
    const found = all(source, 'needle', ['c2s']);
    expect(found.map((m) => m.offset)).toEqual(starts);
    expect(counter.describe(found[2])).toBe(`match 3 of 6`);
    expect(counted(source, 'NEEDLE').describe(found[5])).toBe('match 6 of 6');
  });

  test('a flow that grew is counted on from where the count stopped, a match across the old end too', () => {
    const source = new FakeSource().data('c2s', 'aaa need');
    const counter = counted(source, 'needle');
    source.data('c2s', 'le, and a needle');
    counter.grow();
    while (!counter.step(1));
    const found = all(source, 'needle', ['c2s']);
    expect(found.map((m) => m.offset)).toEqual([4, 18]);
    expect(found.map((m) => counter.describe(m))).toEqual(['match 1 of 2', 'match 2 of 2']);
  });

  test(`stops at ${MAX_COUNTED} matches and says there are more`, () => {
    const source = new FakeSource().data('c2s', 'ab'.repeat(MAX_COUNTED + 5));
    const counter = counted(source, 'ab');
    const first = all(new FakeSource().data('c2s', 'ab'), 'ab', ['c2s'])[0];
    expect(counter.describe(first)).toBe('match 1 of 10,000+');
  });
});

describe('match count with the = rows', () => {
  test('rows count as the search finds them: match 2 of 3 on a gap row', () => {
    const source = new FakeSource().data('c2s', 'gap in bytes\n').gap('s2c', 10).data('s2c', 'x\n').note('a gap note').finish('fin');
    const counter = counted(source, 'gap', ['c2s', 's2c'], DEFAULT_SETTINGS);
    expect(counter.describe({ dir: 's2c', offset: 0, length: 0, chunk: 1, unit: { kind: 'chunk', chunk: 1, span: 0 } })).toBe('match 2 of 3');
    expect(counter.describe({ dir: 'c2s', offset: 0, length: 0, chunk: 2.5, unit: { kind: 'note', note: 0 } })).toBe('match 3 of 3');
    // Without the rows: the bytes only.
    expect(counted(source, 'gap').describe({ dir: 'c2s', offset: 0, length: 3, chunk: 0 })).toBe('match 1 of 1');
  });

  test(`a row past ${MAX_COUNTED} matches says there are more`, () => {
    const source = new FakeSource().data('c2s', 'ab'.repeat(MAX_COUNTED)).note('ab once more').finish('fin');
    const counter = counted(source, 'ab', ['c2s', 's2c'], DEFAULT_SETTINGS, 1 << 20);
    expect(counter.describe({ dir: 'c2s', offset: 0, length: 2, chunk: 0 })).toBe('match 1 of 10,000+');
  });
});
