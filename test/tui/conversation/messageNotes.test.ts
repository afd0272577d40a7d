import { describe, expect, it } from 'vitest';
import type { Direction } from '../../../src/core/types.js';
import type { StreamNote } from '../../../src/messages/types.js';
import { UnitNotes } from '../../../src/tui/conversation/messageNotes.js';

/** Units by their messages' ends per direction (undefined: no message in that direction). */
function placed(ends: { c2s?: number; s2c?: number }[], notes: StreamNote[]) {
  const unitNotes = new UnitNotes(notes, (index, dir: Direction) => ends[index][dir]);
  return { of: (index: number) => unitNotes.of(index).map((n) => n.text), after: (count: number) => unitNotes.after(count).map((n) => n.text) };
}

const note = (dir: Direction, offset: number, text: string): StreamNote => ({ dir, offset, text });

describe('notes placed with the first unit whose message in their direction ends after them', () => {
  it('a response lost in a gap: its notes go to the next exchange that has a response', () => {
    // Exchange 0 has no response (lost); exchange 1's response is s2c [853, 1706).
    const units = placed([{ c2s: 144 }, { c2s: 288, s2c: 1706 }, { c2s: 432, s2c: 2559 }], [note('s2c', 0, 'gap'), note('s2c', 853, 'resumed')]);
    expect(units.of(0)).toEqual([]);
    expect(units.of(1)).toEqual(['gap', 'resumed']);
    expect(units.of(2)).toEqual([]);
    expect(units.after(3)).toEqual([]);
  });

  it('a note at a message end belongs to the next message; past the last one it is after the units', () => {
    const units = placed([{ c2s: 10, s2c: 20 }, { c2s: 30, s2c: 40 }], [note('c2s', 10, 'at the end of the first request'), note('s2c', 40, 'after the last response'), note('s2c', 5, 'in the first response')]
      .sort((a, b) => a.offset - b.offset));
    expect(units.of(0)).toEqual(['in the first response']);
    expect(units.of(1)).toEqual(['at the end of the first request']);
    expect(units.after(2)).toEqual(['after the last response']);
    // Fewer units shown (a cut): the notes of the ones left out come after.
    expect(units.after(1)).toEqual(['at the end of the first request', 'after the last response']);
  });

  it('line items of both directions interleaved: each note goes to an item of its own direction', () => {
    const units = placed([{ s2c: 30 }, { c2s: 12 }, { s2c: 50 }, { c2s: 40 }], [note('c2s', 12, 'c2s gap'), note('s2c', 30, 's2c gap')]);
    expect([0, 1, 2, 3].map(units.of)).toEqual([[], [], ['s2c gap'], ['c2s gap']]);
    expect(units.after(4)).toEqual([]);
    expect(units.after(3)).toEqual(['c2s gap']);
  });
});
