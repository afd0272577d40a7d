/**
 * Where the parsers' notes go in the messages mode: a note of direction `dir` at `offset` belongs
 * to the first unit (an HTTP exchange, a line protocol's item) whose message in `dir` ends after
 * `offset`; the notes of no unit go after the last one. A parser reads its direction in order and
 * units are appended in that order, so the ends of one direction's messages only grow from unit
 * to unit: a unit's notes are those between the end of the direction's message in the units
 * before it and the end of its own, found by binary search, never by a scan of every note.
 * Within its unit a note goes before the message it comes before, or after the one it is in.
 */
import type { Direction } from '../../core/types.js';
import type { FlowMessages } from '../../messages/flowMessages.js';
import type { StreamNote } from '../../messages/types.js';
import { escapeText } from '../../render/escape.js';
import { formatCount } from '../../core/count.js';
import type { MessageLine } from './messageLines.js';
import type { Side } from './lineText.js';
import { gapText } from './renderUnit.js';

const DIRECTIONS: readonly Direction[] = ['c2s', 's2c'];
const NONE: readonly StreamNote[] = [];

/** Where unit `index`'s last message in `dir` ends (its stream offset past it), undefined when the unit has none in `dir`. */
export type MessageEnd = (index: number, dir: Direction) => number | undefined;

/** A flow's notes placed with its units, for one state of the flow (made again when it changes). */
export class UnitNotes {
  private readonly byDir: Record<Direction, readonly StreamNote[]>;

  /** `notes` sorted by offset within each direction (what `FlowMessages.notes()` returns). */
  constructor(notes: readonly StreamNote[], private readonly endOf: MessageEnd) {
    this.byDir = notes.length === 0 ? { c2s: NONE, s2c: NONE } : { c2s: notes.filter((n) => n.dir === 'c2s'), s2c: notes.filter((n) => n.dir === 's2c') };
  }

  /** The notes of unit `index`, c2s first, each direction by offset; the same array when there are none. */
  of(index: number): readonly StreamNote[] {
    let out = NONE;
    for (const dir of DIRECTIONS) {
      const notes = this.byDir[dir];
      if (notes.length === 0) continue;
      const end = this.endOf(index, dir);
      if (end === undefined || notes[0].offset >= end) continue;
      const from = firstAtOrAfter(notes, this.endBefore(index, dir));
      const to = firstAtOrAfter(notes, end);
      if (from < to) out = out === NONE ? notes.slice(from, to) : [...out, ...notes.slice(from, to)];
    }
    return out;
  }

  /** The notes of no unit before `count`: those after the last shown unit's messages. */
  after(count: number): readonly StreamNote[] {
    let out = NONE;
    for (const dir of DIRECTIONS) {
      const notes = this.byDir[dir];
      if (notes.length === 0) continue;
      const from = firstAtOrAfter(notes, this.endBefore(count, dir));
      if (from < notes.length) out = [...out, ...notes.slice(from)];
    }
    return out;
  }

  /** Where the message in `dir` of the last unit before `index` that has one ends; 0 when none has. */
  private endBefore(index: number, dir: Direction): number {
    for (let i = index - 1; i >= 0; i--) {
      const end = this.endOf(i, dir);
      if (end !== undefined) return end;
    }
    return 0;
  }
}

/**
 * The parsers' notes of `messages` that the messages mode shows: all but those where a direction
 * turned to TLS (`TLS from here` after STARTTLS, `tunnel after CONNECT`), which the line after
 * the hellos says once for both sides (`TLS after STARTTLS: 845 bytes from the client...`).
 */
export function shownNotes(messages: FlowMessages): StreamNote[] {
  return messages.notes().filter((note) => note.gap !== undefined || note.offset !== messages.tlsAfterAt(note.dir));
}

/**
 * A note's line (escaped): `note (server, at byte 853): resumed at this message start` (its
 * side's stream offset); a gap's as the raw
 * modes say it, of its side (`side`), then what the parser did: `gap of 238 bytes (server): looking
 * for the next message start`.
 */
export function noteLine(note: StreamNote, side: (dir: Direction) => Side): MessageLine {
  if (note.gap !== undefined) {
    const of = side(note.dir);
    return { side: 'event', kind: 'gap', text: `${gapText(note.gap, of, false)}${note.text === '' ? '' : `: ${escapeText(note.text)}`}`, of };
  }
  return { side: 'event', kind: 'note', text: `note (${side(note.dir)}, at byte ${formatCount(note.offset)}): ${escapeText(note.text)}` };
}

/** Pushes a unit's notes (those of {@link UnitNotes.of}) in place among its messages' lines, each once. */
export class NotePlacer {
  private readonly next: Record<Direction, number> = { c2s: 0, s2c: 0 };

  /** `side`: whose a direction is (a gap's line names it). */
  constructor(private readonly notes: readonly StreamNote[], private readonly side: (dir: Direction) => Side) {}

  /** The notes of `dir` at or before `offset` not pushed yet (before a message starting at `offset`). */
  before(dir: Direction, offset: number, out: MessageLine[]): void {
    this.upTo(dir, offset + 1, out);
  }

  /** The notes of `dir` before `offset` not pushed yet (after a message ending at `offset`). */
  upTo(dir: Direction, offset: number, out: MessageLine[]): void {
    if (this.notes.length === 0) return;
    let i = this.notes.findIndex((note) => note.dir === dir);
    if (i < 0) return;
    i += this.next[dir];
    for (; i < this.notes.length && this.notes[i].dir === dir && this.notes[i].offset < offset; i++, this.next[dir]++) out.push(noteLine(this.notes[i], this.side));
  }

  /** Every note not pushed yet. */
  rest(out: MessageLine[]): void {
    this.upTo('c2s', Infinity, out);
    this.upTo('s2c', Infinity, out);
  }
}

/** The index of the first note of `notes` (sorted by offset) at or after `offset`. */
function firstAtOrAfter(notes: readonly StreamNote[], offset: number): number {
  let lo = 0;
  let hi = notes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (notes[mid].offset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
