import { describe, expect, test } from 'vitest';
import { ByteMatcher } from '../../../src/tui/byteMatcher.js';
import { eventRows, EventRowSearch } from '../../../src/tui/conversation/eventRows.js';
import { renderStats } from '../../../src/tui/conversation/renderUnit.js';
import { searchPattern } from '../../../src/tui/conversation/search.js';
import { DEFAULT_SETTINGS } from '../../../src/tui/conversation/settings.js';
import { FakeSource, FLOW_ID } from './fakeSource.js';

const source = new FakeSource().data('c2s', 'gap in bytes\n').gap('s2c', 10).data('s2c', 'x\n').note('a gap note').finish('fin');
const rows = (query: string, backward = false): EventRowSearch => new EventRowSearch(source, FLOW_ID, new ByteMatcher(searchPattern(query, DEFAULT_SETTINGS)!), DEFAULT_SETTINGS, backward);

describe('EventRowSearch', () => {
  test('first: the first event row matching after a start (before it, backward), as a match with its unit', () => {
    const flow = source.getFlow(FLOW_ID)!;
    expect(rows('gap').first(flow, { chunk: 0 })).toEqual({ dir: 'c2s', offset: 0, length: 0, chunk: 2.5, unit: { kind: 'note', note: 0 } });
    expect(rows('gap', true).first(flow, { chunk: 0 })).toBeUndefined();
    expect(rows('no such row').first(flow, { chunk: 0 })).toBeUndefined();
  });

  test('gapAt: a gap chunk where the byte scan meets it (its start; its end, backward) whose row matches', () => {
    const match = { dir: 's2c', offset: 0, length: 0, chunk: 1, unit: { kind: 'chunk', chunk: 1, span: 0 } };
    expect(rows('gap').gapAt('s2c', 0, 1)).toEqual(match);
    expect(rows('gap', true).gapAt('s2c', 10, 1)).toEqual(match);
    expect(rows('gap').gapAt('s2c', 10, 1)).toBeUndefined();
    expect(rows('gap').gapAt('c2s', 0, 0)).toBeUndefined();
    expect(rows('no such row').gapAt('s2c', 0, 1)).toBeUndefined();
  });

  test('eventRows: every mark\'s row, the marks made once, not a rendered unit per mark', () => {
    const many = new FakeSource().data('c2s', 'a\n');
    for (let i = 0; i < 20; i++) many.note(`note ${i}`);
    many.finish('fin');
    const flow = many.getFlow(FLOW_ID)!;
    renderStats.unitsRendered = 0;
    const found = eventRows(many, FLOW_ID, flow, DEFAULT_SETTINGS).filter((row) => row.unit.kind === 'note');
    expect(found.map((row) => row.text).filter((text) => text.includes('note '))).toHaveLength(20);
    expect(found.map((row) => row.line)).toEqual([...found.keys()]);
    // The head and the tail only.
    expect(renderStats.unitsRendered).toBe(2);
  });
});
