/**
 * Exchange list rows as spans (the flow list's {@link FlowRow}, so the pane paints them the
 * same way): number `flow#exchange`, the `!` mark, method (as wide as the widest listed),
 * request (`host/path?query`, cut to fit: see {@link fitRequest}), outcome (status; without a response, what went wrong, over the size and time
 * columns), response size (of a body that did not all arrive: `76/48k`, what came of the
 * announced size, or `76…` when that does not fit or none was announced; `lost` when the end of
 * its head fell in a capture gap), time (tenths
 * below a millisecond, so a sort by duration reads). Exactly `width`
 * columns; every text is escaped (see `exchangeFields.ts`). Below
 * {@link MIN_REQUEST} request columns (a pane narrower than about 60 columns: a split tmux
 * pane), the size and time columns go and the request gets their room.
 */
import type { Glyphs } from '../glyphs.js';
import { fitMiddle, stringColumns } from '../width.js';
import {
  exchangeAnnouncedSize, exchangeCut, exchangeDuration, exchangeFlagged, exchangeHeadLostPart, exchangeLabel, exchangeMethod, exchangeResponseHeadLost, exchangeSize, exchangeStatus, exchangeTarget, type ListedExchange,
} from './exchangeFields.js';
import { assemble, pad, padLeft, type FlowRow, type RowSpan, type RowStyle } from './rowFormat.js';
import { statusStyle } from './statusStyle.js';
import { humanBytes, humanDuration } from './units.js';

/** Column widths for one terminal width. */
export interface ExchangeColumns {
  readonly number: number;
  readonly method: number;
  readonly request: number;
  readonly status: number;
  /** 0 in a narrow row. */
  readonly size: number;
  readonly time: number;
}

/**
 * With every column shown, the request has at least this many columns; with fewer, the size and
 * time columns go (below 60 columns with a `CONNECT` column and 5-digit numbers), so that the
 * request is not cut to a stub beside them (`secur…gg.com:443 200 0 121ms`).
 */
const MIN_REQUEST = 26;
/** The method column's narrowest and widest (`OPTIONS`, `CONNECT`; a longer method is cut). */
const METHOD_MIN = 3;
/** The size column: `76/48k` fits. */
const SIZE = 7;
const METHOD_MAX = 7;
/** `after-close`, the longest outcome: a row without a response shows it over the status, size and time columns. */
const LONGEST_OUTCOME = 11;

/**
 * The widths for rows `width` columns wide, with numbers as wide as `numberColumns` (`2000#12`: 7)
 * and the method column as wide as `methodColumns` (the widest method listed), within 3 to 7.
 */
export function exchangeColumns(width: number, numberColumns: number, methodColumns: number): ExchangeColumns {
  const number = Math.max(5, numberColumns);
  const method = Math.min(METHOD_MAX, Math.max(METHOD_MIN, methodColumns));
  // number ' ' mark ' ' method ' ' request ' ' status [' ' size ' ' time]
  const request = width - number - 1 - 1 - 1 - method - 1 - 1 - 3 - 1 - SIZE - 1 - 5;
  if (request >= MIN_REQUEST) return { number, method, request, status: 3, size: SIZE, time: 5 };
  return { number, method, request: Math.max(0, request + SIZE + 7 - (LONGEST_OUTCOME - 3)), status: LONGEST_OUTCOME, size: 0, time: 0 };
}

/** Options of one frame's rows. */
export interface ExchangeRowOptions {
  readonly width: number;
  readonly glyphs: Glyphs;
  /** The focused exchange (its row is selected). */
  readonly focused: ListedExchange | undefined;
  /** Digits of `flow#exchange` for the biggest numbers listed, so columns do not move while scrolling. */
  readonly numberColumns: number;
  /** Columns of the widest method listed, so the method column does not move while scrolling. */
  readonly methodColumns: number;
}

/** Rows for `exchanges` (the view's window). */
export function formatExchangeRows(exchanges: readonly ListedExchange[], options: ExchangeRowOptions): FlowRow[] {
  const columns = exchangeColumns(options.width, options.numberColumns, options.methodColumns);
  return exchanges.map((listed) => formatExchangeRow(listed, columns, options));
}

function formatExchangeRow(listed: ListedExchange, columns: ExchangeColumns, options: ExchangeRowOptions): FlowRow {
  const e = listed.exchange;
  const status = exchangeStatus(e);
  const size = exchangeSize(e);
  const duration = exchangeDuration(e);
  const space: RowSpan = { text: ' ', style: 'space' };
  const spans: RowSpan[] = [
    // Never cut (a wrong number would be worse): a longer one pushes the row's end out.
    { text: exchangeLabel(listed).padStart(columns.number), style: 'number' },
    space,
    { text: exchangeFlagged(e) ? '!' : ' ', style: 'note' },
    space,
    { text: pad(exchangeMethod(e), columns.method), style: 'server' },
    space,
    { text: pad(fitRequest(exchangeTarget(e), columns.request, options.glyphs.ellipsis), columns.request), style: 'preview' },
    space,
  ];
  const outcomeColumns = columns.size > 0 ? columns.status + 1 + columns.size + 1 + columns.time : columns.status;
  const part = exchangeHeadLostPart(e);
  if (part && columns.size > 0) {
    // Its head lost, part of its body came: `lost` over the status column and into the size's, what came at the size's end.
    const sizeText = cutSizeText(part.received, undefined, columns.size, options.glyphs);
    spans.push({ text: pad(status, columns.status + 1 + columns.size - sizeText.length), style: outcomeStyle(status) }, { text: sizeText, style: 'bytesS2c' });
    spans.push(space, { text: padLeft(duration === undefined ? '-' : exchangeDurationText(duration), columns.time), style: 'duration' });
  } else if (status.length > columns.status) {
    // No response, and why: the word takes the size and time columns too (they would be `-`).
    spans.push({ text: pad(status, outcomeColumns), style: outcomeStyle(status) });
  } else if (columns.size > 0) {
    spans.push({ text: pad(status, columns.status), style: outcomeStyle(status) });
    const sizeText = size === undefined ? '-' : exchangeResponseHeadLost(e) ? 'lost' : exchangeCut(e) ? cutSizeText(size, exchangeAnnouncedSize(e), columns.size, options.glyphs) : humanBytes(size);
    spans.push(space, { text: padLeft(sizeText, columns.size), style: 'bytesS2c' });
    spans.push(space, { text: padLeft(duration === undefined ? '-' : exchangeDurationText(duration), columns.time), style: 'duration' });
  } else spans.push({ text: pad(status, columns.status), style: outcomeStyle(status) });
  const selected = options.focused !== undefined && options.focused.exchange === e;
  return assemble(listed.flowId, selected, spans, options.width);
}

/**
 * A request (`host/path?query`, escaped) in `columns`: whole when it fits; else the host whole and
 * the rest cut in its middle (its start says where, its end tells requests apart:
 * `host/s2/favi…=www.youtube.com`) while the rest keeps half the columns; else all of it cut in
 * its middle. Its end is always kept.
 */
export function fitRequest(request: string, columns: number, ellipsis: string): string {
  if (stringColumns(request) <= columns) return request;
  const slash = request.indexOf('/');
  const query = request.indexOf('?');
  const host = slash < 0 || (query >= 0 && query < slash) ? '' : request.slice(0, slash);
  const rest = request.slice(host.length);
  const room = columns - stringColumns(host);
  if (host !== '' && room >= Math.min(stringColumns(rest), Math.ceil(columns / 2))) return host + fitMiddle(rest, room, ellipsis);
  return fitMiddle(request, columns, ellipsis);
}

/** The column titles, as one row of style `header`. */
export function exchangeHeaderRow(width: number, numberColumns: number, methodColumns: number): FlowRow {
  const c = exchangeColumns(width, numberColumns, methodColumns);
  let line = `${padLeft('flow#', c.number)}   ${pad(c.method >= 6 ? 'method' : c.method >= 4 ? 'meth' : '', c.method)} ${pad(c.request >= 20 ? 'request (exchanges)' : 'request', c.request)}`;
  line += c.size > 0 ? ` ${pad('st.', c.status)} ${padLeft('size', c.size)} ${padLeft('time', c.time)}` : ` ${pad('status', c.status)}`;
  return assemble(-1, false, [{ text: line, style: 'header' }], width);
}

/** {@link humanDuration}, with tenths below a millisecond (`0.3ms`; `<.1ms` under 50 µs) where it would say `0ms`. */
export function exchangeDurationText(micros: number): string {
  if (!(micros >= 0) || micros >= 500) return humanDuration(micros);
  const tenths = Math.round(micros / 100);
  return tenths === 0 ? '<.1ms' : `0.${tenths}ms`;
}

/** A cut body's size: `76/48k` (what came of the announced size) when it fits `columns`, else `76…`. */
function cutSizeText(size: number, announced: number | undefined, columns: number, glyphs: Glyphs): string {
  const ofTotal = announced === undefined ? '' : `${humanBytes(size)}/${humanBytes(announced)}`;
  return ofTotal !== '' && ofTotal.length <= columns ? ofTotal : humanBytes(size) + glyphs.ellipsis;
}

/** The status column's style: see `statusStyle` (no colour for what it does not class). */
function outcomeStyle(status: string): RowStyle {
  return statusStyle(status) ?? 'duration';
}
