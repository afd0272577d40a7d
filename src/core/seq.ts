/**
 * TCP sequence-number arithmetic, modulo 2^32 (RFC 1982 style serial comparison).
 * All inputs are unsigned 32-bit integers as numbers (0 .. 2^32-1).
 */

/**
 * `(a + n) mod 2^32`, for any integer n (may be negative) with |a + n| < 2^53.
 * (ToUint32 is exactly that modulo; `%` on numbers past 2^31 is a slow floating-point call.)
 */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/**
 * Signed distance from `a` to `b` in the range [-2^31, 2^31): positive when `b` is after `a`.
 */
export function seqDiff(b: number, a: number): number {
  return ((b - a) | 0);
}

/** True when `a` comes strictly before `b` in sequence space. */
export function seqLt(a: number, b: number): boolean {
  return seqDiff(b, a) > 0;
}
