/**
 * Timestamps for display: in UTC for the outputs, so replaying a file gives the same text
 * everywhere; in the local time zone (TZ) for a reader at the screen, as tcpdump and Wireshark
 * show them, with the day and the zone said apart. Input is `Micros` (microseconds since the
 * epoch, possibly with a fraction, which is dropped).
 */
import type { Micros } from '../core/types.js';

function split(micros: Micros): { date: Date; fraction: string } | undefined {
  if (!Number.isFinite(micros)) return undefined;
  const whole = Math.floor(micros);
  const seconds = Math.floor(whole / 1_000_000);
  const fraction = String(whole - seconds * 1_000_000).padStart(6, '0');
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return undefined;
  return { date, fraction };
}

function two(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function clock(date: Date, fraction: string): string {
  return `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${fraction}`;
}

function day(date: Date): string {
  const y = date.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? String(y).padStart(4, '0') : String(y);
  return `${year}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}`;
}

/** `HH:MM:SS.uuuuuu` in UTC; `??:??:??.??????` for a non-finite or out-of-range time. */
export function formatTimestamp(micros: Micros): string {
  const parts = split(micros);
  return parts ? clock(parts.date, parts.fraction) : '??:??:??.??????';
}

/** `YYYY-MM-DD HH:MM:SS.uuuuuu` in UTC; `????-??-?? ??:??:??.??????` when not representable. */
export function formatDateTime(micros: Micros): string {
  const parts = split(micros);
  return parts ? `${day(parts.date)} ${clock(parts.date, parts.fraction)}` : '????-??-?? ??:??:??.??????';
}

/**
 * ISO 8601 with microseconds, `YYYY-MM-DDTHH:MM:SS.uuuuuuZ` (for JSON); `null` when the time
 * is not representable.
 */
export function formatIsoTimestamp(micros: Micros): string | null {
  const parts = split(micros);
  return parts ? `${day(parts.date)}T${clock(parts.date, parts.fraction)}Z` : null;
}

/**
 * Microseconds for JSON: the number when JSON readers get it exactly (within ±2^53), else null
 * (a damaged capture's time in the year 586524 would be read rounded).
 */
export function exactMicros(micros: Micros): Micros | null {
  return Math.abs(micros) <= Number.MAX_SAFE_INTEGER ? micros : null;
}

/**
 * `HH:MM:SS.uuuuuu` in the local time zone (TZ); `??:??:??.??????` for a non-finite or
 * out-of-range time. On another local day than `dayOf` (the flow's start), its date instead of
 * the microseconds, as wide or narrower: `11-15 00:00:01`.
 */
export function formatLocalTimestamp(micros: Micros, dayOf?: Micros): string {
  const parts = split(micros);
  if (!parts) return '??:??:??.??????';
  const { date, fraction } = parts;
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  const start = dayOf === undefined ? undefined : split(dayOf)?.date;
  const sameDay = start === undefined || start.toDateString() === date.toDateString();
  return sameDay ? `${time}.${fraction}` : `${two(date.getMonth() + 1)}-${two(date.getDate())} ${time}`;
}

/**
 * The local day and zone at `micros` (what {@link formatLocalTimestamp} leaves out):
 * `2009-10-05 UTC-4`, `2026-01-01 UTC`, `2026-01-01 UTC+5:30`; `????-??-?? UTC?` when not representable.
 */
export function formatLocalDayZone(micros: Micros): string {
  const parts = split(micros);
  if (!parts) return '????-??-?? UTC?';
  const { date } = parts;
  const y = date.getFullYear();
  const year = y >= 0 && y <= 9999 ? String(y).padStart(4, '0') : String(y);
  const east = -date.getTimezoneOffset();
  const hours = Math.floor(Math.abs(east) / 60);
  const minutes = Math.abs(east) % 60;
  const zone = east === 0 ? 'UTC' : `UTC${east < 0 ? '-' : '+'}${hours}${minutes ? `:${two(minutes)}` : ''}`;
  return `${year}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${zone}`;
}
