/**
 * How the proxy words sockets: what a failed upstream connect means for the flow (one
 * sockspy-like line naming the upstream, what happened and Node's error code, kept as the detail
 * of the flow's end), other socket errors, and addresses.
 */
import net from 'node:net';
import { UPSTREAM_FAILED } from '../core/types.js';

/** A socket error as Node reports a connect failure (an AggregateError holds one per address tried). */
type ConnectError = Error & { code?: string; syscall?: string; errors?: unknown[] };

/**
 * The detail of the end of a flow whose upstream `target` (`host:port` as configured) could not
 * be reached, starting with {@link UPSTREAM_FAILED}:
 * `upstream 127.0.0.1:9 refused: ECONNREFUSED`, `upstream db:5432 timed out: ETIMEDOUT`,
 * `upstream no-such.invalid:80 not resolved: ENOTFOUND`, `upstream 10.9.9.9:80 unreachable:
 * EHOSTUNREACH`; any other failure reads `failed:` and Node's message. Every address tried
 * (happy eyeballs) must have failed alike to be named so.
 */
export function upstreamFailure(err: ConnectError, target: string): string {
  const tries = Array.isArray(err.errors) && err.errors.length > 0 ? (err.errors as ConnectError[]) : [err];
  const codes = [...new Set(tries.map((e) => e.code))];
  const code = codes.length === 1 ? codes[0] : undefined;
  const what = err.syscall === 'getaddrinfo' ? 'not resolved' : code === undefined ? undefined : WHAT.get(code);
  // Node's message may end ` - Local (undefined:undefined)` (a connect that never got a local address): no news.
  if (what === undefined || code === undefined) return `${UPSTREAM_FAILED}${target} failed: ${err.message.replace(/ - Local \(.*\)$/, '') || codes.join(', ')}`;
  return `${UPSTREAM_FAILED}${target} ${what}: ${code}`;
}

const WHAT = new Map([
  ['ECONNREFUSED', 'refused'],
  ['ETIMEDOUT', 'timed out'],
  ['EHOSTUNREACH', 'unreachable'],
  ['ENETUNREACH', 'unreachable'],
]);

/** `::ffff:1.2.3.4` → `1.2.3.4` (a dual-stack socket reports IPv4 peers mapped). */
export function normalizeAddress(addr: string): string {
  return addr.startsWith('::ffff:') && net.isIPv4(addr.slice(7)) ? addr.slice(7) : addr;
}

/** `host:port`, with brackets around an IPv6 literal. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** One line for a socket error, also for Node's AggregateError (happy eyeballs) whose message is empty. */
export function describeError(err: Error & { code?: string; errors?: unknown[] }): string {
  if (err.message) return err.message;
  if (Array.isArray(err.errors) && err.errors.length > 0) {
    return err.errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
  }
  return err.code ?? err.name;
}
