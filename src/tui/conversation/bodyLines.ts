/**
 * A message body as the messages mode shows it: read from the store, decoded by the caller (HTTP
 * codings, SMTP dot-stuffing, WebSocket masking), then as lines: text in its charset (JSON
 * pretty-printed) or a hex dump, cut after {@link BODY_LINES} lines with a line saying how many
 * more (Enter shows them all), kept in a {@link BodyCache} from frame to frame.
 */
import { prettyJsonLines } from '../../render/prettyJson.js';
import type { Direction } from '../../core/types.js';
import { decodeEscaped, type TextEncoding } from '../../render/encoding.js';
import { escapeText, withoutPartialEscape, withPlainBackslashes } from '../../render/escape.js';
import { joinAtTabStops } from './tabStops.js';
import { HEX_BYTES_PER_LINE, hexDumpLines, type HexRow } from '../../render/hex.js';
import { formatCount } from '../../core/count.js';
import { type Side } from './lineText.js';
import type { MessageLine } from './messageLines.js';
import type { TailState } from './bodyTail.js';

/** Body lines shown before "N more lines". */
export const BODY_LINES = 20;
/**
 * Most characters of a cut body's lines: 20 lines of two 80-column rows. A longer line (minified
 * JS, a base64 blob: one line of 256 KiB) is cut there, as more lines are, or it alone would fill
 * thousands of rows.
 */
export const PREVIEW_CHARS = BODY_LINES * 160;
/** Most body bytes read and decoded for a body shown whole (Enter). */
export const BODY_READ_BYTES = 1 << 20;
/** Most body bytes read and decoded for a body's first lines. */
export const PREVIEW_READ_BYTES = 256 << 10;

/** Reads `length` bytes of direction `dir` at stream `offset` (the store's `read`). */
export type BodyReader = (dir: Direction, offset: number, length: number) => Uint8Array;

/** A body made ready to show: its lines, what was done to it, and what it was made from. */
export interface ShownBody {
  /** Every line when `whole`, else the first {@link BODY_LINES}. */
  readonly lines: readonly string[];
  /** Lines after those, in what was read. */
  readonly more: number;
  readonly whole: boolean;
  /** `gzip decoded to 4,096`, `cut`: what follows the size on the body's about line. */
  readonly done: readonly string[];
  /** Decoding notes, escaped. */
  readonly notes: readonly string[];
  /** Why the body could not be read, escaped. */
  readonly error: string | undefined;
  readonly wireRead: number;
  readonly complete: boolean;
  /** The last line shown goes on: past the bytes read, or past {@link PREVIEW_CHARS}. */
  readonly lastLineCut: boolean;
  /** What the hex dump among the lines (a binary body) shows: see {@link MessageLine.hex}. */
  readonly hex: HexDump | undefined;
  /** Where each of `lines` starts among the body's wire bytes, when they show those bytes as sent (see {@link BodyDecoder}). */
  readonly starts: readonly number[] | undefined;
  /** The body goes on past the bytes read (a read's budget): what is there is neither shown nor searched. */
  readonly unread: boolean;
  /** Cut, its last line was shortened to keep within {@link PREVIEW_CHARS}. */
  readonly shortened: boolean;
  /**
   * A body made whole for the count (see {@link BodyCache.counted}): makes its line `index`, one
   * of the `more` lines after `lines` (`lines.length <= index < lines.length + more`).
   */
  readonly makeLine: ((index: number) => string) | undefined;
}

/** The bytes of the hex dump among a body's lines: 16 a line from line `firstLine` on. */
export interface HexDump {
  readonly bytes: Uint8Array;
  readonly firstLine: number;
}

/**
 * Bodies read and decoded for display, by `expand` name, kept from frame to frame (owned by the
 * view, dropped with it): one is made again only when more of it can be read, it completed, or it
 * was expanded.
 */
export class BodyCache extends Map<string, ShownBody> {
  /** The bodies whose newest lines are shown while they arrive (see bodyTail.ts), by the same name. */
  readonly tails = new Map<string, TailState>();
  /** The heads read as sent (see httpLines.ts), by their message's body name (a head never changes once parsed). */
  readonly heads = new Map<string, HeadAsSent | undefined>();
  /**
   * Expanded bodies made for the search's count, by the same name: read and decoded whole, their
   * lines after the first {@link BODY_LINES} left to `makeLine`, so the count makes them in slices.
   */
  readonly counted = new Set<string>();
}

/** A message's head as sent: its lines (see `headLines`), and how it breaks HTTP's syntax (see `headSyntaxProblems`). */
export interface HeadAsSent {
  readonly lines: readonly string[];
  readonly problems: readonly string[];
}

/** The wire bytes of a body: `length` bytes of direction `dir` from stream offset `offset`. */
export interface BodyPart {
  readonly dir: Direction;
  readonly offset: number;
  readonly length: number;
  /** The body is over (no more of it can come). */
  readonly complete: boolean;
}

/**
 * What `decode` makes of a body's bytes read (`asked`: how many were asked for): its lines (at
 * least the first `upTo`; `unmade` counts those after them it did not make, `line` makes one of
 * them by its index among all), for its about line what was done and noted, whether the bytes it made lines of end
 * inside a line (see {@link endsInLine}), and, when the lines show the wire bytes as sent (no
 * coding undone), where each of `all` starts among them (`starts`: a mode change keeps the line).
 */
export type BodyDecoder = (bytes: Uint8Array, whole: boolean, asked: number, upTo: number) => { all: readonly string[]; unmade?: number; line?: (index: number) => string; done?: readonly string[]; notes?: readonly string[]; lastLineCut?: boolean; hex?: HexDump; starts?: readonly number[] };

/** True when `bytes` end inside a line: not empty, the last byte no LF. */
export function endsInLine(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a;
}

/**
 * Pushes to `out` the lines of body `key`: its first {@link BODY_LINES} (all when expanded), then
 * "N more lines" when some are not shown. At most {@link PREVIEW_READ_BYTES} are read
 * ({@link BODY_READ_BYTES} when expanded) and decoded by `decode`; the result is kept in `cache` while it still holds (same bytes read,
 * same state). A read or decode error becomes the body's `error`.
 */
export function pushBody(part: BodyPart, side: Side, key: string, read: BodyReader, expanded: ReadonlySet<string>, cache: BodyCache, out: MessageLine[], decode: BodyDecoder): { body: ShownBody; unread: boolean; wireRead: number } {
  const whole = expanded.has(key);
  const counted = whole && cache.counted.has(key);
  const wireRead = Math.min(part.length, whole ? BODY_READ_BYTES : PREVIEW_READ_BYTES);
  let body = cache.get(key);
  if (body === undefined || body.wireRead !== wireRead || body.complete !== part.complete || body.whole !== whole || (body.makeLine !== undefined) !== counted) {
    body = showBody(part, read, wireRead, whole, decode, counted);
    cache.set(key, body);
  }
  const starts = body.starts;
  body.lines.forEach((text, i) => out.push({ side, kind: 'data', text, bodyLine: i, ...hexRowOf(body.hex, i), ...(starts?.[i] === undefined ? {} : { at: { dir: part.dir, offset: part.offset + starts[i] } }) }));
  const unread = part.length > wireRead;
  if (!whole && (body.more > 0 || unread || body.shortened)) out.push({ side: 'event', kind: 'note', expand: key, text: moreText(body, unread), of: side });
  return { body, unread, wireRead };
}

/** `{ hex }` for line `line` of a body when it is a row of the body's hex dump, else `{}`. */
function hexRowOf(dump: HexDump | undefined, line: number): { hex?: HexRow } {
  const offset = (line - (dump?.firstLine ?? 0)) * HEX_BYTES_PER_LINE;
  return dump !== undefined && offset >= 0 && offset < dump.bytes.length ? { hex: { bytes: dump.bytes, offset } } : {};
}

/**
 * The row after a cut body's lines: how many lines more (`433+` when more bytes were not read;
 * after saying the last line shown was shortened when it was), or, with none more in what was
 * read, that the last line shown goes on (a long line: a 1 MB body with no line end), else that
 * the body does.
 */
function moreText(body: ShownBody, unread: boolean): string {
  const lineCut = body.shortened ? ' the line above is not shown in full,' : '';
  if (body.more > 0) return `...${lineCut} ${formatCount(body.more)}${unread ? '+' : ''} more lines (Enter shows them)`;
  return body.lastLineCut ? '... the line above is not shown in full (Enter shows more)' : '... the body goes on (Enter shows more)';
}

/**
 * Reads `wireRead` bytes of a body and decodes them for display, keeping every line when `whole`,
 * else the first {@link BODY_LINES}; `counted` (whole): the lines after those left to `makeLine`.
 */
function showBody(part: BodyPart, read: BodyReader, wireRead: number, whole: boolean, decode: BodyDecoder, counted = false): ShownBody {
  const complete = part.complete;
  try {
    const bytes = read(part.dir, part.offset, wireRead);
    const { all, unmade = 0, line, done = [], notes = [], lastLineCut = false, hex, starts } = decode(bytes, whole, wireRead, whole && !counted ? Infinity : BODY_LINES);
    const lines = whole ? all : withinChars(all.slice(0, BODY_LINES), PREVIEW_CHARS);
    const shortened = !whole && lines.length > 0 && lines[lines.length - 1] !== all[lines.length - 1];
    // A decoder that cannot make one line alone makes them all, once, when the first is asked for.
    let every: readonly string[] | undefined;
    const makeLine = !counted ? undefined : (line ?? ((index: number) => (every ??= decode(bytes, true, wireRead, Infinity).all)[index]));
    return { lines, more: all.length - lines.length + unmade, whole, done, notes, error: undefined, wireRead, complete, lastLineCut: lastLineCut || shortened, hex, starts, unread: wireRead < part.length, shortened, makeLine };
  } catch (error) {
    const makeLine = counted ? () => '' : undefined;
    return { lines: [], more: 0, whole, done: [], notes: [], error: escapeText(error instanceof Error ? error.message : String(error)), wireRead, complete, lastLineCut: false, hex: undefined, starts: undefined, unread: wireRead < part.length, shortened: false, makeLine };
  }
}

/**
 * The first of `lines` (escaped text) that hold `budget` characters, the last one cut to what is
 * left of it: not inside an escape (`\x1`, `\u{1f`) nor between a surrogate pair.
 */
export function withinChars(lines: readonly string[], budget: number): string[] {
  const out: string[] = [];
  let left = budget;
  for (const line of lines) {
    if (line.length <= left) {
      out.push(line);
      left -= line.length;
      continue;
    }
    // Less than a row left: the line goes whole to the rest.
    if (left < 80) break;
    let cut = line.slice(0, left);
    const last = cut.charCodeAt(cut.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
    out.push(withoutPartialEscape(cut));
    break;
  }
  return out;
}

/**
 * The last of `lines` (escaped text) that hold `budget` characters, the first one cut to its end:
 * not inside an escape (`\x1b`, `\u{1f600}`) nor between a surrogate pair. For the newest lines
 * of a body still arriving (see {@link withinChars} for a body's first lines).
 */
export function lastWithinChars(lines: readonly string[], budget: number): string[] {
  const out: string[] = [];
  let left = budget;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line.length <= left) {
      out.push(line);
      left -= line.length;
      continue;
    }
    // Less than a row left: the line goes whole to what came before.
    if (left < 80) break;
    let from = line.length - left;
    const escape = /\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\})/g;
    escape.lastIndex = Math.max(0, from - 9);
    for (let m = escape.exec(line); m !== null && m.index < from; m = escape.exec(line)) from = Math.max(from, m.index + m[0].length);
    const first = line.charCodeAt(from);
    if (first >= 0xdc00 && first <= 0xdfff) from++;
    out.push(line.slice(from));
    break;
  }
  return out.reverse();
}

/** Most bytes of a binary body shown as a hex dump (the rest: `m`). */
const BODY_HEX_BYTES = 64 << 10;

/**
 * Display lines of a decoded body: text in its charset (JSON pretty-printed), else a hex dump of
 * its first {@link BODY_HEX_BYTES} and a line saying how many more bytes there are.
 */
export function bodyText(bytes: Uint8Array, contentType: string): string[] {
  return bodyDisplay(bytes, contentType).lines;
}

/**
 * The size of a body of which `bytes` were read: all of it by default, `total` bytes when known,
 * `more` when more than those (not decoded, so of unknown size).
 */
export type BodySize = number | 'more';

/**
 * {@link bodyText}, making only the first `upTo` lines (the rest counted in `unmade`): a body's
 * first lines cost about the same however long it is; `pretty` when JSON was pretty-printed. `total`: the body's size when `bytes` are
 * only its first bytes (a binary body's label and hex dump say it, not what was read). `starts`:
 * where each line made starts in `bytes` (none for pretty-printed JSON, whose lines are not the bytes').
 */
export function bodyDisplay(bytes: Uint8Array, contentType: string, upTo = Infinity, total: BodySize = bytes.length): { lines: string[]; unmade: number; line?: (index: number) => string; hex: HexDump | undefined; pretty?: true; starts?: number[] } {
  // An empty body is no binary one, whatever its type (a chunked body of only its last chunk): no lines.
  if (bytes.length === 0 && total === 0) return { lines: [], unmade: 0, hex: undefined };
  const encoding = charsetOf(contentType);
  if (!looksTextual(bytes, contentType, encoding)) {
    const hex = hexBodyLines(bytes, Math.max(0, upTo - 1), total);
    const size = total === 'more' ? `more than ${formatCount(bytes.length)} bytes` : `${formatCount(total)} bytes`;
    // The label line stands for the body's start; the dump rows for their 16 bytes.
    const starts = [0, ...Array.from({ length: Math.ceil(hex.dumped.length / HEX_BYTES_PER_LINE) }, (_, row) => row * HEX_BYTES_PER_LINE)];
    return { lines: [`[binary, ${size}]`, ...hex.lines], unmade: hex.unmade, hex: { bytes: hex.dumped, firstLine: 1 }, starts };
  }
  return { ...textLines(bytes, contentType, encoding, upTo), hex: undefined };
}

/**
 * A binary body's lines: a hex dump of its first {@link BODY_HEX_BYTES}, then a line saying how
 * many bytes more there are (of `total`: see {@link bodyDisplay}); only the first `upTo` lines
 * are made (the rest counted in `unmade`). `dumped`: a copy of the bytes the dump lines show (a
 * narrow pane makes narrower rows of them).
 */
export function hexBodyLines(bytes: Uint8Array, upTo = Infinity, total: BodySize = bytes.length): { lines: string[]; unmade: number; dumped: Uint8Array } {
  const rows = Math.ceil(Math.min(bytes.length, BODY_HEX_BYTES) / HEX_BYTES_PER_LINE);
  const rest = total === 'more' ? Math.max(1, bytes.length - rows * HEX_BYTES_PER_LINE) : total - rows * HEX_BYTES_PER_LINE;
  const made = Math.min(rows, Math.max(0, upTo));
  const dumped = new Uint8Array(bytes.subarray(0, made * HEX_BYTES_PER_LINE));
  const lines = hexDumpLines(dumped);
  if (made === rows && rest > 0) lines.push(`... ${total === 'more' ? '' : `${formatCount(rest)} `}more bytes not shown: m shows all bytes`);
  return { lines, unmade: rows - made + (made < rows && rest > 0 ? 1 : 0), dumped };
}

/** A text body's first `upTo` lines in `encoding`, escaped, and how many more it has; JSON laid out when it parses (`pretty` then), else where each line made starts. */
function textLines(bytes: Uint8Array, contentType: string, encoding: TextEncoding, upTo: number): { lines: string[]; unmade: number; line: (index: number) => string; pretty?: true; starts?: number[] } {
  if (/json/i.test(contentType) && encoding === 'utf-8') {
    try {
      const text = Buffer.from(bytes).toString('utf8');
      // A byte order mark before the JSON (RFC 8259 lets a reader ignore it) stays, escaped, on the first line.
      const bom = text.startsWith('\ufeff') ? '\ufeff' : '';
      // Parsed only to know it is JSON: the lines keep its tokens as sent (see prettyJson.ts).
      JSON.parse(text.slice(bom.length));
      const pretty = prettyJsonLines(text.slice(bom.length));
      pretty[0] = bom + pretty[0];
      return { ...firstLines(pretty, upTo, (line) => withPlainBackslashes(escapeText(line))), pretty: true };
    } catch {
      // Not valid JSON: shown as text.
    }
  }
  const ranges = splitLines(bytes, encoding);
  const made = firstLines(ranges, upTo, ([from, to]) => decodeText(bytes, encoding, from, to));
  return { ...made, starts: ranges.slice(0, made.lines.length).map(([from]) => from) };
}

/** The first `upTo` of `items` made into lines by `make`, how many were left unmade, and `line`, which makes the line of item `index`. */
export function firstLines<T>(items: readonly T[], upTo: number, make: (item: T) => string): { lines: string[]; unmade: number; line: (index: number) => string } {
  const made = Math.min(items.length, Math.max(0, upTo));
  const lines: string[] = [];
  for (let i = 0; i < made; i++) lines.push(make(items[i]));
  return { lines, unmade: items.length - made, line: (index) => make(items[index]) };
}

const TAB = 0x09;

/**
 * A text line of a body as the messages mode shows it: escaped (render/encoding) with literal
 * backslashes shown as sent (`withPlainBackslashes`), its tabs expanded to the next tab stop
 * (`tabStops.ts`: a mail's folded header reads as in a mail client, not as `\t`). Tabs of
 * encodings other than ASCII-compatible ones are left escaped.
 */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding, from: number, to: number): string {
  const shown = (start: number, end: number): string => withPlainBackslashes(decodeEscaped(bytes, encoding, start, end));
  // Looked for within the line only: the rest of a big body is other lines (a scan to its end per line was quadratic).
  if (!bytes.subarray(from, to).includes(TAB) || encoding === 'utf-16le' || encoding === 'cp037') return shown(from, to);
  const pieces: string[] = [];
  let start = from;
  for (let i = from; i < to; i++) {
    if (bytes[i] !== TAB) continue;
    pieces.push(shown(start, i));
    start = i + 1;
  }
  pieces.push(shown(start, to));
  return joinAtTabStops(pieces);
}

const CHARSETS: Record<string, TextEncoding> = {
  'utf-8': 'utf-8', utf8: 'utf-8', 'iso-8859-1': 'latin1', latin1: 'latin1', 'us-ascii': 'utf-8', 'windows-1252': 'cp1252', cp1252: 'cp1252',
  'utf-16le': 'utf-16le', 'utf-16': 'utf-16le', shift_jis: 'shift_jis', sjis: 'shift_jis', 'x-sjis': 'shift_jis', ibm037: 'cp037', cp037: 'cp037',
};

/** The encoding a Content-Type's `charset=` names, UTF-8 when none or unknown. */
export function charsetOf(contentType: string): TextEncoding {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType);
  return (match && CHARSETS[match[1].toLowerCase()]) || 'utf-8';
}

/** True when a body of `contentType` in `encoding` is shown as text (its type says so, or its first 512 bytes look like text), not as a hex dump. */
export function looksTextual(bytes: Uint8Array, contentType: string, encoding: TextEncoding): boolean {
  if (/^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|.*\+(json|xml))/i.test(contentType)) return true;
  if (encoding !== 'utf-8') return true;
  const sample = bytes.subarray(0, 512);
  let odd = 0;
  for (const b of sample) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) odd++;
  return sample.length > 0 && odd * 20 < sample.length;
}

/** `[from, to)` of each line (line end excluded), LF or CRLF, in `encoding` (UTF-16LE: two-byte units). */
export function splitLines(bytes: Uint8Array, encoding: TextEncoding): [number, number][] {
  const unit = encoding === 'utf-16le' ? 2 : 1;
  const lf = encoding === 'cp037' ? 0x25 : 0x0a;
  const cr = 0x0d;
  const ranges: [number, number][] = [];
  let start = 0;
  for (let i = 0; i + unit <= bytes.length; i += unit) {
    if (bytes[i] !== lf || (unit === 2 && bytes[i + 1] !== 0)) continue;
    let end = i;
    if (end - unit >= start && bytes[end - unit] === cr && (unit === 1 || bytes[end - 1] === 0)) end -= unit;
    ranges.push([start, end]);
    start = i + unit;
  }
  if (start < bytes.length) ranges.push([start, bytes.length]);
  return ranges;
}
