import { describe, expect, it, vi } from 'vitest';
import type { MessageLine, MessageUnits } from '../../../src/tui/conversation/messageLines.js';
import type { FlowChunks } from '../../../src/tui/conversation/rawLines.js';
import { placeTimedLines, withTimedLines } from '../../../src/tui/conversation/timedLines.js';

/** Units of lines `[text, chunk]` (the chunk a line's first byte is in; none: no byte), each unit tagged with its exchange. */
function unitsOf(units: [string, number?][][]): MessageUnits {
  const at = (chunk: number | undefined) => (chunk === undefined ? undefined : { dir: 'c2s' as const, offset: chunk });
  return {
    count: units.length,
    version: (i) => `v${i}`,
    settled: () => true,
    stop: () => true,
    lines: (i) => units[i].map(([text, chunk]) => ({ side: 'client', kind: 'data', text, at: at(chunk), exchange: i })),
    starts: (i) => [{ ...at(units[i][0][1])!, role: 'request' as const }],
    notesAfter: () => [],
  };
}

/** A chunk index where the byte at offset N is in chunk N. */
const CHUNKS: FlowChunks = { chunk: () => undefined, chunkAt: (_dir, offset) => offset };

/** A FIN that came before chunk `chunk`. */
const fin = (chunk: number): MessageLine => ({ side: 'event', kind: 'event', text: 'client closed its side (FIN)', chunk });

describe('placeTimedLines', () => {
  const units = unitsOf([[['GET /a', 10], ['200', 20]], [['GET /b', 30], ['body'], ['200', 40]]]);
  const texts = (placed: MessageUnits, i: number): string[] => placed.lines(i).map((l) => l.text);

  it('puts a line between a request and its response, tagged with the exchange, and counts it in the version', () => {
    const { units: placed, rest } = placeTimedLines(units, [fin(35)], CHUNKS);
    expect(texts(placed, 1)).toEqual(['GET /b', 'body', 'client closed its side (FIN)', '200']);
    expect(placed.lines(1)[2].exchange).toBe(1);
    expect(placed.version(1)).not.toBe(units.version(1));
    expect(texts(placed, 0)).toEqual(['GET /a', '200']);
    expect(rest).toEqual([]);
  });

  it('builds each unit\'s lines once while placing, however many lines land near it', () => {
    let builds = 0;
    const counted: MessageUnits = { ...units, lines: (i) => (builds++, units.lines(i)) };
    const many = Array.from({ length: 50 }, (_, i) => fin(31 + i / 100));
    const { units: placed } = placeTimedLines(counted, many, CHUNKS);
    expect(builds).toBeLessThanOrEqual(2);
    expect(texts(placed, 1).filter((t) => t.includes('FIN'))).toHaveLength(50);
  });

  it('keeps the lines at one place in their order, and sorts a unit\'s placed lines once, not per look', () => {
    const named = (text: string, ts: number): MessageLine => ({ ...fin(ts), text });
    const { units: placed } = placeTimedLines(units, [named('a', 35), named('b', 35.5), named('c', 31)], CHUNKS);
    const sort = vi.spyOn(Array.prototype, 'sort');
    try {
      expect(texts(placed, 1)).toEqual(['GET /b', 'body', 'a', 'b', 'c', '200']);
      expect(texts(placed, 1)).toEqual(['GET /b', 'body', 'a', 'b', 'c', '200']);
      expect(sort).not.toHaveBeenCalled();
    } finally {
      sort.mockRestore();
    }
  });

  it('puts a line before the first unit started at or after its chunk, or before the unit\'s first line that did', () => {
    const { units: placed } = placeTimedLines(units, [fin(5), fin(21)], CHUNKS);
    expect(texts(placed, 0)).toEqual(['client closed its side (FIN)', 'GET /a', '200']);
    expect(texts(placed, 1)[0]).toBe('client closed its side (FIN)');
    const { units: between } = placeTimedLines(units, [fin(20)], CHUNKS);
    expect(texts(between, 0)).toEqual(['GET /a', 'client closed its side (FIN)', '200']);
  });

  it('leaves every line for after the units without a chunk index', () => {
    const { units: placed, rest } = placeTimedLines(units, [fin(5)], undefined);
    expect(rest.map((l) => l.text)).toEqual(['client closed its side (FIN)']);
    expect(texts(placed, 0)).toEqual(['GET /a', '200']);
  });

  it('leaves a line no unit came after for after the units', () => {
    const { units: placed, rest } = placeTimedLines(units, [fin(50)], CHUNKS);
    expect(rest.map((l) => l.text)).toEqual(['client closed its side (FIN)']);
    expect(texts(placed, 1)).toEqual(['GET /b', 'body', '200']);
  });
});

describe('withTimedLines', () => {
  it('puts the lines no unit came after before the tail\'s first line with a chunk at or after theirs, past lines without one', () => {
    const tail: MessageLine[] = [{ side: 'event', kind: 'event', text: 'TLS: 10 bytes' }, { side: 'event', kind: 'event', text: 'end', chunk: 60 }];
    expect(withTimedLines(tail, [fin(50), fin(70)]).map((l) => `${l.text}${l.chunk ?? ''}`)).toEqual(['TLS: 10 bytes', 'client closed its side (FIN)50', 'end60', 'client closed its side (FIN)70']);
  });

  it('puts a line before the flow\'s end lines (the flow\'s chunk count), whatever their times', () => {
    const tail: MessageLine[] = [{ side: 'event', kind: 'event', text: 'end', ts: 60, chunk: 9 }];
    expect(withTimedLines(tail, [{ ...fin(9), ts: 70 }]).map((l) => `${l.text}${l.ts ?? ''}`)).toEqual(['client closed its side (FIN)70', 'end60']);
  });
});
