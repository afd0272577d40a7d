/**
 * `/` in the flow list: the next row (after the focus, wrapping) whose addresses, ports, state or
 * preview contain the query, with smart case (no upper-case letter: ASCII letters of either
 * case). Reads one record per row looked at; pure.
 */
import { escapeText } from '../../render/escape.js';
import type { FlowView } from './flowView.js';
import { flowState } from './source.js';
import { smartIncludes } from '../textMatch.js';

/** Index of the next matching row after the focus (before it when `backward`), or -1. */
export function findRow(view: FlowView, query: string, backward: boolean): number {
  const needle = escapeText(query);
  const count = view.length;
  if (needle === '' || count === 0) return -1;
  const from = Math.max(0, view.focusIndex);
  for (let step = 1; step <= count; step++) {
    const index = (from + (backward ? count - step : step)) % count;
    const flow = view.rows(index, 1)[0];
    if (flow === undefined) continue;
    const { client, server } = flow.key;
    const text = `${escapeText(client.addr)}:${client.port} ${escapeText(server.addr)}:${server.port} ${flowState(flow)} ${view.describe(flow)}`;
    if (smartIncludes(text, needle)) return index;
  }
  return -1;
}
