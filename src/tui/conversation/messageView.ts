/**
 * The messages mode's window: the lines of `messageLines.ts` wrapped to the pane's width, a top
 * row, follow, a text search over the shown lines, and cut bodies expanded on request. Rows are
 * made per unit (an HTTP exchange, a line protocol's item) and kept: when the flow changed
 * (`stamp`), the units from the first one that changed on are made again; the unit of an
 * expanded body is made again in place; a new width wraps the kept lines again. The few lines
 * around the units (head, trailer, tail) are made again at each change. Pure: no terminal.
 */
import type { FlowMessages } from '../../messages/flowMessages.js';
import { escapeText } from '../../render/escape.js';
import type { Micros } from '../../core/types.js';
import { markerOf, timestampColumns, timestampText, wrapRanges } from './lineText.js';
import { BodyCache, MAX_MESSAGE_LINES, messageUnits, trailerLines, type BodyReader, type MessageLine, type MessageUnits } from './messageLines.js';
import type { DirectionFilter, TimestampMode } from './settings.js';
import type { DisplayLine } from './view.js';
import type { ViewPlace } from './bodyInView.js';
import { smartIgnoresCase, smartIncludes, textMatches } from '../textMatch.js';

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
  private lineCount = 0;
  /** The units shown that may still change, in order, with the version their rows were made from. */
  private unsettled: { readonly index: number; readonly version: string }[] = [];
  /** The width the rows were wrapped to. */
  private rowsWidth = 0;
  private top = 0;
  private width = 80;
  private height = 20;
  private query = '';
  private style = PLAIN;
  /** The side filter the rows were made with. */
  private rowsFilter: DirectionFilter = 'both';
  /** Keep the last rows in view as messages arrive. */
  follow = false;

  constructor(
    readonly flowId: number,
    private readonly messages: FlowMessages,
    private readonly read: BodyReader,
  ) {}

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
      if (this.rowsFilter !== style.filter) {
        this.rowsFilter = style.filter;
        this.dropUnits(0);
      }
      if (this.rowsWidth !== this.textColumns()) this.rewrap();
      const units = this.units();
      this.remakeUnits(units);
      this.headRows = this.wrap(head, []);
      this.tailRows = this.wrap([...trailerLines(this.messages, this.firstRow.length < units.count), ...tail], []);
    }
    if (this.follow) this.top = this.lastTop();
    this.top = Math.max(0, Math.min(this.top, this.lastTop()));
  }

  /** The window's rows, prefixed with their time (`t`) and their side's marker; the search query highlighted. */
  lines(): DisplayLine[] {
    const needle = this.query === '' ? '' : escapeText(this.query);
    const ignoreCase = smartIgnoresCase(this.query);
    const { mode, startTs } = this.style;
    const blank = mode === 'off' ? '' : ' '.repeat(timestampColumns(mode) + 1);
    return this.windowRows().map((row) => {
      const time = mode === 'off' || row.continued || row.line.ts === undefined ? blank : `${timestampText(mode, row.line.ts, startTs)} `;
      const text = `${time}${row.continued ? ' ' : markerOf(row.line.side)} ${row.text}`;
      const matches: [number, number][] = [];
      if (needle !== '') matches.push(...textMatches(text, needle, ignoreCase, time.length + 2));
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
   * `]` and `[`: puts the first row of the next unit (an HTTP exchange, a line protocol's item)
   * at the top, or of the unit in view (the one before, when already there; the first rows when
   * none). False when the window did not move.
   */
  nextUnit(): boolean {
    const head = this.headRows.length;
    const next = this.firstRow.find((row) => head + row > this.top);
    return next !== undefined && this.moveTop(head + next);
  }
  previousUnit(): boolean {
    const head = this.headRows.length;
    let target = 0;
    for (const row of this.firstRow) {
      if (head + row >= this.top) break;
      target = head + row;
    }
    return this.moveTop(target);
  }

  private moveTop(row: number): boolean {
    const top = Math.max(0, Math.min(row, this.lastTop()));
    if (top === this.top) return false;
    this.top = top;
    this.follow = false;
    return true;
  }

  /** Index of the HTTP exchange of the first row in the window that belongs to one, if any. */
  exchangeInWindow(): number | undefined {
    for (const row of this.windowRows()) if (row.line.exchange !== undefined) return row.line.exchange;
    return undefined;
  }

  /** The message (exchange and role) of each row of the window that shows one, top to bottom. */
  placesInWindow(): ViewPlace[] {
    const places: ViewPlace[] = [];
    for (const { line } of this.windowRows()) if (line.exchange !== undefined && line.role !== undefined) places.push({ exchange: line.exchange, role: line.role });
    return places;
  }

  /** Moves to the next row holding `query` (escaped as shown, smart case) after the top (before, `backward`); false when none. */
  find(query: string, backward: boolean): boolean {
    this.query = query;
    const needle = escapeText(query);
    const count = this.rowCount();
    for (let step = 1; step <= count; step++) {
      const index = backward ? this.top - step : this.top + step;
      if (index < 0 || index >= count) break;
      if (smartIncludes(this.row(index).text, needle)) {
        this.top = index;
        this.follow = false;
        return true;
      }
    }
    return false;
  }

  /** Drops the search highlight; false when there was none. */
  clearSearch(): boolean {
    if (this.query === '') return false;
    this.query = '';
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

  private units(): MessageUnits {
    return messageUnits(this.messages, this.read, this.expanded, this.bodies);
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
      if (!units.settled(index)) this.unsettled.push({ index, version: units.version(index) });
      const lines = units.lines(index);
      this.lineCount += lines.length;
      this.wrap(lines, this.unitRows);
    }
  }

  /** Makes unit `index`'s rows again in place (one of its bodies was expanded); units after it past the line cap go. */
  private remakeUnit(index: number): void {
    if (index >= this.firstRow.length) return;
    const lines = this.units().lines(index);
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
    for (const line of lines) {
      if (hidden !== undefined && (line.side === hidden || line.of === hidden)) continue;
      wrapRanges(line.text, this.textColumns()).forEach(([from, to], i) => rows.push({ line, text: line.text.slice(from, to), continued: i > 0 }));
    }
    return rows;
  }
}
