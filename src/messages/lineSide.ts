/**
 * What a line conversation (lines.ts) knows of one direction while reading it: where its next
 * bytes are, the line or block under way and its text, and the state of a block, an IMAP literal,
 * a Redis RESP value or a held TLS record start. Data only: the conversation owns one per
 * direction and changes it as bytes arrive.
 */
import type { Direction, Micros } from '../core/types.js';
import { DotBlockReader } from './dotBlock.js';
import { UnkeptLine, type LineItem } from './lineItem.js';
import { LineText } from './lineText.js';
import type { RespItem } from './respItem.js';

/** One direction of a line conversation, as {@link newLineSide} makes it before its first byte. */
export interface LineSide {
  /** The stream offset of the next byte expected. */
  expected: number;
  /** The line or block under way, or undefined between them. */
  current: LineItem | undefined;
  /** Whether `current` is in the conversation's items; a line past its `MAX_LINE_ITEMS` is parsed in `unkept`, reused. */
  kept: boolean;
  /** The direction's one line object for lines not kept. */
  unkept: UnkeptLine;
  /** Whether the text of `current` is needed: it is kept, or may open a Redis value (read past the items kept too), or may be SMTP's `DATA` or `354`. */
  keepText: boolean;
  /** The text of `current` so far, when needed. */
  readonly text: LineText;
  /** In a block (SMTP DATA body, POP3 mail), which `block` reads. */
  inBlock: boolean;
  /** Bytes still to come of an IMAP literal the side announced (0: none under way). */
  literalLeft: number;
  /** Reads the direction's blocks. */
  readonly block: DotBlockReader;
  /** The direction is not lines (any more): binary data, TLS, a held `tlsHead`, or its end. */
  raw: boolean;
  /**
   * A line start's first bytes while they may begin a TLS record but are too few to tell (see
   * tls.ts `tlsRecordStart`), from stream offset `expected - tlsHead.length`, first seen at
   * `tlsHeadTs`. The side is `raw` meanwhile: they never become line text.
   */
  tlsHead: Uint8Array | undefined;
  tlsHeadTs: Micros;
  /** A Redis RESP value read over several lines and bulk strings, which all go into one item. */
  resp: RespItem | undefined;
}

/** A fresh {@link LineSide} for direction `dir`, before its first byte: offset 0, nothing under way, read as lines. */
export function newLineSide(dir: Direction): LineSide {
  return { expected: 0, current: undefined, kept: false, unkept: new UnkeptLine(dir), keepText: false, text: new LineText(), inBlock: false, literalLeft: 0, block: new DotBlockReader(), raw: false, tlsHead: undefined, tlsHeadTs: 0, resp: undefined };
}
