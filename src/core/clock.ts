/** Capture times as notes show them. */
import type { Micros } from './types.js';

/** `HH:MM:SS.mmm` (UTC) of a timestamp in microseconds since the epoch; the number itself when it is no date. */
export function formatClock(ts: Micros): string {
  const date = new Date(Math.floor(ts / 1000));
  return Number.isNaN(date.getTime()) ? String(ts) : date.toISOString().slice(11, 23);
}
