/**
 * Which list the list pane shows: the exchange list after `v`, else the flow list. The one place
 * that decides it; the frame, the commands, the mouse, the searches and the app ask here.
 */
import type { ExchangeMode } from './exchangeMode.js';
import type { ExchangeView } from './exchangeView.js';
import type { FlowView } from './flowView.js';

/** The list shown, and its rows (what the keys and the mouse move). */
export type ShownList = { readonly kind: 'exchanges'; readonly rows: ExchangeView } | { readonly kind: 'flows'; readonly rows: FlowView };

/** The list the pane shows now: `exchanges`' rows while the exchange list is on, else `flows`. */
export function shownList(flows: FlowView, exchanges: Pick<ExchangeMode, 'rows'>): ShownList {
  const rows = exchanges.rows;
  return rows === undefined ? { kind: 'flows', rows: flows } : { kind: 'exchanges', rows };
}
