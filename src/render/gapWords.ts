/**
 * How every output words a stretch of a stream that was never seen: `gap of 1,420 bytes`, or,
 * when the capture's snap length cut it off, `1,420 bytes not captured (snap length)`.
 */

/** `bytes` (already worded, e.g. `1,420 bytes`) as a gap; `side`, when given, says whose. */
export function gapWords(bytes: string, notCaptured: boolean | undefined, side?: string): string {
  if (notCaptured) return `${bytes} not captured (${side ? `${side}, ` : ''}snap length)`;
  return `gap of ${bytes}${side ? ` (${side})` : ''}`;
}
