/**
 * Line protocols (SMTP, POP3, IMAP, FTP control, Redis, any text protocol): each direction cut
 * into lines as bytes arrive, kept in arrival order so commands pair with the replies that follow
 * them; SMTP's DATA body, the mail of a POP3 RETR or TOP, and an IMAP server's literal are one
 * block each (its range, not its bytes: dotBlock.ts); a Redis RESP value's lines are one item,
 * its text the value's (resp.ts, respItem.ts).
 * Bounded: a line keeps at most {@link MAX_LINE_TEXT} bytes of text, a flow at most
 * {@link MAX_LINE_ITEMS} items. Binary data turns the direction raw with a note (or hands it to
 * TLS after a STARTTLS). A Telnet conversation (telnet.ts) keeps its commands as items of their
 * own and any byte in its lines (they are escaped when shown). Never throws.
 * Elsewhere: the items (lineItem.ts), each direction's reading state (lineSide.ts), a line's text
 * (lineText.ts), where an SMTP DATA body starts (smtpDataWatch.ts).
 */
import { otherDirection, type Direction, type Micros } from '../core/types.js';
import { LineAuthReader } from './lineAuth.js';
import { MAX_LINE_TEXT, type LineItem, type LineTurn } from './lineItem.js';
import { newLineSide, type LineSide } from './lineSide.js';
import { textEnd } from './lineText.js';
import { mayOpenRespValue, RESP_AGGREGATE, RESP_SIMPLE } from './resp.js';
import { RespItem } from './respItem.js';
import { ReplyTracker, type LineTurnFailure } from './lineReplies.js';
import { lineProtocolName } from './lineSummary.js';
import { SmtpDataWatch } from './smtpDataWatch.js';
import { keepNote } from './notes.js';
import { TelnetReader } from './telnet.js';
import { TLS_HEADER_BYTES, tlsRecordStart } from './tls.js';
import type { StreamNote } from './types.js';
import { formatCount } from '../core/count.js';

/** Items (lines and blocks) kept per flow; later ones are parsed, not kept. */
export const MAX_LINE_ITEMS = 20_000;

const LF = 0x0a;
/** An IMAP line's end announcing a literal of that many bytes (RFC 9051 4.3). */
const LITERAL_END = /\{(\d{1,9})\}$/;
/** The POP3 commands whose `+OK` is followed by a mail, ended by a `.` line (RFC 1939). */
const MAIL_COMMAND = /^(?:RETR|TOP)\s+\d/i;

/**
 * Called when direction `dir` meets bytes that are not text at stream offset `offset`; the
 * direction then ignores the rest. `tls` when a line start holds a TLS record header (e.g. after
 * STARTTLS), told from its first bytes whatever the segments: up to 4 bytes are held until they
 * tell, and are no record at a gap or the end. `held` are that record's bytes from earlier
 * segments (first seen at `heldTs`), not in the segment being fed; usually empty.
 */
export type OnBinary = (dir: Direction, offset: number, tls: boolean, held: Uint8Array, heldTs: Micros) => void;

const NO_BYTES = new Uint8Array(0);

/** What a {@link LineConversation} tells, and whether it is Telnet. */
export interface LineOptions {
  /** Where a direction stops being lines. */
  readonly onBinary?: OnBinary;
  /** A kept line was completed (its text is whole). */
  readonly onLine?: (line: LineItem) => void;
  /** The conversation is Telnet (its first bytes were a Telnet command: see telnet.ts `startsTelnet`). */
  readonly telnet?: boolean;
  /** The server prompts with no line end (`login: `), as Telnet does: a prompt ends where the command typed at it does. */
  readonly prompts?: boolean;
}

/** The lines of one flow. */
export class LineConversation {
  /** Every line and block, in arrival order. */
  readonly items: LineItem[] = [];
  /** Lines the client sent (kept or not, blank ones included; DATA bodies' lines aside; a RESP command counts once). */
  clientLines = 0;
  /** A Redis RESP value was read: the conversation is Redis. */
  readsResp = false;
  /** Notes of both directions (gaps, fallback to raw): the first ones (see {@link keepNote}). */
  readonly notes: StreamNote[] = [];
  private readonly raw: Record<Direction, number | undefined> = { c2s: undefined, s2c: undefined };
  private readonly sides: Record<Direction, LineSide>;
  /** Finds where an SMTP DATA body starts. */
  private readonly smtpData: SmtpDataWatch;
  /** True for a Telnet conversation: its commands are items of their own. */
  readonly telnet: boolean;
  /** Each direction's Telnet reader, when the conversation is Telnet. */
  private readonly telnetReaders: Record<Direction, TelnetReader> | undefined;
  /** The server's prompts have no line end (Telnet, or a login with no negotiation). */
  private readonly prompts: boolean;
  private readonly onBinary: OnBinary | undefined;
  private readonly onLine: ((line: LineItem) => void) | undefined;
  /** Each direction's first kept line (its text is there once the line is complete). */
  private readonly firstLines: Record<Direction, LineItem | undefined> = { c2s: undefined, s2c: undefined };
  /** {@link lineProtocolName} once the first client and server lines are complete (it cannot change after). */
  private settledName: string | undefined = undefined;
  /** Pairs the kept lines' replies with their commands, to find the first error reply. */
  private readonly replies = new ReplyTracker();
  /** Reads logins in the kept lines. */
  private readonly auth: LineAuthReader;

  constructor(readonly clientDir: Direction = 'c2s', options: LineOptions = {}) {
    this.onBinary = options.onBinary;
    this.onLine = options.onLine;
    this.telnet = options.telnet === true;
    this.prompts = this.telnet || options.prompts === true;
    this.telnetReaders = this.telnet ? { c2s: new TelnetReader(), s2c: new TelnetReader() } : undefined;
    this.auth = new LineAuthReader(clientDir);
    this.smtpData = new SmtpDataWatch(clientDir);
    this.sides = { c2s: newLineSide('c2s'), s2c: newLineSide('s2c') };
  }

  /** Bytes of direction `dir` at stream offset `offset` (valid only during the call). */
  feed(dir: Direction, offset: number, bytes: Uint8Array, ts: Micros): void {
    const reader = this.telnetReaders?.[dir];
    if (reader === undefined) return this.feedText(dir, offset, bytes, ts);
    const side = this.sides[dir];
    if (side.raw) return;
    if (offset > side.expected) this.gap(dir, side.expected, offset - side.expected, ts);
    const from = Math.max(0, side.expected - offset);
    if (from >= bytes.length) return;
    const fresh = bytes.subarray(from);
    const at = offset + from;
    reader.split(fresh, {
      data: (start, end, replacement) => this.feedText(dir, at + start, replacement ?? fresh.subarray(start, end), ts),
      command: (start, end, names) => this.telnetCommand(dir, side, at + start, end - start, names, ts),
    });
  }

  /** Text bytes of `dir` at `offset` (Telnet: a data run between commands). */
  private feedText(dir: Direction, offset: number, bytes: Uint8Array, ts: Micros): void {
    const side = this.sides[dir];
    if (side.raw) {
      if (side.tlsHead) this.moreTlsHead(dir, side, offset, bytes);
      return;
    }
    if (offset > side.expected) this.gap(dir, side.expected, offset - side.expected, ts);
    let i = Math.max(0, side.expected - offset);
    if (i >= bytes.length) return;
    side.expected = offset + bytes.length;
    let text = -1; // bytes[i, text) are text, once looked at
    while (i < bytes.length && !side.raw) {
      if (side.inBlock) {
        i = this.blockBytes(dir, side, bytes, i, offset, ts);
        continue;
      }
      if (side.literalLeft > 0) {
        i = this.literalBytes(dir, side, bytes, i, offset, ts);
        continue;
      }
      const resp = side.resp;
      if (resp !== undefined && resp.bulkLeft > 0) {
        i = resp.bulk(bytes, i, ts);
        this.respRead(side);
        continue;
      }
      if (text < i) text = this.telnet ? bytes.length : textEnd(bytes, i);
      // Past the items kept, lines are skipped unread, but for Redis's: its values are still read whole (binary ones too).
      if (side.current === undefined && side.resp === undefined && this.items.length >= MAX_LINE_ITEMS && !this.readsResp) {
        const skipped = this.smtpData.skipUnkeptLines(dir, bytes, i, text);
        if (dir === this.clientDir) this.clientLines += skipped.lines;
        i = skipped.at;
        if (i === bytes.length) break;
      }
      i = this.lineBytes(dir, side, bytes, i, text, offset, ts);
    }
  }

  /** `length` bytes of `dir` at `offset` were never seen: the line or block in progress is cut there. */
  gap(dir: Direction, offset: number, length: number, ts: Micros): void {
    const side = this.sides[dir];
    if (offset + length <= side.expected) return;
    this.telnetReaders?.[dir].reset();
    if (side.tlsHead) this.noTlsRecord(dir, side);
    if (side.raw) return;
    const lost = offset + length - side.expected;
    keepNote(this.notes, { dir, offset: side.expected, text: '', gap: lost });
    // Inside bytes counted by a length (a RESP bulk string, an IMAP literal), the gap is part of them: they go on after it.
    if (this.countedGap(dir, side, lost, ts)) {
      side.expected = offset + length;
      return;
    }
    if (side.current && !side.inBlock) this.endLine(side, false);
    else if (side.current) { side.current.length += lost; side.current.lastTs = ts; }
    side.literalLeft = 0;
    this.dropResp(side);
    // Lost bytes may hold replies: the commands still waiting are paired no more (a `+OK` after
    // the gap must not start a mail for a RETR whose answer was lost); a RESP command is read afresh.
    if (dir === this.clientDir) this.auth.gap();
    else this.replies.lost();
    side.expected = offset + length;
    side.block.lineStart();
  }

  /**
   * A gap of `lost` bytes at the side's next offset that lies inside a RESP bulk string or an
   * IMAP literal under way: counted into its item. Returns false when it is not inside one (or
   * goes past its end).
   */
  private countedGap(dir: Direction, side: LineSide, lost: number, ts: Micros): boolean {
    if (side.resp !== undefined && side.current === undefined) return side.resp.gap(lost, ts);
    if (side.literalLeft <= lost) return false;
    side.literalLeft -= lost;
    const block = this.literalBlock(dir, side, side.expected, ts);
    if (block !== undefined) {
      block.length += lost;
      block.lastTs = ts;
    }
    return true;
  }

  /** Direction `dir` ended: an unfinished line or block stays incomplete. */
  end(dir: Direction): void {
    const side = this.sides[dir];
    if (side.tlsHead) this.noTlsRecord(dir, side);
    if (side.current) this.endLine(side, false);
    this.dropResp(side);
    side.inBlock = false;
    side.literalLeft = 0;
    side.raw = true;
  }

  /**
   * The stream offset from which direction `dir` is not lines (binary data, or TLS after a
   * STARTTLS: a note at that offset says which), or undefined while it is text.
   */
  rawFrom(dir: Direction): number | undefined {
    return this.raw[dir];
  }

  /**
   * `item` as shown now: when it is a kept line still under way (its last line end not come yet,
   * as a prompt waits: `Password:`), a copy holding its text so far, decoded as its text will be;
   * a Redis value read over several lines likewise, the bytes of a string under way included
   * (`GET "hel"…`); else `item` (its `text` is there once it ends).
   */
  shownSoFar(item: LineItem): LineItem {
    const side = this.sides[item.dir];
    if (item.kind !== 'line' || !side.kept) return item;
    if (side.resp !== undefined) return side.resp.item === item ? { ...item, text: side.resp.textSoFar() } : item;
    if (side.current !== item) return item;
    const { text, notUtf8 } = side.text.peek();
    return { ...item, text, notUtf8: notUtf8 || undefined };
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

  /**
   * Telnet command bytes of `dir` at `offset` (`names`: the commands they complete): a line in
   * progress ends before them; the commands are an item of their own, or are added to the one
   * just before (a command split across segments, or commands in a row).
   */
  private telnetCommand(dir: Direction, side: LineSide, offset: number, length: number, names: readonly string[], ts: Micros): void {
    side.expected = offset + length;
    const last = side.current ?? (this.items.length > 0 ? this.items[this.items.length - 1] : undefined);
    if (last !== undefined && last.kind === 'telnet' && last.dir === dir && last.offset + last.length === offset) {
      last.length += length;
      last.lastTs = ts;
      if (names.length > 0 && last.text.length < MAX_LINE_TEXT) last.text = last.text === '' ? names.join(', ') : `${last.text}, ${names.join(', ')}`;
      return;
    }
    if (side.current) this.endLine(side, true);
    this.push({ kind: 'telnet', dir, offset, length, firstTs: ts, lastTs: ts, text: names.join(', '), complete: true });
  }

  /**
   * Bytes of a line from `from` (`bytes[from, text)` are text, `bytes[text]` is not): up to and
   * including its LF, or to the end of the segment, or to a byte that is not text (the direction
   * turns raw there). Returns where it stopped.
   */
  private lineBytes(dir: Direction, side: LineSide, bytes: Uint8Array, from: number, text: number, offset: number, ts: Micros): number {
    let line = side.current;
    if (line === undefined) {
      if (text === from) {
        const tls = tlsRecordStart(bytes, from);
        if (tls !== undefined) this.toRaw(dir, side, offset + from, tls);
        else {
          side.raw = true;
          side.tlsHead = new Uint8Array(bytes.subarray(from)); // a copy: a source may reuse its buffer
          side.tlsHeadTs = ts;
        }
        return bytes.length;
      }
      const resp = side.resp;
      if (resp !== undefined) {
        // The next line of a RESP value: its bytes go into the value's item.
        side.kept = resp.item !== side.unkept;
        side.keepText = true;
        line = side.current = resp.item;
      } else {
        side.kept = this.items.length < MAX_LINE_ITEMS;
        if (dir === this.clientDir) this.clientLines++;
        const first = bytes[from];
        side.keepText = side.kept || (this.readsResp && mayOpenRespValue(first, dir !== this.clientDir)) || this.smtpData.mayBeDataStep(dir, first);
        line = side.current = side.kept ? this.push({ kind: 'line', dir, offset: offset + from, length: 0, firstTs: ts, lastTs: ts, text: '', complete: false }) : side.unkept.reset(offset + from, ts);
      }
    }
    const lf = bytes.indexOf(LF, from);
    const binary = text <= lf || (lf < 0 && text < bytes.length);
    const end = binary ? text : lf < 0 ? bytes.length : lf + 1;
    line.length += end - from;
    line.lastTs = ts;
    if (side.keepText) side.text.append(bytes, from, end);
    if (binary) this.toRaw(dir, side, offset + end, false);
    else if (lf >= 0) {
      this.endLine(side, true);
      // A Telnet prompt (a server line with no line end yet) ends where the command typed at it does.
      const server = this.sides[dir === 'c2s' ? 's2c' : 'c2s'];
      if (this.prompts && dir === this.clientDir && server.current) this.endLine(server, true);
    }
    return end;
  }

  /**
   * Ends the current line or block. A line's text is there (see {@link LineSide.keepText}) only when
   * the line is kept, or when it may be SMTP's `DATA` or its `354` reply.
   */
  private endLine(side: LineSide, complete: boolean): void {
    const line = side.current;
    if (!line) return;
    side.current = undefined;
    line.complete = complete;
    if (line.kind !== 'line') return;
    const { text, notUtf8, tail } = side.text.take();
    if (side.resp?.item === line) {
      if (!complete) return this.dropResp(side);
      side.resp.line(text);
      return this.respRead(side);
    }
    if (side.kept) line.text = text;
    if (side.kept && notUtf8) line.notUtf8 = true;
    if (!complete) return;
    const client = line.dir === this.clientDir;
    // A RESP value: an aggregate's first line, or a reply's RESP3 line shown as redis-cli does (`(integer) 3`).
    // Once past the items kept, a Redis value is read in the side's unkept line (its bulk strings by their length).
    if ((side.kept || this.readsResp) && (RESP_AGGREGATE.test(text) || (!client && RESP_SIMPLE.test(text))) && this.protocol === 'Redis') return this.startResp(side, line, text);
    if (side.kept) {
      const server = client ? this.sides[otherDirection(line.dir)] : undefined;
      if (server?.current?.kind === 'line' && server.keepText) this.auth.prompt(server.text.sofar); // a prompt not ended yet
      const auth = this.auth.read(line.dir, text, notUtf8, line.length);
      if (auth) line.auth = auth;
      this.onLine?.(line);
      if (client && text.trim() !== '') this.replies.command(line);
      else if (!client) {
        const protocol = this.protocol;
        const answered = this.replies.reply(line, protocol);
        // POP3's RETR and TOP: the mail after the `+OK` is one block, as SMTP's DATA body is.
        if (protocol === 'POP3' && answered !== undefined && text.startsWith('+OK') && MAIL_COMMAND.test(answered.text)) this.startBlock(side);
        // An IMAP server's literal (FETCH's `BODY[] {5565}`): its bytes are one block. (A client's
        // are left as lines: a LOGIN's literal is a password, which the login reader hides.)
        const literal = protocol === 'IMAP' ? LITERAL_END.exec(tail === '' ? text : tail.replace(/\r?\n$/, '')) : null;
        if (literal && !side.raw) side.literalLeft = Number(literal[1]);
      }
    }
    if (this.smtpData.lineEnded(line.dir, text)) this.startBlock(this.sides[this.clientDir]);
  }

  /** The side's next bytes are a block ending with a `.` line: SMTP's DATA body, a POP3 mail. */
  private startBlock(side: LineSide): void {
    if (side.raw || side.current) return;
    side.inBlock = true;
    side.block.lineStart();
  }

  /**
   * A Redis line `text` that begins a RESP value (`*3`, `$5`): the value's next lines and bulk
   * strings go into `line`, which is complete once the value is, its text then the value's.
   */
  private startResp(side: LineSide, line: LineItem, text: string): void {
    // A RESP value makes the conversation Redis for good (a command's text will be the command's, not `*3`).
    this.readsResp = true;
    side.resp = new RespItem(line, text, line.dir === this.clientDir, line !== side.unkept);
    this.respRead(side);
  }

  /** The RESP value of `side` took bytes: once its item is complete, it is a command or a reply like any line's. */
  private respRead(side: LineSide): void {
    const resp = side.resp;
    if (resp === undefined || !resp.item.complete) return;
    side.resp = undefined;
    const item = resp.item;
    if (item === side.unkept) return;
    this.onLine?.(item);
    if (item.dir === this.clientDir) this.replies.command(item);
    else if (!resp.push) this.replies.reply(item, this.protocol);
  }

  /** A RESP value still under way on `side` is cut (a gap, the stream's end): its item stays unfinished. */
  private dropResp(side: LineSide): void {
    side.resp?.cut();
    side.resp = undefined;
  }

  /** The first error reply (see `isErrorReply`) among the kept lines, and the command it answered. */
  get failure(): LineTurnFailure | undefined {
    return this.replies.failure;
  }

  /** The final reply to the client's first command, once it came (pipelined: after other commands). */
  get firstReply(): LineItem | undefined {
    return this.replies.firstReply;
  }

  /** {@link lineProtocolName}, computed once for good when both sides' first lines are complete (the flow list asks at every frame). */
  get protocol(): string {
    if (this.settledName !== undefined) return this.settledName;
    const name = lineProtocolName(this);
    if (this.firstLines.c2s?.complete && this.firstLines.s2c?.complete) this.settledName = name;
    return name;
  }

  /** The first kept line of direction `dir`, or undefined. */
  firstLine(dir: Direction): LineItem | undefined {
    return this.firstLines[dir];
  }

  /** Bytes of a block of `dir` (see dotBlock.ts) from `from`; ends the block at its final `.` line. Returns where it stopped. */
  private blockBytes(dir: Direction, side: LineSide, bytes: Uint8Array, from: number, offset: number, ts: Micros): number {
    const block = (side.current ??= this.push({ kind: 'block', dir, offset: offset + from, length: 0, firstTs: ts, lastTs: ts, text: '', complete: false, stuffed: 0 }));
    const stopped = side.block.read(block, bytes, from);
    block.lastTs = ts;
    if (stopped >= 0) return stopped;
    side.inBlock = false;
    this.endLine(side, true);
    return -1 - stopped;
  }

  /** Bytes of an IMAP literal of `dir` from `from`, whatever they are, as one block (none kept past {@link MAX_LINE_ITEMS}). Returns where it stopped. */
  private literalBytes(dir: Direction, side: LineSide, bytes: Uint8Array, from: number, offset: number, ts: Micros): number {
    const take = Math.min(side.literalLeft, bytes.length - from);
    side.literalLeft -= take;
    const block = this.literalBlock(dir, side, offset + from, ts);
    if (block !== undefined) {
      block.length += take;
      block.lastTs = ts;
      if (side.literalLeft === 0) this.endLine(side, true);
    }
    return from + take;
  }

  /** The block of the literal under way on `side`, made at stream offset `offset` when it is the literal's first byte; undefined past {@link MAX_LINE_ITEMS}. */
  private literalBlock(dir: Direction, side: LineSide, offset: number, ts: Micros): LineItem | undefined {
    if (side.current === undefined && this.items.length < MAX_LINE_ITEMS) side.current = this.push({ kind: 'block', dir, offset, length: 0, firstTs: ts, lastTs: ts, text: '', complete: false, literal: true });
    return side.current;
  }

  /** Bytes of `dir` after its held {@link LineSide.tlsHead}: TLS or raw from the head once they tell. */
  private moreTlsHead(dir: Direction, side: LineSide, offset: number, bytes: Uint8Array): void {
    const head = side.tlsHead!;
    if (offset > side.expected) return this.noTlsRecord(dir, side);
    const from = side.expected - offset;
    if (from >= bytes.length) return;
    const joined = new Uint8Array(Math.min(head.length + bytes.length - from, TLS_HEADER_BYTES));
    joined.set(head);
    joined.set(bytes.subarray(from, from + joined.length - head.length), head.length);
    const tls = tlsRecordStart(joined, 0);
    if (tls !== undefined) return this.toRaw(dir, side, side.expected - head.length, tls, head, side.tlsHeadTs);
    side.tlsHead = joined;
    side.expected = offset + bytes.length;
  }

  /** A gap or the end after a held {@link LineSide.tlsHead}: it is no TLS record, raw bytes from it. */
  private noTlsRecord(dir: Direction, side: LineSide): void {
    this.toRaw(dir, side, side.expected - side.tlsHead!.length, false);
  }

  private toRaw(dir: Direction, side: LineSide, offset: number, tls: boolean, held: Uint8Array = NO_BYTES, heldTs: Micros = 0): void {
    if (side.current) this.endLine(side, false);
    side.raw = true;
    side.tlsHead = undefined;
    this.raw[dir] = offset;
    this.note(dir, offset, tls ? 'TLS from here' : 'binary data: raw bytes from here');
    this.onBinary?.(dir, offset, tls, held, heldTs);
  }

  private push(item: LineItem): LineItem {
    if (this.items.length >= MAX_LINE_ITEMS) return item;
    this.items.push(item);
    if (item.kind === 'line') this.firstLines[item.dir] ??= item;
    return item;
  }

  private note(dir: Direction, offset: number, text: string): void {
    keepNote(this.notes, { dir, offset, text });
  }
}
