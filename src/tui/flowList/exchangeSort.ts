/**
 * The exchange list's sort orders (`o` cycles them) and each exchange's numeric sort key.
 * Keys compare ascending, then by the order the exchanges were listed, so every order is
 * total and stable. `arrival`: when the request was sent; `duration` and `size`: longest and
 * biggest first; `status`: what went wrong first (lost, unanswered: no status), then 5xx, 4xx...,
 * unanswered-yet last; `flow`: by flow number, then exchange number.
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

/** Exchanges a flow may hold (`MAX_EXCHANGES` is 10,000): the `flow` key's factor. */
const PER_FLOW = 1 << 16;

/**
 * The key of `listed` for `order`; `seen` stands in for the start of an exchange with no time
 * yet (a lost request's placeholder). Changes while the exchange grows (see `exchangeSettled`).
 */
export function exchangeKey(order: ExchangeOrder, listed: ListedExchange, seen: number): number {
  const e = listed.exchange;
  switch (order) {
    case 'arrival':
      return exchangeStart(e) ?? seen;
    case 'duration':
      return -(exchangeDuration(e) ?? -1);
    case 'size':
      return -(exchangeSize(e) ?? -1);
    case 'status': {
      const status = e.response?.status;
      if (status !== undefined) return -status;
      return e.flags.length > 0 ? -1000 : 1;
    }
    case 'flow':
      return listed.flowId * PER_FLOW + listed.index;
  }
}
