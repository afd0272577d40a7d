/**
 * A target that is one of the proxy's own listeners: each connection relayed there would come
 * back as a new connection, and so on until the descriptors run out. Refused before relaying.
 */
import { networkInterfaces } from 'node:os';

/** A listening socket as bound: its address (a literal) and port. */
export interface BoundListener {
  readonly address: string;
  readonly port: number;
}

/** Whether `address` (a literal) is every address: `0.0.0.0` (every IPv4 one) or `::` in any spelling. */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || (address.includes(':') && /^[0:]+$/.test(address));
}

/** A loopback address: 127.0.0.0/8 or `::1`. */
const isLoopback = (address: string): boolean => /^127\./.test(address) || address === '::1';

/** This machine's addresses (every interface's, loopback included), and what connects to one. */
function isLocal(host: string): boolean {
  if (host === 'localhost' || isWildcard(host) || isLoopback(host)) return true;
  return Object.values(networkInterfaces()).some((addresses) => addresses?.some((a) => a.address === host));
}

/**
 * Whether `host:port` reaches one of `bound`: the same address, `localhost` for a loopback
 * listener, or any address of this machine for one bound on every address. Host names other
 * than `localhost` are not resolved (a name is looked up at each connect).
 */
export function loopsBack(host: string, port: number, bound: readonly BoundListener[]): boolean {
  const bare = normalHost(host);
  return bound.some(
    (listener) =>
      listener.port === port &&
      (listener.address === bare ||
        // A connect to 0.0.0.0 or :: goes to this machine: to a loopback listener too (Linux).
        ((bare === 'localhost' || isWildcard(bare)) && isLoopback(listener.address)) ||
        (isWildcard(listener.address) && isLocal(bare))),
  );
}

/** `host` as the listener's address would be written: lower case, IPv4 in dotted quad (`127.1` is 127.0.0.1), not IPv4-mapped. */
function normalHost(host: string): string {
  const lower = host.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '');
  if (!/^\d+(?:\.\d+){0,3}$/.test(lower)) return lower;
  // inet_aton's forms: a.b.c.d, a.b.c (c 16 bits), a.b (b 24 bits), a (32 bits).
  const parts = lower.split('.').map(Number);
  const last = parts.pop()!;
  if (parts.some((p) => p > 255) || last >= 2 ** (8 * (4 - parts.length))) return lower;
  const value = parts.reduce((sum, p, i) => sum + p * 2 ** (8 * (3 - i)), 0) + last;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
