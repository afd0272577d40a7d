/**
 * Line protocols (SMTP, POP3, IMAP, FTP control, Redis inline, any text protocol): each direction
 * cut into lines as bytes arrive, kept in arrival order so commands pair with the replies that
 * follow them; SMTP's DATA body is one block (its range, not its bytes). Bounded: a line keeps at
 * most {@link MAX_LINE_TEXT} bytes of text, a flow at most {@link MAX_LINE_ITEMS} items. Binary
 * data turns the direction raw with a note (or hands it to TLS after a STARTTLS). Never throws.
 */
import type { Direction, Micros } from '../core/types.js';
import { isTextByte } from './detect.js';
import { headText } from './httpHead.js';
import type { StreamNote } from './types.js';

/** Text kept of one line; the rest is counted in its `length`. */
export const MAX_LINE_TEXT = 2048;
/** Items (lines and blocks) kept per flow; later ones are parsed, not kept. */
export const MAX_LINE_ITEMS = 20_000;

/** A line (`kind: 'line'`, its text without the line end) or an SMTP DATA body (`kind: 'block'`). */
export interface LineItem {
  readonly kind: 'line' | 'block';
  readonly dir: Direction;
  /** Stream offset and wire length (line end, or the block's final `.` line, included). */
  readonly offset: number;
  length: number;
  readonly firstTs: Micros;
  lastTs: Micros;
  /** The line's text (Latin-1 unless valid UTF-8), cut at {@link MAX_LINE_TEXT} bytes; '' for a block. */
  text: string;
  /** False while the line or block is unfinished, or when the stream ended inside it. */
  complete: boolean;
}

/** A command (a client item) and the server items that followed it; `command` is undefined for a greeting. */
export interface LineTurn {
  readonly command: LineItem | undefined;
  readonly replies: readonly LineItem[];
}

interface Side {
  expected: number;
  current: LineItem | undefined;
  buf: Uint8Array;
  bufLength: number;
  /** In an SMTP DATA body; `dotLine` tracks whether the current line so far is `.` or `.\r`. */
  inBlock: boolean;
  lineBytes: number;
  dotLine: boolean;
  raw: boolean;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * The lines of one flow. `onBinary(dir, offset, tls)` is called when a direction meets bytes
 * that are not text (`tls` when they start like a TLS record, e.g. after STARTTLS); the direction
 * then ignores the rest.
 */
export class LineConversation {
  /** Every line and block, in arrival order. */
  readonly items: LineItem[] = [];
  readonly notes: StreamNote[] = [];
  private readonly raw: Record<Direction, number | undefined> = { c2s: undefined, s2c: undefined };
  private readonly sides: Record<Direction, Side>;
  private awaitingDataReply = false;

  constructor(readonly clientDir: Direction = 'c2s', private readonly onBinary?: (dir: Direction, offset: number, tls: boolean) => void) {
    const side = (): Side => ({ expected: 0, current: undefined, buf: new Uint8Array(64), bufLength: 0, inBlock: false, lineBytes: 0, dotLine: false, raw: false });
    this.sides = { c2s: side(), s2c: side() };
  }

  /** Bytes of direction `dir` at stream offset `offset` (valid only during the call). */
  feed(dir: Direction, offset: number, bytes: Uint8Array, ts: Micros): void {
    const side = this.sides[dir];
    if (side.raw) return;
    if (offset > side.expected) this.gap(dir, side.expected, offset - side.expected, ts);
    let i = Math.max(0, side.expected - offset);
    if (i >= bytes.length) return;
    side.expected = offset + bytes.length;
    while (i < bytes.length && !side.raw) {
      const lf = bytes.indexOf(LF, i);
      const end = lf < 0 ? bytes.length : lf + 1;
      if (side.inBlock) this.blockBytes(side, bytes, i, end, offset, ts);
      else this.lineBytes(dir, side, bytes, i, end, offset, ts);
      i = end;
    }
  }

  /** `length` bytes of `dir` at `offset` were never seen: the line or block in progress is cut there. */
  gap(dir: Direction, offset: number, length: number, ts: Micros): void {
    const side = this.sides[dir];
    if (side.raw || offset + length <= side.expected) return;
    this.note(dir, side.expected, `gap of ${offset + length - side.expected} bytes`);
    if (side.current && !side.inBlock) this.endLine(side, false);
    else if (side.current) { side.current.length += offset + length - side.expected; side.current.lastTs = ts; }
    side.expected = offset + length;
    side.lineBytes = 0;
  }

  /** Direction `dir` ended: an unfinished line or block stays incomplete. */
  end(dir: Direction): void {
    const side = this.sides[dir];
    if (side.current) this.endLine(side, false);
    side.inBlock = false;
    side.raw = true;
  }

  /**
   * The stream offset from which direction `dir` is not lines (binary data, or TLS after a
   * STARTTLS: a note at that offset says which), or undefined while it is text.
   */
  rawFrom(dir: Direction): number | undefined {
    return this.raw[dir];
  }

  /** The items paired as turns: each client item opens a turn, the server items after it are its replies. */
  turns(): LineTurn[] {
    const out: { command: LineItem | undefined; replies: LineItem[] }[] = [];
    for (const item of this.items) {
      if (item.dir === this.clientDir) out.push({ command: item, replies: [] });
      else if (out.length === 0) out.push({ command: undefined, replies: [item] });
      else out[out.length - 1].replies.push(item);
    }
    return out;
  }

  private lineBytes(dir: Direction, side: Side, bytes: Uint8Array, from: number, end: number, offset: number, ts: Micros): void {
    if (!side.current) {
      if (!isTextByte(bytes[from])) return this.toRaw(dir, side, offset + from, bytes[from] === 0x16 && (from + 1 >= bytes.length || bytes[from + 1] === 0x03));
      side.current = this.push({ kind: 'line', dir, offset: offset + from, length: 0, firstTs: ts, lastTs: ts, text: '', complete: false });
      side.bufLength = 0;
    }
    let text = from;
    while (text < end && isTextByte(bytes[text])) text++;
    const binary = text < end;
    end = text;
    const keep = Math.min(end - from, MAX_LINE_TEXT - side.bufLength);
    if (keep > 0) {
      if (side.bufLength + keep > side.buf.length) {
        const grown = new Uint8Array(Math.min(MAX_LINE_TEXT, Math.max(side.bufLength + keep, side.buf.length * 2)));
        grown.set(side.buf.subarray(0, side.bufLength));
        side.buf = grown;
      }
      side.buf.set(bytes.subarray(from, from + keep), side.bufLength);
      side.bufLength += keep;
    }
    side.current.length += end - from;
    side.current.lastTs = ts;
    if (binary) this.toRaw(dir, side, offset + end, false);
    else if (bytes[end - 1] === LF) this.endLine(side, true);
  }

  private endLine(side: Side, complete: boolean): void {
    const line = side.current;
    if (!line) return;
    side.current = undefined;
    line.complete = complete;
    if (line.kind === 'block') return;
    let n = side.bufLength;
    if (n > 0 && side.buf[n - 1] === LF) n--;
    if (n > 0 && side.buf[n - 1] === CR) n--;
    line.text = headText(side.buf.subarray(0, n));
    side.bufLength = 0;
    if (side.buf.length > 256) side.buf = new Uint8Array(64);
    if (!complete) return;
    if (line.dir === this.clientDir) this.awaitingDataReply = /^DATA\s*$/i.test(line.text);
    else if (this.awaitingDataReply && /^354/.test(line.text)) {
      this.awaitingDataReply = false;
      const client = this.sides[this.clientDir];
      if (!client.raw && !client.current) { client.inBlock = true; client.lineBytes = 0; }
    }
  }

  /** Bytes of an SMTP DATA body, up to and including one LF; the block ends with a line that is `.`. */
  private blockBytes(side: Side, bytes: Uint8Array, from: number, end: number, offset: number, ts: Micros): void {
    if (!side.current) side.current = this.push({ kind: 'block', dir: this.clientDir, offset: offset + from, length: 0, firstTs: ts, lastTs: ts, text: '', complete: false });
    for (let k = from; k < end; k++) {
      const b = bytes[k];
      if (side.lineBytes === 0) side.dotLine = b === 0x2e;
      else if (b !== LF && !(side.lineBytes === 1 && b === CR)) side.dotLine = false;
      side.lineBytes++;
    }
    side.current.length += end - from;
    side.current.lastTs = ts;
    if (bytes[end - 1] !== LF) return;
    const finished = side.dotLine && side.lineBytes <= 3;
    side.lineBytes = 0;
    if (finished) {
      side.inBlock = false;
      this.endLine(side, true);
    }
  }

  private toRaw(dir: Direction, side: Side, offset: number, tls: boolean): void {
    if (side.current) this.endLine(side, false);
    side.raw = true;
    this.raw[dir] = offset;
    this.note(dir, offset, tls ? 'TLS from here' : 'binary data: raw bytes from here');
    this.onBinary?.(dir, offset, tls);
  }

  private push(item: LineItem): LineItem {
    if (this.items.length < MAX_LINE_ITEMS) this.items.push(item);
    return item;
  }

  private note(dir: Direction, offset: number, text: string): void {
    if (this.notes.length < 100) this.notes.push({ dir, offset, text });
  }
}

/**
 * The protocol a line conversation looks like, from its first client and server lines:
 * `SMTP`, `FTP`, `POP3`, `IMAP`, `Redis`, or `text`.
 */
export function lineProtocolName(conversation: LineConversation): string {
  const first = (dir: Direction): string => conversation.items.find((i) => i.dir === dir && i.kind === 'line')?.text ?? '';
  const client = first(conversation.clientDir);
  const server = first(conversation.clientDir === 'c2s' ? 's2c' : 'c2s');
  if (/^220[ -].*\bE?SMTP\b/i.test(server) || /^(EHLO|HELO) /i.test(client)) return 'SMTP';
  if (/^220[ -]/.test(server) && (/\bFTP\b/i.test(server) || /^(USER|AUTH TLS|FEAT|SYST)\b/i.test(client))) return 'FTP';
  if (/^\+OK\b/.test(server) && !/^(PING|SET|GET)\b/i.test(client)) return 'POP3';
  if (/^\* (OK|PREAUTH|BYE)\b/i.test(server) || /^\S+ (CAPABILITY|LOGIN|STARTTLS|AUTHENTICATE)\b/i.test(client)) return 'IMAP';
  if (/^\*\d+$/.test(client) || /^(PING|AUTH|HELLO|INFO|SET|GET|SELECT|KEYS)\b/i.test(client) && /^([+\-:$*]|$)/.test(server)) return 'Redis';
  return 'text';
}

/** The status a reply line gives: the code of `250-...`, `+OK`/`-ERR`, an IMAP tagged `OK`, else its first word. */
function replyStatus(reply: string, command: string): string {
  const code = /^(\d{3})[ -]?/.exec(reply);
  if (code) return code[1];
  const tag = /^(\S+) /.exec(command)?.[1];
  if (tag && reply.startsWith(`${tag} `)) return reply.slice(tag.length + 1).split(' ')[0];
  return reply.split(' ')[0].slice(0, 20);
}

/** `SMTP EHLO laptop.example.com → 250`: the protocol, the first command and the status of its reply. */
export function lineSummary(conversation: LineConversation): string {
  // The first turn (see `turns`) whose command is a line that is not blank; read in place, as
  // the flow list asks for it at every frame.
  const { items, clientDir } = conversation;
  const at = items.findIndex((i) => i.dir === clientDir && i.kind === 'line' && i.text.trim() !== '');
  const name = lineProtocolName(conversation);
  if (at < 0) return items.length > 0 ? `${name} ${items[0].text.slice(0, 60)}` : name;
  const command = items[at].text.slice(0, 60);
  const tag = /^\S+ /.exec(command)?.[0];
  let reply: LineItem | undefined;
  for (let i = at + 1; i < items.length && items[i].dir !== clientDir; i++) {
    const r = items[i];
    if (r.kind === 'line' && (tag === undefined || !r.text.startsWith('* '))) {
      reply = r;
      break;
    }
  }
  reply ??= at + 1 < items.length && items[at + 1].dir !== clientDir ? items[at + 1] : undefined;
  return reply ? `${name} ${command} → ${replyStatus(reply.text, command)}` : `${name} ${command}`;
}
