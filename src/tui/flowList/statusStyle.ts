/**
 * The colour class of a status as the lists show it (an HTTP status, a line protocol's reply
 * word, or what the exchange list says of an exchange without a response). Pure.
 */
import { FAILED_OUTCOMES } from './exchangeFields.js';
import type { RowStyle } from './rowFormat.js';

/** Outcome words that say something failed: line protocol error replies, exchanges without an answer. */
const FAILED: readonly string[] = ['-ERR', 'NO', 'BAD', ...FAILED_OUTCOMES];

/**
 * `status.ok` for 2xx (and `+OK`, `OK`), `status.redirect` for 3xx, `status.error` for 4xx, 5xx
 * and {@link FAILED} words, `state.open` for `-` (waiting); undefined for anything else (1xx, a
 * cut status, a reply word of a protocol without codes).
 */
export function statusStyle(status: string): RowStyle | undefined {
  if (/^\d{3}$/.test(status)) return status[0] === '2' ? 'status.ok' : status[0] === '3' ? 'status.redirect' : status[0] === '4' || status[0] === '5' ? 'status.error' : undefined;
  if (status === '+OK' || status === 'OK') return 'status.ok';
  // A Redis error reply: `-ERR`, `-NOAUTH`, `-WRONGTYPE`...
  if (FAILED.includes(status) || /^-[A-Z]/.test(status)) return 'status.error';
  return status === '-' ? 'state.open' : undefined;
}
