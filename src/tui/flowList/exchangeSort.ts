/**
 * The exchange list's sort orders (`o` cycles them) and each exchange's numeric sort key.
 * Keys compare ascending, then by the order the exchanges were listed, so every order is
 * total and stable. `arrival`: when the request was sent; `duration` and `size`: longest and
 * biggest first; `status`: what went wrong first (lost, unanswered: no status), then 5xx, 4xx...,
 * unanswered-yet last; `flow`: by flow number, then exchange number. The keys of every order
 * are read once into {@link SortFields} (a few numbers kept with the row), so a new order reads
 * no exchange.
 */
import type { ListedExchange } from './exchangeFields.js';
import { exchangeDuration, exchangeSize, exchangeStart } from './exchangeFields.js';

/** Orders of the exchange list, in the order `o` cycles through them. */
export const EXCHANGE_ORDERS = ['arrival', 'duration', 'size', 'status', 'flow'] as const;
/** One of {@link EXCHANGE_ORDERS}. */
export type ExchangeOrder = (typeof EXCHANGE_ORDERS)[number];

/** The order after `order` in the `o` cycle. */
export function nextExchangeOrder(order: ExchangeOrder): ExchangeOrder {
  return EXCHANGE_ORDERS[(EXCHANGE_ORDERS.indexOf(order) + 1) % EXCHANGE_ORDERS.length];
}

/** An exchange's key for each order (see {@link exchangeKey}). */
export interface SortFields {
  arrival: number;
  duration: number;
  size: number;
  status: number;
  flow: number;
}

/** Exchanges a flow may hold (`MAX_EXCHANGES` is 10,000): the `flow` key's factor. */
const PER_FLOW = 1 << 16;

/**
 * Writes the keys of `listed` into `into` (a new object without it); `seen` stands in for the
 * start of an exchange with no time yet (a lost request's placeholder). Read again while the
 * exchange grows (see `exchangeSettled`).
 */
export function sortFields(listed: ListedExchange, seen: number, into?: SortFields): SortFields {
  const e = listed.exchange;
  const status = e.response?.status;
  const fields = into ?? { arrival: 0, duration: 0, size: 0, status: 0, flow: 0 };
  fields.arrival = exchangeStart(e) ?? seen;
  fields.duration = -(exchangeDuration(e) ?? -1);
  fields.size = -(exchangeSize(e) ?? -1);
  fields.status = status !== undefined ? -status : e.flags.length > 0 ? -1000 : 1;
  fields.flow = listed.flowId * PER_FLOW + listed.index;
  return fields;
}

/** The key for `order` from an exchange's {@link SortFields}. */
export function exchangeKey(order: ExchangeOrder, fields: SortFields): number {
  return fields[order];
}
