/**
 * What a failed upstream connect means for the flow: whom the client's connection was meant for,
 * and how it ended, in the terms a capture of the same attempt would use.
 */
import net from 'node:net';
import { REFUSED, UNANSWERED, UNRESOLVED, type Endpoint, type FlowEndReason } from '../core/types.js';

/** A socket error as Node reports a connect failure (an AggregateError holds one per address tried). */
type ConnectError = Error & { code?: string; syscall?: string; address?: string; port?: number; errors?: unknown[] };

/** The flow's server and its end, for a connect failure recognised by {@link connectFailure}. */
export interface ConnectFailure {
  readonly server: Endpoint;
  readonly reason: FlowEndReason;
  readonly detail: string;
}

/**
 * Classifies an upstream connect failure:
 * - refused (every address tried answered the SYN with a reset): the address that refused, 'rst', {@link REFUSED};
 * - timed out (the proxy's own connect timer, or the kernel's ETIMEDOUT): the address last tried
 *   (`tried`), 'timeout', {@link UNANSWERED}; before any was tried (the lookup took the time), as
 *   a name not resolved;
 * - the name did not resolve (getaddrinfo failed): the target as named, 'error', {@link UNRESOLVED};
 * - undefined for any other failure (unreachable, and so on).
 */
export function connectFailure(err: ConnectError, target: Endpoint, tried: Endpoint | undefined): ConnectFailure | undefined {
  const tries = Array.isArray(err.errors) && err.errors.length > 0 ? (err.errors as ConnectError[]) : [err];
  if (tries.every((e) => e.code === 'ECONNREFUSED')) {
    const { address, port } = tries[tries.length - 1];
    if (address !== undefined && port !== undefined) return { server: { addr: normalizeAddress(address), port }, reason: 'rst', detail: REFUSED };
    return undefined;
  }
  if (tries.every((e) => e.code === 'ETIMEDOUT')) {
    // Timed out before an address was tried: the name lookup took the time, no SYN was sent.
    return tried ? { server: tried, reason: 'timeout', detail: UNANSWERED } : { server: target, reason: 'error', detail: UNRESOLVED };
  }
  if (err.syscall === 'getaddrinfo') return { server: target, reason: 'error', detail: UNRESOLVED };
  return undefined;
}

/** `::ffff:1.2.3.4` → `1.2.3.4` (a dual-stack socket reports IPv4 peers mapped). */
export function normalizeAddress(addr: string): string {
  return addr.startsWith('::ffff:') && net.isIPv4(addr.slice(7)) ? addr.slice(7) : addr;
}
