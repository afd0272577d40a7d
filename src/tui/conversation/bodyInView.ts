/**
 * Which body `b` saves: the first HTTP message with a body (or, in a line protocol, the first
 * block: an SMTP DATA body, a POP3 mail) among the rows of the window, top to bottom. A row of the messages mode names
 * its exchange and message, or its line protocol item; a data row of the raw modes (text, hex,
 * escaped) names a stream position, and the message or block whose bytes hold it is the one. Pure.
 */
import type { Direction } from '../../core/types.js';
import type { LineItem } from '../../messages/lineItem.js';
import type { HttpExchange, HttpMessage } from '../../messages/types.js';
import { messageEnd } from '../../messages/httpMessage.js';

/** Which message of an exchange. */
export type BodyRole = 'request' | 'response';

/**
 * What a row of the window shows: a message of an exchange or a line protocol's item (its index;
 * messages mode), or a stream position (raw modes).
 */
export type ViewPlace =
  | { readonly exchange: number; readonly role: BodyRole }
  | { readonly item: number }
  | { readonly dir: Direction; readonly offset: number };

/** A message whose body is to be saved. */
export interface BodyTarget {
  /** The exchange's index (`#3` is index 2). */
  readonly exchange: number;
  readonly role: BodyRole;
  readonly message: HttpMessage;
}

/**
 * The first message with a body (wire length > 0) among `places`, in their order, or undefined
 * when none of them is in such a message.
 */
export function bodyInView(exchanges: readonly HttpExchange[], places: readonly ViewPlace[]): BodyTarget | undefined {
  let last: BodyTarget | undefined;
  for (const place of places) {
    if ('item' in place) continue;
    const target = 'exchange' in place ? byRole(exchanges, place.exchange, place.role) : last !== undefined && holds(last.message, place) ? last : byOffset(exchanges, place);
    if (target !== undefined && target.message.body.length > 0) return target;
    last = target;
  }
  return undefined;
}

/**
 * The body `b` saves when the reader is at exchange `index`: the first of its messages with a
 * body among `places`, else its response's body, else its request's; undefined when it has none.
 */
export function bodyOfExchange(exchanges: readonly HttpExchange[], index: number, places: readonly ViewPlace[]): BodyTarget | undefined {
  const own = places.filter((place) => exchangeOf(exchanges, place) === index);
  const shown = bodyInView(exchanges, own);
  if (shown) return shown;
  return (['response', 'request'] as const).map((role) => byRole(exchanges, index, role)).find((target) => target !== undefined && target.message.body.length > 0);
}

/**
 * The exchange (its index) most of `places` (a raw mode's rows) lie in, the first one on a tie;
 * undefined when none does.
 */
export function exchangeMostInView(exchanges: readonly HttpExchange[], places: readonly ViewPlace[]): number | undefined {
  const count = new Map<number, number>();
  for (const place of places) {
    const index = exchangeOf(exchanges, place);
    if (index !== undefined) count.set(index, (count.get(index) ?? 0) + 1);
  }
  let most: number | undefined;
  for (const [index, rows] of count) if (most === undefined || rows > count.get(most)!) most = index;
  return most;
}

function exchangeOf(exchanges: readonly HttpExchange[], place: ViewPlace): number | undefined {
  if ('item' in place) return undefined;
  return 'exchange' in place ? place.exchange : byOffset(exchanges, place)?.exchange;
}

function byRole(exchanges: readonly HttpExchange[], index: number, role: BodyRole): BodyTarget | undefined {
  const exchange = exchanges[index]?.index === index ? exchanges[index] : exchanges.find((e) => e.index === index);
  const message = exchange?.[role];
  return message === undefined ? undefined : { exchange: index, role, message };
}

function byOffset(exchanges: readonly HttpExchange[], place: { readonly dir: Direction; readonly offset: number }): BodyTarget | undefined {
  for (const exchange of exchanges) {
    for (const role of ['request', 'response'] as const) {
      const message = exchange[role];
      if (message !== undefined && holds(message, place)) return { exchange: exchange.index, role, message };
    }
  }
  return undefined;
}

/** True when stream position `place` lies in `message`'s bytes on the wire (head and body). */
function holds(message: HttpMessage, place: { readonly dir?: Direction; readonly offset?: number }): boolean {
  if (place.dir !== message.dir || place.offset === undefined) return false;
  return place.offset >= message.offset && place.offset < messageEnd(message);
}

/** A block (SMTP DATA body, POP3 mail) whose mail is to be saved. */
export interface MailTarget {
  /** Which block of the flow it is, from 1. */
  readonly number: number;
  readonly block: LineItem;
}

/** The first block among `places`, in their order (`items`: the flow's line protocol items), or undefined. */
export function mailInView(items: readonly LineItem[], places: readonly ViewPlace[]): MailTarget | undefined {
  const blocks = items.filter((item) => item.kind === 'block');
  if (blocks.length === 0) return undefined;
  for (const place of places) {
    const block = 'item' in place ? items[place.item] : 'offset' in place ? blocks.find((b) => b.dir === place.dir && place.offset >= b.offset && place.offset < b.offset + b.length) : undefined;
    if (block?.kind === 'block') return { number: blocks.indexOf(block) + 1, block };
  }
  return undefined;
}
