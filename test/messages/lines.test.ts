import { describe, expect, it } from 'vitest';
import type { Direction } from '../../src/core/types.js';
import { MAX_NOTES } from '../../src/messages/notes.js';
import { mailLength, MAX_LINE_TEXT } from '../../src/messages/lineItem.js';
import { LineConversation, MAX_LINE_ITEMS } from '../../src/messages/lines.js';
import { lineProtocolName, lineSummary } from '../../src/messages/lineSummary.js';
import { mulberry32, randomInt } from '../support/prng.js';

type Step = [Direction, string];

const SMTP: Step[] = [
  ['s2c', '220 mail.example.com ESMTP Postfix\r\n'],
  ['c2s', 'EHLO laptop.example.com\r\n'],
  ['s2c', '250-mail.example.com\r\n250-PIPELINING\r\n250 8BITMIME\r\n'],
  ['c2s', 'MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n'],
  ['s2c', '250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n'],
  ['c2s', 'Subject: hi\r\n\r\n.. a line starting with a dot\r\nbye\r\n.\r\n'],
  ['s2c', '250 2.0.0 Ok: queued\r\n'],
  ['c2s', 'QUIT\r\n'],
  ['s2c', '221 2.0.0 Bye\r\n'],
];

/** Plays steps, each cut at `cuts(text)` positions; returns the conversation. */
function play(steps: readonly Step[], cuts: (length: number) => number[] = () => [], onBinary?: (dir: Direction, offset: number, tls: boolean) => void): LineConversation {
  const lines = new LineConversation('c2s', { onBinary });
  const offsets = { c2s: 0, s2c: 0 };
  let ts = 1;
  for (const [dir, text] of steps) {
    const bytes = Buffer.from(text, 'latin1');
    let prev = 0;
    for (const cut of [...cuts(bytes.length), bytes.length]) {
      if (cut <= prev) continue;
      lines.feed(dir, offsets[dir] + prev, bytes.slice(prev, cut), ts++);
      prev = cut;
    }
    offsets[dir] += bytes.length;
  }
  lines.end('c2s');
  lines.end('s2c');
  return lines;
}

/** A command as a Redis client library sends it: a RESP array of bulk strings. */
const resp = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;

const shape = (lines: LineConversation): string[] =>
  lines.items.map((i) => `${i.dir} ${i.offset}+${i.length} ${i.kind === 'block' ? '[block]' : i.text}${i.complete ? '' : ' (cut)'}`);

/** A flow as moves: bytes of a direction, or a gap (told by a `gap` call, or only by the next offset). */
type Move = { dir: Direction; bytes: Uint8Array } | { dir: Direction; gap: number; told: boolean };

/** A random text-ish SMTP-like flow: lone CRs, bare LFs, UTF-8 and Latin-1, a few non-text bytes, long lines, DATA bodies, gaps. */
function randomFlow(random: () => number): Move[] {
  const pick = <T>(xs: readonly T[]): T => xs[randomInt(random, 0, xs.length - 1)];
  const line = (): string => {
    let text = '';
    for (let n = randomInt(random, 0, 4); n > 0; n--) {
      if (random() < 0.04) text += pick(['\x00', '\x01', '\x08', '\x0b', '\x7f', '\x1f', '\x16', '\x16\x03', '\x16\x03\x01\x00\x05']);
      text += pick(['MAIL', 'DATA', '.', '..', 'x', ' ', '\r', 'caf\xc3\xa9', 'caf\xe9', '354', '250 ok', '\t\x1b[1m']);
      if (random() < 0.02) text += 'y'.repeat(MAX_LINE_TEXT + randomInt(random, -3, 3));
    }
    return text + pick(['\r\n', '\r\n', '\n', '\n\r', '']);
  };
  const lines = (n: number): string => Array.from({ length: n }, line).join('');
  const moves: Move[] = [];
  const say = (dir: Direction, text: string) => moves.push({ dir, bytes: Buffer.from(text, 'latin1') });
  if (random() < 0.5) say('s2c', '220 mail ESMTP\r\n');
  for (let round = randomInt(random, 1, 6); round > 0; round--) {
    const r = random();
    if (r < 0.3) say('c2s', lines(randomInt(random, 1, 4)));
    else if (r < 0.5) say('s2c', lines(randomInt(random, 1, 3)));
    else if (r < 0.55) {
      say('c2s', 'STARTTLS\r\n');
      say('s2c', '220 go ahead\r\n');
      say('c2s', pick(['\x16\x03\x01\x00\x05hello', '\x16\x03\x03\x40\x00', '\x16\x03\x01\x00\x01\x01', '\x16', '\x16\x03']));
    } else if (r < 0.9) {
      say('c2s', pick(['DATA\r\n', 'data \n', 'DATA\r\nQUIT\r\n']));
      say('s2c', pick(['354 go\r\n', '354 go\n', '250 no\r\n']));
      const body = Array.from({ length: randomInt(random, 0, 6) }, () => pick(['.\r', '. \r\n', '..\r\n', '.\r\r\n', '\r\n', '\n', 'x.\r\n', '.', '\x00\r\n']) + (random() < 0.5 ? line() : '')).join('');
      say('c2s', body + pick(['\r\n.\r\n', '\n.\n', '.\r\n', '\r\n.\r\nQUIT\r\n', '']));
      say('s2c', '250 queued\r\n');
    } else moves.push({ dir: pick(['c2s', 's2c'] as const), gap: randomInt(random, 1, 9), told: random() < 0.5 });
  }
  return moves;
}

/** The bytes of `dir` in `moves`, a gap's as zeros. */
const streamOf = (moves: readonly Move[], dir: Direction): Buffer =>
  Buffer.concat(moves.filter((m) => m.dir === dir).map((m) => ('gap' in m ? new Uint8Array(m.gap) : m.bytes)));

/** Lines that fill a conversation's items: the ones after them are parsed, not kept. */
const FILLER = Buffer.from('NOOP\r\n'.repeat(MAX_LINE_ITEMS));

/**
 * Feeds `moves` in segments of `size` bytes (whole when 0), each sent again from up to `resend`
 * bytes before it (as a retransmission overlaps); returns all a caller can see. With `filled`,
 * {@link FILLER} comes first, whole.
 */
function feedFlow(moves: readonly Move[], size: number, resend = 0, filled = false) {
  const binary: string[] = [];
  const lines = new LineConversation('c2s', { onBinary: (dir, offset, tls) => binary.push(`${dir}@${offset} ${tls}`) });
  const offsets = { c2s: 0, s2c: 0 };
  let ts = 1;
  if (filled) {
    lines.feed('c2s', 0, FILLER, ts++);
    offsets.c2s = FILLER.length;
  }
  for (const move of moves) {
    const base = offsets[move.dir];
    if ('gap' in move) {
      if (move.told) lines.gap(move.dir, base, move.gap, ts++);
      offsets[move.dir] += move.gap;
      continue;
    }
    const step = size || move.bytes.length;
    for (let at = 0; at < move.bytes.length; at += step) {
      const from = Math.max(0, at - resend);
      lines.feed(move.dir, base + from, move.bytes.slice(from, at + step), ts++);
    }
    offsets[move.dir] += move.bytes.length;
  }
  lines.end('c2s');
  lines.end('s2c');
  // Past the filler no item is kept: the count and the last item stand for the rest.
  const items = (filled ? lines.items.slice(-1) : lines.items).map(({ kind, dir, offset, length, text, complete }) => ({ kind, dir, offset, length, text, complete }));
  return { items, itemCount: lines.items.length, notes: lines.notes, raw: [lines.rawFrom('c2s'), lines.rawFrom('s2c')], binary };
}

describe('line protocols', () => {
  it('keeps SMTP commands and replies as lines, the DATA body as one block', () => {
    const lines = play(SMTP);
    const body = 'Subject: hi\r\n\r\n.. a line starting with a dot\r\nbye\r\n.\r\n';
    expect(shape(lines)).toEqual([
      's2c 0+36 220 mail.example.com ESMTP Postfix',
      'c2s 0+25 EHLO laptop.example.com',
      's2c 36+22 250-mail.example.com',
      's2c 58+16 250-PIPELINING',
      's2c 74+14 250 8BITMIME',
      'c2s 25+27 MAIL FROM:<a@example.com>',
      'c2s 52+25 RCPT TO:<b@example.com>',
      'c2s 77+6 DATA',
      's2c 88+14 250 2.1.0 Ok',
      's2c 102+14 250 2.1.5 Ok',
      's2c 116+37 354 End data with <CR><LF>.<CR><LF>',
      `c2s 83+${body.length} [block]`,
      's2c 153+22 250 2.0.0 Ok: queued',
      `c2s ${83 + body.length}+6 QUIT`,
      's2c 175+15 221 2.0.0 Bye',
    ]);
    expect(lineSummary(lines)).toBe('SMTP EHLO laptop.example.com → 250 (5 cmds)');
    const turns = lines.turns();
    expect(turns[0].command).toBeUndefined();
    expect(turns[1].replies.map((r) => r.text)).toEqual(['250-mail.example.com', '250-PIPELINING', '250 8BITMIME']);
  });

  it('a DATA block knows the size of its mail: dot-stuffing undone, the final "." line left out, whatever the cut', () => {
    // The mail as a client gets it: 'Subject: hi\r\n\r\n. a line starting with a dot\r\nbye\r\n'.
    const mail = 'Subject: hi\r\n\r\n. a line starting with a dot\r\nbye\r\n'.length;
    const block = (lines: LineConversation) => lines.items.find((item) => item.kind === 'block')!;
    expect(mailLength(block(play(SMTP)))).toBe(mail);
    expect(block(play(SMTP))).toMatchObject({ stuffed: 1, endLength: 3 });
    for (let k = 1; k < 60; k++) expect(mailLength(block(play(SMTP, (n) => (k < n ? [k] : [])))), `cut at ${k}`).toBe(mail);
    // Bare LF line ends, a stuffed line that is one dot, an empty mail.
    const lf = SMTP.map(([dir, text]): Step => [dir, dir === 'c2s' && text.startsWith('Subject') ? 'a\n..\n.\n' : text]);
    expect(block(play(lf))).toMatchObject({ stuffed: 1, endLength: 2 });
    expect(mailLength(block(play(lf)))).toBe('a\n.\n'.length);
    const empty = SMTP.map(([dir, text]): Step => [dir, dir === 'c2s' && text.startsWith('Subject') ? '.\r\n' : text]);
    expect(mailLength(block(play(empty)))).toBe(0);
    // Unfinished: the bytes so far, a dot that began a line counted as stuffing.
    const unfinished = SMTP.slice(0, 5).concat([['c2s', 'a\r\n.']]);
    expect(block(play(unfinished)).complete).toBe(false);
    expect(block(play(unfinished)).endLength).toBeUndefined();
    expect(mailLength(block(play(unfinished)))).toBe(3);
  });

  it("keeps a POP3 mail (RETR, TOP) as one block, pipelined commands included; not after -ERR or another command", () => {
    const mail = 'Subject: hi\r\n\r\n..dot\r\nbye\r\n.\r\n';
    const top = 'Subject: hi\r\n\r\n.\r\n';
    const pop3: Step[] = [
      ['s2c', '+OK POP3 ready\r\n'],
      ['c2s', 'USER a\r\nPASS b\r\n'],
      ['s2c', '+OK\r\n+OK 2 messages\r\n'],
      // Pipelined: the LIST's lines stay lines, the RETR's mail after its +OK is a block.
      ['c2s', 'LIST\r\nRETR 1\r\nRETR 9\r\nTOP 2 0\r\n'],
      ['s2c', `+OK\r\n1 30\r\n2 20\r\n.\r\n+OK 30 octets\r\n${mail}-ERR no such message\r\n+OK\r\n${top}`],
      ['c2s', 'QUIT\r\n'],
      ['s2c', '+OK bye\r\n'],
    ];
    const lines = play(pop3);
    expect(lineProtocolName(lines)).toBe('POP3');
    const blocks = lines.items.filter((item) => item.kind === 'block');
    expect(blocks.map((b) => [b.dir, b.length, mailLength(b), b.complete])).toEqual([
      ['s2c', mail.length, 'Subject: hi\r\n\r\n.dot\r\nbye\r\n'.length, true],
      ['s2c', top.length, 'Subject: hi\r\n\r\n'.length, true],
    ]);
    expect(shape(lines).filter((l) => l.startsWith('s2c'))).toEqual([
      's2c 0+16 +OK POP3 ready',
      's2c 16+5 +OK',
      's2c 21+16 +OK 2 messages',
      's2c 37+5 +OK',
      's2c 42+6 1 30',
      's2c 48+6 2 20',
      's2c 54+3 .',
      's2c 57+15 +OK 30 octets',
      `s2c 72+${mail.length} [block]`,
      `s2c ${72 + mail.length}+22 -ERR no such message`,
      `s2c ${94 + mail.length}+5 +OK`,
      `s2c ${99 + mail.length}+${top.length} [block]`,
      `s2c ${99 + mail.length + top.length}+9 +OK bye`,
    ]);
    expect(lineSummary(lines)).toBe('! POP3 RETR 9 → -ERR (7 cmds)');
    // The same at every cut.
    for (let k = 1; k < 80; k++) expect(shape(play(pop3, (n) => (k < n ? [k] : []))), `cut at ${k}`).toEqual(shape(lines));
    // A mail is looked for only after RETR or TOP, only in POP3: FTP's RETR is answered by 150, and a
    // `+OK` to another command is followed by lines.
    const ftp = play([['s2c', '220 FTP ready\r\n'], ['c2s', 'RETR 1\r\n'], ['s2c', '+OK\r\na\r\n.\r\n']]);
    expect(ftp.items.some((item) => item.kind === 'block')).toBe(false);
    const stat = play([['s2c', '+OK ready\r\n'], ['c2s', 'STAT\r\n'], ['s2c', '+OK 1 30\r\na\r\n.\r\n']]);
    expect(stat.items.some((item) => item.kind === 'block')).toBe(false);
  });

  it('a probe the server said no to is neither the trouble nor the headline: POP3 bare AUTH, SMTP EHLO before HELO', () => {
    const pop3 = play([['s2c', '+OK ready\r\n'], ['c2s', 'AUTH\r\n'], ['s2c', '-ERR say a mechanism\r\n'], ['c2s', 'AUTH PLAIN AGJvYgBwdw==\r\n'], ['s2c', '+OK in\r\n'], ['c2s', 'STAT\r\n'], ['s2c', '+OK 3 1000\r\n']]);
    expect([pop3.failure, lineSummary(pop3)]).toEqual([undefined, 'POP3 AUTH PLAIN AGJvYgBwdw== → +OK (3 cmds)']);
    // A CAPA answered +OK is not the command named either (zeek pop3.pcap's mailbox session).
    const capa = play([['s2c', '+OK ready\r\n'], ['c2s', 'CAPA\r\n'], ['s2c', '+OK\r\nUSER\r\n.\r\n'], ['c2s', 'AUTH\r\n'], ['s2c', '-ERR\r\n'], ['c2s', 'AUTH PLAIN x\r\n'], ['s2c', '+OK in\r\n']]);
    expect(lineSummary(capa)).toBe('POP3 AUTH PLAIN x → +OK (3 cmds)');
    const smtp = play([['s2c', '220 mx ESMTP\r\n'], ['c2s', 'EHLO a\r\n'], ['s2c', '502 no\r\n'], ['c2s', 'HELO a\r\n'], ['s2c', '250 hi\r\n']]);
    expect([smtp.failure, lineSummary(smtp)]).toEqual([undefined, 'SMTP HELO a → 250 (2 cmds)']);
    // Anything else the server said no to is the trouble, an EHLO refused (not just not implemented) too.
    expect(lineSummary(play([['s2c', '+OK ready\r\n'], ['c2s', 'AUTH PLAIN x\r\n'], ['s2c', '-ERR no\r\n']]))).toBe('! POP3 AUTH PLAIN x → -ERR');
    expect(lineSummary(play([['s2c', '220 mx ESMTP\r\n'], ['c2s', 'EHLO a\r\n'], ['s2c', '554 5.7.1 you are blocked\r\n'], ['c2s', 'QUIT\r\n'], ['s2c', '221 bye\r\n']]))).toBe('! SMTP EHLO a → 554 (2 cmds)');
    // A session of nothing but probes is summed up by its fifth.
    const probes = play([['s2c', '+OK\r\n'], ...Array.from({ length: 2000 }, (): Step[] => [['c2s', 'CAPA\r\n'], ['s2c', '-ERR\r\n']]).flat()]);
    expect(lineSummary(probes)).toBe('POP3 CAPA → -ERR (2000 cmds)');
  });

  it('names SMTP from a greeting without the word when the client goes on with a command only SMTP has, and FTP from AUTH TLS', () => {
    const name = (server: string, client: string): string => lineProtocolName(play([['s2c', server], ['c2s', client]]));
    expect(name('220 x\r\n', 'AUTH LOGIN\r\n')).toBe('SMTP');
    expect(name('220 mx.example\r\n', 'MAIL FROM:<a@b>\r\n')).toBe('SMTP');
    expect(name('220 x\r\n', 'AUTH TLS\r\n')).toBe('FTP');
    expect(name('220 ProFTPD 1.3 Server (FTP) ready\r\n', 'AUTH GSSAPI\r\n')).toBe('FTP');
    expect(name('220 x\r\n', 'AUTH KERBEROS_V4\r\n')).toBe('text');
    expect(name('* OK ready\r\n', 'a1 LOGIN u p\r\n')).toBe('IMAP');
  });

  it("keeps an IMAP server's literal as one block, by its length, whatever the cut; a client's stays lines", () => {
    const mail = 'Subject: hi\r\n.dot line\r\n)not the end\r\n\r\nbody\r\n';
    const steps: Step[] = [
      ['s2c', '* OK IMAP4rev1 ready\r\n'],
      ['c2s', 'a1 LOGIN bob {6}\r\n'],
      ['s2c', '+ ready\r\n'],
      ['c2s', 'secret\r\na2 FETCH 1 BODY[]\r\n'],
      ['s2c', `a1 OK\r\n* 1 FETCH (BODY[] {${mail.length}}\r\n${mail} FLAGS (\\Seen))\r\na2 OK FETCH completed\r\n`],
    ];
    const lines = play(steps);
    expect(lineProtocolName(lines)).toBe('IMAP');
    const block = lines.items.find((item) => item.kind === 'block')!;
    expect(block).toMatchObject({ dir: 's2c', length: mail.length, literal: true, complete: true });
    expect(mailLength(block)).toBe(mail.length);
    expect(shape(lines).filter((l) => l.startsWith('s2c'))).toEqual([
      's2c 0+22 * OK IMAP4rev1 ready',
      's2c 22+9 + ready',
      's2c 31+7 a1 OK',
      `s2c 38+${'* 1 FETCH (BODY[] {XX}'.length + 2} * 1 FETCH (BODY[] {${mail.length}}`,
      `s2c ${62}+${mail.length} [block]`,
      `s2c ${62 + mail.length}+17  FLAGS (\\Seen))`,
      `s2c ${79 + mail.length}+23 a2 OK FETCH completed`,
    ]);
    // The client's literal (a LOGIN's password) is no block: the login reader hides it.
    expect(lines.items.filter((item) => item.dir === 'c2s').map((item) => item.kind)).toEqual(['line', 'line', 'line']);
    const whole = shape(lines);
    for (let k = 1; k < 60; k++) expect(shape(play(steps, (n) => (k < n ? [k, 2 * k] : []))), `cut at ${k}`).toEqual(whole);
    // A literal announced at the end of a line longer than the text a line keeps (a long BODYSTRUCTURE).
    for (const extra of [0, 1, 5, 40]) {
      const long = `* 1 FETCH (BODYSTRUCTURE (${'x'.repeat(MAX_LINE_TEXT - 40 + extra)}) BODY[] {${mail.length}}\r\n`;
      const fetched = play([['s2c', '* OK hi\r\n'], ['c2s', 'a FETCH 1 (BODYSTRUCTURE BODY[])\r\n'], ['s2c', `${long}${mail})\r\na OK\r\n`]], (n) => [n - 30, n - 10].filter((c) => c > 0));
      expect(fetched.items.filter((i) => i.kind === 'block').map((i) => i.length), `${extra} more`).toEqual([mail.length]);
    }
    // A gap inside a literal ends it there, unfinished; the lines after are read as lines.
    const cut = new LineConversation('c2s');
    cut.feed('s2c', 0, Buffer.from('* OK hi\r\n'), 1);
    cut.feed('c2s', 0, Buffer.from('a FETCH 1 BODY[]\r\n'), 2);
    cut.feed('s2c', 9, Buffer.from('* 1 FETCH (BODY[] {100}\r\nabc'), 3);
    cut.gap('s2c', 37, 201, 4);
    cut.feed('s2c', 238, Buffer.from('a OK done\r\n'), 5);
    expect(cut.items.filter((i) => i.dir === 's2c').map((i) => `${i.kind} ${i.length} ${i.complete}`)).toEqual(['line 9 true', 'line 25 true', 'block 3 false', 'line 11 true']);
  });

  it('starts no POP3 mail at a +OK after a server gap: the reply it answers is unknown', () => {
    const lines = new LineConversation('c2s');
    lines.feed('s2c', 0, Buffer.from('+OK ready\r\n'), 1);
    lines.feed('c2s', 0, Buffer.from('RETR 1\r\n'), 2);
    lines.gap('s2c', 11, 500, 3); // the +OK to RETR and its mail
    lines.feed('c2s', 8, Buffer.from('DELE 1\r\nQUIT\r\n'), 4);
    lines.feed('s2c', 511, Buffer.from('+OK deleted\r\n+OK bye\r\n'), 5);
    lines.end('c2s');
    lines.end('s2c');
    expect(lines.items.filter((i) => i.dir === 's2c').map((i) => `${i.kind} ${i.text}`)).toEqual(['line +OK ready', 'line +OK deleted', 'line +OK bye']);
    // An error reply after a gap is blamed on no command, and not called a greeting.
    const failed = new LineConversation('c2s');
    failed.feed('s2c', 0, Buffer.from('+OK ready\r\n'), 1);
    failed.feed('c2s', 0, Buffer.from('USER a\r\n'), 2);
    failed.gap('s2c', 11, 5, 3);
    failed.feed('s2c', 16, Buffer.from('-ERR no\r\n'), 4);
    expect(lineSummary(failed)).toBe('! POP3 (after a gap) → -ERR');
  });

  it('sums up a pipelined first command with its reply, though other commands came between', () => {
    // zeek__pop3.pcap's flow 7: CAPA and QUIT sent together.
    const lines = play([['s2c', '+OK ready\r\n'], ['c2s', 'CAPA\r\nQUIT\r\n'], ['s2c', '+OK Capability list follows\r\nTOP\r\n.\r\n+OK bye\r\n']]);
    expect(lineSummary(lines)).toBe('POP3 CAPA → +OK (2 cmds)');
    // With no reply at all, no outcome.
    expect(lineSummary(play([['s2c', '+OK ready\r\n'], ['c2s', 'CAPA\r\nQUIT\r\n']]))).toBe('POP3 CAPA (2 cmds)');
  });

  it('gives the same lines whatever the cut', () => {
    const whole = shape(play(SMTP));
    for (let k = 1; k < 60; k++) expect(shape(play(SMTP, (n) => (k < n ? [k] : []))), `cut at ${k}`).toEqual(whole);
    expect(shape(play(SMTP, (n) => Array.from({ length: n - 1 }, (_, i) => i + 1)))).toEqual(whole);
    const random = mulberry32(3);
    for (let round = 0; round < 50; round++) {
      const cuts = (n: number) => Array.from({ length: randomInt(random, 0, 5) }, () => randomInt(random, 1, n)).sort((a, b) => a - b);
      expect(shape(play(SMTP, cuts))).toEqual(whole);
    }
  });

  it('gives the same result at every segment size, on random text-ish flows', () => {
    const random = mulberry32(11);
    const reached = { raw: 0, tls: 0, notTls: 0, blocks: 0, cut: 0 };
    for (let flow = 0; flow < 80; flow++) {
      const moves = randomFlow(random);
      const whole = feedFlow(moves, 0);
      reached.raw += whole.raw.filter((r) => r !== undefined).length;
      reached.tls += whole.binary.filter((b) => b.endsWith('true')).length;
      for (const [, dir, at, tls] of whole.binary.map((b) => /^(\w+)@(\d+) (\w+)$/.exec(b)!)) {
        if (tls === 'false' && streamOf(moves, dir as Direction)[Number(at)] === 0x16) reached.notTls++;
      }
      reached.blocks += whole.items.filter((i) => i.kind === 'block' && i.complete).length;
      reached.cut += whole.items.filter((i) => i.kind === 'line' && i.text.length === MAX_LINE_TEXT).length;
      for (let size = 1; size <= 40; size++) expect(feedFlow(moves, size, size % 3 === 0 ? size : 0), `flow ${flow}, ${size}-byte segments`).toEqual(whole);
      for (const size of [61, 127, 1448, 2049]) expect(feedFlow(moves, size, 7), `flow ${flow}, ${size}-byte segments`).toEqual(whole);
    }
    // The flows reach what they are meant to: raw directions, TLS, 0x16 starting no TLS record, DATA bodies ended by their dot, long lines.
    expect(reached.raw).toBeGreaterThan(10);
    expect(reached.tls).toBeGreaterThan(5);
    expect(reached.notTls).toBeGreaterThan(5);
    expect(reached.blocks).toBeGreaterThan(10);
    expect(reached.cut).toBeGreaterThan(5);
  });

  it('gives the same result at every segment size past MAX_LINE_ITEMS, where lines are not kept', () => {
    const random = mulberry32(12);
    let raw = 0;
    for (let flow = 0; flow < 6; flow++) {
      const moves = randomFlow(random);
      const whole = feedFlow(moves, 0, 0, true);
      expect(whole.itemCount).toBe(MAX_LINE_ITEMS);
      raw += whole.raw.filter((r) => r !== undefined).length;
      for (const size of [1, 2, 5, 16, 1448]) expect(feedFlow(moves, size, size % 2 ? 0 : 3, true), `flow ${flow}, ${size}-byte segments`).toEqual(whole);
    }
    expect(raw).toBeGreaterThan(1);
  });

  it('still takes a DATA body as a block once lines are not kept: its bytes do not turn the direction raw', () => {
    const steps: Step[] = [
      ['c2s', 'NOOP\r\n'.repeat(MAX_LINE_ITEMS)],
      ['c2s', 'data\r\n'], ['s2c', '250 ok\r\n'], ['c2s', 'DATA \r\n'], ['s2c', '354 go\r\n'],
      ['c2s', 'body\r\n\x00\x01 binary body\r\n.\r\nQUIT\r\n\x02'],
    ];
    for (const k of [0, 1, 3]) {
      const lines = play(steps, (n) => (k > 0 ? Array.from({ length: Math.floor(n / k) }, (_, i) => (i + 1) * k) : []));
      const tail = 6 * MAX_LINE_ITEMS + 6 + 7 + 'body\r\n\x00\x01 binary body\r\n.\r\nQUIT\r\n'.length;
      expect(lines.rawFrom('c2s'), `cut every ${k}`).toBe(tail);
      expect(lines.rawFrom('s2c')).toBeUndefined();
      // A command between DATA and the 354 reply: no body follows.
      const other = play([steps[0], ['c2s', 'DATA\r\nRSET\r\n'], ['s2c', '354 go\r\n'], ['c2s', 'x\r\n\x00']], (n) => (k > 0 ? Array.from({ length: Math.floor(n / k) }, (_, i) => (i + 1) * k) : []));
      expect(other.rawFrom('c2s'), `cut every ${k}`).toBe(6 * MAX_LINE_ITEMS + 12 + 3);
    }
  });

  it('ends a RESP value nested deeper than 32 arrays: its memory stays bounded', () => {
    const lines = play([['s2c', '+OK\r\n'], ['c2s', `${resp('PING')}${'*1\r\n'.repeat(10_000)}`]]);
    const items = lines.items.filter((item) => item.dir === 'c2s');
    // PING, then values of 32 nested arrays each, every one ended (complete) by the next `*1`.
    expect(items.length).toBeGreaterThan(300);
    expect(items.slice(1, -1).every((item) => item.complete && item.text.endsWith(' …'))).toBe(true);
    expect(lines.rawFrom('c2s')).toBeUndefined();
  });

  it('counts the client\'s lines once they are not kept, as the list\'s `(N cmds)` says', () => {
    const lines = play([['c2s', 'NOOP\r\n'.repeat(MAX_LINE_ITEMS + 500)]], (n) => Array.from({ length: Math.floor(n / 1448) }, (_, i) => (i + 1) * 1448));
    expect(lines.items.length).toBe(MAX_LINE_ITEMS);
    expect(lines.clientLines).toBe(MAX_LINE_ITEMS + 500);
  });

  it('still reads Redis values once lines are not kept: a binary value past them does not turn the direction raw', () => {
    const set = resp('SET', 'k', '\x00\x01\xff\x03\r\n');
    const steps: Step[] = [['c2s', set.repeat(MAX_LINE_ITEMS / 2)], ['s2c', '+OK\r\n'.repeat(MAX_LINE_ITEMS / 2)], ['c2s', set.repeat(MAX_LINE_ITEMS / 2) + 'PING\r\n\x00']];
    // In segments of 1,448 bytes, as on the wire: values are split across them.
    const lines = play(steps, (n) => Array.from({ length: Math.floor(n / 1448) }, (_, i) => (i + 1) * 1448));
    expect(lines.items.length).toBe(MAX_LINE_ITEMS);
    // Every command counted, and the direction raw only at the binary byte after the last line.
    expect(lines.clientLines).toBe(MAX_LINE_ITEMS + 1);
    expect(lines.rawFrom('c2s')).toBe(MAX_LINE_ITEMS * set.length + 'PING\r\n'.length);
    expect(lines.rawFrom('s2c')).toBeUndefined();
  });

  it.each([
    ['POP3', [['s2c', '+OK POP3 server ready\r\n'], ['c2s', 'USER bob\r\n'], ['s2c', '+OK\r\n']], 'POP3 USER bob → +OK'],
    ['IMAP', [['s2c', '* OK IMAP4rev1 ready\r\n'], ['c2s', 'a001 LOGIN bob secret\r\n'], ['s2c', '* CAPABILITY IMAP4rev1\r\na001 OK LOGIN completed\r\n']], 'IMAP a001 LOGIN bob secret → OK'],
    ['FTP', [['s2c', '220 ProFTPD Server ready.\r\n'], ['c2s', 'USER anonymous\r\n'], ['s2c', '331 Password required\r\n']], 'FTP USER anonymous → 331'],
    ['Redis', [['c2s', 'PING\r\n'], ['s2c', '+PONG\r\n']], 'Redis PING → +PONG'],
    ['text', [['c2s', 'hello there\n'], ['s2c', 'hi\n']], 'lines: hello there → hi'],
  ] as [string, Step[], string][])('names %s and sums it up', (name, steps, summary) => {
    const lines = play(steps);
    expect(lineProtocolName(lines)).toBe(name);
    expect(lineSummary(lines)).toBe(summary);
  });

  it('keeps the passwords of Redis commands out of their text, by their size', () => {
    const lines = play([['c2s', '*2\r\n$4\r\nAUTH\r\n$8\r\nsecret12\r\n'], ['s2c', '+OK\r\n']]);
    expect(lines.items[0]).toMatchObject({ dir: 'c2s', text: 'AUTH (password: 8 bytes)' });
    expect(lineProtocolName(lines)).toBe('Redis');
    const shown = (...args: string[]): string => play([['c2s', resp(...args)], ['s2c', '+OK\r\n']]).items[0].text;
    expect(shown('AUTH', 'bob', 'hunter2')).toBe('AUTH bob (password: 7 bytes)');
    expect(shown('HELLO', '3', 'AUTH', 'default', 'pw', 'SETNAME', 'app')).toBe('HELLO 3 AUTH default (password: 2 bytes) SETNAME app');
    expect(shown('CONFIG', 'SET', 'maxmemory', '1gb', 'requirepass', 's3cretpw6', 'masterauth', 's3cretpw4')).toBe('CONFIG SET maxmemory 1gb requirepass (password: 9 bytes) masterauth (password: 9 bytes)');
    expect(shown('ACL', 'SETUSER', 'bob', 'on', '>s3cretpw3', '<old', '~keys:*')).toBe('ACL SETUSER bob on >(password: 9 bytes) <(password: 3 bytes) ~keys:*');
    expect(shown('MIGRATE', 'h', '6379', '', '0', '1000', 'AUTH', 'pw7', 'KEYS', 'a')).toBe('MIGRATE h 6379 "" 0 1000 AUTH (password: 3 bytes) KEYS a');
    expect(shown('MIGRATE', 'h', '6379', '', '0', '1000', 'AUTH2', 'bob', 'pw8', 'KEYS', 'a')).toBe('MIGRATE h 6379 "" 0 1000 AUTH2 bob (password: 3 bytes) KEYS a');
    // After a value longer than a line's kept text, and after an empty array, AUTH is still read.
    for (const before of [resp('SET', 'k', 'v'.repeat(3 * MAX_LINE_TEXT)), '*0\r\n']) {
      const after = play([['c2s', before], ['s2c', '+OK\r\n'], ['c2s', resp('AUTH', 'hunter2secret')], ['s2c', '+OK\r\n']]);
      expect(after.items.filter((item) => item.text.startsWith('AUTH')).map((item) => item.text), before.slice(0, 12)).toEqual(['AUTH (password: 13 bytes)']);
    }
    const hello = play([['c2s', resp('HELLO', '3')], ['s2c', '%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n']]);
    expect(hello.items[1].text).toBe('1) "server" 2) "redis"');
  });

  it('shows a RESP value arriving in pieces as far as it came, a password by its size alone', () => {
    const lines = new LineConversation('c2s');
    const offsets = { c2s: 0, s2c: 0 };
    const seen: string[] = [];
    const feed = (dir: Direction, text: string): void => {
      lines.feed(dir, offsets[dir], Buffer.from(text, 'latin1'), 1);
      offsets[dir] += text.length;
      const last = lines.items[lines.items.length - 1];
      seen.push(`${lines.shownSoFar(last).text} | ${lineSummary(lines)}`);
    };
    for (const piece of ['*3\r\n$3\r\nSET\r\n$3\r\nke', 'y\r\n$5\r\nhel', 'lo\r\n']) feed('c2s', piece);
    for (const piece of ['$11\r\nhel', 'lo wo', 'rld\r\n']) feed('s2c', piece);
    for (const piece of ['*2\r\n$4\r\nAUTH\r\n$6\r\nsec', 'ret\r\n']) feed('c2s', piece);
    for (const piece of ['*2\r\n*2\r\n$2\r\nb', 'b\r\n$1\r\nc\r\n$3\r\nd', 'ef\r\n']) feed('s2c', piece);
    expect(seen).toEqual([
      'SET ke… | Redis SET ke…',
      'SET key hel… | Redis SET key hel…',
      'SET key hello | Redis SET key hello',
      '"hel"… | Redis SET key hello → "hel"…',
      '"hello wo"… | Redis SET key hello → "hello wo"…',
      '"hello world" | Redis SET key hello → "hello world"',
      'AUTH (password: …) | Redis SET key hello → "hello world" (2 cmds)',
      'AUTH (password: 6 bytes) | Redis SET key hello → "hello world" (2 cmds)',
      '1) ["b"… | Redis SET key hello → "hello world" (2 cmds)',
      '1) ["bb", "c"] 2) "d"… | Redis SET key hello → "hello world" (2 cmds)',
      '1) ["bb", "c"] 2) "def" | Redis SET key hello → "hello world" (2 cmds)',
    ]);
  });

  it('ends a RESP bulk string whose line end is not CRLF there: the bytes after its count are shown, not dropped', () => {
    for (const cuts of [(): number[] => [], (length: number): number[] => Array.from({ length: length - 1 }, (_, i) => i + 1)]) {
      const lines = play([['c2s', '*3\r\n$3\r\nSET\r\n$2\r\nk1\r\n$2\r\nv1HIDDEN\x1b]0;X\x07\r\n' + resp('PING')]], cuts);
      expect(lines.items.map((item) => item.text)).toEqual(['SET k1 v1', 'HIDDEN\x1b]0;X\x07', 'PING']);
    }
  });

  it('keeps a Redis command sent as a RESP array as one line, and each reply as one, whatever the cut', () => {
    const steps: Step[] = [
      ['c2s', resp('SET', 'greeting', 'hello world') + resp('GET', 'greeting')],
      ['s2c', '+OK\r\n$11\r\nhello world\r\n'],
      ['c2s', resp('GET', 'nope') + resp('SET', 'k', 'two\r\nlines') + resp('LRANGE', 'l', '0', '-1') + resp('SCAN', '0')],
      ['s2c', '$-1\r\n+OK\r\n*2\r\n$1\r\na\r\n$0\r\n\r\n*2\r\n$1\r\n0\r\n*1\r\n:7\r\n'],
      // Binary values, taken by their length: a NUL, a byte that is not UTF-8, a line end inside.
      ['c2s', resp('SET', 'bin', 'ab\x00\x01\xffcd') + resp('GET', 'bin')],
      ['s2c', '+OK\r\n$7\r\nab\x00\x01\xffcd\r\n'],
      // RESP3: null, double, boolean, verbatim string, blob error.
      ['c2s', resp('HGETALL', 'h')],
      ['s2c', '%2\r\n$1\r\nf\r\n_\r\n$1\r\ng\r\n,1.5\r\n#t\r\n=8\r\ntxt:done\r\n!9\r\nERR nope!\r\n'],
      ['c2s', resp('NOPE')],
      ['s2c', "-ERR unknown command 'NOPE'\r\n"],
    ];
    const lines = play(steps);
    expect(lines.items.map((item) => `${item.dir} ${item.text}${item.complete ? '' : ' (cut)'}`)).toEqual([
      'c2s SET greeting "hello world"',
      'c2s GET greeting',
      's2c +OK',
      's2c "hello world"',
      'c2s GET nope',
      'c2s SET k "two\\r\\nlines"',
      'c2s LRANGE l 0 -1',
      'c2s SCAN 0',
      's2c (nil)',
      's2c +OK',
      's2c 1) "a" 2) ""',
      's2c 1) "0" 2) [(integer) 7]',
      'c2s SET bin "ab\\x00\\x01\\xffcd"',
      'c2s GET bin',
      's2c +OK',
      's2c "ab\\x00\\x01\\xffcd"',
      'c2s HGETALL h',
      's2c 1) "f" 2) (nil) 3) "g" 4) (double) 1.5',
      's2c (true)',
      's2c "done"',
      's2c -ERR nope!',
      'c2s NOPE',
      "s2c -ERR unknown command 'NOPE'",
    ]);
    expect(lines.rawFrom('c2s')).toBeUndefined();
    // Each item covers its lines' bytes: together, the whole stream.
    for (const dir of ['c2s', 's2c'] as const) {
      const items = lines.items.filter((item) => item.dir === dir);
      expect(items.reduce((at, item) => (expect(item.offset).toBe(at), at + item.length), 0)).toBe(steps.filter(([d]) => d === dir).reduce((n, [, text]) => n + text.length, 0));
    }
    expect(lines.clientLines).toBe(10);
    expect(lineSummary(lines)).toBe("! Redis HGETALL h → -ERR (10 cmds)");
    // A reply's value in the summary, not its first word.
    expect(lineSummary(play([['c2s', resp('GET', 'greeting')], ['s2c', '$11\r\nhello world\r\n']]))).toBe('Redis GET greeting → "hello world"');
    expect(lineSummary(play([['c2s', resp('KEYS', '*')], ['s2c', `*3\r\n${['alpha', 'bravo', 'charlie'].map((k) => `$${k.length}\r\n${k}\r\n`).join('')}`]]))).toBe('Redis KEYS * → 1) "alpha" 2) "bravo" 3) "cha…');
    expect(lineSummary(play([['c2s', resp('INCR', 'n')], ['s2c', ':3\r\n']]))).toBe('Redis INCR n → (integer) 3');
    // A client library's opening commands that went well are the same on every connection: the one after them is named.
    expect(lineSummary(play([['c2s', resp('AUTH', 'secret')], ['s2c', '+OK\r\n'], ['c2s', resp('SELECT', '2')], ['s2c', '+OK\r\n'], ['c2s', resp('SET', 'k', 'v')], ['s2c', '+OK\r\n']]))).toBe('Redis SET k v → +OK (3 cmds)');
    // One that failed is the story; a PING alone is named.
    expect(lineSummary(play([['c2s', resp('AUTH', 'secret')], ['s2c', '-WRONGPASS invalid username-password pair\r\n'], ['c2s', resp('GET', 'k')], ['s2c', '-NOAUTH Authentication required.\r\n']]))).toMatch(/^! Redis AUTH \(password: 6 bytes\) → -WRONGPASS/);
    expect(lineSummary(play([['c2s', resp('PING')], ['s2c', '+PONG\r\n']]))).toBe('Redis PING → +PONG');
    // An EXEC whose results hold an error fails; a string that reads `-ERR` does not.
    const exec = (reply: string) => lineSummary(play([['c2s', resp('MULTI') + resp('INCR', 's') + resp('EXEC')], ['s2c', `+OK\r\n+QUEUED\r\n${reply}`]]));
    expect(exec('*1\r\n-ERR value is not an integer or out of range\r\n')).toBe('! Redis EXEC → 1) -ERR value is not an integ… (3 cmds)');
    expect(exec('*1\r\n$4\r\n-ERR\r\n')).toBe('Redis MULTI → +OK (3 cmds)');
    // Any `-` reply is a Redis error.
    expect(lineSummary(play([['c2s', resp('GET', 'x')], ['s2c', '-NOAUTH Authentication required.\r\n']]))).toBe('! Redis GET x → -NOAUTH');
    const whole = shape(lines);
    for (let k = 1; k < 40; k++) expect(shape(play(steps, (n) => (k < n ? [k, 2 * k, 3 * k].filter((c) => c < n) : []))), `cut at ${k}`).toEqual(whole);
    expect(shape(play(steps, (n) => Array.from({ length: n - 1 }, (_, i) => i + 1)))).toEqual(whole);
  });

  it('gives the same Redis items at any segment size, on random RESP flows with gaps, broken arrays and long values', () => {
    const random = mulberry32(23);
    const pick = <T>(xs: readonly T[]): T => xs[randomInt(random, 0, xs.length - 1)];
    const value = (): string => pick(['k', 'hello world', '', 'two\r\nlines', 'caf\xc3\xa9', 'b\x00\xff\x1b[2J', 'v'.repeat(MAX_LINE_TEXT + randomInt(random, -3, 3)), '\r\n']);
    const bulk = (text: string): string => `$${Buffer.byteLength(text, 'latin1')}\r\n${text}\r\n`;
    const reply = (depth = 0): string => {
      const r = random();
      if (r < 0.3) return pick(['+OK\r\n', ':42\r\n', '-ERR no\r\n', '$-1\r\n', '_\r\n']);
      if (r < 0.6 || depth > 1) return bulk(value());
      const n = randomInt(random, 0, 3);
      const kind = pick(['*', '~', '%']);
      // A map's n entries are 2n values.
      return `${kind}${n}\r\n${Array.from({ length: kind === '%' ? 2 * n : n }, () => reply(depth + 1)).join('')}`;
    };
    const reached = { complete: 0, cut: 0 };
    for (let flow = 0; flow < 40; flow++) {
      const moves: Move[] = [];
      const say = (dir: Direction, text: string) => moves.push({ dir, bytes: Buffer.from(text, 'latin1') });
      for (let round = randomInt(random, 1, 6); round > 0; round--) {
        const r = random();
        const args = Array.from({ length: randomInt(random, 1, 4) }, value);
        const command = `*${args.length}\r\n${args.map(bulk).join('')}`;
        if (r < 0.15) {
          // A command a capture gap cuts: its first bytes, then the gap.
          say('c2s', command.slice(0, randomInt(random, 1, command.length - 1)));
          moves.push({ dir: 'c2s', gap: randomInt(random, 1, 9), told: random() < 0.5 });
        } else if (r < 0.6) say('c2s', command);
        else if (r < 0.7) say('c2s', `*3\r\n${bulk('SET')}PING\r\n`); // an array broken by an inline command
        if (random() < 0.8) say('s2c', reply());
        if (random() < 0.1) moves.push({ dir: pick(['c2s', 's2c'] as const), gap: randomInt(random, 1, 9), told: random() < 0.5 });
      }
      if (!moves.some((m) => m.dir === 'c2s' && 'bytes' in m)) continue;
      const whole = feedFlow(moves, 0);
      reached.complete += whole.items.filter((i) => i.complete).length;
      reached.cut += whole.items.filter((i) => !i.complete).length;
      // Items never overlap: each begins where the one before of its direction ended, or later (after a gap).
      for (const dir of ['c2s', 's2c'] as const) {
        let at = 0;
        for (const item of whole.items.filter((i) => i.dir === dir)) {
          expect(item.offset).toBeGreaterThanOrEqual(at);
          at = item.offset + item.length;
        }
      }
      for (const size of [1, 2, 3, 5, 7, 11, 16, 61, 1448, 2049]) expect(feedFlow(moves, size, size % 3 === 0 ? size : 0), `flow ${flow}, ${size}-byte segments`).toEqual(whole);
    }
    expect(reached.complete).toBeGreaterThan(100);
    expect(reached.cut).toBeGreaterThan(3);
  });

  it('keeps a RESP value\'s text to about 2 KiB however many elements it has, built as they come', () => {
    const n = 20_000;
    const reply = `*${n}\r\n${Array.from({ length: n }, (_, i) => `$9\r\nkey:${String(i).padStart(5, '0')}\r\n`).join('')}`;
    const lines = play([['c2s', resp('KEYS', '*')], ['s2c', reply]], (length) => Array.from({ length: Math.floor(length / 1448) }, (_, i) => (i + 1) * 1448));
    const text = lines.items[1].text;
    expect(text.startsWith('1) "key:00000" 2) "key:00001" 3) "key:00002"')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text.length).toBeLessThan(2200);
    expect(lines.items.map((item) => [item.length, item.complete])).toEqual([[Buffer.byteLength(resp('KEYS', '*')), true], [reply.length, true]]);
  });

  it('masks a RESP password as soon as it is read: a command cut after it, or still arriving, shows no password', () => {
    const hello = resp('HELLO', '3', 'AUTH', 'default', 'hunter2', 'SETNAME', 'app');
    const upTo = hello.indexOf('hunter2') + 'hunter2\r\n'.length;
    const lines = new LineConversation('c2s');
    lines.feed('c2s', 0, Buffer.from(hello.slice(0, upTo)), 1);
    const item = lines.items[0];
    expect([item.complete, item.text]).toEqual([false, 'HELLO 3 AUTH default (password: 7 bytes)']);
    // Half of it: nothing of the password shows.
    const half = new LineConversation('c2s');
    half.feed('c2s', 0, Buffer.from(hello.slice(0, upTo - 5)), 1);
    expect(half.items[0].text).toBe('HELLO 3 AUTH default');
    lines.end('c2s');
    expect(item.text).toBe('HELLO 3 AUTH default (password: 7 bytes)');
    // After a gap inside a value, the next AUTH is read afresh, not as the rest of the old value.
    const afterGap = new LineConversation('c2s');
    afterGap.feed('c2s', 0, Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nabc'), 1);
    afterGap.gap('c2s', 30, 9, 2);
    afterGap.feed('c2s', 39, Buffer.from(resp('AUTH', 'hunter2')), 3);
    expect(afterGap.items.map((i) => [i.text, i.complete])).toEqual([['SET k', false], ['AUTH (password: 7 bytes)', true]]);
  });

  it('counts a gap inside a RESP bulk string or an IMAP literal into it: what follows is not read as lines', () => {
    // A password a gap cuts: the rest of it after the gap is no line of its own.
    const auth = new LineConversation('c2s');
    const command = resp('AUTH', 'supersecretpassword');
    auth.feed('c2s', 0, Buffer.from(command.slice(0, 20)), 1);
    auth.gap('c2s', 20, 5, 2);
    auth.feed('c2s', 25, Buffer.from(command.slice(25) + resp('PING')), 3);
    expect(auth.items.map((i) => [i.text, i.offset, i.length, i.complete])).toEqual([['AUTH (password: 19 bytes)', 0, command.length, true], ['PING', command.length, 14, true]]);
    // A binary value a gap cuts: the direction stays RESP, not raw.
    const binary = new LineConversation('c2s');
    const set = resp('SET', 'k', '\x00'.repeat(3000));
    binary.feed('c2s', 0, Buffer.from(set.slice(0, 1500), 'latin1'), 1);
    binary.gap('c2s', 1500, 10, 2);
    binary.feed('c2s', 1510, Buffer.from(set.slice(1510) + resp('GET', 'k'), 'latin1'), 3);
    expect(binary.rawFrom('c2s')).toBeUndefined();
    expect(binary.items.map((i) => [i.text.slice(0, 11), i.length, i.complete])).toEqual([['SET k "\\x00', set.length, true], ['GET k', resp('GET', 'k').length, true]]);
    // Its text, cut to about 2 KiB, ends on a whole escape.
    expect(binary.items[0].text).toMatch(/"?(\\x00)+…$/);
    // An IMAP literal a gap cuts goes on after it: its lines are no IMAP replies.
    const mail = 'Subject: x\r\n\r\nt: NO thanks\r\nhello\r\n';
    const imap = new LineConversation('c2s');
    imap.feed('s2c', 0, Buffer.from('* OK hi\r\n'), 1);
    imap.feed('c2s', 0, Buffer.from('a FETCH 1 BODY[]\r\n'), 2);
    const fetch = `* 1 FETCH (BODY[] {${mail.length}}\r\n${mail})\r\na OK done\r\n`;
    const at = 9 + fetch.indexOf('Subject') + 4;
    imap.feed('s2c', 9, Buffer.from(fetch.slice(0, at - 9)), 3);
    imap.gap('s2c', at, 3, 4);
    imap.feed('s2c', at + 3, Buffer.from(fetch.slice(at + 3 - 9)), 5);
    expect(imap.items.filter((i) => i.dir === 's2c').map((i) => `${i.kind} ${i.length} ${i.complete}`)).toEqual(['line 9 true', `line ${fetch.indexOf('\n') + 1} true`, `block ${mail.length} true`, 'line 3 true', 'line 11 true']);
    expect(lineSummary(imap)).toBe('IMAP a FETCH 1 BODY[] → OK');
  });

  it('keeps a Redis password out past many words, pairs no push with a command, and fails no array for a quoted -', () => {
    const pairs = Array.from({ length: 8 }, (_, i) => [`p${i}`, 'v']).flat();
    const config = play([['c2s', resp('CONFIG', 'SET', ...pairs, 'requirepass', 'hunter2secret')], ['s2c', '+OK\r\n']]);
    expect(config.items[0].text.endsWith('requirepass (password: 13 bytes)')).toBe(true);
    // A RESP3 push answers no command: the error is LPUSH's.
    const pushed = play([
      ['c2s', resp('HELLO', '3') + resp('LPUSH', 'a', 'x') + resp('SET', 'b', '1')],
      ['s2c', '%1\r\n$5\r\nproto\r\n:3\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n-WRONGTYPE wrong kind\r\n+OK\r\n'],
    ]);
    expect(lineSummary(pushed)).toBe('! Redis LPUSH a x → -WRONGTYPE (3 cmds)');
    const quoted = play([['c2s', resp('MGET', 'a', 'b')], ['s2c', '*2\r\n$12\r\nsteps 1) -go\r\n$1\r\nx\r\n']]);
    expect(lineSummary(quoted)).toBe('Redis MGET a b → 1) "steps 1) -go" 2) "x"');
  });

  it('names a Redis session typed by hand Redis, though its first reply is +OK as POP3\'s greeting is', () => {
    const lines = play([['c2s', 'AUTH pw\r\n'], ['s2c', '+OK\r\n'], ['c2s', resp('GET', 'k')], ['s2c', '$1\r\nv\r\n']]);
    expect(lineProtocolName(lines)).toBe('Redis');
    expect(lines.items.map((i) => i.text)).toEqual(['AUTH pw', '+OK', 'GET k', '"v"']);
    // POP3 joined after its greeting: its commands still tell.
    expect(lineProtocolName(play([['c2s', 'STAT\r\n'], ['s2c', '+OK 2 320\r\n']]))).toBe('POP3');
  });

  it('leaves a RESP value a gap cuts unfinished, and reads the next one afresh', () => {
    const lines = new LineConversation('c2s');
    lines.feed('c2s', 0, Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n'), 1);
    lines.gap('c2s', 20, 10, 2);
    lines.feed('c2s', 30, Buffer.from(resp('PING')), 3);
    lines.end('c2s');
    expect(lines.items.map((item) => [item.text, item.complete])).toEqual([['SET k', false], ['PING', true]]);
  });

  it('holds the first bytes of a TLS record header as a copy: a source may reuse its buffer after the call', () => {
    const seen: string[] = [];
    const lines = new LineConversation('c2s', { onBinary: (dir, offset, tls) => seen.push(`${dir}@${offset} ${tls}`) });
    lines.feed('s2c', 0, Buffer.from('220 mx ESMTP\r\n'), 1);
    lines.feed('c2s', 0, Buffer.from('STARTTLS\r\n'), 2);
    lines.feed('s2c', 14, Buffer.from('220 go ahead\r\n'), 3);
    const pooled = Buffer.from('\x16\x03', 'latin1');
    lines.feed('c2s', 10, pooled, 4);
    pooled.fill(0x41); // the source's next packet
    lines.feed('c2s', 12, Buffer.from('\x01\x00\x05hello', 'latin1'), 5);
    expect(seen).toEqual(['c2s@10 true']);
  });

  it('names a conversation the client opens once the server has answered, though asked before (a live flow list asks at every frame)', () => {
    const lines = new LineConversation('c2s');
    lines.feed('c2s', 0, Buffer.from('RETR 1\r\n'), 1);
    expect(lines.protocol).toBe('text'); // nothing from the server yet
    lines.feed('s2c', 0, Buffer.from('+OK 120 octets\r\n'), 2);
    expect(lines.protocol).toBe('POP3');
    expect(lineSummary(lines)).toBe('POP3 RETR 1 → +OK');
  });

  it('hands a direction to TLS after STARTTLS, and turns binary data raw, with notes', () => {
    const seen: string[] = [];
    const lines = play([
      ['s2c', '220 mail.example.com ESMTP\r\n'], ['c2s', 'STARTTLS\r\n'], ['s2c', '220 Go ahead\r\n'],
      ['c2s', '\x16\x03\x01\x00\x05hello'], ['s2c', 'ok\r\nthen\x00binary'],
    ], () => [], (dir, offset, tls) => seen.push(`${dir}@${offset} ${tls}`));
    expect(seen).toEqual(['c2s@10 true', 's2c@50 false']);
    expect(lines.notes.map((n) => `${n.dir}@${n.offset}: ${n.text}`)).toEqual(['c2s@10: TLS from here', 's2c@50: binary data: raw bytes from here']);
    expect([lines.rawFrom('c2s'), lines.rawFrom('s2c')]).toEqual([10, 50]);
    expect(shape(lines).slice(-2)).toEqual(['s2c 42+4 ok', 's2c 46+4 then (cut)']);
  });

  it('a line with the controls terminals take in text (an OSC 52 ended by BEL, backspace, form feed) stays a line', () => {
    const lines = play([['s2c', '\x1b]52;c;cHduZWQ=\x07 hi\r\n'], ['c2s', 'ab\x08c\x0c\r\n'], ['s2c', 'then\x00binary']]);
    expect(shape(lines)).toEqual(['s2c 0+21 \x1b]52;c;cHduZWQ=\x07 hi', 'c2s 0+7 ab\x08c\x0c', 's2c 21+4 then (cut)']);
    expect(lines.notes.map((n) => `${n.dir}@${n.offset}: ${n.text}`)).toEqual(['s2c@25: binary data: raw bytes from here']);
  });

  it('tells a TLS record from a line that starts with 0x16 the same wherever the stream is cut', () => {
    const starttls: Step[] = [['s2c', '220 mx ESMTP\r\n'], ['c2s', 'STARTTLS\r\n'], ['s2c', '220 go ahead\r\n']];
    const outcome = (lines: LineConversation, binary: string[]) => ({ items: shape(lines), notes: lines.notes, raw: [lines.rawFrom('c2s'), lines.rawFrom('s2c')], binary });
    const cases: [string, string][] = [
      ['\x16\x03\x01\x00\x05hello', 'c2s@10 true'],
      ['\x16\x03\x04\x48\x00', 'c2s@10 true'],
      ['\x16hello\r\n', 'c2s@10 false'],
      ['\x16\x03\x05\x00\x05hello', 'c2s@10 false'],
      ['\x16\x03\x01\x00\x00hello', 'c2s@10 false'],
      ['\x16\x03\x01\x48\x01', 'c2s@10 false'],
      ['\x16\x03\x01', 'c2s@10 false'],
      ['\x16', 'c2s@10 false'],
    ];
    for (const [tail, expected] of cases) {
      const steps: Step[] = [...starttls, ['c2s', tail], ['s2c', '250 ok\r\n']];
      const run = (cuts: (n: number) => number[]) => {
        const binary: string[] = [];
        return outcome(play(steps, cuts, (dir, offset, tls) => binary.push(`${dir}@${offset} ${tls}`)), binary);
      };
      const whole = run(() => []);
      expect(whole.binary, JSON.stringify(tail)).toEqual([expected]);
      for (let k = 1; k < tail.length; k++) expect(run((n) => (k < n ? [k] : [])), `${JSON.stringify(tail)} cut at ${k}`).toEqual(whole);
      expect(run((n) => Array.from({ length: n - 1 }, (_, i) => i + 1)), `${JSON.stringify(tail)} byte by byte`).toEqual(whole);
    }
    // A gap decides with the bytes held before it: too few for a record header.
    for (const told of [true, false]) {
      const lines = new LineConversation();
      lines.feed('c2s', 0, Buffer.from('\x16\x03'), 1);
      if (told) lines.gap('c2s', 2, 1, 2);
      lines.feed('c2s', 3, Buffer.from('\x00\x05hello'), 3);
      expect([lines.rawFrom('c2s'), lines.notes.map((n) => n.text)]).toEqual([0, ['binary data: raw bytes from here']]);
    }
  });

  it('keeps at most MAX_NOTES notes, as every conversation does', () => {
    const lines = new LineConversation();
    for (let i = 0; i < MAX_NOTES + 5; i++) {
      lines.feed('c2s', 3 * i, Buffer.from('a\n'), i);
      lines.gap('c2s', 3 * i + 2, 1, i);
    }
    expect(lines.notes).toHaveLength(MAX_NOTES);
  });

  it('keeps at most MAX_LINE_TEXT bytes of a line, counting all of it, and cuts a line at a gap', () => {
    const lines = new LineConversation();
    const long = 'x'.repeat(MAX_LINE_TEXT * 3) + '\r\n';
    lines.feed('c2s', 0, Buffer.from(long), 1);
    lines.feed('c2s', long.length, Buffer.from('half'), 2);
    lines.gap('c2s', long.length + 4, 10, 3);
    lines.feed('c2s', long.length + 14, Buffer.from('next\n'), 4);
    expect(lines.items.map((i) => [i.text.length, i.length, i.complete])).toEqual([[MAX_LINE_TEXT, long.length, true], [4, 4, false], [4, 5, true]]);
    expect(lines.notes.map((n) => n.gap)).toEqual([10]);
  });
});

describe('the command an error reply answers', () => {
  const summary = (...steps: Step[]): string => lineSummary(play(steps));

  it('SMTP pipelining: each final reply answers the oldest command waiting, multi-line replies and 354 aside', () => {
    expect(summary(
      ['s2c', '220 mx ESMTP\r\n'], ['c2s', 'EHLO me\r\n'], ['s2c', '250-mx\r\n250 PIPELINING\r\n'],
      ['c2s', 'MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n'], ['s2c', '250 ok\r\n550 no such user\r\n554 no valid recipients\r\n'],
    )).toBe('! SMTP RCPT TO:<b@x> → 550 (4 cmds)');
    expect(summary(
      ['s2c', '220 mx ESMTP\r\n'], ['c2s', 'MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n'], ['s2c', '250 ok\r\n250 ok\r\n354 go\r\n'],
      ['c2s', 'body\r\n.\r\nQUIT\r\n'], ['s2c', '452 full\r\n221 bye\r\n'],
    )).toBe('! SMTP DATA → 452 (4 cmds)');
  });

  it('a SASL answer belongs to its AUTH command', () => {
    expect(summary(['s2c', '220 mx ESMTP\r\n'], ['c2s', 'AUTH LOGIN\r\n'], ['s2c', '334 VXNlcm5hbWU6\r\n'], ['c2s', 'Ym9i\r\n'], ['s2c', '334 UGFzc3dvcmQ6\r\n'], ['c2s', 'aHVudGVyMg==\r\n'], ['s2c', '535 bad\r\n']))
      .toBe('! SMTP AUTH LOGIN → 535 (3 cmds)');
    expect(summary(['s2c', '+OK POP3\r\n'], ['c2s', 'AUTH PLAIN\r\n'], ['s2c', '+ \r\n'], ['c2s', 'AGJvYgBwdw==\r\n'], ['s2c', '-ERR no\r\n']))
      .toBe('! POP3 AUTH PLAIN → -ERR (2 cmds)');
  });

  it('an AUTH that succeeds is summed up by its final reply, not its continuation', () => {
    expect(summary(['s2c', '+OK POP3\r\n'], ['c2s', 'AUTH PLAIN\r\n'], ['s2c', '+ \r\n'], ['c2s', 'AGJvYgBwdw==\r\n'], ['s2c', '+OK 3 messages\r\n'], ['c2s', 'STAT\r\n']))
      .toBe('POP3 AUTH PLAIN → +OK (3 cmds)');
    expect(summary(['s2c', '* OK ready\r\n'], ['c2s', 'a1 AUTHENTICATE PLAIN\r\n'], ['s2c', '+ \r\n'], ['c2s', 'AGJvYgBwdw==\r\n'], ['s2c', '* CAPABILITY IMAP4rev1\r\na1 OK done\r\n']))
      .toBe('IMAP a1 AUTHENTICATE PLAIN → OK (2 cmds)');
    expect(summary(['s2c', '220 mx ESMTP\r\n'], ['c2s', 'AUTH LOGIN\r\n'], ['s2c', '334 VXNlcm5hbWU6\r\n'], ['c2s', 'Ym9i\r\n'], ['s2c', '334 UGFzc3dvcmQ6\r\n'], ['c2s', 'aHVudGVyMg==\r\n'], ['s2c', '235 ok\r\n']))
      .toBe('SMTP AUTH LOGIN → 235 (3 cmds)');
    // No final reply yet: the continuation is all there is to say.
    expect(summary(['s2c', '+OK POP3\r\n'], ['c2s', 'AUTH PLAIN\r\n'], ['s2c', '+ \r\n'])).toBe('POP3 AUTH PLAIN → +');
    // Nor is one looked for past 64 lines (the list asks at every frame): a continuation, then a long answer.
    const answer = Array.from({ length: 100 }, (_, i): ['c2s', string] => ['c2s', `line ${i}\r\n`]);
    expect(summary(['s2c', '220 mx ESMTP\r\n'], ['c2s', 'AUTH LOGIN\r\n'], ['s2c', '334 VXNlcm5hbWU6\r\n'], ...answer, ['s2c', '235 ok\r\n'])).toMatch(/^SMTP AUTH LOGIN → 334 /);
  });

  it('IMAP: a tagged reply answers the command of its tag; literals belong to their command', () => {
    expect(summary(['s2c', '* OK ready\r\n'], ['c2s', 'a1 SELECT INBOX\r\na2 FETCH 1 BODY[]\r\n'], ['s2c', 'a1 NO no such box\r\na2 BAD no box\r\n']))
      .toBe('! IMAP a1 SELECT INBOX → NO (2 cmds)');
    expect(summary(['s2c', '* OK ready\r\n'], ['c2s', 'a1 LOGIN {3}\r\n'], ['s2c', '+ go\r\n'], ['c2s', 'bob {7}\r\n'], ['s2c', '+ go\r\n'], ['c2s', 'hunter2\r\n'], ['s2c', 'a1 NO bad\r\n']))
      .toBe('! IMAP a1 LOGIN {3} → NO (3 cmds)');
  });

  it('FTP: a 1xx reply is not final', () => {
    expect(summary(['s2c', '220 FTP ready\r\n'], ['c2s', 'RETR a\r\nRETR b\r\n'], ['s2c', '150 opening\r\n550 a gone\r\n550 no b\r\n']))
      .toBe('! FTP RETR a → 550 (2 cmds)');
  });
});

describe('line text that is not UTF-8', () => {
  it('is kept a character per byte and marked, so the view can show its bytes as \\xNN', () => {
    const lines = play([['c2s', 'G\xffT / x\r\n'], ['s2c', 'caf\xc3\xa9 ok\r\n'], ['c2s', 'plain\r\n']]);
    expect(lines.items.map((item) => [item.text, item.notUtf8 === true])).toEqual([
      ['G\xffT / x', true],
      ['café ok', false],
      ['plain', false],
    ]);
  });
});
