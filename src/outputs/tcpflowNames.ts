/**
 * tcpflow 1.6.1's per-direction flow names (its default template `%A.%a-%B.%b%V%v%C%c`):
 *   IPv4  `010.000.000.001.20000-010.000.000.002.00080`  (each octet %03d, ports %05d)
 *   IPv6  `2001:618:400::5199:cc70.35995-2001:618:1:8000::5.00080`  (glibc inet_ntop text)
 *   VLAN  `...00080--42`, then a repeated name gets `c1`, `c2`, ...: `...00080--42c1`.
 * Checked against names tcpflow 1.6.1 wrote for the corpus captures (see the tests).
 */
import type { Direction, Endpoint, FlowKey } from '../core/types.js';

/**
 * The file name tcpflow gives the direction `src` → `dst`. `vlan` undefined means no VLAN
 * tag. `connectionIndex` 0 is the plain name; N > 0 appends `cN` (tcpflow's suffix for the
 * (N+1)-th file of the same name). Characters that could never be in an address but could
 * harm a path (`/`, controls, ...) are replaced by `_`, so the result is always one path
 * component.
 */
export function tcpflowFlowName(src: Endpoint, dst: Endpoint, vlan: number | undefined, connectionIndex: number): string {
  let name = `${tcpflowAddress(src.addr)}.${pad5(src.port)}-${tcpflowAddress(dst.addr)}.${pad5(dst.port)}`;
  if (vlan !== undefined) name += `--${vlan}`;
  if (connectionIndex > 0) name += `c${connectionIndex}`;
  return name;
}

/** The sender and receiver of direction `dir` of a flow. */
export function directionEndpoints(key: FlowKey, dir: Direction): { src: Endpoint; dst: Endpoint } {
  return dir === 'c2s' ? { src: key.client, dst: key.server } : { src: key.server, dst: key.client };
}

/** tcpflow's name of direction `dir` of a flow (sender first). */
export function tcpflowDirectionName(key: FlowKey, dir: Direction, connectionIndex = 0): string {
  const { src, dst } = directionEndpoints(key, dir);
  return tcpflowFlowName(src, dst, key.vlan, connectionIndex);
}

function pad5(port: number): string {
  return String(port).padStart(5, '0');
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * An address as tcpflow writes it in a file name: IPv4 with every octet zero-padded to 3
 * digits; IPv6 re-formatted the way glibc's inet_ntop does (lower-case hex, the first longest
 * run of two or more zero groups as `::`, `::a.b.c.d` / `::ffff:a.b.c.d` for IPv4-compatible
 * and -mapped addresses). Anything else is kept, with unsafe characters replaced by `_`.
 */
export function tcpflowAddress(addr: string): string {
  const v4 = IPV4.exec(addr);
  if (v4) {
    const octets = [v4[1], v4[2], v4[3], v4[4]].map(Number);
    if (octets.every((o) => o <= 255)) return octets.map((o) => String(o).padStart(3, '0')).join('.');
  }
  if (addr.includes(':')) {
    const words = parseIPv6(addr);
    if (words) return glibcInet6Ntop(words);
  }
  return addr.replace(/[^0-9A-Za-z.:%_-]/g, '_') || '_';
}

/** Parses an IPv6 text address (with `::` and an optional trailing dotted quad) into 8 words. */
export function parseIPv6(text: string): number[] | undefined {
  const zone = text.indexOf('%');
  if (zone >= 0) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const words: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = IPV4.exec(g);
        if (!v4) return undefined;
        const o = [v4[1], v4[2], v4[3], v4[4]].map(Number);
        if (o.some((x) => x > 255)) return undefined;
        words.push((o[0] << 8) | o[1], (o[2] << 8) | o[3]);
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
        words.push(parseInt(g, 16));
      }
    }
    return words;
  };
  const head = parseGroups(halves[0]);
  if (!head) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const tail = parseGroups(halves[1]);
  if (!tail || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** glibc `inet_ntop(AF_INET6)` text of 8 16-bit words. */
export function glibcInet6Ntop(words: readonly number[]): string {
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase === -1) {
        curBase = i;
        curLen = 1;
      } else curLen++;
    } else if (curBase !== -1) {
      if (bestBase === -1 || curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase !== -1 && (bestBase === -1 || curLen > bestLen)) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestBase !== -1 && bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += `${words[6] >> 8}.${words[6] & 0xff}.${words[7] >> 8}.${words[7] & 0xff}`;
      return out;
    }
    out += words[i].toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ':';
  return out;
}
