/**
 * Finding things among the messages mode's rows: the unit after a row, the rows of a unit that
 * show bytes as sent, and the cut bodies' "more lines" rows. Pure: reads the rows.
 */
import type { Direction } from '../../core/types.js';
import type { MessageRows } from './messageRows.js';

/** A body shown cut: its `expand` name, its unit, and the row of its "more lines". */
export interface CutBody {
  readonly key: string;
  readonly unit: number;
  readonly row: number;
}

/** The index of the first of `sorted` (ascending) above `value`; `sorted.length` when none is. O(log n). */
export function firstAbove(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The first row of unit `unit` whose line knows its stream place (see MessageLine.at). */
export function firstPlacedRow(rows: MessageRows, unit: number): number | undefined {
  for (let index = rows.unitStart(unit) ?? rows.count; index < rows.unitEnd(unit); index++) if (rows.row(index).line.at !== undefined) return index;
  return undefined;
}

/**
 * In unit `unit`, the first row of the last line showing bytes as sent that starts at or before
 * `dir`'s `offset`, and the `expand` name of the cut body's "more lines" row right after that
 * line, when there is one (a body not in `expanded`).
 */
export function lineAt(rows: MessageRows, unit: number, dir: Direction, offset: number, expanded: ReadonlySet<string>): { row: number; cutAfter?: string } | undefined {
  const start = rows.unitStart(unit);
  if (start === undefined) return undefined;
  let found: { row: number; cutAfter?: string } | undefined;
  for (let index = start; index < rows.unitEnd(unit); index++) {
    const { line, continued } = rows.row(index);
    if (continued) continue;
    if (line.at?.dir !== dir) {
      const cutBody = found !== undefined && line.expand !== undefined && !expanded.has(line.expand) && rows.row(index - 1).line === rows.row(found.row).line;
      if (cutBody) found = { row: found!.row, cutAfter: line.expand };
    } else if (line.at.offset <= offset) found = { row: index };
    else break;
  }
  return found;
}

/** The cut bodies (not in `expanded`) whose "more lines" row is in rows [from, to), at most `limit`, in order. */
export function cutBodiesIn(rows: MessageRows, from: number, to: number, limit: number, expanded: ReadonlySet<string>): CutBody[] {
  const cut: CutBody[] = [];
  for (let index = from; index < Math.min(to, rows.count) && cut.length < limit; index++) {
    const { line } = rows.row(index);
    const unit = line.exchange ?? line.item;
    if (line.expand !== undefined && unit !== undefined && !expanded.has(line.expand)) cut.push({ key: line.expand, unit, row: index });
  }
  return cut;
}
