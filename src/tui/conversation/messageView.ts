/**
 * The messages mode's window: the rows of `messageRows.ts` (the lines of `messageLines.ts`
 * wrapped to the pane's width, kept per unit), a top row, follow, a text search over the shown
 * lines (`rowSearch.ts`), and cut bodies expanded on request. When the flow changed (`stamp`),
 * the units from the first one that changed on are made again; the unit of an expanded body is
 * made again in place; a new width wraps the kept lines again; the top row stays on its line.
 * The few lines around the units (head, trailer, tail) are made again at each change. Pure: no
 * terminal.
 */
import { formatCount } from '../../core/count.js';
import type { FlowMessages } from '../../messages/flowMessages.js';
import { shownQuery } from '../textMatch.js';
import type { Direction, Micros } from '../../core/types.js';
import { markerOf, timestampColumns, timestampText } from './lineText.js';
import { BodyCache, type BodyReader, type ShownBody } from './bodyLines.js';
import { RawSection, type FlowChunks } from './rawLines.js';
import { messageUnits, trailerLines, type MessageLine, type MessageStart, type MessageUnits } from './messageLines.js';
import { MessageRows, type Row } from './messageRows.js';
import { placeTimedLines, withTimedLines, type PlacedLines } from './timedLines.js';
import { holdsMatch, matchAfter, matchBefore, matchesIn, matchNumber, rowMatches, type Match } from './rowSearch.js';
import type { DirectionFilter, TimestampMode } from './settings.js';
import type { DisplayLine } from './view.js';
import type { ViewPlace } from './bodyInView.js';

/** How rows are shown: the `t` prefix (its mode, and the flow's start for relative times), and the sides `d` keeps. */
export interface RowStyle {
  readonly mode: TimestampMode;
  readonly startTs: Micros;
  /** `c2s`: the client's lines only, `s2c`: the server's (event lines stay either way). */
  readonly filter: DirectionFilter;
}

const PLAIN: RowStyle = { mode: 'off', startTs: 0, filter: 'both' };

/** One flow in messages mode. Owned by the conversation pane. */
export class MessageView {
  private builtFor = '';
  /** The flow's stamp at the last update. */
  private stamp = '';
  private readonly expanded = new Set<string>();
  /** Arriving bodies shown from their start while not following (see {@link holdTail}), by `expand` name: their unit. */
  private readonly held = new Map<string, number>();
  private readonly bodies = new BodyCache();
  private readonly rows = new MessageRows();
  private top = 0;
  private width = 80;
  private height = 20;
  private query = '';
  /** The match `find` moved to last, while the query is the same. */
  private match: Match | undefined = undefined;
  private style = PLAIN;
  /** Keep the last rows in view as messages arrive. */
  follow = false;
  /** The last `find` went round the end (or the start) to find its match. */
  wrapped = false;
  /**
   * The row a jump (`]`, `[`, `G`, a match, {@link showUnit}) aimed at, and the top it left: while
   * the top stays there, the reader is at that row, also when the last page could not put it at
   * the top (see {@link exchangeInWindow}).
   */
  private jumped: { readonly row: number; readonly top: number } | undefined = undefined;

  private readonly raw: RawSection;

  /** `chunks`, the flow's chunk index, puts the raw bytes of two directions in arrival order (see rawLines.ts) and the gaps among stray bytes. */
  constructor(
    readonly flowId: number,
    private readonly messages: FlowMessages,
    private readonly read: BodyReader,
    private readonly chunks?: FlowChunks,
    private readonly arrow = '→',
  ) {
    this.raw = new RawSection(read, chunks);
  }

  /**
   * Size and content for this frame: `stamp` changes whenever the flow did; `head` and `tail`
   * are the connection's event lines (handshake; untimed FINs and end) shown around the messages; `style`
   * the times before the lines that have one, and the sides shown; `timed`, the lines placed among
   * the messages by their time (timed FINs, notes: see timedLines.ts). Rows are made again only when
   * the stamp, the width, the style or the expanded bodies changed.
   */
  update(width: number, height: number, stamp: string, head: readonly MessageLine[] = [], tail: readonly MessageLine[] = [], style = PLAIN, timed: readonly MessageLine[] = []): void {
    this.width = Math.max(4, width);
    this.height = Math.max(1, height);
    this.style = style;
    this.stamp = stamp;
    if (this.follow) this.releaseTails();
    else this.holdTail();
    const key = `${stamp}|${this.width}|${style.mode}|${style.filter}|${this.expanded.size}`;
    if (key !== this.builtFor) {
      this.builtFor = key;
      const rows = this.rows;
      const place = rows.placeOf(this.top);
      // A new side filter remakes every row: the unit at the top stays there.
      const unitAtTop = this.unitAtTop();
      const keep = rows.setFilter(style.filter) ? unitAtTop : undefined;
      rows.setColumns(this.textColumns());
      this.timed = timed;
      const { units, rest } = this.placed();
      this.builtUnits = units;
      rows.remakeUnits(units);
      rows.setHead(head);
      rows.setTail([...trailerLines(this.messages, units, rows.unitCount, this.raw, this.expanded), ...withTimedLines(tail, rest)]);
      if (keep !== undefined) this.showUnit(keep);
      else if (place !== undefined) this.top = rows.rowOfPlace(place) ?? this.top;
    }
    if (this.follow) this.top = this.lastTop();
    this.top = Math.max(0, Math.min(this.top, this.lastTop()));
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
   * highlighted, also where a line's wrap splits it over two rows.
   */
  lines(): DisplayLine[] {
    const needle = this.query === '' ? '' : shownQuery(this.query);
    const { mode, startTs } = this.style;
    const blank = mode === 'off' ? '' : ' '.repeat(timestampColumns(mode) + 1);
    let found: { line: MessageLine; at: number[] } | undefined;
    return this.windowRows().map((row) => {
      const time = mode === 'off' || row.continued || row.line.ts === undefined ? blank : `${timestampText(mode, row.line.ts, startTs)} `;
      const text = `${time}${row.continued && row.dump === undefined ? ' ' : markerOf(row.line.side)} ${row.text}`;
      const matches: [number, number][] = [];
      if (needle !== '') {
        if (found?.line !== row.line) found = { line: row.line, at: matchesIn(row.line.text, needle) };
        const shift = time.length + 2;
        for (const [from, to] of rowMatches(row, found.at, needle.length)) matches.push([from + shift, to + shift]);
      }
      return { side: row.line.side, kind: row.line.kind, text, highlight: row.line.kind === 'alert', continued: row.continued, matches };
    });
  }

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
  private moveTop(row: number): boolean {
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
    let line = this.lineAt(found, dir, offset);
    if (line?.cutAfter !== undefined) {
      this.expanded.add(line.cutAfter);
      this.remakeUnit(found);
      line = this.lineAt(found, dir, offset);
    }
    if (line !== undefined && line.row !== this.firstPlacedRow(found)) this.moveTop(line.row);
    else this.showUnit(found);
  }

  /** The first row of unit `unit` whose line knows its stream place (see {@link MessageLine.at}). */
  private firstPlacedRow(unit: number): number | undefined {
    const rows = this.rows;
    for (let index = rows.unitStart(unit) ?? rows.count; index < rows.unitEnd(unit); index++) if (rows.row(index).line.at !== undefined) return index;
    return undefined;
  }

  /**
   * In unit `unit`, the first row of the last line showing bytes as sent that starts at or before
   * `dir`'s `offset`, and the `expand` name of the cut body's "more lines" row right after that
   * line, when there is one.
   */
  private lineAt(unit: number, dir: Direction, offset: number): { row: number; cutAfter?: string } | undefined {
    const rows = this.rows;
    const start = rows.unitStart(unit);
    if (start === undefined) return undefined;
    let found: { row: number; cutAfter?: string } | undefined;
    for (let index = start; index < rows.unitEnd(unit); index++) {
      const { line, continued } = rows.row(index);
      if (continued) continue;
      if (line.at?.dir !== dir) {
        const cutBody = found !== undefined && line.expand !== undefined && !this.expanded.has(line.expand) && rows.row(index - 1).line === rows.row(found.row).line;
        if (cutBody) found = { row: found!.row, cutAfter: line.expand };
      } else if (line.at.offset <= offset) found = { row: index };
      else break;
    }
    return found;
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
    let found = backward ? this.findBefore(needle, start.row, start.at) : this.findAfter(needle, start.row, start.at);
    this.wrapped = false;
    if (!found && rows.count > 0) {
      // Nothing past the start (before it, backward): the search goes round, as vim's does.
      // The cut bodies past the start (before it, backward) were looked into already.
      found = backward ? this.findBefore(needle, rows.count - 1, Infinity, start.row + 1) : this.findAfter(needle, 0, -1, start.row);
      this.wrapped = found !== undefined;
    }
    if (!found) return false;
    this.match = found;
    this.moveTop(found.row);
    this.follow = false;
    return true;
  }

  /**
   * `match 3 of 17`: where the match found last stands among every match of the query in the
   * rows and in the cut bodies (in the order `n` goes, which shows a cut body's matches in full),
   * or '' when there is none. Past {@link MAX_BODIES_SEARCHED} cut bodies the rest are not
   * counted: `17+`, and no number when one of them comes before the match; `+` too when a body
   * goes on past what the messages mode reads of it (1 MiB), which is not counted.
   */
  matchCount(): string {
    const match = this.currentMatch();
    if (!match) return '';
    const needle = shownQuery(this.query);
    let { number, total } = matchNumber(this.rows, needle, match);
    let unread = [...this.expanded].some((key) => this.bodies.get(key)?.unread === true);
    const cut = this.cutBodies(0, this.rows.count, MAX_BODIES_SEARCHED + 1);
    for (const body of cut.slice(0, MAX_BODIES_SEARCHED)) {
      const hidden = this.hiddenMatches(needle, body);
      total += hidden.count;
      unread ||= hidden.unread;
      if (body.row < match.row) number += hidden.count;
    }
    const numbered = cut.length <= MAX_BODIES_SEARCHED || cut[MAX_BODIES_SEARCHED].row > match.row;
    const of = `${formatCount(total)}${unread || cut.length > MAX_BODIES_SEARCHED ? '+' : ''}`;
    return numbered ? `match ${formatCount(number)} of ${of}` : `${of} matches`;
  }

  /** The first match after (`row`, `at`): in the rows, or in a cut body before it and before row `bodiesEnd` (see {@link find}). */
  private findAfter(needle: string, row: number, at: number, bodiesEnd = Infinity): Match | undefined {
    const rows = this.rows;
    const found = matchAfter(rows, needle, row, at);
    const end = Math.min(found?.row ?? rows.count, bodiesEnd);
    for (const body of this.cutBodies(Math.max(0, row), end, MAX_BODIES_SEARCHED)) {
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

  /** The last match before (`row`, `at`): in the rows, or in a cut body after it and from row `bodiesFrom` on (see {@link find}). */
  private findBefore(needle: string, row: number, at: number, bodiesFrom = 0): Match | undefined {
    const rows = this.rows;
    const found = matchBefore(rows, needle, row, at);
    const from = Math.max(found === undefined ? 0 : found.row + 1, bodiesFrom);
    const bodies = this.cutBodies(from, Math.min(row + 1, rows.count), Infinity).reverse().slice(0, MAX_BODIES_SEARCHED);
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

  /** The cut bodies whose "more lines" row is in rows [from, to), at most `limit`, in order. */
  private cutBodies(from: number, to: number, limit: number): CutBody[] {
    const rows = this.rows;
    const cut: CutBody[] = [];
    for (let index = from; index < Math.min(to, rows.count) && cut.length < limit; index++) {
      const { line } = rows.row(index);
      const unit = line.exchange ?? line.item;
      if (line.expand !== undefined && unit !== undefined && !this.expanded.has(line.expand)) cut.push({ key: line.expand, unit, row: index });
    }
    return cut;
  }

  /** Shows `body` in full; returns how many rows its unit grew by, undefined when the unit is no longer shown (past the line cap). */
  private showWhole(body: CutBody): number | undefined {
    if (body.unit >= this.rows.unitCount) return undefined;
    const before = this.rows.count;
    this.preview = this.bodies.get(body.key);
    this.expanded.add(body.key);
    this.remakeUnit(body.unit);
    return this.rows.count - before;
  }

  /** Cuts `body` again, from its kept preview (after {@link showWhole}). */
  private cutAgain(body: CutBody): void {
    this.expanded.delete(body.key);
    if (this.preview !== undefined) this.bodies.set(body.key, this.preview);
    this.remakeUnit(body.unit);
  }

  /** The body's preview while {@link showWhole} tries it in full. */
  private preview: ShownBody | undefined;

  /** Matches of `needle` in the lines a cut body does not show, and whether it goes on past what is read of it whole (kept per body while the rows and the query stay). */
  private hiddenMatches(needle: string, body: CutBody): { count: number; unread: boolean } {
    const key = `${needle}\0${this.stamp}\0${this.style.filter}`;
    if (key !== this.hiddenFor) {
      this.hiddenFor = key;
      this.hidden.clear();
    }
    const known = this.hidden.get(body.key);
    if (known !== undefined) return known;
    const units = this.currentUnits();
    const count = (lines: readonly MessageLine[]): number => lines.reduce((sum, line) => sum + matchesIn(line.text, needle).length, 0);
    const shown = count(units.lines(body.unit));
    const preview = this.bodies.get(body.key);
    this.expanded.add(body.key);
    const whole = count(units.lines(body.unit));
    const unread = this.bodies.get(body.key)?.unread === true;
    this.expanded.delete(body.key);
    if (preview !== undefined) this.bodies.set(body.key, preview);
    // The "more lines" row goes when the body is whole: a match in it is not one of the body's.
    const hidden = { count: Math.max(0, whole - shown + matchesIn(this.rows.row(body.row).line.text, needle).length), unread };
    this.hidden.set(body.key, hidden);
    return hidden;
  }

  private hiddenFor = '';
  private readonly hidden = new Map<string, { count: number; unread: boolean }>();

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

  /** The units the rows were last made from (see {@link update}). */
  private builtUnits: MessageUnits | undefined = undefined;

  /** The timed `=` lines of the last update (FINs, notes), placed among the units by time. */
  private timed: readonly MessageLine[] = [];

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

  /** Columns left for a line's text after the time prefix and the marker. */
  private textColumns(): number {
    const time = this.style.mode === 'off' ? 0 : timestampColumns(this.style.mode) + 1;
    return Math.max(1, this.width - 2 - time);
  }

  private windowRows(): Row[] {
    const rows: Row[] = [];
    for (let index = this.top; index < Math.min(this.rows.count, this.top + this.height); index++) rows.push(this.rows.row(index));
    return rows;
  }

  private lastTop(): number {
    return Math.max(0, this.rows.count - this.height);
  }
}

/** Cut bodies a search (and a match count) looks into, each read and decoded in full. */
const MAX_BODIES_SEARCHED = 32;

/** A body shown cut: its `expand` name, its unit, and the row of its "more lines". */
interface CutBody {
  readonly key: string;
  readonly unit: number;
  readonly row: number;
}

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
