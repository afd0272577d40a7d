/**
 * The flow list's sort orders (`o` cycles them) and each flow's sort key. Keys are compared
 * ascending, then by flow id (arrival), so every order is total and stable: bytes and duration keys are
 * negated (biggest, longest first); addresses compare by family, then numerically
 * (client, then server).
 */
import type { Endpoint } from '../../core/types.js';
import { flowDuration, type ListedFlow } from './source.js';

/** Orders of the flow list, in the order `o` cycles through them (`newest`: arrival reversed). */
export const SORT_ORDERS = ['arrival', 'bytes', 'duration', 'address', 'newest'] as const;
/** One of {@link SORT_ORDERS}. */
export type SortOrder = (typeof SORT_ORDERS)[number];

/** The order after `order` in the `o` cycle. */
export function nextSortOrder(order: SortOrder): SortOrder {
  return SORT_ORDERS[(SORT_ORDERS.indexOf(order) + 1) % SORT_ORDERS.length];
}

/** A flow's key for `order`: a number or a string (one kind per order), smaller first. */
export function sortKey(order: SortOrder, flow: ListedFlow): number | string {
  switch (order) {
    case 'arrival':
      return 0;
    case 'newest':
      return -flow.id;
    case 'bytes':
      return -(flow.bytesC2s + flow.bytesS2c);
    case 'duration':
      // The span seen (not the age at "now"), so a key changes only when the flow does.
      return -flowDuration(flow, flow.lastTs);
    case 'address': {
      const { client, server } = flow.key;
      const c = ipv4(client.addr);
      const s = ipv4(server.addr);
      if (c >= 0 && s >= 0) {
        // The common case, in one call: what endpointKey would give for both.
        return String.fromCharCode(0x34, c >>> 16, c & 0xffff, client.port, 0x34, s >>> 16, s & 0xffff, server.port);
      }
      return endpointKey(client) + endpointKey(server);
    }
  }
}

/** True when a flow's key for `order` may change after the flow arrived. */
export function keyMayChange(order: SortOrder): boolean {
  return order === 'bytes' || order === 'duration';
}

/**
 * Key of an endpoint whose code units compare as the endpoint does: a family mark (IPv4 `4`,
 * IPv6 `6`, anything else `9`), the address as 16-bit code units (anything else: its text and a
 * U+0000 end), then the port as one code unit.
 */
function endpointKey(endpoint: Endpoint): string {
  return addressKey(endpoint.addr) + String.fromCharCode(endpoint.port & 0xffff);
}

function addressKey(addr: string): string {
  const v4 = ipv4(addr);
  if (v4 >= 0) return '4' + String.fromCharCode(v4 >>> 16, v4 & 0xffff);
  if (addr.includes(':') && /^[0-9a-f:]+$/i.test(addr)) {
    const [head, tail] = addr.split('::', 2);
    const headGroups = head === '' ? [] : head.split(':');
    const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
    const zeros = Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0');
    const groups = (tail === undefined ? headGroups : [...headGroups, ...zeros, ...tailGroups]).slice(0, 8);
    while (groups.length < 8) groups.push('0');
    return '6' + String.fromCharCode(...groups.map((g) => parseInt(g || '0', 16) & 0xffff));
  }
  return '9' + addr + '\0';
}

/** A dotted IPv4 address as an unsigned 32-bit number, or -1. */
function ipv4(addr: string): number {
  let value = 0;
  let octet = -1;
  let dots = 0;
  for (let i = 0; i < addr.length; i++) {
    const c = addr.charCodeAt(i);
    if (c === 0x2e) {
      if (octet < 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = -1;
    } else if (c >= 0x30 && c <= 0x39) {
      octet = octet < 0 ? c - 0x30 : octet * 10 + c - 0x30;
      if (octet > 255) return -1;
    } else return -1;
  }
  return dots === 3 && octet >= 0 ? value * 256 + octet : -1;
}
