/**
 * Counts as flowspy writes them for people (the screen, the parsers' notes); machine outputs
 * (`--json` fields) keep plain numbers.
 */

/** Groups digits by thousands: `1,448`. */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
