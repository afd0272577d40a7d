/**
 * Flow list rows as structured text: for each flow, spans of display text with a style hint,
 * exactly `width` columns together. The pane paints the hints (after this module, nothing
 * touches the text) and shows the row in a box with blessed tags off: captured bytes reach a
 * row only through `render/escape` (preview, addresses), so no control character, escape
 * sequence or bidi control is ever in it, and `{bold}` is just text.
 *
 * Columns (space separated; preview takes the rest): number, client → server, state, bytes
 * each way, duration (or age, for an open flow), note mark, preview; which are shown and how
 * wide is {@link columnLayout}'s choice. Widths of the fixed columns by terminal width (number:
 * digits of the biggest id, 3 to 10):
 * | width   | state           | bytes each way | duration |
 * | -99     | 7 `t/out`       | 4 `1.2k`       | 5 `3m04` |
 * | 100-119 | 7               | 5 `↑1.2k`      | 5        |
 * | 120-    | 12 `timed out`  | 5              | 5        |
 * (from 120, states take 7 columns still when the summary would keep under 48 beside 12).
 * Endpoints keep the end of their address when cut; an address every flow shares is named once
 * in the header and its column shows ports only.
 * A mid-stream flow (no handshake seen: client and server are a guess) has `?` in place of the
 * arrow (after its state in a compact row).
 */
import type { Micros } from '../../core/types.js';
import { escapeText, withoutPartialEscape } from '../../render/escape.js';
import { UNICODE_GLYPHS, type Glyphs } from '../glyphs.js';
import { fitMiddle, headFitting, stringColumns } from '../width.js';
import { flowDuration, flowState, type FlowState, type ListedFlow } from './source.js';
import { fitEndpoint, humanBytes, humanDuration } from './units.js';
import { statusStyle } from './statusStyle.js';
import { columnLayout, type ColumnLayout, type EndpointColumns, type SortColumn } from './columnLayout.js';

/** What a span is, for the pane to colour it. */
export type RowStyle =
  | 'space' | 'number' | 'client' | 'arrow' | 'server' | 'bytesC2s' | 'bytesS2c' | 'duration' | 'note' | 'preview'
  | 'header' | `state.${FlowState}` | 'status.ok' | 'status.redirect' | 'status.error';

/** A run of display text (escaped, no controls) and how to paint it. */
export interface RowSpan {
  readonly text: string;
  readonly style: RowStyle;
}

/** One row of the list: its spans fill exactly the width asked for. */
export interface FlowRow {
  readonly id: number;
  /** The focused flow's row (the pane shows it in inverse video, which NO_COLOR keeps). */
  readonly selected: boolean;
  readonly spans: readonly RowSpan[];
  /** The spans' text joined. */
  readonly text: string;
}

/** A row's preview column: its text, escaped, and how to colour it (see `FlowMatcher.preview`). */
export interface RowPreview {
  readonly text: string;
  /** A summary of the flow's messages: only then are its `!` and status coloured. */
  readonly summarized: boolean;
  /** That summary ends in an outcome flowspy composed: only then is the word after its last arrow coloured. */
  readonly replied: boolean;
}

/** Options shared by the rows of one frame. */
export interface RowOptions {
  readonly width: number;
  readonly glyphs: Glyphs;
  /** The focused flow's id. */
  readonly focusedId: number | undefined;
  /** "Now" for the age of open flows: the latest timestamp seen (capture time, not the wall clock). */
  readonly now: Micros;
  /** The flow's preview, escaped, with how to colour it (`FlowView.preview`, asked once per row). */
  readonly preview: (flow: ListedFlow) => RowPreview;
  /**
   * Digits of the number column (default: the biggest id among the rows, at least 3); pass
   * `String(view.largestId).length` so the columns do not move while scrolling.
   */
  readonly numberColumns?: number;
  /** The widest endpoints of the flows seen (`FlowView.widestEndpoints`), so the columns fit them; the table's widths without. */
  readonly endpoints?: EndpointColumns;
  /** The column the list is sorted by, kept at any width (see `columnLayout`). */
  readonly sortedBy?: SortColumn;
}

const SHORT_STATES: Record<FlowState, string> = {
  connecting: 'connect',
  open: 'open',
  'half-open': 'h-open',
  'half-closed': 'h-clos',
  closed: 'closed',
  reset: 'reset',
  refused: 'refused',
  failed: 'failed',
  timeout: 't/out',
};

const LONG_STATES: Record<FlowState, string> = {
  connecting: 'connecting',
  open: 'open',
  'half-open': 'half-open',
  'half-closed': 'half-closed',
  closed: 'closed',
  reset: 'reset',
  refused: 'refused',
  failed: 'failed',
  timeout: 'timed out',
};

/** Display columns of an endpoint as a row shows it whole (`[v6]:port`). */
export function endpointColumns(endpoint: { addr: string; port: number }): number {
  const { addr, port } = endpoint;
  // The usual address (printable ASCII, no backslash) shows as it is: counted without escaping.
  let plain = true;
  for (let i = 0; i < addr.length && plain; i++) {
    const c = addr.charCodeAt(i);
    plain = c > 0x20 && c < 0x7f && c !== 0x5c;
  }
  const portColumns = 1 + (port < 10 ? 1 : port < 100 ? 2 : port < 1000 ? 3 : port < 10000 ? 4 : 5);
  if (plain) return addr.length + (addr.includes(':') ? 2 : 0) + portColumns;
  const [shown] = endpointParts(endpoint);
  return stringColumns(shown) + portColumns;
}

/** `text` cut to `columns` columns and padded with spaces after it. */
export function pad(text: string, columns: number): string {
  const fitted = headFitting(text, columns);
  return fitted + ' '.repeat(columns - stringColumns(fitted));
}

/** `text` cut to `columns` columns and padded with spaces before it. */
export function padLeft(text: string, columns: number): string {
  const fitted = headFitting(text, columns);
  return ' '.repeat(columns - stringColumns(fitted)) + fitted;
}

/** Escaped address, bracketed when it holds a `:` (IPv6), and its `:port`. */
function endpointParts(endpoint: { addr: string; port: number }): [string, string] {
  const addr = escapeText(endpoint.addr);
  return [addr.includes(':') ? `[${addr}]` : addr, `:${endpoint.port}`];
}

/**
 * The preview cut to `columns`, with an ellipsis where cut; a summary's (`arrow` given: see the
 * comment inside) keeps its outcome.
 */
function fitPreview(text: string, columns: number, ellipsis: string, arrow: string | undefined): string {
  if (stringColumns(text) <= columns) return pad(text, columns);
  if (columns <= 0) return '';
  const dots = stringColumns(ellipsis);
  const cutEnd = (): string => pad(headCut(text, columns - dots).trimEnd() + ellipsis, columns);
  // A summary's outcome (` → 302 (3 req)`) is what the row is read for, so the request is cut
  // instead. What follows the status (` (3 req)`, ` (cut short)`) is shown whole or not at all:
  // a cut one (`(c…`) reads as nothing.
  const at = arrow === undefined ? -1 : text.lastIndexOf(arrow);
  if (arrow === undefined || at <= 0) return cutEnd();
  const request = text.slice(0, at);
  const requestColumns = stringColumns(request);
  const outcome = text.slice(at);
  const status = STATUS.exec(outcome)?.[0] ?? outcome;
  const keeping = (kept: string, least: number): string | undefined => {
    if (requestColumns + stringColumns(kept) <= columns) return pad(request + kept, columns);
    const room = columns - stringColumns(kept) - dots;
    return room >= least ? pad(headCut(request, room) + ellipsis + kept, columns) : undefined;
  };
  // The request keeps its method and a few columns of its target (`! POST /upload/…`) beside
  // the whole outcome; else the status alone.
  const method = stringColumns(METHOD.exec(request)?.[0] ?? '');
  const least = Math.min(requestColumns, Math.max(MIN_SUMMARY_HEAD, method + MIN_TARGET));
  // A long status in words (`→ (status line cut)`): the request cut to `least`, then as much of
  // the status as fits, cut at its end, when its arrow and a few of its characters fit.
  const headed = (): string | undefined => {
    if (!status.includes('(')) return undefined;
    const head = requestColumns <= least ? request : headCut(request, least - dots) + ellipsis;
    const room = columns - stringColumns(head) - dots;
    return room >= stringColumns(arrow) + 3 ? pad(head + headCut(status, room).trimEnd() + ellipsis, columns) : undefined;
  };
  // In a narrow pane the status goes on beside the method and a character of the target. A
  // status code or word is never cut (`→ 20…` would read as another one): else the request
  // alone is shown.
  return keeping(outcome, least)
    ?? keeping(status, Math.min(requestColumns, method + 1)) ?? headed()
    ?? pad(headCut(request, columns - dots).trimEnd() + ellipsis, columns);
}

/**
 * The fitted preview as spans: for a `summary`, its leading `!` as a mark (style `note`), and, when
 * `replied` (flowspy put the outcome there, not the captured text: see
 * `FlowMessages.summaryReplied`), the status after its last arrow in its class's style (see
 * `statusStyle`); the rest `preview`.
 */
function previewSpans(text: string, arrow: string, summary: boolean, replied: boolean): RowSpan[] {
  if (!summary) return [{ text, style: 'preview' }];
  const spans: RowSpan[] = [];
  let rest = text;
  if (rest.startsWith('! ')) {
    spans.push({ text: '!', style: 'note' });
    rest = rest.slice(1);
  }
  const at = replied ? rest.lastIndexOf(arrow) : -1;
  const status = at < 0 ? undefined : /^\S+/.exec(rest.slice(at + arrow.length))?.[0];
  const style = status === undefined ? undefined : statusStyle(status);
  if (status === undefined || style === undefined) return [...spans, { text: rest, style: 'preview' }];
  const end = at + arrow.length + status.length;
  return [...spans, { text: rest.slice(0, at + arrow.length), style: 'preview' }, { text: status, style }, { text: rest.slice(end), style: 'preview' }];
}

/** `text` cut to `columns`, never inside an escape: `\u{30` would read as another character. */
function headCut(text: string, columns: number): string {
  const head = headFitting(text, columns);
  return head.length < text.length ? withoutPartialEscape(head) : head;
}

/** The status of an outcome: ` → 302` of ` → 302 (3 req)`, ` → (no response)` whole. */
const STATUS = /^ \S+ (?:\([^)]*\)|\S+)/;

/** Columns a summary's request keeps at least when it is cut to show the outcome (`GET /api/…`). */
const MIN_SUMMARY_HEAD = 8;
/** Columns of a request's target kept after its method when the outcome is cut instead. */
const MIN_TARGET = 8;
/** What goes before a request's target: the mark, the exchange's number, the method (`! #2 POST `). */
const METHOD = /^(?:! )?(?:#\d+ )?\S+ /;

/** Builds a row from spans, cut to `width` columns and padded to it. */
export function assemble(id: number, selected: boolean, spans: RowSpan[], width: number): FlowRow {
  const out: RowSpan[] = [];
  let used = 0;
  for (const span of spans) {
    if (used >= width) break;
    const text = headFitting(span.text, width - used);
    if (text === '') continue;
    out.push({ text, style: span.style });
    used += stringColumns(text);
  }
  if (used < width) out.push({ text: ' '.repeat(width - used), style: 'space' });
  return { id, selected, spans: out, text: out.map((s) => s.text).join('') };
}

/** Rows for `flows` (the view's window), laid out for `options.width`. */
export function formatRows(flows: readonly ListedFlow[], options: RowOptions): FlowRow[] {
  const digits = options.numberColumns ?? Math.max(0, ...flows.map((f) => String(f.id).length));
  const layout = columnLayout(options.width, digits, options.endpoints, options.sortedBy);
  return flows.map((flow) => formatRow(flow, layout, options));
}

/** One row (see {@link formatRows}). */
function formatRow(flow: ListedFlow, layout: ColumnLayout, options: RowOptions): FlowRow {
  const g = options.glyphs;
  const state = flowState(flow);
  // A guessed direction (no handshake seen): `?` in place of the arrow, or after the state when the row has no arrow.
  const stateLabel = (layout.longStates ? LONG_STATES : SHORT_STATES)[state] + (flow.sawHandshake || !layout.compact ? '' : '?');
  const [serverAddr, serverPort] = endpointParts(flow.key.server);
  const number: RowSpan = { text: padLeft(String(flow.id), layout.number), style: 'number' };
  const serverText = layout.sharedServer === undefined ? fitEndpoint(serverAddr, serverPort, layout.server, g.ellipsis) : serverPort;
  const server: RowSpan = { text: pad(serverText, layout.server), style: 'server' };
  const space: RowSpan = { text: ' ', style: 'space' };
  const stateSpan: RowSpan = { text: pad(stateLabel, layout.state), style: `state.${state}` };
  // A summary's arrow as FlowView.describe writes it: `→`, or `->` with ASCII glyphs.
  const arrow = g === UNICODE_GLYPHS ? ' → ' : ' -> ';
  const preview = options.preview(flow);
  const tail: RowSpan[] = [
    { text: flow.notes.length > 0 ? g.note : flow.gaps > 0 ? g.gap : ' ', style: 'note' },
    space,
    ...previewSpans(fitPreview(preview.text, layout.preview, g.ellipsis, preview.summarized ? arrow : undefined), arrow, preview.summarized, preview.replied),
  ];
  const up = layout.arrows ? g.up : '';
  const down = layout.arrows ? g.down : '';
  const spans: RowSpan[] = [number, space];
  if (!layout.compact) {
    const [clientAddr, clientPort] = endpointParts(flow.key.client);
    spans.push(
      { text: pad(layout.sharedClient === undefined ? fitEndpoint(clientAddr, clientPort, layout.client, g.ellipsis) : clientPort, layout.client), style: 'client' },
      { text: ` ${flow.sawHandshake ? g.right : '?'} `, style: 'arrow' },
    );
  }
  spans.push(server, space, stateSpan, space);
  // A compact row keeps the column the list is sorted by (see columnLayout).
  if (layout.bytes > 0) {
    spans.push(
      { text: padLeft(up + humanBytes(flow.bytesC2s), layout.bytes), style: 'bytesC2s' },
      space,
      { text: padLeft(down + humanBytes(flow.bytesS2c), layout.bytes), style: 'bytesS2c' },
      space,
    );
  }
  if (layout.duration > 0) spans.push({ text: padLeft(humanDuration(flowDuration(flow, options.now)), layout.duration), style: 'duration' }, space);
  return assemble(flow.id, flow.id === options.focusedId, [...spans, ...tail], options.width);
}

/**
 * The column titles for `layout`, as one row of style `header`, over the columns it shows. An
 * address every flow shares stands in place of "summary" (see {@link sharedTitle}), shown whole
 * or visibly cut.
 */
export function headerRow(layout: ColumnLayout, width: number, glyphs: Glyphs = UNICODE_GLYPHS): FlowRow {
  const titles = [padLeft('#', layout.number), ' '];
  if (!layout.compact) titles.push(pad('client', layout.client), '   ');
  titles.push(pad('server', layout.server), ' ', pad('state', layout.state), ' ');
  if (layout.bytes > 0) titles.push(padLeft('sent', layout.bytes), ' ', padLeft('recv', layout.bytes), ' ');
  if (layout.duration > 0) titles.push(padLeft('time', layout.duration), ' ');
  const line = titles.join('') + '  ';
  // In place of "summary" (what the column holds is plain from its rows): the address every flow shares.
  const title = sharedTitle(layout, width - stringColumns(line), glyphs) ?? 'summary';
  return assemble(-1, false, [{ text: line + title, style: 'header' }], width);
}

/**
 * The addresses every flow shares (escaped) in at most `columns` columns: `from CLIENT`,
 * `to SERVER` or `from CLIENT to SERVER`; where that does not fit, the addresses alone
 * (`CLIENT → SERVER`), then each cut in its middle with the ellipsis, never a prefix that reads
 * as another address. Undefined when none is shared; empty when no cut can fit.
 */
function sharedTitle(layout: ColumnLayout, columns: number, glyphs: Glyphs): string | undefined {
  const client = layout.sharedClient === undefined ? undefined : escapeText(layout.sharedClient);
  const server = layout.sharedServer === undefined ? undefined : escapeText(layout.sharedServer);
  if (client === undefined && server === undefined) return undefined;
  const worded = [client === undefined ? '' : `from ${client}`, server === undefined ? '' : `to ${server}`].filter(Boolean).join(' ');
  if (stringColumns(worded) <= columns) return worded;
  const arrow = ` ${glyphs.right} `;
  const addresses = [client, server].filter((a): a is string => a !== undefined);
  if (stringColumns(addresses.join(arrow)) <= columns) return addresses.join(arrow);
  const each = Math.floor((columns - (addresses.length - 1) * stringColumns(arrow)) / addresses.length);
  if (each < MIN_SHARED_CUT) return '';
  return addresses.map((a) => fitMiddle(a, each, glyphs.ellipsis)).join(arrow);
}

/** Columns a cut shared address keeps at least (`10.…0.1`); narrower, the header shows none. */
const MIN_SHARED_CUT = 7;
