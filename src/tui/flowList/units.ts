/**
 * Short human forms for the flow list's columns: byte counts (`1.2k`, `34M`), durations
 * (`850ms`, `1.5s`, `3m04`), and an endpoint cut in the middle to fit a width. Pure functions;
 * inputs are numbers or already escaped display text.
 */
import type { Micros } from '../../core/types.js';
import { headFitting, stringColumns, tailFitting } from '../width.js';

const UNITS = ['k', 'M', 'G', 'T', 'P'];

/** A byte count in at most 4 characters: `0`, `999`, `1.2k`, `12k`, `123k`, `1.2M`... (1k = 1000). */
export function humanBytes(n: number): string {
  if (!(n >= 0)) return '?';
  if (n < 1000) return String(Math.floor(n));
  let value = n;
  let unit = -1;
  while (unit < UNITS.length - 1 && value >= 999.5) {
    value /= 1000;
    unit++;
  }
  if (value < 9.95) return `${value.toFixed(1)}${UNITS[unit]}`;
  return `${Math.round(value)}${UNITS[unit]}`;
}

/**
 * A duration in at most 5 characters, rounded to its last digit (7.5777 s is `7.6s`, 999.6 ms
 * `1.0s`): `0ms`, `850ms`, `1.5s`, `42s`, `3m04`, `2h05`, `3d04`, `120d`.
 */
export function humanDuration(micros: Micros): string {
  if (!(micros >= 0)) return '?';
  const ms = Math.round(micros / 1000);
  if (ms < 1000) return `${ms}ms`;
  const tenths = Math.round(micros / 100_000);
  if (tenths < 100) return `${Math.floor(tenths / 10)}.${tenths % 10}s`;
  const s = Math.round(micros / 1_000_000);
  if (s < 60) return `${s}s`;
  const pad = (v: number): string => String(v).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}`;
  const minutes = Math.round(micros / 60_000_000);
  if (minutes < 1440) return `${Math.floor(minutes / 60)}h${pad(minutes % 60)}`;
  const hours = Math.round(micros / 3_600_000_000);
  const days = Math.floor(hours / 24);
  return days < 100 ? `${days}d${pad(hours % 24)}` : `${days}d`;
}

/**
 * `address` and `:port` (display text, `[v6]` bracketed) in at most `columns` columns: whole
 * when it fits, else an IP address keeps its end, which tells hosts apart (`…100.200:54321`,
 * `[…8a2e:370:7334]:443`), cut where a group starts when the cut leaves some; another name
 * (a proxy's host) is cut in its middle. The port is kept; when even that cannot fit, the
 * text's tail. Never wider than `columns`.
 */
export function fitEndpoint(address: string, port: string, columns: number, ellipsis: string): string {
  const whole = address + port;
  if (stringColumns(whole) <= columns) return whole;
  const bracketed = /^\[[0-9A-Fa-f:.]+\]$/.test(address);
  const inner = bracketed ? address.slice(1, -1) : address;
  const room = columns - stringColumns(port) - stringColumns(ellipsis) - (bracketed ? 2 : 0);
  if (room >= 1 && (bracketed || /^[0-9.]+$/.test(address))) {
    const tail = groupTail(inner, room);
    return bracketed ? `[${ellipsis}${tail}]${port}` : ellipsis + tail + port;
  }
  if (room < 2) return columns <= 1 ? headFitting(ellipsis, columns) : ellipsis + tailFitting(whole, columns - 1);
  const head = headFitting(address, Math.ceil(room / 2));
  const tail = tailFitting(address, room - stringColumns(head));
  return head + ellipsis + tail + port;
}

/** The end of an IP address in `room` columns, starting at a group (`100.200`, not `8.100.200`) when that keeps a group. */
function groupTail(address: string, room: number): string {
  const tail = address.slice(address.length - room);
  if (/[.:]/.test(address.charAt(address.length - room - 1))) return tail;
  const next = tail.search(/[.:]/);
  return next >= 0 && next < tail.length - 1 ? tail.slice(next + 1) : tail;
}
