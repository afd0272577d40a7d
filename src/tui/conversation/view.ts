/**
 * The conversation pane's model: a flow shown from a position (unit, row in unit), like `less`
 * keeps a byte offset. `lines()` builds only the rows in the window; scrolling, home, end and
 * follow walk units (see `units.ts`, `unitWalk.ts`) and render only those they pass
 * ({@link WrappedUnits}, which keeps them in a bounded LRU). Memory does not grow with the flow's
 * size. Pure: no terminal, no blessed; the pane colours rows by `side`/`kind` and paints `matches`.
 */
import type { Direction } from '../../core/types.js';
import { displayRow, goneRow, readErrorRow, type DisplayLine } from './displayRow.js';
import type { LogicalLine } from './lineText.js';
import { currentInLine, currentMatches, type Highlight } from './highlight.js';
import { decodeEscaped } from '../../render/encoding.js';
import { DEFAULT_SETTINGS, type ConversationSettings, type DisplayMode } from './settings.js';
import type { ConversationSource } from './source.js';
import { HEAD, SPAN_BYTES, TAIL, sameUnit, type UnitKey, type UnitOrder } from './units.js';
import { lastPage, rowOfOffset, rowsFollow, samePosition, scrolledBy, type ConversationPosition, type UnitWalk } from './unitWalk.js';
import { WrappedUnits } from './wrappedUnits.js';
import type { WrappedUnit } from './unitCache.js';

export type { DisplayLine } from './displayRow.js';
export type { ConversationPosition } from './unitWalk.js';

/** Options of a view. */
export interface ConversationViewOptions {
  /** Units kept rendered (default `DEFAULT_CACHE_UNITS` of `unitCache.ts`). */
  cacheUnits?: number;
}

export type { Highlight } from './highlight.js';

/** A top to keep: a unit, and the stream place at its top row when it shows data. */
type TopAnchor = { unit: UnitKey; dir?: Direction; offset?: number };

/**
 * One flow in a pane. The owner calls `update()` when the store changed, `resize()` on resize;
 * reads `lines()` to draw. Errors from the store (flow evicted) show as an event line.
 */
export class ConversationView {
  private readonly units: WrappedUnits;
  /** The unit and its row at the top of the window. */
  position: ConversationPosition = { unit: HEAD, row: 0 };
  /** Keep the end in view as data arrives (applied by `update()`). */
  follow = false;
  /** What `lines()` marks as matched (a search's text or bytes), if anything. */
  highlight: Highlight | undefined = undefined;
  /**
   * The stream place {@link showOffset} put in the window and the position it left: while the
   * window stays there, that place is the reader's (a cycle of modes does not drift by the
   * rounding of each mode's rows: 16 bytes a hex row, a long escaped line).
   */
  private placed: { readonly dir: Direction; readonly offset: number; readonly position: ConversationPosition } | undefined;
  /**
   * The top the reader put there, while a window bigger than the rows after it shows earlier
   * ones (see {@link resize}), and the position that left: while the window stays there, going
   * back to a smaller size shows it at the top again.
   */
  private sizeAnchor: { readonly top: TopAnchor; readonly position: ConversationPosition } | undefined;
  /** The current match's ranges by wrapped unit, for the highlight and mode they were found for. */
  private readonly currents = new WeakMap<WrappedUnit, { highlight: Highlight | undefined; mode: DisplayMode; ranges: ReadonlyMap<number, [number, number][]> }>();

  constructor(
    readonly source: ConversationSource,
    readonly flowId: number,
    private settingsValue: ConversationSettings = DEFAULT_SETTINGS,
    private widthValue = 80,
    private heightValue = 20,
    options: ConversationViewOptions = {},
  ) {
    this.units = new WrappedUnits(source, flowId, options.cacheUnits);
    this.units.configure(settingsValue, widthValue);
  }

  /** How the lines are built (mode, encoding, timestamps, directions). */
  get settings(): ConversationSettings {
    return this.settingsValue;
  }

  /** The window's columns. */
  get width(): number {
    return this.widthValue;
  }

  /** The window's rows. */
  get height(): number {
    return this.heightValue;
  }

  /** Changes settings, keeping the first visible data byte (or unit) at the top. */
  setSettings(change: Partial<ConversationSettings>): void {
    const top = this.topAnchor();
    this.settingsValue = { ...this.settingsValue, ...change };
    this.units.configure(this.settingsValue, this.widthValue);
    this.relocate(top);
  }

  /**
   * New pane size; keeps the top line: the one the reader put at the top, also when a bigger
   * size showed earlier rows to fill the window, until the reader moves (as less and vim do).
   */
  resize(width: number, height: number): void {
    const anchor = this.sizeAnchor;
    const top = anchor && samePosition(anchor.position, this.position) ? anchor.top : this.topAnchor();
    this.widthValue = Math.max(1, Math.floor(width));
    this.heightValue = Math.max(1, Math.floor(height));
    this.units.configure(this.settingsValue, this.widthValue);
    this.relocate(top);
    // Rows from the anchor on no longer fill the window: the last page is shown, the anchor kept.
    this.sizeAnchor = undefined;
    this.guarded(() => {
      if (this.atEnd()) this.sizeAnchor = { top, position: this.position };
    });
  }

  /** The flow changed (new chunks, notes, end): follows the end when `follow` is on. */
  update(): void {
    if (this.follow) this.end();
  }

  /** The rows of the window, at most `height`. */
  lines(): DisplayLine[] {
    const flow = this.source.getFlow(this.flowId);
    if (!flow) return [goneRow()];
    try {
      const order = this.units.orderOf(flow);
      const out: DisplayLine[] = [];
      let unit: UnitKey | undefined = this.position.unit;
      let row = this.position.row;
      while (unit && out.length < this.heightValue) {
        const wrapped = this.units.wrapped(flow, unit);
        const current = this.currentIn(wrapped, unit);
        for (let i = Math.max(0, row); i < wrapped.rows.length && out.length < this.heightValue; i++) out.push(displayRow(flow, wrapped, i, this.settingsValue, this.highlight, current));
        unit = order.next(unit);
        row = 0;
      }
      return out;
    } catch (error) {
      return [this.source.getFlow(this.flowId) ? readErrorRow(error) : goneRow()];
    }
  }

  /**
   * The current match's ranges in `wrapped` (see {@link currentMatches}), found once per unit and
   * highlight rather than at every frame (finding them reads the store).
   */
  private currentIn(wrapped: WrappedUnit, unit: UnitKey): ReadonlyMap<number, [number, number][]> {
    const { highlight } = this;
    const mode = this.settingsValue.mode;
    const known = this.currents.get(wrapped);
    if (known && known.highlight === highlight && known.mode === mode) return known.ranges;
    const ranges = currentMatches(wrapped.lines, unit, highlight, mode, (line, offset) => this.columnOf(line, offset));
    this.currents.set(wrapped, { highlight, mode, ranges });
    return ranges;
  }

  /** Where stream `offset` shows in data line `line`'s text: the length of its bytes before it as shown. */
  private columnOf(line: LogicalLine, offset: number): number {
    return decodeEscaped(this.source.read(this.flowId, line.dir!, line.offset!, offset - line.offset!), this.settingsValue.encoding).length;
  }

  private guarded(action: () => void): void {
    const before = this.position;
    try {
      action();
    } catch {
      this.position = before;
    }
  }

  /**
   * Moves the window by `rows` (negative: up), stopping at the start and at the last page. Like
   * every move, a store error leaves the position as it was (`lines()` then shows the error).
   */
  scrollBy(rows: number): void {
    this.guarded(() => this.scrollUnguarded(rows));
  }

  private scrollUnguarded(rows: number): void {
    const walk = this.walk();
    if (!walk || rows === 0) return;
    this.position = scrolledBy(walk, this.position, rows);
    if (rows > 0 && !this.fillsWindow(walk)) this.end();
  }

  /** One page down / up (the window's height, less one row of context). */
  pageDown(): void {
    this.scrollBy(Math.max(1, this.heightValue - 1));
  }
  /** One page up: see {@link pageDown}. */
  pageUp(): void {
    this.scrollBy(-Math.max(1, this.heightValue - 1));
  }

  /** To the first row. */
  home(): void {
    this.position = { unit: HEAD, row: 0 };
  }

  /** To the last page: walks back from the tail only as far as one window. */
  end(): void {
    this.guarded(() => this.endUnguarded());
  }

  private endUnguarded(): void {
    const walk = this.walk();
    if (walk) this.position = lastPage(walk, this.heightValue);
  }

  /** True when the last row of the conversation is in the window. */
  atEnd(): boolean {
    const walk = this.walk();
    return !walk || !rowsFollow(walk, this.position, this.heightValue + 1);
  }

  /**
   * `]` and `[`: puts the first row of the next turn of the dialogue (see `UnitOrder.nextTurn`)
   * at the top, or of the turn in view (the one before, when already there). False when the
   * window did not move.
   */
  nextTurn(): boolean {
    return this.moveTo((order) => {
      const chunk = order.nextTurn(this.position.unit);
      return chunk < 0 ? undefined : { kind: 'chunk', chunk, span: 0 };
    });
  }

  /** `[`: see {@link nextTurn}. */
  previousTurn(): boolean {
    return this.moveTo((order) => {
      const target = order.previousTurn(this.position.unit, this.position.row === 0);
      return typeof target === 'number' ? { kind: 'chunk', chunk: target, span: 0 } : target;
    });
  }

  /** Puts the first row of the unit `find` picks at the top (kept within the last page); true when the window moved. */
  private moveTo(find: (order: UnitOrder) => UnitKey | undefined): boolean {
    const before = this.position;
    this.guarded(() => {
      const walk = this.walk();
      const unit = walk && find(walk.order);
      if (!walk || !unit) return;
      this.position = { unit, row: 0 };
      if (!this.fillsWindow(walk)) this.end();
    });
    return !samePosition(before, this.position);
  }

  /** Puts `unit` (an `=` row a search matched) at the top, or the last page when it is on it. */
  showUnit(unit: UnitKey): void {
    this.guarded(() => {
      const walk = this.walk();
      if (!walk) return;
      this.position = { unit, row: 0 };
      if (!this.fillsWindow(walk)) this.end();
    });
  }

  /** Puts the line holding `offset` of direction `dir` (a search match) at the top. */
  showOffset(dir: Direction, offset: number): void {
    this.guarded(() => this.showOffsetUnguarded(dir, offset));
  }

  private showOffsetUnguarded(dir: Direction, offset: number): void {
    const walk = this.walk();
    const index = walk ? this.source.chunkAt(this.flowId, dir, offset) : -1;
    if (!walk || index < 0) return;
    const chunk = this.source.getChunk(this.flowId, index)!;
    const start: UnitKey = { kind: 'chunk', chunk: index, span: Math.floor(Math.max(0, offset - chunk.offset) / SPAN_BYTES) };
    // The line holding `offset` is shown where it ends: a few units on at most.
    const position = rowOfOffset(walk, start, dir, offset, (line) => this.matchColumn(line, offset));
    if (!position) return;
    this.position = position;
    if (!this.fillsWindow(walk)) this.end();
    this.placed = { dir, offset, position: this.position };
  }

  /**
   * Index in `line.text` where stream `offset` shows: the current match's first range when the
   * match starts there (the one `lines()` marks); else, as a place kept across a mode change, the
   * offset's share of the text (see {@link topPlace}).
   */
  private matchColumn(line: LogicalLine, offset: number): number {
    const ranges = this.highlight?.current?.offset === offset ? currentInLine(line, this.highlight, this.settingsValue.mode, (l, at) => this.columnOf(l, at)) : [];
    return ranges[0]?.[0] ?? Math.floor(((offset - line.offset!) / Math.max(1, line.length ?? 1)) * line.text.length);
  }

  /** The flow's units to walk, or undefined when the store no longer holds the flow. */
  private walk(): UnitWalk | undefined {
    const flow = this.source.getFlow(this.flowId);
    if (!flow) return undefined;
    return { flow, order: this.units.orderOf(flow), wrapped: (unit) => this.units.wrapped(flow, unit) };
  }

  /** True when the window is full from the position: at least `height` rows follow it. */
  private fillsWindow(walk: UnitWalk): boolean {
    return rowsFollow(walk, this.position, this.heightValue);
  }

  /**
   * Where the reader is in the streams: the place {@link showOffset} put in the window while the
   * window stays there, else the first byte of the top row (on a row that continues a long line,
   * its share of the line's bytes). Undefined when the top row shows no data.
   */
  topPlace(): { dir: Direction; offset: number } | undefined {
    const placed = this.placed;
    if (placed && samePosition(placed.position, this.position)) return { dir: placed.dir, offset: placed.offset };
    const walk = this.walk();
    if (!walk) return undefined;
    try {
      let position: ConversationPosition | undefined = this.position;
      // The top row may lie past its unit's rows (a unit that shrank): the first row shown then.
      for (let step = 0; position && step < 64; step++) {
        const wrapped = walk.wrapped(position.unit);
        const row = wrapped.rows[position.row];
        if (row) {
          const line = wrapped.lines[row[0]];
          if (line.dir === undefined || line.offset === undefined) return undefined;
          // Rounded up: showOffset's share of the text for it then falls in this row, not the one before.
          const bytes = line.length ?? 0;
          const share = line.text.length > 0 ? Math.ceil((row[1] / line.text.length) * bytes) : 0;
          return { dir: line.dir, offset: line.offset + Math.min(share, Math.max(0, bytes - 1)) };
        }
        const next = walk.order.next(position.unit);
        position = next && { unit: next, row: 0 };
      }
    } catch {
      // A store error: no place (the unit is kept).
    }
    return undefined;
  }

  /** The top place (or unit), to keep in place across a change of settings or width. */
  private topAnchor(): TopAnchor {
    return { unit: this.position.unit, ...this.topPlace() };
  }

  private relocate(anchor: TopAnchor): void {
    this.guarded(() => this.relocateUnguarded(anchor));
  }

  private relocateUnguarded(anchor: TopAnchor): void {
    const walk = this.walk();
    if (!walk) return;
    const order = walk.order;
    if (anchor.dir !== undefined && anchor.offset !== undefined) {
      const visible = this.settingsValue.filter === 'both' || this.settingsValue.filter === anchor.dir;
      if (visible) {
        this.showOffset(anchor.dir, anchor.offset);
        return;
      }
    }
    let unit: UnitKey | undefined = anchor.unit;
    if (unit.kind === 'chunk') {
      const chunk = order.nextVisibleChunk(unit.chunk);
      unit = chunk === unit.chunk ? { kind: 'chunk', chunk, span: 0 } : order.next(order.lastSpanOf(unit.chunk));
    }
    this.position = { unit: unit ?? TAIL, row: 0 };
    if (sameUnit(this.position.unit, TAIL) || !this.fillsWindow(walk)) this.end();
  }
}
