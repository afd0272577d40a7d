/**
 * The flow list's sort orders (`o` cycles them) and each flow's sort key. Keys are compared
 * ascending, then by arrival, so every order is total and stable: bytes and duration keys are
 * negated (biggest, longest first); addresses compare by family, then numerically.
 */
import type { Endpoint } from '../../core/types.js';
import type { ListedFlow } from './source.js';

/** Orders of the flow list, in the order `o` cycles through them. */
export const SORT_ORDERS = ['arrival', 'bytes', 'duration', 'address'] as const;
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
    case 'bytes':
      return -(flow.bytesC2s + flow.bytesS2c);
    case 'duration':
      // The span seen (not the age at "now"), so a key changes only when the flow does.
      return -((flow.end !== undefined ? flow.end.ts : flow.lastTs) - flow.startTs);
    case 'address':
      return endpointKey(flow.key.client) + endpointKey(flow.key.server);
  }
}

/** True when a flow's key for `order` may change after the flow arrived. */
export function keyMayChange(order: SortOrder): boolean {
  return order === 'bytes' || order === 'duration';
}

/** Fixed-width key of an endpoint: IPv4 before IPv6 before anything else, then numerically. */
function endpointKey(endpoint: Endpoint): string {
  return addressKey(endpoint.addr) + endpoint.port.toString(16).padStart(4, '0');
}

function addressKey(addr: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr);
  if (v4) return '4' + v4.slice(1, 5).map((o) => Number(o).toString(16).padStart(2, '0')).join('') + ''.padEnd(24, '0');
  if (/^[0-9a-f:]+$/i.test(addr) && addr.includes(':')) {
    const [head, tail] = addr.toLowerCase().split('::', 2);
    const headGroups = head === '' ? [] : head.split(':');
    const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
    const zeros = Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0');
    const groups = tail === undefined ? headGroups : [...headGroups, ...zeros, ...tailGroups];
    return '6' + groups.map((g) => g.padStart(4, '0')).join('').padEnd(32, '0').slice(0, 32);
  }
  return '9' + addr.padEnd(32, ' ').slice(0, 32);
}
