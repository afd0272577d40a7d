/**
 * Building display rows from logical lines: the prefix (timestamp, side marker) and wrapping to
 * the pane width. Pure string work on text that is already escaped.
 */
import type { Direction, Micros } from '../../core/types.js';
import { formatLocalTimestamp } from '../../render/time.js';
import { codePointColumns } from '../width.js';
import type { TimestampMode } from './settings.js';

/** Which side a line belongs to (the pane colours by it). */
export type Side = 'client' | 'server' | 'event';

/**
 * What a line is: `data` bytes, a `gap`, a connection `event`, a `note`, or an `alert` (a note a
 * user comes to find, e.g. data after the peer closed: the pane highlights it).
 */
export type LineKind = 'data' | 'gap' | 'event' | 'note' | 'alert';

/** One logical line before wrapping; `text` is safe (escaped) and has no prefix. */
export interface LogicalLine {
  readonly side: Side;
  readonly kind: LineKind;
  readonly text: string;
  /** Time shown in the prefix, when there is one. */
  readonly ts: Micros | undefined;
  /** For data lines: direction and stream offset of the first byte shown. */
  readonly dir?: Direction;
  readonly offset?: number;
  /** Stream bytes the line covers (data lines). */
  readonly length?: number;
}

/** Columns of the timestamp prefix (without its trailing space) for a mode. */
export function timestampColumns(mode: TimestampMode): number {
  return mode === 'absolute' ? 15 : mode === 'relative' ? 12 : 0;
}

/** The timestamp prefix text (without the separating space), padded to {@link timestampColumns}. */
export function timestampText(mode: TimestampMode, ts: Micros | undefined, startTs: Micros): string {
  const columns = timestampColumns(mode);
  if (mode === 'off') return '';
  if (ts === undefined || !Number.isFinite(ts)) return ' '.repeat(columns);
  // Local time, as tcpdump and Wireshark show it; the day and the zone are on the flow's first
  // line, and a time on a later day says its date.
  if (mode === 'absolute') return formatLocalTimestamp(ts, startTs).padEnd(columns);
  const seconds = (ts - startTs) / 1e6;
  return `+${seconds.toFixed(6)}`.padStart(columns).slice(-columns);
}

/** `>` client to server, `<` server to client, `=` event. */
export function markerOf(side: Side): string {
  return side === 'client' ? '>' : side === 'server' ? '<' : '=';
}

/** Columns of the whole prefix: timestamp, a space, marker, a space. */
export function prefixColumns(mode: TimestampMode): number {
  const time = timestampColumns(mode);
  return (time > 0 ? time + 1 : 0) + 2;
}

/**
 * Where {@link wrapRanges} may end a piece: `cut` at the width (bytes whose positions matter:
 * the raw modes), `words` after a space (decoded text: a word is cut only when wider than a
 * piece), `prose` after a space that does not follow a digit (flowspy's own lines: a number
 * stays with its unit, `25 ms`).
 */
export type WrapBreaks = 'cut' | 'words' | 'prose';

/**
 * Cuts `text` into pieces of at most `columns` columns (at least one column each), as
 * `[from, to)` index pairs that cover it in order; an empty text gives one empty piece.
 * Combining marks stay with their base; a two-column character never straddles a cut; nor does
 * an escape of render/escape.ts (`\x9d`, `\u{70e}`, `\r`, `\\`) unless it is wider than a
 * piece. With `words` or `prose` a piece ends after its last space allowed by `breaks` when it
 * has one, unless the word after that space is wider than a piece anyway: it is then cut where
 * the width ends (as Python's textwrap does), not moved to a row of its own that leaves a field's
 * name alone (`Accept:`). Spaces that end the text and would begin a piece stay on the piece before, past the
 * width (the pane cuts them): as in Wireshark's follow view, trailing blanks never make a row
 * that looks like an empty line (which in HTTP or SMTP reads as the end of the headers).
 */
export function wrapRanges(text: string, columns: number, breaks: WrapBreaks = 'cut'): [number, number][] {
  const width = Math.max(1, columns);
  if (text.length <= width && isNarrowAscii(text)) return [[0, text.length]];
  const ranges: [number, number][] = [];
  let from = 0;
  let used = 0;
  let i = 0;
  /** The last space of the piece being made, and the columns after it. */
  let space = -1;
  let afterSpace = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    let size = cp > 0xffff ? 2 : 1;
    let w = codePointColumns(cp);
    if (cp === BACKSLASH) {
      const escape = escapeLength(text, i);
      if (escape <= width) size = w = escape;
    }
    if (used + w > width && used > 0 && space > from && !wordWiderThan(text, space + 1, width, breaks)) {
      ranges.push([from, space + 1]);
      from = space + 1;
      used = afterSpace;
      space = -1;
    }
    if (used + w > width && used > 0) {
      ranges.push([from, i]);
      from = i;
      used = 0;
    }
    used += w;
    if (breaksAfter(text, i, breaks)) {
      space = i;
      afterSpace = 0;
    } else afterSpace += w;
    i += size;
  }
  if (ranges.length > 0 && isSpaces(text, from)) ranges[ranges.length - 1][1] = text.length;
  else ranges.push([from, text.length]);
  return ranges;
}

/** True when `breaks` lets a piece end after `text[i]`: a space (in prose, not one after a digit); never with `cut`. */
function breaksAfter(text: string, i: number, breaks: WrapBreaks): boolean {
  return text.charCodeAt(i) === SPACE && breaks !== 'cut' && (breaks === 'words' || !isDigit(text.charCodeAt(i - 1)));
}

/** True when the word of `text` at `from` (up to a space `breaks` allows, or the end) takes more than `width` columns. */
function wordWiderThan(text: string, from: number, width: number, breaks: WrapBreaks): boolean {
  let columns = 0;
  for (let i = from; i < text.length && columns <= width; ) {
    const cp = text.codePointAt(i)!;
    if (breaksAfter(text, i, breaks)) break;
    columns += codePointColumns(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return columns > width;
}

/** True when `text` from `from` on is spaces only. */
function isSpaces(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) if (text.charCodeAt(i) !== SPACE) return false;
  return true;
}

const SPACE = 0x20;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const BACKSLASH = 0x5c;
const HEX_DIGIT = /^[0-9a-f]$/i;

/** Length of the escape at `text[at]` (a backslash): `\xHH` 4, `\u{...}` up to its brace, else 2 (1 at the end). */
function escapeLength(text: string, at: number): number {
  const kind = text[at + 1];
  if (kind === 'x' && HEX_DIGIT.test(text[at + 2] ?? '') && HEX_DIGIT.test(text[at + 3] ?? '')) return 4;
  if (kind === 'u' && text[at + 2] === '{') {
    const close = text.indexOf('}', at + 3);
    if (close > 0 && close - at <= 10) return close - at + 1;
  }
  return kind === undefined ? 1 : 2;
}

function isNarrowAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x300) return false;
  return true;
}

