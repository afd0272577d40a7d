/**
 * `/` in a list: the next row (after the focus, wrapping) whose text contains the query, with
 * smart case (no upper-case letter: ASCII letters of either case), and which of the list's
 * matching rows it is (`match 2 of 7`). The text searched is the row's whole text (addresses,
 * state, the whole summary), not only the part the row's columns have room for. Pure.
 */
import { formatEndpoint } from '../../render/endpoint.js';
import type { FlowView } from './flowView.js';
import { flowState, type ListedFlow } from './source.js';
import { shownQuery, smartIgnoresCase, smartIncludes, textMatches } from '../textMatch.js';

/** The rows a find looks through: their count, the focus (-1: none) and a window of them. */
export interface FindableRows<Row> {
  readonly length: number;
  readonly focusIndex: number;
  rows(top: number, height: number): readonly Row[];
}

/** A row found: its index, its place among the matching rows (1-based, in the list's order), their count, and the text searched. */
export interface RowFound {
  readonly index: number;
  readonly ordinal: number;
  readonly total: number;
  readonly text: string;
}

/** Rows read at a time. */
const BLOCK = 512;

/**
 * The next row after the focus (before it when `backward`, wrapping) whose `rowText`
 * (escaped, as shown) contains the query, or undefined. Reads every row once, to count them.
 */
export function findNext<Row>(view: FindableRows<Row>, query: string, backward: boolean, rowText: (row: Row) => string): RowFound | undefined {
  const needle = shownQuery(query);
  const count = view.length;
  if (needle === '' || count === 0) return undefined;
  const from = Math.max(0, view.focusIndex);
  const hits: { index: number; text: string }[] = [];
  for (let top = 0; top < count; top += BLOCK) {
    view.rows(top, Math.min(BLOCK, count - top)).forEach((row, k) => {
      const text = rowText(row);
      if (smartIncludes(text, needle)) hits.push({ index: top + k, text });
    });
  }
  if (hits.length === 0) return undefined;
  const after = hits.findIndex((hit) => hit.index > from);
  const firstAtOrAfter = hits.findIndex((hit) => hit.index >= from);
  // Backward: the last hit before the focus, else (round) the last one.
  const before = (firstAtOrAfter < 0 ? hits.length : firstAtOrAfter) - 1;
  const at = backward ? (before >= 0 ? before : hits.length - 1) : after >= 0 ? after : 0;
  const hit = hits[at];
  return { index: hit.index, ordinal: at + 1, total: hits.length, text: hit.text };
}

/** {@link findNext} in the flow list: a row's addresses, ports, state and preview. */
export function findRow(view: FlowView, query: string, backward: boolean): RowFound | undefined {
  return findNext(view, query, backward, (flow: ListedFlow) => searchedRowText(flow, view.describe(flow)));
}

/** The text `/` searches in a flow's row (escaped): its endpoints as shown (`[2001:db8::1]:80`), its state and `summary`. */
export function searchedRowText(flow: ListedFlow, summary: string): string {
  return `${formatEndpoint(flow.key.client)} ${formatEndpoint(flow.key.server)} ${flowState(flow)} ${summary}`;
}

/**
 * What of `text` (escaped) matched `query`: the match and some text either side, `…` where cut,
 * about `columns` long; for the status row when the row as shown does not hold the match.
 */
export function matchExcerpt(text: string, query: string, columns: number, ellipsis: string): string {
  const needle = shownQuery(query);
  const [range] = textMatches(text, needle, smartIgnoresCase(needle));
  if (range === undefined) return '';
  const room = Math.max(0, columns - needle.length);
  let start = Math.max(0, Math.min(range[0] - Math.floor(room / 2), text.length - columns));
  let end = Math.min(text.length, Math.max(start + columns, range[1]));
  // Never half a surrogate pair at either edge.
  if (isLowSurrogate(text.charCodeAt(start))) start++;
  if (isLowSurrogate(text.charCodeAt(end))) end++;
  return `${start > 0 ? ellipsis : ''}${text.slice(start, end)}${end < text.length ? ellipsis : ''}`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
