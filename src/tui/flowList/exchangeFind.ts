/**
 * `/` in the exchange list: the next row (after the focus, wrapping) whose number, method,
 * request or outcome contain the query, with smart case (see `textMatch.ts`). Pure.
 */
import { escapeText } from '../../render/escape.js';
import { smartIncludes } from '../textMatch.js';
import { exchangeText } from './exchangeFields.js';
import type { ExchangeView } from './exchangeView.js';

/** Index of the next matching row after the focus (before it when `backward`), or -1. */
export function findExchangeRow(view: ExchangeView, query: string, backward: boolean): number {
  const needle = escapeText(query);
  const count = view.length;
  if (needle === '' || count === 0) return -1;
  const from = Math.max(0, view.focusIndex);
  for (let step = 1; step <= count; step++) {
    const index = (from + (backward ? count - step : step)) % count;
    const listed = view.rows(index, 1)[0];
    if (listed !== undefined && smartIncludes(exchangeText(listed), needle)) return index;
  }
  return -1;
}
