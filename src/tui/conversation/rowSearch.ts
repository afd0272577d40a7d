/**
 * Text search over the messages mode's rows: each line is searched whole (so a match may run
 * across the rows the line wraps to), matches ordered by the row they begin in, then by their
 * place in the line; smart case. Also where a match shows in a row, for the highlight. Pure.
 */
import { smartIgnoresCase, textMatches } from '../textMatch.js';
import { byteRanges, bytesIn } from './dumpCells.js';
import type { MessageLine } from './messageLines.js';
import type { MessageRows, Row } from './messageRows.js';

/** A search match: the query's text at `at` in the text of the line of row `row` (the row it begins in). */
export interface Match {
  readonly row: number;
  readonly line: MessageLine;
  readonly at: number;
}

/** The rows as a search reads them. */
export type SearchedRows = Pick<MessageRows, 'count' | 'row' | 'lineStart' | 'lineEnd' | 'rowOf'>;

/** Where `needle` is in `text`, left to right, not overlapping. */
export function matchesIn(text: string, needle: string): number[] {
  return textMatches(text, needle, smartIgnoresCase(needle)).map(([at]) => at);
}

/** The first match of `needle` beginning after (`row`, `at`), in a line starting before row `until`. */
export function matchAfter(rows: SearchedRows, needle: string, row: number, at: number, until = rows.count): Match | undefined {
  const count = Math.min(until, rows.count);
  if (count === 0) return undefined;
  for (let first = rows.lineStart(Math.min(row, count - 1)); first < count; first = rows.lineEnd(first)) {
    const line = rows.row(first).line;
    for (const found of matchesIn(line.text, needle)) {
      const begin = rows.rowOf(first, found);
      if (begin > row || (begin === row && found > at)) return { row: begin, line, at: found };
    }
  }
  return undefined;
}

/** The last match of `needle` beginning before (`row`, `at`). */
export function matchBefore(rows: SearchedRows, needle: string, row: number, at: number): Match | undefined {
  for (let first = rows.lineStart(Math.min(row, rows.count - 1)); first >= 0; first = rows.lineStart(first - 1)) {
    const line = rows.row(first).line;
    let best: Match | undefined;
    for (const found of matchesIn(line.text, needle)) {
      const begin = rows.rowOf(first, found);
      if (begin > row || (begin === row && found >= at)) break;
      best = { row: begin, line, at: found };
    }
    if (best) return best;
  }
  return undefined;
}

/** True when the rows still hold `match` where it was (they were not made again under it). */
export function holdsMatch(rows: SearchedRows, match: Match): boolean {
  if (match.row >= rows.count) return false;
  return rows.row(match.row).line === match.line && rows.rowOf(rows.lineStart(match.row), match.at) === match.row;
}

/** Where `match` stands among every match of `needle` in the rows (`number`, from 1, in the order `n` goes) and how many there are. */
export function matchNumber(rows: SearchedRows, needle: string, match: Match): { readonly number: number; readonly total: number } {
  let total = 0;
  let number = 0;
  for (let first = 0; first < rows.count; first = rows.lineEnd(first)) {
    const line = rows.row(first).line;
    const starts = matchesIn(line.text, needle);
    if (line === match.line) number = total + starts.filter((at) => at <= match.at).length;
    total += starts.length;
  }
  return { number, total };
}

/**
 * Where in `row.text` the matches at `starts` (of `length`, in the row's line) are: the slice of
 * each in a wrapped row; in a narrowed dump row, the pairs and characters of the matched bytes.
 */
export function rowMatches(row: Row, starts: readonly number[], length: number): [number, number][] {
  const out: [number, number][] = [];
  const dump = row.dump;
  if (dump !== undefined) {
    for (const at of starts) {
      const bytes = bytesIn(dump.lineCells, at, at + length);
      if (bytes) out.push(...byteRanges(dump.rowCells, bytes[0] - dump.firstByte, bytes[1] - dump.firstByte));
    }
    return out;
  }
  const end = row.from + row.text.length;
  for (const at of starts) if (at < end && at + length > row.from) out.push([Math.max(at, row.from) - row.from, Math.min(at + length, end) - row.from]);
  return out;
}
