/** Capture times as notes show them, and the note both engines make about data after a close. */
import { countOf, formatCount } from './count.js';
import type { Direction, Micros } from './types.js';

/** `HH:MM:SS.mmm` (UTC) of a timestamp in microseconds since the epoch; the number itself when it is no date. */
export function formatClock(ts: Micros): string {
  const date = new Date(Math.floor(ts / 1000));
  return Number.isNaN(date.getTime()) ? String(ts) : date.toISOString().slice(11, 23);
}

/**
 * The note on bytes sent after the peer closed, told once at the first of them: `c2s sent 297+
 * bytes after the server closed (FIN at 00:00:01.221)` (297 came first, more may follow); the
 * same words from the capture engine and the proxy (the TUI marks it).
 * With `crossed` (their sender had not received the close yet: the two crossed in flight), `c2s:
 * 297 bytes were in flight when the server closed (FIN at …)`, which the TUI does not mark.
 */
export function afterPeerCloseNote(dir: Direction, count: number, close: 'FIN' | 'RST', closeTs: Micros, crossed = false): string {
  const peer = dir === 'c2s' ? 'server' : 'client';
  const what = close === 'FIN' ? 'closed' : 'reset the connection';
  const when = `the ${peer} ${what} (${close} at ${formatClock(closeTs)})`;
  const bytes = countOf(count, 'byte');
  return crossed ? `${dir}: ${bytes} ${count === 1 ? 'was' : 'were'} in flight when ${when}` : `${dir} sent ${formatCount(count)}+ bytes after ${when}`;
}
