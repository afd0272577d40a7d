/**
 * The conversation pane's model: a flow shown from a position (unit, row in unit), like `less`
 * keeps a byte offset. `lines()` builds only the rows in the window; scrolling, home, end and
 * follow walk units (see `units.ts`) and render only those they pass ({@link WrappedUnits}, which
 * keeps them in a bounded LRU). Memory does not grow with the flow's size. Pure: no terminal, no
 * blessed; the pane colours rows by `side`/`kind` and paints `matches`.
 */
import type { Direction } from '../../core/types.js';
import { escapeText } from '../../render/escape.js';
import { markerOf, timestampColumns, timestampText, type LineKind, type LogicalLine, type Side } from './lineText.js';
import { lineMatches, type Highlight } from './highlight.js';
import { DEFAULT_SETTINGS, type ConversationSettings } from './settings.js';
import type { ConversationFlow, ConversationSource } from './source.js';
import type { WrappedUnit } from './unitCache.js';
import { HEAD, SPAN_BYTES, TAIL, UnitOrder, sameUnit, type UnitKey } from './units.js';
import { WrappedUnits } from './wrappedUnits.js';

/** Where the window starts: a unit and a row of its wrapped rendering. */
export interface ConversationPosition {
  readonly unit: UnitKey;
  readonly row: number;
}

/** One row of the pane: safe text (prefix included, at most `width` columns) and how to paint it. */
export interface DisplayLine {
  readonly side: Side;
  readonly kind: LineKind;
  readonly text: string;
  /** True for an alert line (data after the peer closed): the pane highlights it. */
  readonly highlight: boolean;
  /** True for a row that continues the previous row's line (wrapped). */
  readonly continued: boolean;
  /** Search matches to paint, as `[from, to)` indexes into `text`. */
  readonly matches: readonly (readonly [number, number])[];
  /** For data rows: direction and stream offset of the line's first byte. */
  readonly dir?: Direction;
  readonly offset?: number;
}

/** Options of a view. */
export interface ConversationViewOptions {
  /** Units kept rendered (default `DEFAULT_CACHE_UNITS` of `unitCache.ts`). */
  cacheUnits?: number;
}

export type { Highlight } from './highlight.js';

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

  /** New pane size; keeps the top line. */
  resize(width: number, height: number): void {
    const top = this.topAnchor();
    this.widthValue = Math.max(1, Math.floor(width));
    this.heightValue = Math.max(1, Math.floor(height));
    this.units.configure(this.settingsValue, this.widthValue);
    this.relocate(top);
  }

  /** The flow changed (new chunks, notes, end): follows the end when `follow` is on. */
  update(): void {
    if (this.follow) this.end();
  }

  /** The rows of the window, at most `height`. */
  lines(): DisplayLine[] {
    const flow = this.source.getFlow(this.flowId);
    if (!flow) return [this.goneRow()];
    try {
      const order = this.units.orderOf(flow);
      const out: DisplayLine[] = [];
      let unit: UnitKey | undefined = this.position.unit;
      let row = this.position.row;
      while (unit && out.length < this.heightValue) {
        const wrapped = this.units.wrapped(flow, unit);
        for (let i = Math.max(0, row); i < wrapped.rows.length && out.length < this.heightValue; i++) out.push(this.rowOf(flow, wrapped, i));
        unit = order.next(unit);
        row = 0;
      }
      return out;
    } catch (error) {
      return [this.errorRow(error)];
    }
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
    const flow = this.source.getFlow(this.flowId);
    if (!flow || rows === 0) return;
    const order = this.units.orderOf(flow);
    let unit = this.position.unit;
    let row = this.position.row;
    let remaining = Math.abs(rows);
    if (rows < 0) {
      while (remaining > 0) {
        if (row >= remaining) {
          row -= remaining;
          remaining = 0;
          break;
        }
        remaining -= row;
        const previous = this.previousWithRows(order, flow, unit);
        if (!previous) {
          row = 0;
          break;
        }
        unit = previous.unit;
        row = previous.row;
        remaining--;
      }
      this.position = { unit, row };
      return;
    }
    while (remaining > 0) {
      const count = this.units.wrapped(flow, unit).rows.length;
      if (row + remaining < count) {
        row += remaining;
        break;
      }
      remaining -= Math.max(0, count - row);
      const next = order.next(unit);
      if (!next) {
        row = Math.max(0, count - 1);
        break;
      }
      unit = next;
      row = 0;
    }
    this.position = { unit, row };
    if (!this.fillsWindow(order, flow)) this.end();
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
    const flow = this.source.getFlow(this.flowId);
    if (!flow) return;
    const order = this.units.orderOf(flow);
    let need = this.heightValue;
    let unit: UnitKey | undefined = TAIL;
    while (unit) {
      const count = this.units.wrapped(flow, unit).rows.length;
      if (count >= need) {
        this.position = { unit, row: count - need };
        return;
      }
      need -= count;
      unit = order.previous(unit);
    }
    this.position = { unit: HEAD, row: 0 };
  }

  /** True when the last row of the conversation is in the window. */
  atEnd(): boolean {
    const flow = this.source.getFlow(this.flowId);
    return !flow || !this.fillsWindow(this.units.orderOf(flow), flow, true);
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
      const flow = this.source.getFlow(this.flowId);
      if (!flow) return;
      const order = this.units.orderOf(flow);
      const unit = find(order);
      if (!unit) return;
      this.position = { unit, row: 0 };
      if (!this.fillsWindow(order, flow)) this.end();
    });
    return !(sameUnit(before.unit, this.position.unit) && before.row === this.position.row);
  }

  /** Puts the line holding `offset` of direction `dir` (a search match) at the top. */
  showOffset(dir: Direction, offset: number): void {
    this.guarded(() => this.showOffsetUnguarded(dir, offset));
  }

  private showOffsetUnguarded(dir: Direction, offset: number): void {
    const flow = this.source.getFlow(this.flowId);
    if (!flow) return;
    const order = this.units.orderOf(flow);
    const index = this.source.chunkAt(this.flowId, dir, offset);
    if (index < 0) return;
    const chunk = this.source.getChunk(this.flowId, index)!;
    let unit: UnitKey | undefined = { kind: 'chunk', chunk: index, span: Math.floor(Math.max(0, offset - chunk.offset) / SPAN_BYTES) };
    // The line holding `offset` is shown where it ends: a few units on at most.
    for (let step = 0; unit && step < 64; step++, unit = order.next(unit)) {
      const wrapped = this.units.wrapped(flow, unit);
      const lineIndex = wrapped.lines.findIndex((l) => l.dir === dir && l.offset! <= offset && offset < l.offset! + (l.length ?? 0));
      if (lineIndex < 0) continue;
      const line = wrapped.lines[lineIndex];
      const column = this.matchColumn(line, offset);
      let row = wrapped.rows.findIndex((r) => r[0] === lineIndex);
      while (row + 1 < wrapped.rows.length && wrapped.rows[row + 1][0] === lineIndex && wrapped.rows[row + 1][1] <= column) row++;
      this.position = { unit, row };
      if (!this.fillsWindow(order, flow)) this.end();
      return;
    }
  }

  /** Index in `line.text` of the highlight nearest stream `offset` (0 when none). */
  private matchColumn(line: LogicalLine, offset: number): number {
    const ranges = lineMatches(line, this.highlight, this.settingsValue.mode);
    if (this.highlight?.bytes) return ranges[0]?.[0] ?? 0;
    // Text modes: the occurrence nearest the line's share of the offset.
    const share = (offset - line.offset!) / Math.max(1, line.length ?? 1);
    const guess = share * line.text.length;
    let best = ranges[0]?.[0] ?? 0;
    for (const [from] of ranges) if (Math.abs(from - guess) < Math.abs(best - guess)) best = from;
    return best;
  }

  private goneRow(): DisplayLine {
    return { side: 'event', kind: 'event', text: '= flow no longer held', highlight: false, continued: false, matches: [] };
  }

  private errorRow(error: unknown): DisplayLine {
    if (!this.source.getFlow(this.flowId)) return this.goneRow();
    const message = escapeText(error instanceof Error ? error.message : String(error));
    return { side: 'event', kind: 'alert', text: `= cannot read this flow: ${message}`, highlight: true, continued: false, matches: [] };
  }

  /** True when at least `height` rows (`+1` with `beyond`) follow the position. */
  private fillsWindow(order: UnitOrder, flow: ConversationFlow, beyond = false): boolean {
    const want = this.heightValue + (beyond ? 1 : 0);
    let have = 0;
    let unit: UnitKey | undefined = this.position.unit;
    let row = this.position.row;
    while (unit && have < want) {
      have += Math.max(0, this.units.wrapped(flow, unit).rows.length - row);
      unit = order.next(unit);
      row = 0;
    }
    return have >= want;
  }

  private previousWithRows(order: UnitOrder, flow: ConversationFlow, unit: UnitKey): ConversationPosition | undefined {
    for (let previous = order.previous(unit); previous; previous = order.previous(previous)) {
      const count = this.units.wrapped(flow, previous).rows.length;
      if (count > 0) return { unit: previous, row: count - 1 };
    }
    return undefined;
  }

  private rowOf(flow: ConversationFlow, wrapped: WrappedUnit, index: number): DisplayLine {
    const [lineIndex, from, to] = wrapped.rows[index];
    const line = wrapped.lines[lineIndex];
    const continued = index > 0 && wrapped.rows[index - 1][0] === lineIndex;
    const mode = this.settingsValue.timestamps;
    const time = mode === 'off' ? '' : (continued ? ' '.repeat(timestampColumns(mode)) : timestampText(mode, line.ts, flow.startTs)) + ' ';
    const prefix = `${time}${continued ? " " : markerOf(line.side)} `;
    const matches: [number, number][] = [];
    for (const [start, end] of lineMatches(line, this.highlight, this.settingsValue.mode)) {
      const a = Math.max(start, from);
      const b = Math.min(end, to);
      if (a < b) matches.push([prefix.length + a - from, prefix.length + b - from]);
    }
    return {
      side: line.side,
      kind: line.kind,
      text: prefix + line.text.slice(from, to),
      highlight: line.kind === 'alert',
      continued,
      matches,
      dir: line.dir,
      offset: line.offset,
    };
  }

  /** The top row's data byte (or unit), to keep in place across a change of settings or width. */
  private topAnchor(): { unit: UnitKey; dir?: Direction; offset?: number } {
    const top = this.lines()[0];
    return { unit: this.position.unit, dir: top?.dir, offset: top?.offset };
  }

  private relocate(anchor: { unit: UnitKey; dir?: Direction; offset?: number }): void {
    this.guarded(() => this.relocateUnguarded(anchor));
  }

  private relocateUnguarded(anchor: { unit: UnitKey; dir?: Direction; offset?: number }): void {
    const flow = this.source.getFlow(this.flowId);
    if (!flow) return;
    const order = this.units.orderOf(flow);
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
    if (sameUnit(this.position.unit, TAIL) || !this.fillsWindow(order, flow)) this.end();
  }
}
