/**
 * A proxied flow whose upstream is still connecting, or could not be reached (flowspy reset its
 * client: the flow's end detail starts with {@link UPSTREAM_FAILED}, as `upstream 127.0.0.1:9
 * refused: ECONNREFUSED`), in words for the flow list and the messages mode, in place of a
 * capture's explanations.
 */
import { UPSTREAM_FAILED, upstreamFailed, type Endpoint, type FlowEndReason } from '../core/types.js';

/** The parts of an upstream failure: `target` (`host:port` as configured) and `what` happened (`refused`, `not resolved`...). */
export interface UpstreamFailure {
  /** The whole detail: `upstream nohost.invalid:80 not resolved: ENOTFOUND`. */
  readonly detail: string;
  readonly target: string;
  readonly what: string;
}

/** The upstream failure a flow's end tells of, or undefined when it ended otherwise. */
export function upstreamFailureOf(end: { readonly reason: FlowEndReason; readonly detail?: string | undefined } | undefined): UpstreamFailure | undefined {
  if (!upstreamFailed(end)) return undefined;
  const detail = end!.detail!;
  const rest = detail.slice(UPSTREAM_FAILED.length);
  const space = rest.indexOf(' ');
  if (space < 0) return { detail, target: rest, what: 'failed' };
  const colon = rest.indexOf(': ', space);
  return { detail, target: rest.slice(0, space), what: rest.slice(space + 1, colon < 0 ? undefined : colon) };
}

/** The flow list's summary: `! upstream nohost.invalid:80 not resolved`, with the request that went nowhere: `(GET /data.json)`. */
export function upstreamSummary(failure: UpstreamFailure, request?: string): string {
  return `! upstream ${failure.target} ${failure.what}${request ? ` (${request})` : ''}`;
}

/** The flow list's summary while the upstream `server` has not accepted: `upstream 10.0.0.2:80 connecting`, with the request waiting: `(GET /x)`. */
export function connectingSummary(server: Endpoint, request?: string): string {
  const target = server.addr.includes(':') ? `[${server.addr}]:${server.port}` : `${server.addr}:${server.port}`;
  return `upstream ${target} connecting${request ? ` (${request})` : ''}`;
}
