/**
 * HTTP exchanges and flow messages made by hand for the exchange list tests and bench: only
 * the fields the list reads, shaped as the parser's objects (and grown in place as the parser does).
 */
import type { FlowMessages } from '../../../src/messages/flowMessages.js';
import type { ExchangeFlag, HttpExchange, HttpRequest, HttpResponse } from '../../../src/messages/types.js';

/** What an exchange is made of; times in microseconds. */
export interface ExchangeSpec {
  method?: string;
  target?: string;
  host?: string;
  /** Request first byte; no request when null. */
  start?: number | null;
  status?: number;
  /** Response last byte. */
  end?: number;
  size?: number;
  flags?: ExchangeFlag[];
  /** The response is still coming (default: complete). */
  growing?: boolean;
}

export function request(spec: ExchangeSpec): HttpRequest {
  const start = spec.start ?? 0;
  return {
    kind: 'request', dir: 'c2s', version: '1.1', method: spec.method ?? 'GET', target: spec.target ?? '/', offset: 0, headLength: 10,
    headers: spec.host === undefined ? [] : [{ name: 'Host', value: spec.host }],
    body: { framing: 'none', offset: 0, length: 0, dataLength: 0, gapBytes: 0, chunks: 0, trailers: [] },
    firstTs: start, lastTs: start, complete: true, incomplete: undefined, malformedHeaderLines: 0,
  };
}

export function response(spec: ExchangeSpec): HttpResponse {
  const end = spec.end ?? (spec.start ?? 0) + 1000;
  return {
    kind: 'response', dir: 's2c', version: '1.1', status: spec.status ?? 200, reason: 'OK', offset: 0, headLength: 10, headers: [],
    body: { framing: 'length', offset: 0, length: spec.size ?? 0, dataLength: spec.size ?? 0, gapBytes: 0, chunks: 0, trailers: [] },
    firstTs: end, lastTs: end, complete: spec.growing !== true, incomplete: undefined, malformedHeaderLines: 0,
  };
}

export function exchange(index: number, spec: ExchangeSpec = {}): HttpExchange {
  return {
    index,
    request: spec.start === null ? undefined : request(spec),
    response: spec.status === undefined ? undefined : response(spec),
    interim: [],
    flags: spec.flags ?? [],
  };
}

/** Puts `exchange`'s request at c2s bytes [offset, offset + length) and its response (if any) at the s2c ones, all head. */
export function placed(exchange: HttpExchange, request: [number, number], response?: [number, number]): HttpExchange {
  Object.assign(exchange.request!, { offset: request[0], headLength: request[1] });
  if (response) Object.assign(exchange.response!, { offset: response[0], headLength: response[1], body: { ...exchange.response!.body, length: 0 } });
  return exchange;
}

/** A flow's messages as the list reads them: its exchanges (grow the array to add some) and whether it is over. */
export interface FakeMessages {
  http: { exchanges: HttpExchange[] };
  isOver: boolean;
}

export function fakeMessages(exchanges: HttpExchange[] = [], isOver = false): FakeMessages {
  return { http: { exchanges }, isOver };
}

/** A `messages` lookup over a map of fakes. */
export function messagesOf(table: Map<number, FakeMessages>): (id: number) => FlowMessages | undefined {
  return (id) => table.get(id) as unknown as FlowMessages | undefined;
}
