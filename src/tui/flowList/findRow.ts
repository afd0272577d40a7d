/**
 * `/` in a list: the next row (after the focus, wrapping) whose text contains the query, with
 * smart case (no upper-case letter: ASCII letters of either case). Reads one row per row looked
 * at; pure.
 */
import { escapeText } from '../../render/escape.js';
import type { FlowView } from './flowView.js';
import { flowState, type ListedFlow } from './source.js';
import { smartIncludes } from '../textMatch.js';

/** The rows a find looks through: their count, the focus (-1: none) and a window of them. */
export interface FindableRows<Row> {
  readonly length: number;
  readonly focusIndex: number;
  rows(top: number, height: number): readonly Row[];
}

/**
 * Index of the next row after the focus (before it when `backward`, wrapping) whose
 * `rowText` (escaped, as shown) contains the query, or -1.
 */
export function findNext<Row>(view: FindableRows<Row>, query: string, backward: boolean, rowText: (row: Row) => string): number {
  const needle = escapeText(query);
  const count = view.length;
  if (needle === '' || count === 0) return -1;
  const from = Math.max(0, view.focusIndex);
  for (let step = 1; step <= count; step++) {
    const index = (from + (backward ? count - step : step)) % count;
    const row = view.rows(index, 1)[0];
    if (row !== undefined && smartIncludes(rowText(row), needle)) return index;
  }
  return -1;
}

/** {@link findNext} in the flow list: a row's addresses, ports, state and preview. */
export function findRow(view: FlowView, query: string, backward: boolean): number {
  return findNext(view, query, backward, (flow: ListedFlow) => {
    const { client, server } = flow.key;
    return `${escapeText(client.addr)}:${client.port} ${escapeText(server.addr)}:${server.port} ${flowState(flow)} ${view.describe(flow)}`;
  });
}
