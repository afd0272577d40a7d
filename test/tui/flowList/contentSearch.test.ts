import { describe, expect, it } from 'vitest';
import { ContentSearch, type Needle } from '../../../src/tui/flowList/contentSearch.js';
import { smartCaseBytes } from '../../../src/tui/byteMatcher.js';
import { FakeStore } from './fakeStore.js';

/** An exact needle (smart case is the filter's choice: see filter.test.ts). */
const bytes = (text: string, negated = false): Needle => ({ pattern: { bytes: new TextEncoder().encode(text) }, negated });

/** Runs a search to the end, `budget` bytes a step; returns the ids found and the steps taken. */
function runAll(search: ContentSearch, budget: number): { found: number[]; steps: number } {
  const found: number[] = [];
  let steps = 0;
  while (search.busy) {
    found.push(...search.step(budget));
    steps++;
    if (steps > 10_000) throw new Error('search does not end');
  }
  return { found, steps };
}

describe('ContentSearch', () => {
  it.each([
    ['in one chunk', [['c2s', 'GET /needle HTTP/1.1']], true],
    ['server side', [['c2s', 'GET /'], ['s2c', '200 needle']], true],
    ['across two contiguous chunks', [['c2s', 'xxnee'], ['c2s', 'dlexx']], true],
    ['across a direction change', [['c2s', 'nee'], ['s2c', 'zz'], ['c2s', 'dle']], true],
    ['not across a gap', [['c2s', 'nee'], ['c2s', 'GAP'], ['c2s', 'dle']], false],
    ['not split between directions', [['c2s', 'nee'], ['s2c', 'dle']], false],
    ['absent', [['c2s', 'haystack']], false],
  ])('%s', (_name, parts, expected) => {
    const store = new FakeStore();
    const flow = store.add();
    for (const [dir, text] of parts) {
      if (text === 'GAP') store.data(flow.id, 'c2s', new Uint8Array(5), true);
      else store.data(flow.id, dir as 'c2s' | 's2c', text);
    }
    const search = new ContentSearch(store, [bytes('needle')]);
    search.enqueue(flow.id);
    runAll(search, 2);
    expect(search.matches(flow.id)).toBe(expected);
  });

  it('ends when a flow\'s bytes cannot be read: the unreadable chunk does not match, later ones are searched', () => {
    const store = new FakeStore();
    store.add();
    store.data(1, 'c2s', 'unreadable');
    store.data(1, 's2c', 'the needle');
    const read = store.read.bind(store);
    store.read = (id, dir, offset, length) => {
      if (dir === 'c2s') throw new Error('EIO: spill file gone');
      return read(id, dir, offset, length);
    };
    const search = new ContentSearch(store, [bytes('needle')]);
    search.enqueue(1);
    expect(runAll(search, 4).found).toEqual([1]);
    const negated = new ContentSearch(store, [bytes('absent', true)]);
    negated.enqueue(1);
    expect(runAll(negated, 4).found).toEqual([]);
    expect(negated.matches(1)).toBe(false);
  });

  it('needs every needle, in either direction', () => {
    const store = new FakeStore();
    store.add();
    store.data(1, 'c2s', 'EHLO a');
    store.data(1, 's2c', '250 ok');
    store.add();
    store.data(2, 'c2s', 'EHLO b');
    const search = new ContentSearch(store, [bytes('EHLO'), bytes('250')]);
    search.enqueue(1);
    search.enqueue(2);
    expect(runAll(search, 1 << 20).found).toEqual([1]);
  });

  it('works in slices of about the budget, with progress, and searches only new bytes later', () => {
    const store = new FakeStore();
    for (let i = 0; i < 10; i++) {
      store.add();
      store.data(i + 1, 'c2s', 'a'.repeat(1000));
    }
    store.data(7, 's2c', 'the needle');
    const search = new ContentSearch(store, [bytes('needle')]);
    for (let id = 1; id <= 10; id++) search.enqueue(id);
    search.step(2500);
    expect(search.progress).toEqual({ flowsDone: 2, flowsQueued: 10, bytesSearched: 3000 });
    const { found, steps } = runAll(search, 2500);
    expect(found).toEqual([7]);
    expect(steps).toBeGreaterThan(2);
    expect(search.progress).toEqual({ flowsDone: 10, flowsQueued: 10, bytesSearched: 10_010 });
    store.data(3, 'c2s', 'needle');
    const before = store.bytesRead;
    search.enqueue(3);
    expect(runAll(search, 1 << 20).found).toEqual([3]);
    expect(store.bytesRead - before).toBe(6);
  });

  it('drops a flow that is gone, and refuses empty needles', () => {
    const store = new FakeStore();
    store.add();
    store.data(1, 'c2s', 'abc');
    const search = new ContentSearch(store, [bytes('b')]);
    search.enqueue(1);
    store.remove(1);
    expect(runAll(search, 10).found).toEqual([]);
    search.forget(1);
    expect(() => new ContentSearch(store, [])).toThrow(RangeError);
    expect(() => new ContentSearch(store, [{ pattern: { bytes: new Uint8Array(0) }, negated: false }])).toThrow(RangeError);
  });
});

describe('ContentSearch: negated needles (!~text)', () => {
  it('a flow without the needle matches only once all its bytes were searched, never from a partial scan', () => {
    const store = new FakeStore();
    store.add();
    for (let i = 0; i < 10; i++) store.data(1, 'c2s', 'x'.repeat(100));
    store.add();
    store.data(2, 'c2s', 'x'.repeat(900));
    store.data(2, 's2c', 'a Cookie: b');
    const search = new ContentSearch(store, [bytes('Cookie', true)]);
    search.enqueue(1);
    search.enqueue(2);
    const reported: number[] = [];
    let steps = 0;
    while (search.busy) {
      reported.push(...search.step(50));
      steps++;
      // Flow 1 is searched first: its 1000 bytes must all be read before it may match.
      if (search.progress.bytesSearched < 1000) expect(search.matches(1)).toBe(false);
    }
    expect(steps).toBeGreaterThan(5);
    expect(reported).toEqual([1]);
    expect(search.matches(1)).toBe(true);
    expect(search.matches(2)).toBe(false);
    expect(search.settled(2)).toBe(true);
  });

  it('a flow that later gets the needle stops matching; one refused stays refused', () => {
    const store = new FakeStore();
    store.add();
    store.data(1, 'c2s', 'GET / HTTP/1.1\r\n');
    const search = new ContentSearch(store, [bytes('GET'), bytes('Cookie', true)]);
    search.enqueue(1);
    expect(runAll(search, 4).found).toEqual([1]);
    store.data(1, 'c2s', 'Host: a\r\n');
    search.enqueue(1);
    expect(runAll(search, 4).found).toEqual([]);
    expect(search.matches(1)).toBe(true);
    store.data(1, 'c2s', 'Coo');
    store.data(1, 'c2s', 'kie: x\r\n');
    search.enqueue(1);
    expect(runAll(search, 4).found).toEqual([1]);
    expect(search.matches(1)).toBe(false);
    store.data(1, 'c2s', 'more');
    const before = store.bytesRead;
    search.enqueue(1);
    expect(search.busy).toBe(false);
    expect(store.bytesRead).toBe(before);
  });

  it('needs the positive needles too: a flow without them never matches', () => {
    const store = new FakeStore();
    store.add();
    store.data(1, 'c2s', 'POST /');
    const search = new ContentSearch(store, [bytes('GET'), bytes('Cookie', true)]);
    search.enqueue(1);
    expect(runAll(search, 1 << 20).found).toEqual([]);
    expect(search.matches(1)).toBe(false);
  });
});

describe('ContentSearch: smart case', () => {
  const caseless = (text: string, negated = false): Needle => ({ pattern: smartCaseBytes(new TextEncoder().encode(text)), negated });

  it.each([
    ['lower needle, mixed-case bytes straddling two chunks', 'x-request-id', ['GET / HTTP/1.1\r\nX-Requ', 'est-Id: 1\r\n'], true],
    ['lower needle, lower bytes straddling two chunks', 'x-request-id', ['x-requ', 'est-id: 1'], true],
    ['lower needle, upper bytes straddling two chunks', 'x-request-id', ['X-REQU', 'EST-ID: 1'], true],
    ['upper-case needle, exact bytes straddling two chunks', 'X-Request-Id', ['X-Requ', 'est-Id: 1'], true],
    ['upper-case needle, other-case bytes', 'X-Request-Id', ['x-requ', 'est-id: 1'], false],
    ['non-letters match exactly (@ is not `)', 'a@b', ['A`', 'B'], false],
    ['not across a gap', 'x-request-id', ['X-Requ', 'GAP', 'est-Id'], false],
  ])('%s', (_name, needle, parts, expected) => {
    const store = new FakeStore();
    store.add();
    for (const part of parts) {
      if (part === 'GAP') store.data(1, 'c2s', new Uint8Array(3), true);
      else store.data(1, 'c2s', part);
    }
    const search = new ContentSearch(store, [caseless(needle)]);
    search.enqueue(1);
    runAll(search, 3);
    expect(search.matches(1)).toBe(expected);
    const negated = new ContentSearch(store, [caseless(needle, true)]);
    negated.enqueue(1);
    runAll(negated, 3);
    expect(negated.matches(1)).toBe(!expected);
  });
});
