/**
 * Counts as flowspy writes them for people (the screen, the parsers' notes); machine outputs
 * (`--json` fields) keep plain numbers.
 */

/** Groups digits by thousands: `1,448`. */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A count and its noun for people, digits grouped, singular for one: `1 flow`, `3 flows`,
 * `1,448 bytes` (`plural` when not noun + s).
 */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : plural}`;
}
