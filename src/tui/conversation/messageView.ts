/**
 * One flow in the messages mode: makes the rows of `messageRows.ts` (the lines of
 * `messageLines.ts` wrapped to the pane's width, kept per unit) that its window (`rowWindow.ts`)
 * shows, expands cut bodies on request, and searches the rows and the cut bodies
 * (`cutBodySearch.ts`). When the flow changed (`stamp`), the units from the first one that
 * changed on are made again; the unit of an expanded body is made again in place; a new width
 * wraps the kept lines again; the top row stays on its line. The few lines around the units
 * (head, trailer, tail) are made again at each change. Pure: no terminal.
 */
import type { FlowMessages } from '../../messages/flowMessages.js';
import { shownQuery } from '../textMatch.js';
import type { Direction } from '../../core/types.js';
import { BodyCache, type BodyReader } from './bodyLines.js';
import { RawSection, type FlowChunks } from './rawLines.js';
import { messageUnits, trailerLines, type MessageLine, type MessageStart, type MessageUnits } from './messageLines.js';
import { RowWindow } from './rowWindow.js';
import { placeTimedLines, withTimedLines, type PlacedLines } from './timedLines.js';
import { holdsMatch, type Match } from './rowSearch.js';
import { CutBodySearch } from './cutBodySearch.js';
import { PLAIN_STYLE, rowDisplayLines, rowTextColumns } from './rowDisplay.js';
import { firstPlacedRow, lineAt } from './unitRows.js';
import type { DisplayLine } from './view.js';

/** One flow in messages mode. Owned by the conversation pane. */
export class MessageView extends RowWindow {
  private builtFor = '';
  /** The flow's stamp at the last update. */
  private stamp = '';
  private readonly expanded = new Set<string>();
  /** Arriving bodies shown from their start while not following (see {@link holdTail}), by `expand` name: their unit. */
  private readonly held = new Map<string, number>();
  private readonly bodies = new BodyCache();
  /** The units the rows were last made from (see {@link update}). */
  private builtUnits: MessageUnits | undefined = undefined;
  /** The timed `=` lines of the last update (FINs, notes), placed among the units where they came. */
  private timed: readonly MessageLine[] = [];
  private width = 80;
  private query = '';
  /** The match `find` moved to last, while the query is the same. */
  private match: Match | undefined = undefined;
  private style = PLAIN_STYLE;
  /** The last `find` went round the end (or the start) to find its match. */
  wrapped = false;

  private readonly raw: RawSection;
  private readonly search: CutBodySearch;

  /** `chunks`, the flow's chunk index, puts the raw bytes of two directions in arrival order (see rawLines.ts) and the gaps among stray bytes. */
  constructor(
    readonly flowId: number,
    private readonly messages: FlowMessages,
    private readonly read: BodyReader,
    private readonly chunks?: FlowChunks,
    private readonly arrow = '→',
  ) {
    super();
    this.raw = new RawSection(read, chunks);
    this.search = new CutBodySearch({ rows: this.rows, expanded: this.expanded, bodies: this.bodies, units: () => this.currentUnits(), remakeUnit: (index) => this.remakeUnit(index) });
  }

  /**
   * Size and content for this frame: `stamp` changes whenever the flow did; `head` and `tail`
   * are the connection's event lines (handshake; untimed FINs and end) shown around the messages; `style`
   * the times before the lines that have one, and the sides shown; `timed`, the lines placed among
   * the messages where they came (timed FINs, notes: see timedLines.ts). Rows are made again only when
   * the stamp, the width, the style or the expanded bodies changed.
   */
  update(width: number, height: number, stamp: string, head: readonly MessageLine[] = [], tail: readonly MessageLine[] = [], style = PLAIN_STYLE, timed: readonly MessageLine[] = []): void {
    this.width = Math.max(4, width);
    this.height = Math.max(1, height);
    this.style = style;
    this.stamp = stamp;
    if (this.follow) this.releaseTails();
    else this.holdTail();
    const key = `${stamp}|${this.width}|${style.mode}|${style.filter}|${this.expanded.size}`;
    const rows = this.rows;
    // The row the reader put at the top stays there (see RowWindow.anchor), as far as the window allows.
    const anchor = this.anchorPlace();
    let top = (anchor && rows.rowOfPlace(anchor)) ?? this.top;
    if (key !== this.builtFor) {
      this.builtFor = key;
      const place = anchor ?? rows.placeOf(this.top);
      // A new side filter remakes every row: the unit at the top stays there.
      const unitAtTop = this.unitAtTop();
      const keep = rows.setFilter(style.filter) ? unitAtTop : undefined;
      rows.setColumns(rowTextColumns(this.width, style.mode));
      this.timed = timed;
      const { units, rest } = this.placed();
      this.builtUnits = units;
      rows.remakeUnits(units);
      rows.setHead(head);
      rows.setTail([...trailerLines(this.messages, units, rows.unitCount, this.raw, this.expanded), ...withTimedLines(tail, rest)]);
      if (keep !== undefined) this.showUnit(keep);
      top = keep !== undefined ? this.top : (place && rows.rowOfPlace(place)) ?? this.top;
    }
    this.placeTop(this.follow ? this.lastTop() : top);
  }

  /**
   * Not following, a body still arriving that the window shows as its newest lines (tail -f,
   * which would slide under the reader as lines come) is shown from its start instead, the
   * window kept on the line it showed: what is read holds still, new lines come below.
   */
  private holdTail(): void {
    const window = this.windowRows();
    const at = window.findIndex(({ line }) => line.tail !== undefined && !this.expanded.has(line.tail));
    if (at < 0) return;
    const { line } = window[at];
    const unit = line.exchange ?? line.item;
    if (unit === undefined) return;
    this.expanded.add(line.tail!);
    this.held.set(line.tail!, unit);
    this.remakeUnit(unit);
    const rows = this.rows;
    for (let index = rows.unitStart(unit) ?? rows.count; index < rows.unitEnd(unit); index++) {
      const row = rows.row(index);
      if (!row.continued && row.line.bodyLine === line.bodyLine && row.line.role === line.role && row.line.side === line.side) {
        this.top = Math.max(0, index - at);
        return;
      }
    }
  }

  /** Following again: the bodies {@link holdTail} showed from their start show their newest lines again. */
  private releaseTails(): void {
    for (const [key, unit] of this.held) {
      this.expanded.delete(key);
      this.remakeUnit(unit);
    }
    this.held.clear();
  }

  /**
   * The window's rows, prefixed with their time (`t`) and their side's marker; the search query
   * highlighted, also where a line's wrap splits it over two rows, the match found last apart.
   */
  lines(): DisplayLine[] {
    return rowDisplayLines(this.windowRows(), this.style, this.query === '' ? '' : shownQuery(this.query), this.currentMatch());
  }

  /**
   * Where the reader is in the streams: the top row's line when it shows bytes as sent (a body's
   * line: see {@link MessageLine.at}); else where the message at the top starts: of the top row's
   * unit, the message shown first in the window (an exchange's response when its rows come
   * first), else the unit's first. Undefined when the top row belongs to no unit.
   */
  startAtTop(): MessageStart | undefined {
    const at = this.rows.count > 0 ? this.rows.row(Math.min(this.top, this.rows.count - 1)).line.at : undefined;
    if (at !== undefined) return at;
    const unit = this.unitAtTop();
    if (unit === undefined) return undefined;
    const place = this.placesInWindow()[0];
    const role = place && 'exchange' in place && place.exchange === unit ? place.role : undefined;
    const starts = this.currentUnits().starts(unit);
    return (role && starts.find((start) => start.role === role)) || starts[0];
  }

  /**
   * Puts at the top (see {@link showUnit}) the unit whose messages hold `dir`'s stream `offset`,
   * or the last one starting before it; within it, the line holding `offset` when that is known
   * (a message's start line, a body line shown as sent: a cut body it may lie past is shown whole
   * for it) and is not the unit's first such line (the unit's own first rows stay on top then).
   */
  showOffset(dir: Direction, offset: number): void {
    const units = this.currentUnits();
    let found: number | undefined;
    for (let index = 0; index < units.count; index++) {
      const start = units.starts(index).find((message) => message.dir === dir);
      if (start !== undefined && start.offset <= offset) found = index;
    }
    if (found === undefined) return;
    let line = lineAt(this.rows, found, dir, offset, this.expanded);
    if (line?.cutAfter !== undefined) {
      this.expanded.add(line.cutAfter);
      this.remakeUnit(found);
      line = lineAt(this.rows, found, dir, offset, this.expanded);
    }
    if (line !== undefined && line.row !== firstPlacedRow(this.rows, found)) this.moveTop(line.row);
    else this.showUnit(found);
  }

  /**
   * Moves the top to the row where the next match of `query` (escaped as shown, looked for in
   * each whole line, so across the rows it wraps to) begins: the first one beginning after the
   * top row (before it, `backward`), or with `again` (`n`, `N`) the first one after (before) the
   * match found last, when the rows still hold it. A cut body (a mail's 400 lines behind "more
   * lines") between the start and the match in the rows is looked into, nearest first, and the
   * one holding a match is shown in full: its match comes first. False when none.
   */
  find(query: string, backward: boolean, again = false): boolean {
    const rows = this.rows;
    const needle = shownQuery(query);
    const current = again && query === this.query ? this.currentMatch() : undefined;
    // `n` goes on from the match while it is in view; once the view moved off it (G, PgDn), from the view, as less does.
    const last = current && current.row >= this.top && current.row < this.top + this.height ? current : undefined;
    this.query = query;
    this.match = undefined;
    if (needle === '') return false;
    // Matches are ordered by (row they begin in, position in their line); the search goes from `start`, exclusive.
    const start = last ? { row: last.row, at: last.at } : { row: this.top, at: backward ? -1 : Infinity };
    let found = backward ? this.search.before(needle, start.row, start.at) : this.search.after(needle, start.row, start.at);
    this.wrapped = false;
    if (!found && rows.count > 0) {
      // Nothing past the start (before it, backward): the search goes round, as vim's does.
      // The cut bodies past the start (before it, backward) were looked into already.
      found = backward ? this.search.before(needle, rows.count - 1, Infinity, start.row + 1) : this.search.after(needle, 0, -1, start.row);
      this.wrapped = found !== undefined;
    }
    if (!found) return false;
    this.match = found;
    this.moveTop(found.row);
    this.follow = false;
    return true;
  }

  /** True when a body this view made is read only in part (it goes on past what the mode reads): a search may miss what is past that. */
  get readsPart(): boolean {
    for (const body of this.bodies.values()) if (body.unread) return true;
    return false;
  }

  /**
   * `match 3 of 17`: where the match found last stands among every match of the query in the
   * rows and in the cut bodies (see CutBodySearch.matchCount), or '' when there is none;
   * undefined when `deadline` (a `performance.now()` time) came first: call again to go on.
   */
  matchCount(deadline = Infinity): string | undefined {
    const match = this.currentMatch();
    return match ? this.search.matchCount(shownQuery(this.query), match, `${this.stamp}\0${this.style.filter}`, deadline) : '';
  }

  /** The match found last, if the rows still hold it where it was. */
  private currentMatch(): Match | undefined {
    return this.match && holdsMatch(this.rows, this.match) ? this.match : undefined;
  }

  /** Drops the search highlight; false when there was none. */
  clearSearch(): boolean {
    if (this.query === '') return false;
    this.query = '';
    this.match = undefined;
    return true;
  }

  /**
   * Shows in full the first cut body whose "more lines" row is in the window, or below it in a
   * unit the window shows (the body being read, its first lines in view); false when none.
   */
  expandInWindow(): boolean {
    const rows = this.rows;
    const inView = new Set(this.windowRows().map(({ line }) => line.exchange ?? line.item));
    for (let index = this.top; index < rows.count; index++) {
      const { line } = rows.row(index);
      const unit = line.exchange ?? line.item;
      if (index >= this.top + this.height && (unit === undefined || !inView.has(unit))) break;
      if (line.expand !== undefined && !this.expanded.has(line.expand)) {
        this.expanded.add(line.expand);
        if (unit !== undefined) this.remakeUnit(unit);
        return true;
      }
    }
    return false;
  }

  private placed(): PlacedLines {
    return placeTimedLines(messageUnits(this.messages, this.read, this.expanded, this.bodies, this.arrow, this.chunks), this.timed, this.chunks);
  }

  private units(): MessageUnits {
    return this.placed().units;
  }

  /** The units of the last update, or new ones before the first. */
  private currentUnits(): MessageUnits {
    return this.builtUnits ?? this.units();
  }

  /** Makes unit `index`'s rows again in place (one of its bodies was expanded); units after it past the line cap go. */
  private remakeUnit(index: number): void {
    if (index >= this.rows.unitCount) return;
    // The units of the last update (they read `expanded` when asked): no notes sorted again per body.
    this.rows.remakeUnit(index, this.currentUnits());
  }
}
