/** Time spans as the views show them, and the note both engines make about data after a close. */
import { countOf, formatCount } from './count.js';
import { otherDirection, roleName, type Direction, type Micros } from './types.js';

/**
 * A span of `ms` milliseconds: `0.3 ms`, `25 ms`, from a second on in seconds (`2.16 s`,
 * `12.3 s`, `3,600 s`), as the flow list's `2.2s` reads.
 */
export function formatSpan(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  return seconds < 9.995 ? `${seconds.toFixed(2)} s` : seconds < 99.95 ? `${seconds.toFixed(1)} s` : `${formatCount(Math.round(seconds))} s`;
}

/**
 * The note on bytes sent after the peer closed, told once at the first of them (at `ts`): `the
 * client sent 297+ bytes after the server closed (FIN 300 ms before)` (297 came first, more may
 * follow); the same words from the capture engine and the proxy (the TUI marks it). The close's
 * time is said as a span before the note's own, so it reads the same in any time display.
 * With `crossed` (their sender had not received the close yet: the two crossed in flight), `the
 * client's 297 bytes were in flight when the server closed (FIN …)`, which the TUI does not mark.
 */
export function afterPeerCloseNote(dir: Direction, count: number, close: 'FIN' | 'RST', closeTs: Micros, ts: Micros, crossed = false): string {
  const peer = `the ${roleName(otherDirection(dir))}`;
  const what = close === 'FIN' ? 'closed' : 'reset the connection';
  const when = `${peer} ${what} (${close} ${formatSpan(Math.max(0, ts - closeTs) / 1000)} before)`;
  const bytes = countOf(count, 'byte');
  const sender = `the ${roleName(dir)}`;
  return crossed ? `${sender}'s ${bytes} ${count === 1 ? 'was' : 'were'} in flight when ${when}` : `${sender} sent ${formatCount(count)}+ bytes after ${when}`;
}
