/**
 * The conversation window's walks over a flow's units, as pure steps from a position (a unit and
 * a row of its wrapped rendering) to another: each renders only the units it passes, so a move
 * costs what it crosses, not the flow's size. The view applies them (and keeps its position when
 * the store fails).
 */
import type { Direction } from '../../core/types.js';
import type { LogicalLine } from './lineText.js';
import type { ConversationFlow } from './source.js';
import type { WrappedUnit } from './unitCache.js';
import { HEAD, TAIL, sameUnit, type UnitKey, type UnitOrder } from './units.js';

/** Where the window starts: a unit and a row of its wrapped rendering. */
export interface ConversationPosition {
  readonly unit: UnitKey;
  readonly row: number;
}

/** True when `a` and `b` are the same row of the same unit. */
export function samePosition(a: ConversationPosition, b: ConversationPosition): boolean {
  return a.row === b.row && sameUnit(a.unit, b.unit);
}

/** One flow's units as the window walks them: their order and each one's wrapped rendering. */
export interface UnitWalk {
  readonly flow: ConversationFlow;
  readonly order: UnitOrder;
  wrapped(unit: UnitKey): WrappedUnit;
}

/** The position `rows` rows after `from` (negative: before), stopping at the first row and at the last. */
export function scrolledBy(walk: UnitWalk, from: ConversationPosition, rows: number): ConversationPosition {
  let unit = from.unit;
  let row = from.row;
  let remaining = Math.abs(rows);
  if (rows < 0) {
    while (remaining > 0) {
      if (row >= remaining) {
        row -= remaining;
        break;
      }
      remaining -= row;
      const previous = lastRowBefore(walk, unit);
      if (!previous) {
        row = 0;
        break;
      }
      unit = previous.unit;
      row = previous.row;
      remaining--;
    }
    return { unit, row };
  }
  while (remaining > 0) {
    const count = walk.wrapped(unit).rows.length;
    if (row + remaining < count) {
      row += remaining;
      break;
    }
    remaining -= Math.max(0, count - row);
    const next = walk.order.next(unit);
    if (!next) {
      row = Math.max(0, count - 1);
      break;
    }
    unit = next;
    row = 0;
  }
  return { unit, row };
}

/** The position of the last page of `height` rows: walks back from the tail only as far as one window. */
export function lastPage(walk: UnitWalk, height: number): ConversationPosition {
  let need = height;
  let unit: UnitKey | undefined = TAIL;
  while (unit) {
    const count = walk.wrapped(unit).rows.length;
    if (count >= need) return { unit, row: count - need };
    need -= count;
    unit = walk.order.previous(unit);
  }
  return { unit: HEAD, row: 0 };
}

/** True when at least `want` rows follow `from` (its own row included). */
export function rowsFollow(walk: UnitWalk, from: ConversationPosition, want: number): boolean {
  let have = 0;
  let unit: UnitKey | undefined = from.unit;
  let row = from.row;
  while (unit && have < want) {
    have += Math.max(0, walk.wrapped(unit).rows.length - row);
    unit = walk.order.next(unit);
    row = 0;
  }
  return have >= want;
}

/**
 * The row showing stream `offset` of direction `dir`, looking from unit `start` a few units on
 * at most: the row of the line holding it where that line's text reaches `columnOf(line)` (a
 * wrapped line is shown at its row holding the match). Undefined when not found.
 */
export function rowOfOffset(walk: UnitWalk, start: UnitKey, dir: Direction, offset: number, columnOf: (line: LogicalLine) => number): ConversationPosition | undefined {
  let unit: UnitKey | undefined = start;
  for (let step = 0; unit && step < 64; step++, unit = walk.order.next(unit)) {
    const wrapped = walk.wrapped(unit);
    const lineIndex = wrapped.lines.findIndex((l) => l.dir === dir && l.offset! <= offset && offset < l.offset! + (l.length ?? 0));
    if (lineIndex < 0) continue;
    const column = columnOf(wrapped.lines[lineIndex]);
    let row = wrapped.rows.findIndex((r) => r[0] === lineIndex);
    while (row + 1 < wrapped.rows.length && wrapped.rows[row + 1][0] === lineIndex && wrapped.rows[row + 1][1] <= column) row++;
    return { unit, row };
  }
  return undefined;
}

/** The last row of the nearest unit before `unit` that has rows. */
function lastRowBefore(walk: UnitWalk, unit: UnitKey): ConversationPosition | undefined {
  for (let previous = walk.order.previous(unit); previous; previous = walk.order.previous(previous)) {
    const count = walk.wrapped(previous).rows.length;
    if (count > 0) return { unit: previous, row: count - 1 };
  }
  return undefined;
}
