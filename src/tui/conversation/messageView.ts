/**
 * The messages mode's window: the lines of `messageLines.ts` wrapped to the pane's width, a top
 * row, follow, a text search over the shown lines, and cut bodies expanded on request. Lines are
 * gathered again only when the flow changed (`stamp`), the width changed or a body was expanded,
 * and then only the exchanges that changed are made again (see `LineCache`). Pure: no terminal.
 */
import type { FlowMessages } from '../../messages/flowMessages.js';
import { escapeText } from '../../render/escape.js';
import { markerOf, wrapRanges } from './lineText.js';
import { LineCache, messageLines, type BodyReader, type MessageLine } from './messageLines.js';
import type { DisplayLine } from './view.js';

interface Row {
  readonly line: MessageLine;
  readonly text: string;
  readonly continued: boolean;
}

/** One flow in messages mode. Owned by the conversation pane. */
export class MessageView {
  private rows: Row[] = [];
  private builtFor = '';
  private readonly expanded = new Set<string>();
  private readonly made = new LineCache();
  /** Each line's rows at `wrappedWidth` (lines of unchanged exchanges are the same objects from frame to frame). */
  private wrapped = new WeakMap<MessageLine, Row[]>();
  private wrappedWidth = 0;
  private top = 0;
  private width = 80;
  private height = 20;
  private query = '';
  /** Keep the last rows in view as messages arrive. */
  follow = false;

  constructor(
    readonly flowId: number,
    private readonly messages: FlowMessages,
    private readonly read: BodyReader,
  ) {}

  /**
   * Size and content for this frame: `stamp` changes whenever the flow did; `head` and `tail`
   * are the connection's event lines (handshake; FINs and end) shown around the messages.
   */
  update(width: number, height: number, stamp: string, head: readonly MessageLine[] = [], tail: readonly MessageLine[] = []): void {
    this.width = Math.max(4, width);
    this.height = Math.max(1, height);
    const key = `${stamp}|${this.width}|${this.expanded.size}`;
    if (key !== this.builtFor) {
      this.builtFor = key;
      this.rows = this.wrap([...head, ...messageLines(this.messages, this.read, this.expanded, this.made), ...tail]);
    }
    if (this.follow) this.top = this.lastTop();
    this.top = Math.max(0, Math.min(this.top, this.lastTop()));
  }

  /** The window's rows, prefixed with their side's marker; the search query highlighted. */
  lines(): DisplayLine[] {
    const needle = this.query === '' ? '' : escapeText(this.query);
    return this.rows.slice(this.top, this.top + this.height).map((row) => {
      const text = `${row.continued ? ' ' : markerOf(row.line.side)} ${row.text}`;
      const matches: [number, number][] = [];
      if (needle !== '') for (let at = text.indexOf(needle, 2); at >= 0; at = text.indexOf(needle, at + needle.length)) matches.push([at, at + needle.length]);
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

  /** Index of the HTTP exchange of the first row in the window that belongs to one, if any. */
  exchangeInWindow(): number | undefined {
    for (const row of this.rows.slice(this.top, this.top + this.height)) if (row.line.exchange !== undefined) return row.line.exchange;
    return undefined;
  }

  /** Moves to the next row holding `query` (escaped as shown) after the top (before, `backward`); false when none. */
  find(query: string, backward: boolean): boolean {
    this.query = query;
    const needle = escapeText(query);
    const count = this.rows.length;
    for (let step = 1; step <= count; step++) {
      const index = backward ? this.top - step : this.top + step;
      if (index < 0 || index >= count) break;
      if (this.rows[index].text.includes(needle)) {
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
    for (const row of this.rows.slice(this.top, this.top + this.height)) {
      if (row.line.expand !== undefined && !this.expanded.has(row.line.expand)) {
        this.expanded.add(row.line.expand);
        return true;
      }
    }
    return false;
  }

  private lastTop(): number {
    return Math.max(0, this.rows.length - this.height);
  }

  private wrap(lines: readonly MessageLine[]): Row[] {
    if (this.wrappedWidth !== this.width) {
      this.wrapped = new WeakMap();
      this.wrappedWidth = this.width;
    }
    const rows: Row[] = [];
    for (const line of lines) {
      let lineRows = this.wrapped.get(line);
      if (lineRows === undefined) {
        lineRows = wrapRanges(line.text, this.width - 2).map(([from, to], i) => ({ line, text: line.text.slice(from, to), continued: i > 0 }));
        this.wrapped.set(line, lineRows);
      }
      for (const row of lineRows) rows.push(row);
    }
    return rows;
  }
}
