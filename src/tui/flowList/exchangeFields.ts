/**
 * What the exchange list shows, sorts and filters on of one HTTP exchange: its outcome (status,
 * or what went wrong), response size, time, and request as `host/target`. Pure functions of the
 * parser's exchange object, which grows in place: read them again after it changed. Text results
 * are escaped (display-safe); numbers are raw.
 */
import type { Micros } from '../../core/types.js';
import { framingOf, headerValue, responseBodyPlan } from '../../messages/httpHead.js';
import { HEAD_IN_GAP } from '../../messages/httpStream.js';
import type { ExchangeFlag, HttpExchange, StrayBytes } from '../../messages/types.js';
import { escapeText } from '../../render/escape.js';

/** One exchange of one flow: `index` is its position in the flow's `http.exchanges`. */
export interface ListedExchange {
  readonly flowId: number;
  readonly index: number;
  readonly exchange: HttpExchange;
}

/** `12#3`: the flow's number and the exchange's (from 1), as the row and `/` show it. */
export function exchangeLabel(listed: ListedExchange): string {
  return `${listed.flowId}#${listed.index + 1}`;
}

/** What the proxy says of an upstream it could not reach (HttpExchange.upstream, see proxy/connectFailure.ts). */
export const UPSTREAM_OUTCOMES: readonly string[] = ['refused', 'not resolved', 'unreachable', 'timed out', 'failed'];

/** The flags that leave an exchange without a response, as its outcome, the first found first. */
const FLAG_OUTCOMES = ['lost', 'after-close', 'unanswered'] as const satisfies readonly ExchangeFlag[];

/**
 * Every word the outcome column shows for an exchange without a response, each a failure (the
 * lists show them as errors, the filter's `status:` takes them with `-` for spaces).
 */
export const FAILED_OUTCOMES: readonly string[] = [...FLAG_OUTCOMES, ...UPSTREAM_OUTCOMES];

/**
 * The outcome column: the final response's status; without one, what went wrong (the proxy's
 * upstream `refused`, `not resolved`...: {@link UPSTREAM_OUTCOMES}; `lost`: in a capture gap;
 * `after-close`: sent after the server closed; `unanswered`), else `-` (waiting).
 */
export function exchangeStatus(exchange: HttpExchange): string {
  if (exchange.response) return String(exchange.response.status);
  if (exchange.upstream !== undefined) return escapeText(exchange.upstream);
  return FLAG_OUTCOMES.find((flag) => exchange.flags.includes(flag)) ?? '-';
}

/** True when the exchange went wrong (the flow list's `!`): any flag, a response without request included. */
export function exchangeFlagged(exchange: HttpExchange): boolean {
  return exchange.flags.length > 0;
}

/** The method (escaped), `-` when the request is missing. */
export function exchangeMethod(exchange: HttpExchange): string {
  return exchange.request ? escapeText(exchange.request.method) : '-';
}

/**
 * The request as `host/path?query` (escaped): the Host header and an origin-form target; an
 * absolute target without its scheme; a CONNECT's `host:port` as it is. `(no request)` without one.
 */
export function exchangeTarget(exchange: HttpExchange): string {
  const request = exchange.request;
  if (!request) return exchange.flags.includes('lost') ? '(request lost)' : '(no request)';
  const target = request.target;
  if (!target.startsWith('/')) return escapeText(target.replace(/^[a-z][a-z0-9+.-]*:\/\//i, ''));
  const host = headerValue(request.headers, 'host');
  return escapeText(host === undefined ? target : host.trim() + target);
}

/**
 * Payload bytes of the final response's body (chunk framing left out); without a response, the
 * bytes that came of one whose head a capture gap took (see {@link exchangeHeadLostPart}); else undefined.
 */
export function exchangeSize(exchange: HttpExchange): number | undefined {
  return exchange.response?.body.dataLength ?? exchangeHeadLostPart(exchange)?.received;
}

/** The stray bytes of a response whose head a capture gap took (what came of its body), undefined when none came. */
export function exchangeHeadLostPart(exchange: HttpExchange): StrayBytes | undefined {
  const request = exchange.request;
  if (exchange.response || !request || !exchange.flags.includes('lost')) return undefined;
  return exchange.stray?.find((s) => s.dir !== request.dir);
}

/** True when the final response stopped short of its end (a capture gap, the capture's end, the connection's), or only part of it came. */
export function exchangeCut(exchange: HttpExchange): boolean {
  return exchange.response?.incomplete !== undefined || exchangeHeadLostPart(exchange) !== undefined;
}

/** True when the end of the final response's head fell in a capture gap: its body's size is not known (shown `lost`). */
export function exchangeResponseHeadLost(exchange: HttpExchange): boolean {
  return exchange.response?.incomplete?.why === HEAD_IN_GAP;
}

/** The body size a response's Content-Length announced, undefined without one (chunked, up to the close, bad framing). */
export function exchangeAnnouncedSize(exchange: HttpExchange): number | undefined {
  const response = exchange.response;
  if (response?.body.framing !== 'length') return undefined;
  const plan = responseBodyPlan(response.status, framingOf(response.headers), exchange.request?.method);
  return plan.kind === 'length' ? plan.length : undefined;
}

/**
 * From the request's first byte to the response's last (so far), undefined without a response;
 * for a response without a request, its own span.
 */
export function exchangeDuration(exchange: HttpExchange): Micros | undefined {
  const { request, response } = exchange;
  const part = exchangeHeadLostPart(exchange);
  if (part && request) return Math.max(0, part.lastTs - request.firstTs);
  if (!response) return undefined;
  return Math.max(0, response.lastTs - (request?.firstTs ?? response.firstTs));
}

/** When the exchange began: its request's first byte, else its response's; undefined for a placeholder of a lost request. */
export function exchangeStart(exchange: HttpExchange): Micros | undefined {
  return exchange.request?.firstTs ?? exchange.response?.firstTs;
}

/** True when nothing shown of the exchange can change any more (answered in full, or given up). */
export function exchangeSettled(exchange: HttpExchange): boolean {
  const response = exchange.response;
  if (response) return response.complete || response.incomplete !== undefined;
  return exchange.flags.includes('unanswered');
}

/** What filter text words and `/` look for in a row: its number, method, request and outcome. */
export function exchangeText(listed: ListedExchange): string {
  const e = listed.exchange;
  return `${exchangeLabel(listed)} ${exchangeMethod(e)} ${exchangeTarget(e)} ${exchangeStatus(e)}${exchangeFlagged(e) ? ' !' : ''}`;
}
