/**
 * The replies of line protocols: which are errors ({@link isErrorReply}), their codes
 * ({@link replyCodes}), and which command each answers ({@link ReplyTracker}), pipelined or
 * tagged. Pure state, never throws.
 */
import type { LineItem } from './lineItem.js';
import type { LineConversation } from './lines.js';

/** An error reply and the command it answered (undefined for a greeting). */
export interface LineTurnFailure {
  readonly command: LineItem | undefined;
  readonly reply: LineItem;
}

/** What any error reply starts like (see {@link isErrorReply}): cheap to test first. */
const MAY_FAIL = /^(?:[45]|-|\S+ (?:NO|BAD)|1\) )/i;

/** Protocols whose replies start with a 3-digit code (RFC 5321, RFC 959). */
const CODED_PROTOCOLS: readonly string[] = ['SMTP', 'FTP'];

/**
 * True when `reply` (a server line of protocol `name`, see `lineProtocolName`) says a
 * command failed: a 4xx or 5xx code (SMTP, FTP), `-ERR` (POP3), `-` (Redis), a tagged `NO` or `BAD`
 * (IMAP). Never for other protocols.
 */
export function isErrorReply(name: string, reply: string): boolean {
  if (CODED_PROTOCOLS.includes(name)) return /^[45]\d\d(?:[ -]|$)/.test(reply);
  if (name === 'POP3') return reply.startsWith('-ERR');
  // Redis errors are any `-` reply: `-ERR`, `-NOAUTH`, `-WRONGTYPE`, `-MOVED`..., or an array
  // holding one (EXEC's results: `1) -ERR value is not an integer 2) +OK`; strings are quoted).
  if (name === 'Redis') return reply.startsWith('-') || /(?:^| )\d+\) -/.test(reply.replace(/"(?:[^"\\]|\\.)*"/g, '""'));
  if (name === 'IMAP') return /^[^*\s]\S* (?:NO|BAD)(?: |$)/i.test(reply);
  return false;
}

/**
 * Whether `command`, answered `reply`, asked what the server supports, the error being an answer,
 * not a failure: POP3's `CAPA` and bare `AUTH` (listing the mechanisms, RFC 1734; many servers
 * say -ERR), and SMTP's `EHLO` answered 500, 502 or 504, not implemented (a client falls back to
 * HELO, RFC 5321 3.2; a 554 refusal is a failure).
 */
export function isProbe(name: string, command: LineItem | undefined, reply: string): boolean {
  if (command === undefined) return false;
  if (name === 'POP3') return /^(?:CAPA|AUTH)\s*$/i.test(command.text);
  return name === 'SMTP' && /^EHLO\b/i.test(command.text) && /^50[024]\b/.test(reply);
}

/**
 * The 3-digit reply codes of `conversation` when its protocol `name` has them (SMTP, FTP), each
 * reply line's once (a multi-line reply's lines each); none for other protocols.
 */
export function* replyCodes(conversation: LineConversation, name: string): Generator<string> {
  if (!CODED_PROTOCOLS.includes(name)) return;
  for (const item of conversation.items) {
    if (item.dir === conversation.clientDir || item.kind !== 'line') continue;
    const code = /^\d{3}(?=[ -]|$)/.exec(item.text);
    if (code) yield code[0];
  }
}

/** Commands kept waiting for their reply; past it the older half is dropped (a reply then blames a later one). */
const MAX_PENDING = 256;
/** A server line asking for more of the command under way: SMTP's `334`, POP3's and IMAP's `+`. */
const CONTINUATION = /^(?:334|\+)(?:\s|$)/;

/**
 * True when `reply` (a server line of protocol `name`) asks for more of the command under way
 * (SASL `334` or `+` challenges, IMAP's `+` for a literal): not the command's final reply.
 */
export function isContinuation(name: string, reply: string): boolean {
  return name !== 'Redis' && CONTINUATION.test(reply);
}
/** A client line ending in an IMAP literal `{n}` or `{n+}`: the next line is part of the command. */
const LITERAL_END = /\{\d+\+?\}$/;

/**
 * Finds the first error reply of a conversation and the command it answers, and the reply to its
 * first command (pipelined, it need not come right after it). Client commands
 * ({@link command}) wait in order for their final reply ({@link reply}): for SMTP and FTP a
 * `xyz ` line (not `xyz-`, nor a 1xx, nor SMTP's `334`/`354`), for POP3 `+OK` or `-ERR`, for
 * IMAP the tagged line with the command's tag, for Redis each reply. A client line after a
 * continuation (SASL answer, IMAP literal) belongs to the command under way. Other protocols
 * blame the client's last line.
 */
export class ReplyTracker {
  /** The first error reply, once one came. */
  failure: LineTurnFailure | undefined = undefined;
  private pending: LineItem[] = [];
  /** The client's next line continues the command under way. */
  private continued = false;
  /** The client's last command line. */
  private last: LineItem | undefined = undefined;
  /** The client's first command line, and the final reply that answered it once one did. */
  private first: LineItem | undefined = undefined;
  firstReply: LineItem | undefined = undefined;

  /** Server bytes were lost (a capture gap): the replies in them are unknown, so no command waits for one any more. */
  lost(): void {
    this.pending.length = 0;
    this.last = undefined;
    this.continued = false;
  }

  /** A complete, non-blank client line. */
  command(line: LineItem): void {
    const text = line.text.trimEnd();
    const continued = this.continued;
    this.continued = LITERAL_END.test(text);
    if (continued) return;
    this.last = line;
    this.first ??= line;
    if (this.pending.length >= MAX_PENDING) this.pending.splice(0, MAX_PENDING / 2);
    this.pending.push(line);
  }

  /**
   * A complete server line of a conversation of protocol `name` (see `lineProtocolName`). Returns
   * the command it answers (see {@link answered}), undefined for a continuation or a greeting.
   */
  reply(line: LineItem, name: string): LineItem | undefined {
    const text = line.text;
    if (isContinuation(name, text)) {
      this.continued = true;
      return undefined;
    }
    const answered = this.answered(text, name);
    if (answered !== undefined && answered === this.first) this.firstReply ??= line;
    if (!this.failure && MAY_FAIL.test(text) && isErrorReply(name, text) && !isProbe(name, answered, text)) this.failure = { command: answered, reply: line };
    return answered;
  }

  /** The command a final reply `text` answers (taken off the queue), else the client's last line. */
  private answered(text: string, name: string): LineItem | undefined {
    if (CODED_PROTOCOLS.includes(name)) {
      const code = /^(\d)\d\d(?: |$)/.exec(text);
      if (code === null || code[1] === '1' || (name === 'SMTP' && code[1] === '3')) return this.pending[0] ?? this.last;
      return this.pending.shift() ?? this.last;
    }
    if (name === 'POP3') return /^(?:\+OK|-ERR)\b/.test(text) ? (this.pending.shift() ?? this.last) : this.last;
    // Redis answers each command with one value, in order (a RESP value is one item).
    if (name === 'Redis') return this.pending.shift() ?? this.last;
    if (name === 'IMAP') {
      const tag = /^([^*\s]\S*) /.exec(text)?.[1];
      const at = tag === undefined ? -1 : this.pending.findIndex((command) => command.text.startsWith(`${tag} `));
      return at < 0 ? this.last : this.pending.splice(at, 1)[0];
    }
    return this.last;
  }
}
