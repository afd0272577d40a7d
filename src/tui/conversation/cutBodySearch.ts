/**
 * The messages mode's text search, cut bodies included: a match is looked for in the rows
 * (rowSearch.ts) and in the lines a cut body ("N more lines") does not show, nearest body
 * first; the body holding the match is left shown whole, the others cut again. Also the match
 * count over the rows and those hidden lines, for `match 3 of 17`.
 */
import { formatCount } from '../../core/count.js';
import type { BodyCache, ShownBody } from './bodyLines.js';
import type { MessageLine, MessageUnits } from './messageLines.js';
import type { MessageRows } from './messageRows.js';
import { matchAfter, matchBefore, matchesIn, matchNumber, type Match } from './rowSearch.js';
import { cutBodiesIn, type CutBody } from './unitRows.js';
import { MAX_COUNTED } from './matchCount.js';

/**
 * Cut bodies a search (`/`, `n`, `N`: each a key's work) looks into, each read and decoded in
 * full. The count (see CutBodySearch.matchCount) reads them all, in steps between keys.
 */
export const MAX_BODIES_SEARCHED = 32;

/** What the search reads and changes of a messages view. */
export interface SearchedView {
  readonly rows: MessageRows;
  /** The bodies shown whole, by `expand` name (the units read it when asked for their lines). */
  readonly expanded: Set<string>;
  readonly bodies: BodyCache;
  /** The units the rows were made from. */
  units(): MessageUnits;
  /** Makes unit `index`'s rows again in place, after `expanded` changed. */
  remakeUnit(index: number): void;
}

/** A cut body's hidden matches being counted: its lines not made yet are made and searched in slices. */
interface BodyCount {
  readonly key: string;
  /** Matches so far: the whole body's lines made, those of the lines made since, less those shown cut. */
  matches: number;
  readonly unread: boolean;
  /** The next line to make, and the end of the lines. */
  next: number;
  readonly end: number;
  readonly makeLine: (index: number) => string;
}

/** The search of one messages view; keeps the hidden matches counted per body. */
export class CutBodySearch {
  /** The body's preview while {@link showWhole} tries it in full. */
  private preview: ShownBody | undefined;
  private hiddenFor = '';
  private readonly hidden = new Map<string, { count: number; unread: boolean }>();
  /** The body whose hidden matches are being counted (see hiddenMatches). */
  private counting: BodyCount | undefined;
  /** Milliseconds the last body's count took to begin (its read and decoding): another is begun in a call only when they are left. */
  private startCost = 0;
  /** The rows' matches for the count being made (see rowMatches). */
  private rowsCounted: { readonly key: string; readonly line: MessageLine; readonly number: number; readonly total: number } | undefined;

  constructor(private readonly view: SearchedView) {}

  /**
   * The first match of `needle` after (`row`, `at`): in the rows, or in a cut body before it
   * and before row `bodiesEnd` (that body then shown whole). Rows change when it is.
   */
  after(needle: string, row: number, at: number, bodiesEnd = Infinity): Match | undefined {
    const rows = this.view.rows;
    const found = matchAfter(rows, needle, row, at);
    const end = Math.min(found?.row ?? rows.count, bodiesEnd);
    for (const body of cutBodiesIn(rows, Math.max(0, row), end, MAX_BODIES_SEARCHED, this.view.expanded)) {
      const grown = this.showWhole(body);
      if (grown === undefined) break;
      // The rows before the body did not move and hold no match after the start: only its unit's rows are looked at.
      const unitFirst = rows.unitStart(body.unit)!;
      const until = Math.min(rows.unitEnd(body.unit), found === undefined ? rows.count : found.row + grown + 1);
      const first = unitFirst > row ? matchAfter(rows, needle, unitFirst, -1, until) : matchAfter(rows, needle, row, at, until);
      if (first && (found === undefined || first.row < found.row + grown || (first.row === found.row + grown && first.at < found.at))) return first;
      this.cutAgain(body);
    }
    // A body cut again made its unit's lines again: the match found is looked up anew.
    return found && matchAfter(rows, needle, row, at);
  }

  /** The last match of `needle` before (`row`, `at`): in the rows, or in a cut body after it and from row `bodiesFrom` on (see {@link after}). */
  before(needle: string, row: number, at: number, bodiesFrom = 0): Match | undefined {
    const rows = this.view.rows;
    const found = matchBefore(rows, needle, row, at);
    const from = Math.max(found === undefined ? 0 : found.row + 1, bodiesFrom);
    const bodies = cutBodiesIn(rows, from, Math.min(row + 1, rows.count), Infinity, this.view.expanded).reverse().slice(0, MAX_BODIES_SEARCHED);
    for (const body of bodies) {
      const grown = this.showWhole(body);
      if (grown === undefined) continue;
      // The start, after the body, moved down by the lines it grew; the match found, before it, did not.
      const unitLast = rows.unitEnd(body.unit) - 1;
      const last = unitLast < row + grown ? matchBefore(rows, needle, unitLast, Infinity) : matchBefore(rows, needle, row + grown, at);
      if (last && (found === undefined || last.row > found.row || (last.row === found.row && last.at > found.at))) return last;
      this.cutAgain(body);
    }
    return found && matchBefore(rows, needle, row, at);
  }

  /**
   * `match 3 of 17`: where `match` stands among every match of `needle` in the rows and in the
   * cut bodies (in the order `n` goes, which shows a cut body's matches in full); undefined
   * when `deadline` (a `performance.now()` time) came before every cut body was read: call again,
   * the bodies read are kept, and the lines of one read in part (at least one line of a body is
   * made per call, after the read and decoding of its bytes; another body is read only when the
   * time the last read took is left). Once {@link MAX_COUNTED} matches
   * are counted the rest of the bodies are not read: `10,000+`, and the match's number a floor
   * (`match 40+ of 10,000+`) when one of them comes before it. `+` too when a body goes on past
   * what the messages mode reads of it (1 MiB), or units lie past the rows' line cap: neither is
   * counted. `rowsKey` changes whenever the rows were made from other lines (the counts kept per
   * body are dropped then).
   */
  matchCount(needle: string, match: Match, rowsKey: string, deadline = Infinity): string | undefined {
    const { rows, expanded, bodies } = this.view;
    let { number, total } = this.rowMatches(needle, match, rowsKey);
    let more = [...expanded].some((key) => bodies.get(key)?.unread === true) || rows.unitCount < this.view.units().count;
    let numbered = true;
    let read = 0;
    const counted = this.countedFor(needle, rowsKey);
    for (const body of cutBodiesIn(rows, 0, rows.count, Infinity, expanded)) {
      if (total >= MAX_COUNTED) {
        more = true;
        numbered = body.row > match.row;
        break;
      }
      if (!counted.has(body.key) && read++ > 0 && performance.now() + this.startCost > deadline) return undefined;
      const hidden = this.hiddenMatches(needle, body, rowsKey, deadline);
      if (hidden === undefined) return undefined;
      total += hidden.count;
      more ||= hidden.unread;
      if (body.row < match.row) number += hidden.count;
    }
    return `match ${formatCount(number)}${numbered ? '' : '+'} of ${formatCount(total)}${more ? '+' : ''}`;
  }

  /** The rows' own matches (see matchNumber: a walk over every line), kept while the rows, the query and the match stay, for the count's next steps. */
  private rowMatches(needle: string, match: Match, rowsKey: string): { readonly number: number; readonly total: number } {
    const { rows, expanded } = this.view;
    const key = [needle, rowsKey, expanded.size, rows.count, match.row, match.at].join('\0');
    if (this.rowsCounted?.key !== key || this.rowsCounted.line !== match.line) this.rowsCounted = { key, line: match.line, ...matchNumber(rows, needle, match) };
    return this.rowsCounted;
  }

  /** Shows `body` in full; returns how many rows its unit grew by, undefined when the unit is no longer shown (past the line cap). */
  private showWhole(body: CutBody): number | undefined {
    const { rows, expanded, bodies } = this.view;
    if (body.unit >= rows.unitCount) return undefined;
    const before = rows.count;
    this.preview = bodies.get(body.key);
    expanded.add(body.key);
    this.view.remakeUnit(body.unit);
    return rows.count - before;
  }

  /** Cuts `body` again, from its kept preview (after {@link showWhole}). */
  private cutAgain(body: CutBody): void {
    this.view.expanded.delete(body.key);
    if (this.preview !== undefined) this.view.bodies.set(body.key, this.preview);
    this.view.remakeUnit(body.unit);
  }

  /** The hidden matches counted per body for `needle` while the rows stay made from the same lines (`rowsKey`). */
  private countedFor(needle: string, rowsKey: string): Map<string, { count: number; unread: boolean }> {
    const key = `${needle}\0${rowsKey}`;
    if (key !== this.hiddenFor) {
      this.hiddenFor = key;
      this.hidden.clear();
      this.counting = undefined;
    }
    return this.hidden;
  }

  /**
   * Matches of `needle` in the lines a cut body does not show, and whether it goes on past what is
   * read of it whole (kept per body while the rows and the query stay); undefined when `deadline`
   * came before its lines were all made (at least one is made per call): call again to go on.
   */
  private hiddenMatches(needle: string, body: CutBody, rowsKey: string, deadline: number): { count: number; unread: boolean } | undefined {
    const known = this.countedFor(needle, rowsKey).get(body.key);
    if (known !== undefined) return known;
    if (this.counting?.key !== body.key) {
      const start = performance.now();
      this.counting = this.startCount(needle, body);
      this.startCost = performance.now() - start;
    }
    const count = this.counting;
    while (count.next < count.end) {
      count.matches += matchesIn(count.makeLine(count.next++), needle).length;
      if (count.next < count.end && performance.now() > deadline) return undefined;
    }
    this.counting = undefined;
    const hidden = { count: Math.max(0, count.matches), unread: count.unread };
    this.hidden.set(body.key, hidden);
    return hidden;
  }

  /**
   * The count of `body`'s hidden matches begun: its unit's lines with the body cut and made whole
   * (its first lines only: see BodyCache.counted), the difference searched; the cut body is shown again.
   */
  private startCount(needle: string, body: CutBody): BodyCount {
    const { rows, expanded, bodies } = this.view;
    const units = this.view.units();
    const count = (lines: readonly MessageLine[]): number => lines.reduce((sum, line) => sum + matchesIn(line.text, needle).length, 0);
    const shown = count(units.lines(body.unit));
    const preview = bodies.get(body.key);
    expanded.add(body.key);
    bodies.counted.add(body.key);
    const whole = count(units.lines(body.unit));
    const made = bodies.get(body.key);
    expanded.delete(body.key);
    bodies.counted.delete(body.key);
    if (preview !== undefined) bodies.set(body.key, preview);
    else bodies.delete(body.key);
    // The "more lines" row goes when the body is whole: a match in it is not one of the body's.
    const matches = whole - shown + matchesIn(rows.row(body.row).line.text, needle).length;
    const next = made?.lines.length ?? 0;
    return { key: body.key, matches, unread: made?.unread === true, next, end: next + (made?.more ?? 0), makeLine: made?.makeLine ?? (() => '') };
  }
}
