/**
 * What a line conversation ({@link LineConversation}) is called and how the flow list sums it
 * up: its protocol from its first lines, and a one-line summary of its first command and reply
 * (or its first failed one). Pure functions over the conversation; never throw.
 */
import { otherDirection, type Direction } from '../core/types.js';
import type { LineItem } from './lineItem.js';
import type { LineConversation } from './lines.js';
import { isContinuation, isErrorReply, isProbe } from './lineReplies.js';

/**
 * The protocol a line conversation looks like, from its first client and server lines:
 * `SMTP`, `FTP`, `POP3`, `IMAP`, `Redis`, or `text`; `TELNET` for Telnet.
 */
export function lineProtocolName(conversation: LineConversation): string {
  if (conversation.telnet) return 'TELNET';
  if (conversation.readsResp) return 'Redis';
  const first = (dir: Direction): string => conversation.firstLine(dir)?.text ?? '';
  const client = first(conversation.clientDir);
  const server = first(otherDirection(conversation.clientDir));
  if (/^(?:220|554)[ -].*\bE?SMTP\b/i.test(server) || /^(EHLO|HELO) /i.test(client)) return 'SMTP';
  if (/^220[ -]/.test(server) && (/\bFTP\b/i.test(server) || /^(USER|AUTH TLS|FEAT|SYST)\b/i.test(client))) return 'FTP';
  // A 220 greeting without either word, then a command only SMTP has (FTP's AUTH names TLS, SSL, GSSAPI or KERBEROS_V4).
  if (/^220[ -]/.test(server) && /^(AUTH (?!TLS|SSL|GSSAPI|KERBEROS)|MAIL FROM:|STARTTLS\b)/i.test(client)) return 'SMTP';
  // A RESP array (`*2`) is how Redis clients send commands; its replies start `+OK` as POP3's do.
  if (/^\*\d+$/.test(client)) return 'Redis';
  if (/^\+OK\b/.test(server) && !/^(PING|SET|GET)\b/i.test(client) && (greetedFirst(conversation) || POP3_COMMAND.test(client))) return 'POP3';
  if (/^\* (OK|PREAUTH|BYE)\b/i.test(server) || /^\S+ (CAPABILITY|LOGIN|STARTTLS|AUTHENTICATE)\b/i.test(client)) return 'IMAP';
  if (/^(PING|AUTH|HELLO|INFO|SET|GET|SELECT|KEYS)\b/i.test(client) && /^([+\-:$*]|$)/.test(server)) return 'Redis';
  return 'text';
}

/** POP3's commands (RFC 1939, 2449, 2595), but AUTH, which Redis has too. */
const POP3_COMMAND = /^(USER|PASS|APOP|STAT|LIST|RETR|DELE|NOOP|RSET|QUIT|TOP|UIDL|CAPA|STLS|UTF8)\b/i;

/** Whether the server's first line came before the client's (a greeting, as POP3's `+OK` is; Redis says nothing first). */
function greetedFirst(conversation: LineConversation): boolean {
  const server = conversation.firstLine(otherDirection(conversation.clientDir));
  const client = conversation.firstLine(conversation.clientDir);
  if (server === undefined || client === undefined) return server !== undefined;
  const items = conversation.items;
  return items.indexOf(server) < items.indexOf(client);
}

/**
 * The status a reply line gives: the code of `250-...`, `+OK`/`-ERR`, an IMAP tagged `OK`, else
 * its first word; a Redis reply other than `+`/`-` its value, up to 30 characters (`"hello
 * world"`, `(integer) 3`); a protocol not recognised, `start` (the reply's first characters).
 */
function replyStatus(reply: string, command: string, name: string, start: () => string): string {
  if (name === 'Redis' && !/^[+-]/.test(reply)) return reply.length > 30 ? `${reply.slice(0, 29)}…` : reply;
  const code = /^(\d{3})[ -]?/.exec(reply);
  if (code) return code[1];
  // IMAP's tagged reply: the word after the command's tag (`a1 OK …` → OK).
  const tag = name === 'IMAP' ? /^(\S+) /.exec(command)?.[1] : undefined;
  if (tag && reply.startsWith(`${tag} `)) return reply.slice(tag.length + 1).split(' ')[0];
  // A protocol not recognised has no status word: the reply's start (an echo reads as itself).
  if (name === 'text') return start();
  return reply.split(' ')[0].slice(0, 20);
}

/** Items looked at after the summary's command for its final reply (past continuations and the answers to them). */
const MAX_REPLY_SEARCH = 64;

/** Probes that the summary's command is looked for past, at most. */
const MAX_PROBES_SKIPPED = 4;

/**
 * A Redis client's opening commands (a login, a protocol or database choice, a name, a ping, its
 * command table), which every connection of a client library sends alike: they do not tell one
 * connection from another.
 */
const REDIS_PREAMBLE = /^(?:AUTH|HELLO|SELECT|CLIENT|PING|COMMAND)\b/i;

/** Whether `command`, answered `reply`, is a Redis opening command that went well: the summary names the one after it. */
function isRedisPreamble(protocol: string, command: LineItem, reply: string): boolean {
  return protocol === 'Redis' && REDIS_PREAMBLE.test(command.text) && !isErrorReply(protocol, reply);
}

/**
 * Index of the command a summary names, -1 when none: the conversation's first client line that
 * is not blank, but after a probe (POP3's `CAPA` and bare `AUTH`, whatever the answer; SMTP's
 * `EHLO` answered not implemented, before its `HELO`: see `isProbe`) or a Redis client's opening
 * command that went well (`AUTH`, `HELLO`, `SELECT`...) the command after it.
 */
export function firstCommandAt(conversation: LineConversation): number {
  const { items, clientDir, protocol } = conversation;
  const isCommand = (i: LineItem): boolean => i.dir === clientDir && i.kind === 'line' && i.text.trim() !== '';
  let at = items.findIndex(isCommand);
  const skippable = (command: LineItem, reply: string): boolean => isProbe(protocol, command, reply) || isRedisPreamble(protocol, command, reply);
  // A session has a probe or two: past a few, the summary names the one it is at (called per row and frame).
  for (let skipped = 0; skipped < MAX_PROBES_SKIPPED && at >= 0 && replyFollows(conversation, at) && skippable(items[at], items[at + 1].text); skipped++) {
    let next = at + 1;
    while (next < items.length && !isCommand(items[next])) next++;
    if (next === items.length) break;
    at = next;
  }
  return at;
}

/** Whether item `at` (a client line) is answered in {@link lineSummary}: the item after it is the server's. */
export function replyFollows(conversation: LineConversation, at: number): boolean {
  const { items, clientDir } = conversation;
  return at >= 0 && at + 1 < items.length && items[at + 1].dir !== clientDir;
}

/**
 * `SMTP EHLO laptop.example.com → 250 (6 cmds)`: the protocol (`lines:` when not recognised),
 * the first command, the status of its reply, and how many lines the client sent when more than one.
 * When a command got an error reply (see `isErrorReply`), `! ` and the first such command
 * instead: `! SMTP RCPT TO:<a@b> → 554 (9 cmds)`. Telnet: the server's first
 * line and the client's lines, `TELNET OpenBSD/i386 (oof) (ttyp2) (9 cmds)`. `shown` gives an
 * item's text as put in the summary (its first 60 characters): by default the text as it is
 * (Latin-1 for a line that is not UTF-8); a view passes its own (see `FlowView.describe`).
 */
export function lineSummary(conversation: LineConversation, shown: (item: LineItem) => string = (item) => item.text): string {
  // The first turn (see `turns`) whose command is a line that is not blank; read in place, as
  // the flow list asks for it at every frame.
  const { items, clientDir } = conversation;
  const cut = (item: LineItem, text: string): string => shown(text === item.text ? item : { ...item, text });
  // A reply of a protocol not recognised, by its start: cut before it is shown, so no escape is cut.
  const replyStart = (item: LineItem): string => (item.text.length > 20 ? `${cut(item, item.text.slice(0, 19).trimEnd())}…` : cut(item, item.text.trimEnd()));
  if (conversation.telnet) {
    const banner = items.find((i) => i.dir !== clientDir && i.kind === 'line' && i.text.trim() !== '');
    return `TELNET${banner ? ` ${cut(banner, banner.text.trim().slice(0, 60))}` : ''}${conversation.clientLines > 0 ? ` (${conversation.clientLines} cmds)` : ''}`;
  }
  const at = firstCommandAt(conversation);
  // A protocol not recognised is labelled as such (`lines:`), not by a word that reads as data.
  const known = conversation.protocol;
  const name = known === 'text' ? 'lines:' : known;
  const more = conversation.clientLines > 1 ? ` (${conversation.clientLines} cmds)` : '';
  const failure = conversation.failure;
  if (failure) {
    // No command: the server's first line (a greeting), or a reply after a capture gap took what it answered.
    const greeting = failure.reply === conversation.firstLine(otherDirection(clientDir));
    const failed = failure.command ? cut(failure.command, failure.command.text.slice(0, 60)) : greeting ? '(greeting)' : '(after a gap)';
    return `! ${name} ${failed} → ${replyStatus(shown(failure.reply), failed, known, () => replyStart(failure.reply))}${more}`;
  }
  if (at < 0) return items.length > 0 ? `${name} ${cut(items[0], items[0].text.slice(0, 60))}` : name;
  // An item still under way (a prompt waiting for its answer, a Redis value arriving) reads as far as it came.
  const commandItem = conversation.shownSoFar(items[at]);
  const command = cut(commandItem, commandItem.text.slice(0, 60));
  const tag = /^\S+ /.exec(command)?.[0];
  let reply: LineItem | undefined;
  // After a continuation (`+ `, `334`) the client's lines answer it: the command goes on.
  let continued = false;
  // Looked at past the command for its reply, at most (the list asks at every frame; a `+` and then silence must not make it walk a mail).
  const last = Math.min(items.length, at + 1 + MAX_REPLY_SEARCH);
  for (let i = at + 1; i < last; i++) {
    const r = items[i];
    if (r.dir === clientDir) {
      if (!continued) break;
      continue;
    }
    if (r.kind !== 'line') continue;
    continued = isContinuation(known, r.text);
    if (continued) continue;
    // IMAP's reply is the tagged line (untagged `* ...` lines and a literal's rest come before it).
    if (known === 'IMAP' && tag !== undefined ? r.text.startsWith(tag) : tag === undefined || !r.text.startsWith('* ')) {
      reply = r;
      break;
    }
  }
  reply ??= replyFollows(conversation, at) ? items[at + 1] : conversation.firstReply;
  if (reply) reply = conversation.shownSoFar(reply);
  return (reply ? `${name} ${command} → ${replyStatus(shown(reply), command, known, () => replyStart(reply!))}` : `${name} ${command}`) + more;
}
