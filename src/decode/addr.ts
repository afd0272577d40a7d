/**
 * IP address text: dotted-decimal IPv4 and RFC 5952 IPv6, plus a small cache so that
 * formatting the addresses of every packet costs a few comparisons in the common case.
 */

const DECIMAL: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));
/** Byte as hex without leading zero ('0'..'ff') and with it ('00'..'ff'). */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16));
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of the 16-bit group at `bytes[off..off+2)`, without leading zeros. */
function hexGroup(bytes: Uint8Array, off: number): string {
  const hi = bytes[off];
  return hi === 0 ? HEX[bytes[off + 1]] : HEX[hi] + HEX2[bytes[off + 1]];
}

/**
 * Dotted-decimal text of the 4 bytes at `bytes[off..off+4)`.
 * The caller guarantees the bytes exist.
 */
export function formatIPv4(bytes: Uint8Array, off: number): string {
  return (
    DECIMAL[bytes[off]] + '.' + DECIMAL[bytes[off + 1]] + '.' + DECIMAL[bytes[off + 2]] + '.' + DECIMAL[bytes[off + 3]]
  );
}

/**
 * RFC 5952 text of the 16 bytes at `bytes[off..off+16)`: lowercase hex, no leading zeros in a
 * group, the longest run of two or more zero groups (the first one on a tie) written as `::`,
 * and IPv4-mapped addresses written as `::ffff:a.b.c.d`. The caller guarantees the bytes exist.
 */
export function formatIPv6(bytes: Uint8Array, off: number): string {
  // IPv4-mapped: 80 zero bits, 16 one bits, then the IPv4 address.
  let mapped = bytes[off + 10] === 0xff && bytes[off + 11] === 0xff;
  for (let i = 0; mapped && i < 10; i++) if (bytes[off + i] !== 0) mapped = false;
  if (mapped) return '::ffff:' + formatIPv4(bytes, off + 12);

  // Longest run of zero groups (length >= 2; first one wins a tie).
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let g = 0; g < 8; g++) {
    const zero = bytes[off + 2 * g] === 0 && bytes[off + 2 * g + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = g;
      const len = g - runStart + 1;
      if (len > bestLen) {
        bestLen = len;
        bestStart = runStart;
      }
    } else {
      runStart = -1;
    }
  }
  if (bestLen < 2) bestStart = -1;

  let out = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      out += '::';
      g += bestLen - 1;
      continue;
    }
    if (g > 0 && g !== bestStart + bestLen) out += ':';
    out += hexGroup(bytes, off + 2 * g);
  }
  return out;
}

// Sized for thousands of hosts: a miss formats a new string, and flow lookup then compares
// address text by content instead of by identity.
const V4_BITS = 13;
const V4_SLOTS = 1 << V4_BITS;
const V6_SLOTS = 2048; // power of two

/**
 * Direct-mapped cache of address strings keyed by the address bytes. A packet's addresses
 * are usually among the last few seen, so a hit costs one hash and one comparison (IPv4)
 * or 16 byte comparisons (IPv6) and allocates nothing. Results equal `formatIPv4` / `formatIPv6`.
 */
export class AddressFormatter {
  private readonly v4Keys = new Int32Array(V4_SLOTS);
  private readonly v4Text: (string | undefined)[] = new Array<string | undefined>(V4_SLOTS).fill(undefined);
  private readonly v6Keys = new Uint8Array(V6_SLOTS * 16);
  private readonly v6Text: (string | undefined)[] = new Array<string | undefined>(V6_SLOTS).fill(undefined);

  /** Text of the IPv4 address at `bytes[off..off+4)` (bytes must exist). */
  ipv4(bytes: Uint8Array, off: number): string {
    const key = (bytes[off] << 24) | (bytes[off + 1] << 16) | (bytes[off + 2] << 8) | bytes[off + 3];
    const slot = Math.imul(key, 0x9e3779b1) >>> (32 - V4_BITS); // top bits: 0..V4_SLOTS-1
    const cached = this.v4Text[slot];
    if (cached !== undefined && this.v4Keys[slot] === key) return cached;
    const text = formatIPv4(bytes, off);
    this.v4Keys[slot] = key;
    this.v4Text[slot] = text;
    return text;
  }

  /** Text of the IPv6 address at `bytes[off..off+16)` (bytes must exist). */
  ipv6(bytes: Uint8Array, off: number): string {
    let h = 0;
    for (let i = 0; i < 16; i += 4) {
      h = Math.imul(
        h ^ ((bytes[off + i] << 24) | (bytes[off + i + 1] << 16) | (bytes[off + i + 2] << 8) | bytes[off + i + 3]),
        0x9e3779b1,
      );
      h ^= h >>> 15;
    }
    const slot = h & (V6_SLOTS - 1);
    const cached = this.v6Text[slot];
    const keys = this.v6Keys;
    const base = slot * 16;
    if (cached !== undefined) {
      let same = true;
      for (let i = 0; i < 16; i++) {
        if (keys[base + i] !== bytes[off + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const text = formatIPv6(bytes, off);
    for (let i = 0; i < 16; i++) keys[base + i] = bytes[off + i];
    this.v6Text[slot] = text;
    return text;
  }
}
