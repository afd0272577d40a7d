/**
 * The items of a line conversation (lines.ts) and what is told of them: a line, a block (SMTP's
 * DATA body, a POP3 mail, an IMAP literal) or Telnet commands, and the turns they pair into.
 * Data only: the conversation that makes an item owns it and fills it in as bytes arrive.
 */
import type { Direction, Micros } from '../core/types.js';
import type { LineAuth } from './lineAuth.js';

/** Text kept of one line; the rest is counted in its `length`. */
export const MAX_LINE_TEXT = 2048;

/**
 * A line (`kind: 'line'`, its text without the line end; a Redis RESP value's lines together), an
 * SMTP DATA body, a POP3 mail or an IMAP literal (`kind: 'block'`), or Telnet commands (`kind:
 * 'telnet'`, their names: `DO ECHO, SB NAWS 80x24`).
 */
export interface LineItem {
  readonly kind: 'line' | 'block' | 'telnet';
  readonly dir: Direction;
  /** Stream offset and wire length (line end, or the block's final `.` line, included). */
  readonly offset: number;
  length: number;
  readonly firstTs: Micros;
  lastTs: Micros;
  /** The line's text (Latin-1 unless valid UTF-8), cut at {@link MAX_LINE_TEXT} bytes; '' for a block; the commands' names. */
  text: string;
  /** A line whose bytes are not valid UTF-8: `text` holds them one per character (Latin-1). */
  notUtf8?: true;
  /** False while the line or block is unfinished, or when the stream ended inside it. */
  complete: boolean;
  /** A block: its lines so far that begin with a dot-stuffing `.` (RFC 5321 4.5.2: not part of the mail). */
  stuffed?: number;
  /** A block that is an IMAP literal (`{303}` and that many bytes, as FETCH sends a mail or its headers): no stuffing, no final line. */
  literal?: true;
  /** A complete block: the bytes of its final `.` line (3 for `.\r\n`, 2 for `.\n`). */
  endLength?: number;
  /** A complete line of a login: its base64 decoded, or the password it carries (see lineAuth.ts). */
  auth?: LineAuth;
}

/**
 * The size of the mail a block (SMTP DATA, POP3 RETR or TOP) carries, as a mail client gets it:
 * the block's bytes less its dot-stuffing and its final `.` line (bytes of a capture gap in it
 * counted).
 */
export function mailLength(block: LineItem): number {
  return block.length - (block.stuffed ?? 0) - (block.endLength ?? 0);
}

/** A command (a client item) and the server items that followed it; `command` is undefined for a greeting. */
export interface LineTurn {
  readonly command: LineItem | undefined;
  readonly replies: readonly LineItem[];
}

/**
 * The one line object a direction parses its lines in once a conversation keeps no more items
 * (lines.ts `MAX_LINE_ITEMS`): owned by that direction, {@link reset} for each line, never in
 * the conversation's items.
 */
export class UnkeptLine implements LineItem {
  readonly kind = 'line';
  offset = 0;
  length = 0;
  firstTs = 0;
  lastTs = 0;
  text = '';
  complete = false;

  constructor(readonly dir: Direction) {}

  /** Makes this the empty, unfinished line starting at stream offset `offset` at `ts`; returns it. */
  reset(offset: number, ts: Micros): this {
    this.offset = offset;
    this.length = 0;
    this.firstTs = this.lastTs = ts;
    this.text = '';
    this.complete = false;
    return this;
  }
}
