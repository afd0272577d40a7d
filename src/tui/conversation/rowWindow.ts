/**
 * A window over the messages mode's rows: its top row and height, following the end, and the
 * moves a reader makes (scroll, `g`, `G`, `]`, `[`, a unit to the top), with the row the last
 * jump aimed at (the reader's row when the last page could not put it at the top). Which unit
 * and which messages it shows. Pure: no terminal.
 */
import { MessageRows, type Row, type RowPlace } from './messageRows.js';
import type { ViewPlace } from './bodyInView.js';
import { firstAbove } from './unitRows.js';

/** The window; the rows are its subclass's to make (see MessageView). */
export class RowWindow {
  protected readonly rows = new MessageRows();
  protected top = 0;
  protected height = 20;
  /** Keep the last rows in view as messages arrive. */
  follow = false;
  /**
   * The row a jump (`]`, `[`, `G`, a match, {@link showUnit}) aimed at, and the top it left: while
   * the top stays there, the reader is at that row, also when the last page could not put it at
   * the top (see {@link exchangeInWindow}).
   */
  private jumped: { readonly row: number; readonly top: number } | undefined = undefined;
  /**
   * The row the reader put at the top while the window shows earlier ones, being too big for the
   * rows from it on (see {@link placeTop}), and the top that left: while the top stays there,
   * going back to a smaller size shows it at the top again, as less and vim do.
   */
  private anchor: { readonly place: RowPlace; readonly top: number } | undefined = undefined;

  /** Moves the window by `rows` (negative: up, which stops following), within the rows. */
  scroll(rows: number): void {
    this.top = Math.max(0, Math.min(this.lastTop(), this.top + rows));
    if (rows < 0) this.follow = false;
  }
  /** The first rows in view (`g`); stops following. */
  home(): void {
    this.top = 0;
    this.jumped = undefined;
    this.follow = false;
  }
  /** The last rows in view (`G`). */
  end(): void {
    this.top = this.lastTop();
    const rows = this.windowRows();
    let last = rows.length - 1;
    while (last >= 0 && rows[last].line.exchange === undefined) last--;
    this.jumped = last < 0 ? undefined : { row: this.top + last, top: this.top };
  }

  /**
   * `]` and `[`: puts the first row of the next unit that is a stop (an HTTP exchange, a
   * WebSocket frame, the start of a side's turn of a line protocol: see MessageUnits.stop) at the
   * top, or of the stop in view (the one before, when already there; the first rows when
   * none). False when the window did not move.
   */
  nextUnit(): boolean {
    const rows = this.rows;
    let unit = firstAbove(rows.unitFirstRows, this.readerRow() - rows.headCount);
    while (unit < rows.unitCount && !rows.isStop(unit)) unit++;
    const next = rows.unitStart(unit);
    return next !== undefined && this.moveTop(next);
  }

  /** `[`: see {@link nextUnit}. */
  previousUnit(): boolean {
    const rows = this.rows;
    let before = firstAbove(rows.unitFirstRows, this.readerRow() - rows.headCount - 1) - 1;
    while (before > 0 && !rows.isStop(before)) before--;
    return this.moveTop(before < 0 ? 0 : rows.unitStart(before)!);
  }

  /** Where the reader is: the row the last jump aimed at while the top stays where it left it, else the top. */
  private readerRow(): number {
    return this.jumped?.top === this.top ? this.jumped.row : this.top;
  }

  /** Jumps to `row` (see {@link jumped}); false when neither the window nor the reader's row moved. */
  protected moveTop(row: number): boolean {
    const top = Math.max(0, Math.min(row, this.lastTop()));
    const reader = this.readerRow();
    this.jumped = { row, top };
    if (top === this.top) return row !== reader;
    this.top = top;
    this.follow = false;
    return true;
  }

  /**
   * Puts the first row of unit `index` (an HTTP exchange, a line protocol's item) at the top, as
   * far as the last page allows; units not shown (past the line cap) are not reached.
   */
  showUnit(index: number): void {
    const row = this.rows.unitStart(Math.min(index, this.rows.unitCount - 1));
    if (row !== undefined) this.moveTop(row);
  }

  /** The unit (exchange or item index) of the window's top row, if it belongs to one. */
  unitAtTop(): number | undefined {
    const top = this.rows.count > 0 ? this.rows.row(Math.min(this.top, this.rows.count - 1)) : undefined;
    return top?.line.exchange ?? top?.line.item;
  }

  /**
   * The HTTP exchange (its index) the reader is at: the one the last jump (`]`, `[`, `G`, a
   * match, Enter on an exchange) aimed at while the window stays where it left it; else the one
   * with the most rows in the window (the upper one on a tie). Undefined when no row shows one.
   */
  exchangeInWindow(): number | undefined {
    const jumped = this.jumped?.top === this.top && this.jumped.row < this.rows.count ? this.rows.row(this.jumped.row).line.exchange : undefined;
    if (jumped !== undefined) return jumped;
    const rowsOf = new Map<number, number>();
    for (const { line } of this.windowRows()) if (line.exchange !== undefined) rowsOf.set(line.exchange, (rowsOf.get(line.exchange) ?? 0) + 1);
    let most: number | undefined;
    for (const [exchange, rows] of rowsOf) if (most === undefined || rows > rowsOf.get(most)!) most = exchange;
    return most;
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

  /** The rows in the window, top to bottom. */
  protected windowRows(): Row[] {
    const rows: Row[] = [];
    for (let index = this.top; index < Math.min(this.rows.count, this.top + this.height); index++) rows.push(this.rows.row(index));
    return rows;
  }

  /** The row the reader put at the top (see {@link anchor}), while the top is where that left it. */
  protected anchorPlace(): RowPlace | undefined {
    return this.anchor?.top === this.top ? this.anchor.place : undefined;
  }

  /**
   * Puts `top` (the reader's, or the anchor's row) at the top, as far as the last page allows;
   * when it does not, keeps it as the {@link anchor}.
   */
  protected placeTop(top: number): void {
    const placed = Math.max(0, Math.min(top, this.lastTop()));
    const place = placed === top ? undefined : this.rows.placeOf(top);
    this.anchor = place && { place, top: placed };
    this.top = placed;
  }

  /** The top that shows the last rows. */
  protected lastTop(): number {
    return Math.max(0, this.rows.count - this.height);
  }
}
