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

const isWildcard = (address: string): boolean => address === '0.0.0.0' || /^[0:]+$/.test(address);

/** This machine's addresses (every interface's, loopback included), and what connects to one. */
function isLocal(host: string): boolean {
  if (host === 'localhost' || isWildcard(host) || /^127\./.test(host) || host === '::1') return true;
  return Object.values(networkInterfaces()).some((addresses) => addresses?.some((a) => a.address === host));
}

/**
 * Whether `host:port` reaches one of `bound`: the same address, `localhost` for a loopback
 * listener, or any address of this machine for one bound on every address. Host names other
 * than `localhost` are not resolved (a name is looked up at each connect).
 */
export function loopsBack(host: string, port: number, bound: readonly BoundListener[]): boolean {
  const bare = host.replace(/^::ffff:(?=\d+\.)/i, '');
  return bound.some(
    (listener) =>
      listener.port === port &&
      (listener.address === bare ||
        (bare === 'localhost' && (/^127\./.test(listener.address) || listener.address === '::1')) ||
        (isWildcard(listener.address) && isLocal(bare))),
  );
}
