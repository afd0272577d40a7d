import { describe, expect, it, vi } from 'vitest';
import type { MessageLine, MessageUnits } from '../../../src/tui/conversation/messageLines.js';
import { placeTimedLines, withTimedLines } from '../../../src/tui/conversation/timedLines.js';

/** Units of lines `[text, ts]`, each unit tagged with its exchange. */
function unitsOf(units: [string, number?][][]): MessageUnits {
  return {
    count: units.length,
    version: (i) => `v${i}`,
    settled: () => true,
    stop: () => true,
    lines: (i) => units[i].map(([text, ts]) => ({ side: 'client', kind: 'data', text, ts, exchange: i })),
    starts: () => [],
    notesAfter: () => [],
  };
}

const fin = (ts: number): MessageLine => ({ side: 'event', kind: 'event', text: 'client closed its side (FIN)', ts });

describe('placeTimedLines', () => {
  const units = unitsOf([[['GET /a', 10], ['200', 20]], [['GET /b', 30], ['body'], ['200', 40]]]);
  const texts = (placed: MessageUnits, i: number): string[] => placed.lines(i).map((l) => l.text);

  it('puts a line between a request and its response, tagged with the exchange, and counts it in the version', () => {
    const { units: placed, rest } = placeTimedLines(units, [fin(35)], undefined);
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
    const { units: placed } = placeTimedLines(counted, many, undefined);
    expect(builds).toBeLessThanOrEqual(2);
    expect(texts(placed, 1).filter((t) => t.includes('FIN'))).toHaveLength(50);
  });

  it('keeps the lines at one place in their order, and sorts a unit\'s placed lines once, not per look', () => {
    const named = (text: string, ts: number): MessageLine => ({ ...fin(ts), text });
    const { units: placed } = placeTimedLines(units, [named('a', 35), named('b', 35.5), named('c', 31)], undefined);
    const sort = vi.spyOn(Array.prototype, 'sort');
    try {
      expect(texts(placed, 1)).toEqual(['GET /b', 'body', 'a', 'b', 'c', '200']);
      expect(texts(placed, 1)).toEqual(['GET /b', 'body', 'a', 'b', 'c', '200']);
      expect(sort).not.toHaveBeenCalled();
    } finally {
      sort.mockRestore();
    }
  });

  it('puts a line before the first unit started after it; at an equal time, after the data', () => {
    const { units: placed } = placeTimedLines(units, [fin(5), fin(20)], undefined);
    expect(texts(placed, 0)).toEqual(['client closed its side (FIN)', 'GET /a', '200']);
    expect(texts(placed, 1)[0]).toBe('client closed its side (FIN)');
  });

  it('puts a note before the messages of its own time (a FIN after them)', () => {
    const note: MessageLine = { side: 'event', kind: 'alert', text: 'note: c2s sent after the server closed', ts: 30 };
    const { units: placed } = placeTimedLines(units, [fin(20), note], undefined);
    expect(texts(placed, 1)).toEqual(['client closed its side (FIN)', 'note: c2s sent after the server closed', 'GET /b', 'body', '200']);
  });

  it('leaves a line no unit came after for after the units', () => {
    const { units: placed, rest } = placeTimedLines(units, [fin(50)], undefined);
    expect(rest.map((l) => l.text)).toEqual(['client closed its side (FIN)']);
    expect(texts(placed, 1)).toEqual(['GET /b', 'body', '200']);
  });
});

describe('withTimedLines', () => {
  it('puts the lines no unit came after before the tail\'s first line timed at or after them, past untimed ones', () => {
    const tail: MessageLine[] = [{ side: 'event', kind: 'event', text: 'TLS: 10 bytes' }, { side: 'event', kind: 'event', text: 'end', ts: 60 }];
    expect(withTimedLines(tail, [fin(50), fin(70)]).map((l) => `${l.text}${l.ts ?? ''}`)).toEqual(['TLS: 10 bytes', 'client closed its side (FIN)50', 'end60', 'client closed its side (FIN)70']);
  });

  it('puts a line placed by its chunk before the flow\'s end lines (the flow\'s chunk count), whatever their times', () => {
    const tail: MessageLine[] = [{ side: 'event', kind: 'event', text: 'end', ts: 60, chunk: 9 }];
    expect(withTimedLines(tail, [{ ...fin(70), chunk: 9 }]).map((l) => `${l.text}${l.ts ?? ''}`)).toEqual(['client closed its side (FIN)70', 'end60']);
  });
});
