/**
 * The flow's timed `=` lines (a side's FIN, the flow's notes: see marks.ts) placed among the
 * messages mode's units where they came, as the raw modes place them among the chunks: a line
 * goes before the first unit that started at or after its chunk, or inside the unit before,
 * ahead of its first line that did (a FIN between a request and its response). A line no unit
 * came after (or, without the chunk index, every line) is left for the lines after the units
 * (see {@link withTimedLines}). Units are found by binary search on their starts, so a flow of
 * many exchanges costs a few look-ups per line, never a walk of every unit.
 */
import type { Direction } from '../../core/types.js';
import type { MessageLine, MessageUnits } from './messageLines.js';
import type { FlowChunks } from './rawLines.js';

/** The units with the timed lines placed in them, and the lines no unit came after (in order). */
export interface PlacedLines {
  readonly units: MessageUnits;
  readonly rest: readonly MessageLine[];
}

/**
 * Places `timed` (each with its `chunk`, in display order) in `units`, by the chunks their
 * starts and lines are in (through `chunks`). A unit's version counts the lines placed in it,
 * so a unit gets its lines again when one comes.
 */
export function placeTimedLines(units: MessageUnits, timed: readonly MessageLine[], chunks: FlowChunks | undefined): PlacedLines {
  if (timed.length === 0 || units.count === 0 || chunks === undefined) return { units, rest: timed };
  /** Index of the chunk holding a place of the flow, undefined past what was seen. */
  const chunkOf = (place: { dir: Direction; offset: number } | undefined): number | undefined => {
    const index = place ? chunks.chunkAt(place.dir, place.offset) : -1;
    return index < 0 ? undefined : index;
  };
  /** Per unit, the lines placed in it: before its line `at` (its length: after its last); sorted below, last place first. */
  const placed = new Map<number, { line: MessageLine; at: number }[]>();
  const rest: MessageLine[] = [];
  // A unit's lines are built once for the placing (they may read bodies), however many lines look.
  const built = new Map<number, readonly MessageLine[]>();
  for (const line of timed) {
    // Where it came among the chunks (the capture's clock may have stepped back): before the unit starting at or after its chunk.
    const came = line.chunk ?? Infinity;
    const after = firstStartedAfter(units.count, (at) => at >= came, (index) => chunkOf(units.starts(index)[0]));
    let inside = -1;
    if (after > 0) {
      let lines = built.get(after - 1);
      if (!lines) built.set(after - 1, (lines = units.lines(after - 1)));
      inside = lines.findIndex((l) => (chunkOf(l.at) ?? -1) >= came);
    }
    const [unit, at] = inside >= 0 ? [after - 1, inside] : [after, 0];
    if (unit >= units.count) rest.push(line);
    else {
      const mine = placed.get(unit);
      if (mine) mine.push({ line, at });
      else placed.set(unit, [{ line, at }]);
    }
  }
  if (placed.size === 0) return { units, rest };
  // From the last place back, so the places before stay right (lines at one place: the last first).
  for (const mine of placed.values()) mine.sort((a, b) => a.at - b.at).reverse();
  return {
    rest,
    units: {
      ...units,
      version: (index) => {
        const mine = placed.get(index);
        return mine ? `${units.version(index)}|t${mine.length}` : units.version(index);
      },
      lines: (index) => {
        const lines = units.lines(index);
        const mine = placed.get(index);
        if (!mine) return lines;
        // In the order sorted above; a line is tagged with its unit.
        for (const { line, at } of mine) {
          const near = lines[at] ?? lines[at - 1];
          lines.splice(at, 0, { ...line, exchange: near?.exchange, item: near?.item });
        }
        return lines;
      },
    },
  };
}

/** The first unit (of `count`) whose start (a chunk index) is `later`; `count` when none is. */
function firstStartedAfter(count: number, later: (at: number) => boolean, startOf: (index: number) => number | undefined): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const mid = (low + high) >> 1;
    const start = startOf(mid);
    if (start === undefined || !later(start)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * `tail` (the lines after the units: a TLS byte count, the flow's end) with `timed` (the lines no
 * unit came after, in order) placed before its first line that has a chunk at or after theirs
 * (the flow's end lines have its chunk count); else at its end.
 */
export function withTimedLines(tail: readonly MessageLine[], timed: readonly MessageLine[]): MessageLine[] {
  const out = [...tail];
  let from = 0;
  const after = (l: MessageLine, line: MessageLine): boolean => l.chunk !== undefined && line.chunk !== undefined && l.chunk >= line.chunk;
  for (const line of timed) {
    let at = out.findIndex((l, i) => i >= from && after(l, line));
    if (at < 0) at = out.length;
    out.splice(at, 0, line);
    from = at + 1;
  }
  return out;
}
