/**
 * Filter words about a flow's messages (issue 13): `method:POST`, `status:404` or `status:5xx`
 * (or a word of the exchange list's status column for an exchange without a response:
 * `status:lost`, `status:after-close`, `status:unanswered`, `status:refused`, `status:timed-out`...;
 * `status:failed`: any upstream the proxy could not reach),
 * `host:google` (a part of the request's Host, without its port, or of the TLS server name:
 * takes `www.google.com`), `path:/api` (the start of the request target's path).
 * Case-insensitive except the path. `status:` also matches the 3-digit reply codes of a line
 * protocol that has them (SMTP, FTP: `status:5xx`, `status:554`). A flow whose protocol is not
 * known yet, or not HTTP/TLS (or such a line protocol for `status:`), matches none of them. Pure.
 */
import type { FlowMessages } from '../../messages/flowMessages.js';
import { headerValue } from '../../messages/httpHead.js';
import { replyCodes } from '../../messages/lineReplies.js';
import type { HttpExchange } from '../../messages/types.js';
import { escapeText } from '../../render/escape.js';
import { exchangeStatus, FAILED_OUTCOMES } from './exchangeFields.js';

/** One message word. */
export interface MessageTerm {
  readonly kind: 'message';
  readonly field: 'method' | 'status' | 'host' | 'path';
  /** Lower case for method and host; the status as digits with `x` wildcards; the path as typed. */
  readonly value: string;
}

const FIELDS = ['method', 'status', 'host', 'path'] as const;
/** An outcome as a filter word: `timed out` → `timed-out`. */
const outcomeWord = (outcome: string): string => outcome.replace(/ /g, '-');
/** What the status column says of an exchange without a final response (see exchangeStatus), as filter words. */
const OUTCOMES: readonly string[] = FAILED_OUTCOMES.map(outcomeWord);

/** The term for `word` when it is a message word (`field:value`), a one-line error for a bad one, else undefined. */
export function parseMessageWord(word: string): MessageTerm | string | undefined {
  const colon = word.indexOf(':');
  if (colon <= 0) return undefined;
  const field = word.slice(0, colon).toLowerCase();
  if (!(FIELDS as readonly string[]).includes(field)) return undefined;
  const value = word.slice(colon + 1);
  if (value === '') return `${escapeText(field)}: needs a value, e.g. method:POST status:5xx host:example.com path:/api`;
  if (field === 'status' && !/^[1-5][0-9x]{2}$/i.test(value) && !OUTCOMES.includes(value.toLowerCase())) {
    return `bad ${escapeText(word)}: a status like 404 or 5xx, or ${OUTCOMES.join(', ')}`;
  }
  const kept = field === 'path' ? value : value.toLowerCase();
  return { kind: 'message', field: field as MessageTerm['field'], value: kept };
}

/** True when some exchange (or the TLS hello, for `host:`) of `messages` matches `term`. */
export function messageTermMatches(term: MessageTerm, messages: FlowMessages | undefined): boolean {
  if (messages === undefined) return false;
  if (term.field === 'host') {
    const sni = messages.tls?.client?.sni;
    if (sni !== undefined && hostMatches(sni.toLowerCase(), term.value)) return true;
  }
  if (term.field === 'status' && messages.lines && !OUTCOMES.includes(term.value)) {
    for (const code of replyCodes(messages.lines, messages.lines.protocol)) if (statusMatches(code, term.value)) return true;
  }
  return messages.http?.exchanges.some((exchange) => exchangeMatches(term, exchange)) === true;
}

/** True when `exchange` (its request or response) matches `term`; `host:` looks at the Host header only. */
export function exchangeMatches(term: MessageTerm, exchange: HttpExchange): boolean {
  const request = exchange.request;
  switch (term.field) {
    case 'method':
      return request?.method.toLowerCase() === term.value;
    case 'status': {
      // `failed`: the proxy's upstream not reached, whatever the reason (`refused` is one).
      if (term.value === 'failed') return exchange.upstream !== undefined;
      if (OUTCOMES.includes(term.value)) return outcomeWord(exchangeStatus(exchange)) === term.value;
      const status = exchange.response?.status;
      return status !== undefined && statusMatches(String(status), term.value);
    }
    case 'host': {
      const host = request && headerValue(request.headers, 'host');
      return host !== undefined && hostMatches(host.toLowerCase().replace(/:\d+$/, ''), term.value);
    }
    case 'path':
      return request !== undefined && pathOf(request.target).startsWith(term.value);
  }
}

function statusMatches(status: string, pattern: string): boolean {
  for (let i = 0; i < 3; i++) if (pattern[i].toLowerCase() !== 'x' && pattern[i] !== status[i]) return false;
  return true;
}

function hostMatches(host: string, wanted: string): boolean {
  return host.includes(wanted);
}

/** The path of a request target: `/a/b` of `/a/b?q`, of `http://host/a/b`. */
function pathOf(target: string): string {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(target);
  const path = absolute ? target.slice(absolute[0].length) || '/' : target;
  const query = path.indexOf('?');
  return query >= 0 ? path.slice(0, query) : path;
}
