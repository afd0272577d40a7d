/**
 * The rows of the messages mode: the lines of `messageLines.ts` wrapped to a width, kept per
 * unit (an HTTP exchange, a line protocol's item) between the head lines and the tail lines.
 * Units are made again from the first one that changed, or one in place (a body expanded); a
 * new width wraps the kept lines again; a side filter drops the lines of the side hidden. The
 * units' lines are capped at {@link MAX_MESSAGE_LINES}. Pure: no terminal.
 */
import { HEX_BYTES_PER_LINE, hexBytesFitting, hexRowLines } from '../../render/hex.js';
import { dumpCells, byteAt, type DumpCells } from './dumpCells.js';
import { wrapRanges } from './lineText.js';
import { MAX_MESSAGE_LINES, type MessageLine, type MessageUnits } from './messageLines.js';
import type { DirectionFilter } from './settings.js';

/** One row: a slice of a line's text (or, for a narrowed hex dump line, a dump row of its own). */
export interface Row {
  readonly line: MessageLine;
  readonly text: string;
  readonly continued: boolean;
  /** Where `text` starts in the line's text. */
  readonly from: number;
  /**
   * A row of a hex dump line made again narrower (see {@link MessageRows.wrap}): its text is not
   * a slice of the line's; it has its side's marker, and `from` is the column of its first
   * byte's hex pair in the line's text. `firstByte`: the index in the line of its first byte;
   * `lineCells`, `rowCells`: where each byte is drawn in the line's text and in the row's, read
   * once when the row is made.
   */
  readonly dump?: { readonly firstByte: number; readonly lineCells: DumpCells; readonly rowCells: DumpCells };
}

/** Where a row is: its line, where it starts in the line's text, and its index then. */
export interface RowPlace {
  readonly line: MessageLine;
  readonly from: number;
  readonly row: number;
}

/** The rows of one flow in messages mode, indexed from the first head row. */
export class MessageRows {
  /** The rows of the `head` lines, of the units shown, and of the lines after them (trailer and tail). */
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
  /** The columns lines are wrapped to; 0 before the first {@link setColumns}. */
  private columns = 0;
  /** The side filter the rows were made with. */
  private filter: DirectionFilter = 'both';

  /** Rows in all. */
  get count(): number {
    return this.headRows.length + this.unitRows.length + this.tailRows.length;
  }

  /** The row at `index` (0 ≤ index < count). */
  row(index: number): Row {
    if (index < this.headRows.length) return this.headRows[index];
    index -= this.headRows.length;
    return index < this.unitRows.length ? this.unitRows[index] : this.tailRows[index - this.unitRows.length];
  }

  /** Rows before the first unit's. */
  get headCount(): number {
    return this.headRows.length;
  }

  /** Units shown (the rest are past the line cap). */
  get unitCount(): number {
    return this.firstRow.length;
  }

  /** Per unit shown, its first row counted from the first unit row (ascending). */
  get unitFirstRows(): readonly number[] {
    return this.firstRow;
  }

  /** Whether `]` and `[` stop at unit `unit`. */
  isStop(unit: number): boolean {
    return this.stops[unit];
  }

  /** The first row of unit `unit`; undefined when it is not shown. */
  unitStart(unit: number): number | undefined {
    const first = this.firstRow[unit];
    return first === undefined ? undefined : this.headRows.length + first;
  }

  /** The row after unit `unit`'s last (`unit` shown). */
  unitEnd(unit: number): number {
    return this.headRows.length + (this.firstRow[unit + 1] ?? this.unitRows.length);
  }

  /** Keeps the lines of `filter`'s sides from now on; a new filter drops every unit's rows (true then). */
  setFilter(filter: DirectionFilter): boolean {
    if (filter === this.filter) return false;
    this.filter = filter;
    this.dropUnits(0);
    return true;
  }

  /** Wraps lines to `columns` from now on; the kept units' lines are wrapped again when it changed. */
  setColumns(columns: number): void {
    if (columns === this.columns) return;
    this.columns = columns;
    const old = this.unitRows;
    this.unitRows = [];
    for (let unit = 0; unit < this.firstRow.length; unit++) {
      const start = this.firstRow[unit];
      const end = this.firstRow[unit + 1] ?? old.length;
      this.firstRow[unit] = this.unitRows.length;
      this.wrap(old.slice(start, end).filter((row) => !row.continued).map((row) => row.line), this.unitRows);
    }
  }

  /** Makes the rows before the units from `lines`. */
  setHead(lines: readonly MessageLine[]): void {
    this.headRows = this.wrap(lines, []);
  }

  /** Makes the rows after the units from `lines`. */
  setTail(lines: readonly MessageLine[]): void {
    this.tailRows = this.wrap(lines, []);
  }

  /**
   * Makes the rows of the units from the first that must be made again: the first unit still
   * unsettled whose version changed, or the first unit not shown yet. The rows before it are
   * kept; units are added while their lines stay under the cap.
   */
  remakeUnits(units: MessageUnits): void {
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

  /** Makes unit `index`'s rows again in place from `units` (one of its bodies was expanded); units after it past the line cap go. */
  remakeUnit(index: number, units: MessageUnits): void {
    if (index >= this.firstRow.length) return;
    const lines = units.lines(index);
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

  /** The first row of the line row `index` shows (-1 for -1, before the first row). */
  lineStart(index: number): number {
    while (index > 0 && this.row(index).continued) index--;
    return index;
  }

  /** The row after the last one of the line starting at row `first`. */
  lineEnd(first: number): number {
    const count = this.count;
    let index = first + 1;
    while (index < count && this.row(index).continued) index++;
    return index;
  }

  /** The row showing position `at` of the text of the line starting at row `first`. */
  rowOf(first: number, at: number): number {
    // A narrowed dump line: the row of the byte drawn at `at` (its pair or its character).
    const dump = this.row(first).dump;
    if (dump !== undefined) at = dump.lineCells.hex[byteAt(dump.lineCells, at) ?? -1] ?? at;
    let index = first;
    while (index + 1 < this.count && this.row(index + 1).continued && this.row(index + 1).from <= at) index++;
    return index;
  }

  /** Where row `index` is (the last row when past the end); undefined when there are no rows. */
  placeOf(index: number): RowPlace | undefined {
    if (this.count === 0) return undefined;
    const row = Math.min(index, this.count - 1);
    const { line, from } = this.row(row);
    return { line, from, row };
  }

  /**
   * The row showing `place` after the rows were made again (a new width or time prefix wraps the
   * lines differently): the row of its line that starts at or before its position. Undefined
   * when the line is no longer shown (its unit was made again).
   */
  rowOfPlace(place: RowPlace): number | undefined {
    const count = this.count;
    const same = (index: number): boolean => this.row(index).line === place.line;
    let first = place.row < count && same(place.row) ? this.lineStart(place.row) : -1;
    const unit = place.line.exchange ?? place.line.item;
    const unitStart = unit !== undefined ? this.unitStart(unit) ?? 0 : 0;
    for (let index = unitStart; first < 0 && index < count; index++) if (same(index)) first = index;
    if (first < 0) return undefined;
    let row = first;
    while (row + 1 < count && same(row + 1) && this.row(row + 1).continued && this.row(row + 1).from <= place.from) row++;
    return row;
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

  /** Appends the rows of `lines` at the current columns to `rows`; returns `rows`. */
  private wrap(lines: readonly MessageLine[], rows: Row[]): Row[] {
    const hidden = this.filter === 'c2s' ? 'server' : this.filter === 's2c' ? 'client' : undefined;
    const columns = this.columns;
    for (const line of lines) {
      if (hidden !== undefined && (line.side === hidden || line.of === hidden)) continue;
      // A body's hex dump line that does not fit: the same bytes in narrower dump rows, not wrapped.
      if (line.hex !== undefined && line.text.length > columns) {
        const bytes = hexBytesFitting(columns, line.hex.offset + HEX_BYTES_PER_LINE - 1);
        const lineCells = dumpCells(line.text);
        hexRowLines(line.hex, bytes).forEach((text, i) => rows.push({
          line, text, continued: i > 0, from: i > 0 ? lineCells.hex[i * bytes] ?? line.text.length : 0,
          dump: { firstByte: i * bytes, lineCells, rowCells: dumpCells(text) },
        }));
        continue;
      }
      // Decoded text wraps after spaces; flowspy's own lines (timings, notes, TLS hellos) keep a number with its unit.
      wrapRanges(line.text, columns, line.breaks ?? (line.side === 'event' ? 'prose' : 'words')).forEach(([from, to], i) => rows.push({ line, text: line.text.slice(from, to), continued: i > 0, from }));
    }
    return rows;
  }
}
