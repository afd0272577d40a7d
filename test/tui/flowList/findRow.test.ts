import { describe, expect, it } from 'vitest';
import { findNext, matchExcerpt, searchedRowText } from '../../../src/tui/flowList/findRow.js';
import type { ListedFlow } from '../../../src/tui/flowList/source.js';

/** A list of text rows with a focus. */
function rows(texts: string[], focusIndex: number) {
  return { length: texts.length, focusIndex, rows: (top: number, height: number) => texts.slice(top, top + height) };
}

describe('list find', () => {
  const texts = Array.from({ length: 1200 }, (_, i) => (i % 100 === 7 ? `row ${i} POST /x` : `row ${i} GET /y`));
  const find = (query: string, focus: number, backward = false) => {
    const hit = findNext(rows(texts, focus), query, backward, (t) => t);
    return hit && [hit.index, hit.ordinal, hit.total];
  };

  it.each([
    ['POST', 0, false, [7, 1, 12]],
    ['POST', 7, false, [107, 2, 12]],
    ['POST', 1107, false, [7, 1, 12]],
    ['POST', -1, false, [7, 1, 12]],
    ['POST', 107, true, [7, 1, 12]],
    ['POST', 7, true, [1107, 12, 12]],
    ['POST', 600, true, [507, 6, 12]],
    ['post', 0, false, [7, 1, 12]],
    ['Post', 0, false, undefined],
    ['row 1199 ', 1199, false, [1199, 1, 1]],
    ['', 0, false, undefined],
  ])('%j from %i (backward: %s) is %j', (query, focus, backward, want) => {
    expect(find(query, focus, backward)).toEqual(want);
  });

  it('an excerpt shows the match with text either side, cut where marked', () => {
    const summary = 'GET /reports/2025/annual.csv → 200';
    expect(matchExcerpt(summary, 'annual', 20, '…')).toBe('…s/2025/annual.csv → …');
    expect(matchExcerpt(summary, 'GET', 10, '…')).toBe('GET /repor…');
    expect(matchExcerpt(summary, '200', 10, '…')).toBe('….csv → 200');
    expect(matchExcerpt('short', 'or', 40, '…')).toBe('short');
    expect(matchExcerpt('\\x1b[2J', '\x1b', 40, '…')).toBe('\\x1b[2J');
    // No half of an emoji at either edge.
    for (let columns = 4; columns < 12; columns++) {
      const excerpt = matchExcerpt('😀😀😀😀 annual 😀😀😀😀', 'annual', columns, '…');
      expect(excerpt).toContain('annual');
      expect(excerpt).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    }
  });
});

describe('the text a list find searches', () => {
  it('holds the endpoints as the rows show them: an IPv6 address in brackets, escaped', () => {
    const flow = (client: string, server: string): ListedFlow => ({
      id: 1, key: { client: { addr: client, port: 50100 }, server: { addr: server, port: 7777 } }, sawHandshake: true, connecting: false, startTs: 0, lastTs: 0,
      bytesC2s: 0, bytesS2c: 0, closedC2s: false, closedS2c: false, end: undefined, notes: [], gaps: 0, chunkCount: 0,
    });
    const v6 = searchedRowText(flow('2001:db8:1::23', '2001:db8:2::7'), 'GET /');
    expect(v6).toBe('[2001:db8:1::23]:50100 [2001:db8:2::7]:7777 open GET /');
    expect(v6).not.toContain('23:50100');
    expect(searchedRowText(flow('10.0.0.1', 'evil\x1b[2J'), '')).toBe('10.0.0.1:50100 evil\\x1b[2J:7777 open ');
  });
});
