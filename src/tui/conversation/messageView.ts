/**
 * The messages mode's window: the lines of `messageLines.ts` wrapped to the pane's width, a top
 * row, follow, a text search over the shown lines (each line whole, across the rows it wraps to),
 * and cut bodies expanded on request. Rows are made per unit (an HTTP exchange, a line protocol's
 * item) and kept: when the flow changed (`stamp`), the units from the first one that changed on
 * are made again; the unit of an expanded body is made again in place; a new width wraps the kept
 * lines again. The few lines around the units (head, trailer, tail) are made again at each
 * change. Pure: no terminal.
 */
import { formatCount } from '../../core/count.js';
import type { FlowMessages } from '../../messages/flowMessages.js';
import { escapeText } from '../../render/escape.js';
import type { Direction, Micros } from '../../core/types.js';
import { markerOf, timestampColumns, timestampText, wrapRanges } from './lineText.js';
import { BodyCache, type BodyReader } from './bodyLines.js';
import { RawSection, type FlowChunks } from './rawLines.js';
import { MAX_MESSAGE_LINES, messageUnits, trailerLines, type MessageLine, type MessageStart, type MessageUnits } from './messageLines.js';
import type { DirectionFilter, TimestampMode } from './settings.js';
import type { DisplayLine } from './view.js';
import type { ViewPlace } from './bodyInView.js';
import { smartIgnoresCase, textMatches } from '../textMatch.js';
import { hexBytesFitting, hexRowLines } from '../../render/hex.js';
import { byteAt, byteRanges, bytesIn, dumpCells } from './dumpCells.js';

/** How rows are shown: the `t` prefix (its mode, and the flow's start for relative times), and the sides `d` keeps. */
export interface RowStyle {
  readonly mode: TimestampMode;
  readonly startTs: Micros;
  /** `c2s`: the client's lines only, `s2c`: the server's (event lines stay either way). */
  readonly filter: DirectionFilter;
}

const PLAIN: RowStyle = { mode: 'off', startTs: 0, filter: 'both' };

interface Row {
  readonly line: MessageLine;
  readonly text: string;
  readonly continued: boolean;
  /** Where `text` starts in the line's text. */
  readonly from: number;
  /**
   * A row of a hex dump line made again narrower (see {@link MessageView.wrap}): its text is not a
   * slice of the line's; it has its side's marker, and `from` is the column of its first byte's
   * hex pair in the line's text.
   */
  readonly reflowed?: boolean;
  /** For a reflowed row: the index in the line of its first byte. */
  readonly firstByte?: number;
}

/** A search match: the query's text at `at` in the text of the line of row `row` (the row it begins in). */
interface Match {
  readonly row: number;
  readonly line: MessageLine;
  readonly at: number;
}

/** One flow in messages mode. Owned by the conversation pane. */
export class MessageView {
  private builtFor = '';
  private readonly expanded = new Set<string>();
  private readonly bodies = new BodyCache();
  /** The rows of the `head` lines, of the units shown, and of the lines after them (trailer and `tail`). */
  private headRows: Row[] = [];
  private unitRows: Row[] = [];
  private tailRows: Row[] = [];
  /** Per unit shown: its first row in `unitRows` and its first line (the units' lines are capped). */
  private readonly firstRow: number[] = [];
  private readonly firstLine: number[] = [];
  /** Per unit shown: whether `]` and `[` stop at it (see MessageUnits.stop). */
  private readonly stops: boolean[] = [];
  private lineCount = 0;
  /** The units shown that may still change, in order, with the version their rows were made from. */
  private unsettled: { readonly index: number; readonly version: string }[] = [];
  /** The width the rows were wrapped to. */
  private rowsWidth = 0;
  private top = 0;
  private width = 80;
  private height = 20;
  private query = '';
  /** The match `find` moved to last, while the query is the same. */
  private match: Match | undefined = undefined;
  private style = PLAIN;
  /** The side filter the rows were made with. */
  private rowsFilter: DirectionFilter = 'both';
  /** Keep the last rows in view as messages arrive. */
  follow = false;
  /** The last `find` went round the end (or the start) to find its match. */
  wrapped = false;

  private readonly raw: RawSection;

  /** `chunks`, the flow's chunk index, puts the raw bytes of two directions in arrival order (see rawLines.ts). */
  constructor(
    readonly flowId: number,
    private readonly messages: FlowMessages,
    private readonly read: BodyReader,
    chunks?: FlowChunks,
    private readonly arrow = '→',
  ) {
    this.raw = new RawSection(read, chunks);
  }

  /**
   * Size and content for this frame: `stamp` changes whenever the flow did; `head` and `tail`
   * are the connection's event lines (handshake; FINs and end) shown around the messages; `style`
   * the times before the lines that have one, and the sides shown. Rows are made again only when
   * the stamp, the width, the style or the expanded bodies changed.
   */
  update(width: number, height: number, stamp: string, head: readonly MessageLine[] = [], tail: readonly MessageLine[] = [], style = PLAIN): void {
    this.width = Math.max(4, width);
    this.height = Math.max(1, height);
    this.style = style;
    const key = `${stamp}|${this.width}|${style.mode}|${style.filter}|${this.expanded.size}`;
    if (key !== this.builtFor) {
      this.builtFor = key;
      const place = this.placeAtTop();
      // A new side filter remakes every row: the unit at the top stays there.
      let keep: number | undefined;
      if (this.rowsFilter !== style.filter) {
        keep = this.unitAtTop();
        this.rowsFilter = style.filter;
        this.dropUnits(0);
      }
      if (this.rowsWidth !== this.textColumns()) this.rewrap();
      const units = (this.builtUnits = this.units());
      this.remakeUnits(units);
      this.headRows = this.wrap(head, []);
      this.tailRows = this.wrap([...trailerLines(this.messages, units, this.firstRow.length, this.raw, this.expanded), ...tail], []);
      if (keep !== undefined) this.showUnit(keep);
      else if (place !== undefined) this.top = this.rowOfPlace(place) ?? this.top;
    }
    if (this.follow) this.top = this.lastTop();
    this.top = Math.max(0, Math.min(this.top, this.lastTop()));
  }

  /**
   * The window's rows, prefixed with their time (`t`) and their side's marker; the search query
   * highlighted, also where a line's wrap splits it over two rows.
   */
  lines(): DisplayLine[] {
    const needle = this.query === '' ? '' : escapeText(this.query);
    const { mode, startTs } = this.style;
    const blank = mode === 'off' ? '' : ' '.repeat(timestampColumns(mode) + 1);
    let found: { line: MessageLine; at: number[] } | undefined;
    return this.windowRows().map((row) => {
      const time = mode === 'off' || row.continued || row.line.ts === undefined ? blank : `${timestampText(mode, row.line.ts, startTs)} `;
      const text = `${time}${row.continued && row.reflowed !== true ? ' ' : markerOf(row.line.side)} ${row.text}`;
      const matches: [number, number][] = [];
      if (needle !== '') {
        if (found?.line !== row.line) found = { line: row.line, at: matchesIn(row.line.text, needle) };
        const shift = time.length + 2;
        for (const [from, to] of rowMatches(row, found.at, needle.length)) matches.push([from + shift, to + shift]);
      }
      return { side: row.line.side, kind: row.line.kind, text, highlight: row.line.kind === 'alert', continued: row.continued, matches };
    });
  }

  scroll(rows: number): void {
    this.top = Math.max(0, Math.min(this.lastTop(), this.top + rows));
    if (rows < 0) this.follow = false;
  }
  home(): void {
    this.top = 0;
    this.follow = false;
  }
  end(): void {
    this.top = this.lastTop();
  }

  /**
   * `]` and `[`: puts the first row of the next unit that is a stop (an HTTP exchange, a
   * WebSocket frame, the start of a side's turn of a line protocol: see MessageUnits.stop) at the
   * top, or of the stop in view (the one before, when already there; the first rows when
   * none). False when the window did not move.
   */
  nextUnit(): boolean {
    const head = this.headRows.length;
    let unit = firstAbove(this.firstRow, this.top - head);
    while (unit < this.stops.length && !this.stops[unit]) unit++;
    const next = this.firstRow[unit];
    return next !== undefined && this.moveTop(head + next);
  }
  previousUnit(): boolean {
    const head = this.headRows.length;
    let before = firstAbove(this.firstRow, this.top - head - 1) - 1;
    while (before > 0 && !this.stops[before]) before--;
    return this.moveTop(before < 0 ? 0 : head + this.firstRow[before]);
  }

  private moveTop(row: number): boolean {
    const top = Math.max(0, Math.min(row, this.lastTop()));
    if (top === this.top) return false;
    this.top = top;
    this.follow = false;
    return true;
  }

  /**
   * Puts the first row of unit `index` (an HTTP exchange, a line protocol's item) at the top, as
   * far as the last page allows; units not shown (past the line cap) are not reached.
   */
  showUnit(index: number): void {
    const row = this.firstRow[Math.min(index, this.firstRow.length - 1)];
    if (row !== undefined) this.moveTop(this.headRows.length + row);
  }

  /** The line of the window's top row, and where the row starts in it. */
  private placeAtTop(): { readonly line: MessageLine; readonly from: number; readonly row: number } | undefined {
    if (this.rowCount() === 0) return undefined;
    const row = Math.min(this.top, this.rowCount() - 1);
    const { line, from } = this.row(row);
    return { line, from, row };
  }

  /**
   * The row showing `place` after the rows were made again (a new width or time prefix wraps the
   * lines differently): the row of its line that starts at or before its position. Undefined
   * when the line is no longer shown (its unit was made again).
   */
  private rowOfPlace(place: { readonly line: MessageLine; readonly from: number; readonly row: number }): number | undefined {
    const count = this.rowCount();
    const same = (index: number): boolean => this.row(index).line === place.line;
    let first = place.row < count && same(place.row) ? this.lineStart(place.row) : -1;
    const unit = place.line.exchange ?? place.line.item;
    const unitStart = unit !== undefined && unit < this.firstRow.length ? this.headRows.length + this.firstRow[unit] : 0;
    for (let index = unitStart; first < 0 && index < count; index++) if (same(index)) first = index;
    if (first < 0) return undefined;
    let row = first;
    while (row + 1 < count && same(row + 1) && this.row(row + 1).continued && this.row(row + 1).from <= place.from) row++;
    return row;
  }

  /** The unit (exchange or item index) of the window's top row, if it belongs to one. */
  unitAtTop(): number | undefined {
    const top = this.rowCount() > 0 ? this.row(Math.min(this.top, this.rowCount() - 1)) : undefined;
    return top?.line.exchange ?? top?.line.item;
  }

  /**
   * Where the message at the window's top starts in the streams: of the top row's unit, the
   * message shown first in the window (an exchange's response when its rows come first), else
   * the unit's first. Undefined when the top row belongs to no unit.
   */
  startAtTop(): MessageStart | undefined {
    const unit = this.unitAtTop();
    if (unit === undefined) return undefined;
    const place = this.placesInWindow()[0];
    const role = place && 'exchange' in place && place.exchange === unit ? place.role : undefined;
    const starts = this.currentUnits().starts(unit);
    return (role && starts.find((start) => start.role === role)) || starts[0];
  }

  /** Puts at the top (see {@link showUnit}) the unit whose messages hold `dir`'s stream `offset`, or the last one starting before it. */
  showOffset(dir: Direction, offset: number): void {
    const units = this.currentUnits();
    let found: number | undefined;
    for (let index = 0; index < units.count; index++) {
      const start = units.starts(index).find((message) => message.dir === dir);
      if (start !== undefined && start.offset <= offset) found = index;
    }
    if (found !== undefined) this.showUnit(found);
  }

  /** Index of the HTTP exchange of the first row in the window that belongs to one, if any. */
  exchangeInWindow(): number | undefined {
    for (const row of this.windowRows()) if (row.line.exchange !== undefined) return row.line.exchange;
    return undefined;
  }

  /** The message (exchange and role, or item) of each row of the window that shows one, top to bottom. */
  placesInWindow(): ViewPlace[] {
    const places: ViewPlace[] = [];
    for (const { line } of this.windowRows()) {
      if (line.exchange !== undefined && line.role !== undefined) places.push({ exchange: line.exchange, role: line.role });
      else if (line.item !== undefined) places.push({ item: line.item });
    }
    return places;
  }

  /**
   * Moves the top to the row where the next match of `query` (escaped as shown, looked for in
   * each whole line, so across the rows it wraps to) begins: the first one beginning after the
   * top row (before it, `backward`), or with `again` (`n`, `N`) the first one after (before) the
   * match found last, when the rows still hold it. A new forward search that finds nothing in
   * the rows looks into the cut bodies after the top (a mail's 400 lines behind "more lines")
   * and shows the one that holds the match in full. False when none.
   */
  find(query: string, backward: boolean, again = false): boolean {
    const needle = escapeText(query);
    const current = again && query === this.query ? this.currentMatch() : undefined;
    // `n` goes on from the match while it is in view; once the view moved off it (G, PgDn), from the view, as less does.
    const last = current && current.row >= this.top && current.row < this.top + this.height ? current : undefined;
    this.query = query;
    this.match = undefined;
    if (needle === '') return false;
    // Matches are ordered by (row they begin in, position in their line); the search goes from `start`, exclusive.
    const start = last ? { row: last.row, at: last.at } : { row: this.top, at: backward ? -1 : Infinity };
    let found = backward ? this.matchBefore(needle, start.row, start.at) : this.matchAfter(needle, start.row, start.at);
    if (!found && !backward && !again) found = this.findInCutBodies(needle, start.row, start.at);
    this.wrapped = false;
    if (!found && this.rowCount() > 0) {
      // Nothing past the start (before it, backward): the search goes round, as vim's does.
      found = backward ? this.matchBefore(needle, this.rowCount() - 1, Infinity) : this.matchAfter(needle, 0, -1);
      this.wrapped = found !== undefined;
    }
    if (!found) return false;
    this.match = found;
    this.top = Math.max(0, Math.min(found.row, this.lastTop()));
    this.follow = false;
    return true;
  }

  /**
   * `match 3 of 17`: where the match found last stands among every match of the query in the
   * rows (in the order `n` goes), or '' when there is none.
   */
  matchCount(): string {
    const match = this.currentMatch();
    if (!match) return '';
    const needle = escapeText(this.query);
    let total = 0;
    let number = 0;
    for (let first = 0; first < this.rowCount(); first = this.lineEnd(first)) {
      const line = this.row(first).line;
      const starts = matchesIn(line.text, needle);
      if (line === match.line) number = total + starts.filter((at) => at <= match.at).length;
      total += starts.length;
    }
    return `match ${formatCount(number)} of ${formatCount(total)}`;
  }

  /**
   * No match in the rows: shows in full, one at a time, the cut bodies after (`row`, `at`), up
   * to {@link MAX_BODIES_SEARCHED}, and returns the first match one of them holds (that body stays
   * shown in full; the others are cut again, from their kept preview). Only the rows of the
   * body's unit are searched: the rest did not change.
   */
  private findInCutBodies(needle: string, row: number, at: number): Match | undefined {
    const cut: { key: string; unit: number }[] = [];
    for (let index = Math.max(0, row); index < this.rowCount() && cut.length < MAX_BODIES_SEARCHED; index++) {
      const { line } = this.row(index);
      const unit = line.exchange ?? line.item;
      if (line.expand !== undefined && unit !== undefined && !this.expanded.has(line.expand)) cut.push({ key: line.expand, unit });
    }
    for (const { key, unit } of cut) {
      // An earlier body shown in full may have pushed this unit past the line cap.
      if (unit >= this.firstRow.length) break;
      const preview = this.bodies.get(key);
      this.expanded.add(key);
      this.remakeUnit(unit);
      const first = this.headRows.length + this.firstRow[unit];
      const end = this.headRows.length + (this.firstRow[unit + 1] ?? this.unitRows.length);
      const found = first > row ? this.matchAfter(needle, first, -1, end) : this.matchAfter(needle, row, at, end);
      if (found) return found;
      this.expanded.delete(key);
      if (preview !== undefined) this.bodies.set(key, preview);
      this.remakeUnit(unit);
    }
    return undefined;
  }

  /** The match found last, if the rows still hold it where it was. */
  private currentMatch(): Match | undefined {
    const match = this.match;
    if (!match || match.row >= this.rowCount()) return undefined;
    return this.row(match.row).line === match.line && this.rowOf(this.lineStart(match.row), match.at) === match.row ? match : undefined;
  }

  /** The first match of `needle` beginning after (`row`, `at`), in a line starting before row `until`. */
  private matchAfter(needle: string, row: number, at: number, until = this.rowCount()): Match | undefined {
    const count = Math.min(until, this.rowCount());
    if (count === 0) return undefined;
    for (let first = this.lineStart(Math.min(row, count - 1)); first < count; first = this.lineEnd(first)) {
      const line = this.row(first).line;
      for (const found of matchesIn(line.text, needle)) {
        const begin = this.rowOf(first, found);
        if (begin > row || (begin === row && found > at)) return { row: begin, line, at: found };
      }
    }
    return undefined;
  }

  /** The last match of `needle` beginning before (`row`, `at`). */
  private matchBefore(needle: string, row: number, at: number): Match | undefined {
    for (let first = this.lineStart(Math.min(row, this.rowCount() - 1)); first >= 0; first = this.lineStart(first - 1)) {
      const line = this.row(first).line;
      let best: Match | undefined;
      for (const found of matchesIn(line.text, needle)) {
        const begin = this.rowOf(first, found);
        if (begin > row || (begin === row && found >= at)) break;
        best = { row: begin, line, at: found };
      }
      if (best) return best;
    }
    return undefined;
  }

  /** The first row of the line row `index` shows (-1 for -1, before the first row). */
  private lineStart(index: number): number {
    while (index > 0 && this.row(index).continued) index--;
    return index;
  }

  /** The row after the last one of the line starting at row `first`. */
  private lineEnd(first: number): number {
    const count = this.rowCount();
    let index = first + 1;
    while (index < count && this.row(index).continued) index++;
    return index;
  }

  /** The row showing position `at` of the text of the line starting at row `first`. */
  private rowOf(first: number, at: number): number {
    // A narrowed dump line: the row of the byte drawn at `at` (its pair or its character).
    if (this.row(first).reflowed === true) {
      const cells = dumpCells(this.row(first).line.text);
      at = cells.hex[byteAt(cells, at) ?? -1] ?? at;
    }
    let index = first;
    while (index + 1 < this.rowCount() && this.row(index + 1).continued && this.row(index + 1).from <= at) index++;
    return index;
  }

  /** Drops the search highlight; false when there was none. */
  clearSearch(): boolean {
    if (this.query === '') return false;
    this.query = '';
    this.match = undefined;
    return true;
  }

  /** Shows in full the first cut body whose "more lines" row is in the window; false when none. */
  expandInWindow(): boolean {
    for (const row of this.windowRows()) {
      if (row.line.expand !== undefined && !this.expanded.has(row.line.expand)) {
        this.expanded.add(row.line.expand);
        const unit = row.line.exchange ?? row.line.item;
        if (unit !== undefined) this.remakeUnit(unit);
        return true;
      }
    }
    return false;
  }

  /** The units the rows were last made from (see {@link update}). */
  private builtUnits: MessageUnits | undefined = undefined;

  private units(): MessageUnits {
    return messageUnits(this.messages, this.read, this.expanded, this.bodies, this.arrow);
  }

  /** The units of the last update, or new ones before the first. */
  private currentUnits(): MessageUnits {
    return this.builtUnits ?? this.units();
  }

  /**
   * Makes the rows of the units from the first that must be made again: the first unit still
   * unsettled whose version changed, or the first unit not shown yet. The rows before it are
   * kept; units are added while their lines stay under the cap.
   */
  private remakeUnits(units: MessageUnits): void {
    let from = this.firstRow.length;
    for (const { index, version } of this.unsettled) {
      if (index >= from) break;
      if (units.version(index) !== version) from = index;
    }
    this.dropUnits(from);
    for (let index = from; index < units.count && this.lineCount < MAX_MESSAGE_LINES; index++) {
      this.firstRow.push(this.unitRows.length);
      this.firstLine.push(this.lineCount);
      this.stops.push(units.stop(index));
      if (!units.settled(index)) this.unsettled.push({ index, version: units.version(index) });
      const lines = units.lines(index);
      this.lineCount += lines.length;
      this.wrap(lines, this.unitRows);
    }
  }

  /** Makes unit `index`'s rows again in place (one of its bodies was expanded); units after it past the line cap go. */
  private remakeUnit(index: number): void {
    if (index >= this.firstRow.length) return;
    // The units of the last update (they read `expanded` when asked): no notes sorted again per body.
    const lines = this.currentUnits().lines(index);
    const rows = this.wrap(lines, []);
    const start = this.firstRow[index];
    const end = this.firstRow[index + 1] ?? this.unitRows.length;
    const lineDelta = lines.length - ((this.firstLine[index + 1] ?? this.lineCount) - this.firstLine[index]);
    this.unitRows = this.unitRows.slice(0, start).concat(rows, this.unitRows.slice(end));
    for (let after = index + 1; after < this.firstRow.length; after++) {
      this.firstRow[after] += rows.length - (end - start);
      this.firstLine[after] += lineDelta;
    }
    this.lineCount += lineDelta;
    const overCap = this.firstLine.findIndex((line) => line >= MAX_MESSAGE_LINES);
    if (overCap >= 0) this.dropUnits(overCap);
  }

  /** Drops the rows of units `from` on. */
  private dropUnits(from: number): void {
    if (from >= this.firstRow.length) return;
    this.unitRows.length = this.firstRow[from];
    this.lineCount = this.firstLine[from];
    this.firstRow.length = from;
    this.firstLine.length = from;
    this.stops.length = from;
    this.unsettled = this.unsettled.filter(({ index }) => index < from);
  }

  /** Wraps the units' lines (kept in their rows) again at the current width. */
  private rewrap(): void {
    const old = this.unitRows;
    this.unitRows = [];
    for (let unit = 0; unit < this.firstRow.length; unit++) {
      const start = this.firstRow[unit];
      const end = this.firstRow[unit + 1] ?? old.length;
      this.firstRow[unit] = this.unitRows.length;
      this.wrap(old.slice(start, end).filter((row) => !row.continued).map((row) => row.line), this.unitRows);
    }
    this.rowsWidth = this.textColumns();
  }

  /** Columns left for a line's text after the time prefix and the marker. */
  private textColumns(): number {
    const time = this.style.mode === 'off' ? 0 : timestampColumns(this.style.mode) + 1;
    return Math.max(1, this.width - 2 - time);
  }

  private rowCount(): number {
    return this.headRows.length + this.unitRows.length + this.tailRows.length;
  }

  private row(index: number): Row {
    if (index < this.headRows.length) return this.headRows[index];
    index -= this.headRows.length;
    return index < this.unitRows.length ? this.unitRows[index] : this.tailRows[index - this.unitRows.length];
  }

  private windowRows(): Row[] {
    const rows: Row[] = [];
    for (let index = this.top; index < Math.min(this.rowCount(), this.top + this.height); index++) rows.push(this.row(index));
    return rows;
  }

  private lastTop(): number {
    return Math.max(0, this.rowCount() - this.height);
  }

  /** Appends the rows of `lines` at the current width to `rows`; returns `rows`. */
  private wrap(lines: readonly MessageLine[], rows: Row[]): Row[] {
    const hidden = this.rowsFilter === 'c2s' ? 'server' : this.rowsFilter === 's2c' ? 'client' : undefined;
    const columns = this.textColumns();
    for (const line of lines) {
      if (hidden !== undefined && (line.side === hidden || line.of === hidden)) continue;
      // A body's hex dump line that does not fit: the same bytes in narrower dump rows, not wrapped.
      const narrow = line.hex !== undefined && line.text.length > columns ? hexRowLines(line.hex, hexBytesFitting(columns)) : undefined;
      if (narrow !== undefined) {
        const cells = dumpCells(line.text);
        const bytes = hexBytesFitting(columns);
        narrow.forEach((text, i) => rows.push({ line, text, continued: i > 0, from: i > 0 ? cells.hex[i * bytes] ?? line.text.length : 0, reflowed: true, firstByte: i * bytes }));
        continue;
      }
      // flowspy's own lines (timings, notes, TLS hellos) wrap at spaces; captured text wraps at the width, as in the raw modes.
      wrapRanges(line.text, columns, line.side === 'event' || line.prose === true).forEach(([from, to], i) => rows.push({ line, text: line.text.slice(from, to), continued: i > 0, from }));
    }
    return rows;
  }
}

/** Cut bodies a search that found nothing in the rows looks into (each read and decoded in full). */
const MAX_BODIES_SEARCHED = 32;

/** The index of the first of `sorted` (ascending) above `value`; `sorted.length` when none is. O(log n). */
function firstAbove(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Where in `row.text` the matches at `starts` (of `length`, in the row's line) are: the slice of
 * each in a wrapped row; in a narrowed dump row, the pairs and characters of the matched bytes.
 */
function rowMatches(row: Row, starts: readonly number[], length: number): [number, number][] {
  const out: [number, number][] = [];
  if (row.reflowed === true) {
    const wide = dumpCells(row.line.text);
    const narrow = dumpCells(row.text);
    for (const at of starts) {
      const bytes = bytesIn(wide, at, at + length);
      if (bytes) out.push(...byteRanges(narrow, bytes[0] - row.firstByte!, bytes[1] - row.firstByte!));
    }
    return out;
  }
  const end = row.from + row.text.length;
  for (const at of starts) if (at < end && at + length > row.from) out.push([Math.max(at, row.from) - row.from, Math.min(at + length, end) - row.from]);
  return out;
}

/** Where `needle` is in `text`, left to right, not overlapping. */
function matchesIn(text: string, needle: string): number[] {
  return textMatches(text, needle, smartIgnoresCase(needle)).map(([at]) => at);
}
