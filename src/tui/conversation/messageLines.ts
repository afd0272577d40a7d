/**
 * The messages display mode's lines: a flow's parsed messages (see `messages/`) as units. HTTP:
 * the exchanges (httpLines.ts), then the WebSocket frames after a switch (websocketLines.ts).
 * Line protocols: command and reply lines, SMTP's DATA body and a POP3 mail or IMAP literal as
 * its size and its first lines (all of them when expanded), a line under way its text so far.
 * TLS: the hellos. After them, a request head still arriving, then the bytes a parser gave up on
 * (rawLines.ts). Every string from the network goes through `render/` escaping. Pure, apart from
 * reading body bytes through `read`.
 */
import { otherDirection, type Direction, type Micros } from '../../core/types.js';
import type { BodyRole } from './bodyInView.js';
import type { FlowMessages } from '../../messages/flowMessages.js';
import { mailLength, type LineItem } from '../../messages/lineItem.js';
import { clientOffer, serverChoice } from '../../messages/tlsText.js';
import type { StreamNote } from '../../messages/types.js';
import { escapeLine, escapeText, withPlainBackslashes } from '../../render/escape.js';
import { expandTabs } from './tabStops.js';
import { BodyCache, decodeText, endsInLine, firstLines, pushBody, splitLines, type BodyReader } from './bodyLines.js';
import { countOf, formatCount } from '../../core/count.js';
import type { HexRow } from '../../render/hex.js';
import { undoDotStuffing } from '../../messages/dotStuffing.js';
import { type LineKind, type Side, type WrapBreaks } from './lineText.js';
import { frameEnd, frameLines, frameVersion } from './websocketLines.js';
import { NotePlacer, noteLine, shownNotes, UnitNotes } from './messageNotes.js';
import { RawSection, type FlowChunks } from './rawLines.js';
import { arrivingHeadLines, exchangeComplete, exchangeEnd, exchangeLines, exchangeVersion } from './httpLines.js';


/** One line of the messages mode, before wrapping. `expand` names a cut body (Enter shows it all). */
export interface MessageLine {
  readonly side: Side;
  readonly kind: LineKind;
  readonly text: string;
  readonly expand?: string;
  /** The HTTP exchange (its index) the line belongs to. */
  readonly exchange?: number;
  /** The message of that exchange the line shows (its start line, headers, body and notes). */
  readonly role?: BodyRole;
  /** The unit (its index: see {@link MessageUnits}) a line protocol item's line (a command, a DATA block) or a WebSocket frame's line belongs to. */
  readonly item?: number;
  /** When what the line starts arrived (a message's first byte, a body's last), for the `t` prefix. */
  readonly ts?: Micros;
  /** For a timed line (a FIN, a note: see timedLines.ts), the chunk it came before (see marks.ts). */
  readonly chunk?: number;
  /** For an event line about one side's message (its body's size, a cut): that side (`d` hides it with the message). */
  readonly of?: Side;
  /** A line of a hex dump (a binary body or frame): the bytes it shows, which a narrow pane shows in narrower rows rather than wrapped. */
  readonly hex?: HexRow;
  /** Where the line may wrap, when not as its side says (event lines `prose`, the sides' decoded text `words`): see {@link WrapBreaks}. */
  readonly breaks?: WrapBreaks;
  /** Where the line's first byte is in its direction's stream, when it shows the bytes as sent (a body with no coding undone): `m` and `x` keep that line in place. */
  readonly at?: Pick<MessageStart, 'dir' | 'offset'>;
  /** The line's number among its body's lines (0: the first). */
  readonly bodyLine?: number;
  /** A line of a body still arriving shown as its newest lines (tail -f): the body's `expand` name (its `bodyLine` counts from the body's start). */
  readonly tail?: string;
}

/** Most lines built for one flow (a flow of thousands of exchanges ends with a line saying so). */
export const MAX_MESSAGE_LINES = 50_000;

/**
 * A line item as shown (and summed up in the flow list): bytes that are not UTF-8 as `\xNN`, as
 * the raw text mode shows them (not as Latin-1 letters); tabs expanded. A line of a login says
 * what its base64 decodes to (`334 VXNlcm5hbWU6  (Username:)`), and a password only by its size
 * (`PASS (password: 8 bytes)`, `AUTH PLAIN (user: bob, password: 8 bytes)`): the text mode shows the bytes sent.
 */
export function lineText(item: LineItem): string {
  const auth = item.auth;
  const shown = (text: string): string => expandTabs(text, (piece) => withPlainBackslashes(item.notUtf8 ? escapeLine(Buffer.from(piece, 'latin1')) : escapeText(piece)));
  if (auth === undefined) return shown(item.text);
  if (auth.kind === 'decoded') return `${shown(item.text)}  (${decodedText(auth.bytes)})`;
  const parts = [
    ...(auth.user ? [`user: ${decodedText(auth.user)}`] : []),
    ...(auth.authzid ? [`authzid: ${decodedText(auth.authzid)}`] : []),
    `${auth.secret}: ${countOf(auth.secretBytes, 'byte')}`,
  ];
  return `${auth.shown === '' ? '' : `${shown(auth.shown)} `}(${parts.join(', ')})`;
}

/** Bytes a login's base64 decoded to, display-safe on one row (tabs and line ends escaped). */
function decodedText(bytes: Uint8Array): string {
  return withPlainBackslashes(escapeLine(bytes));
}

/**
 * A flow's messages as units in order, each making its own lines: the HTTP exchanges (then the
 * WebSocket frames after a switch to WebSocket), or the items of a line protocol (none for TLS
 * alone). Units are only ever appended. A parser's note
 * is shown with its unit (see messageNotes.ts), where it fits in the unit's lines.
 */
export interface MessageUnits {
  /** Units so far. */
  readonly count: number;
  /** What unit `index`'s lines depend on, expanded bodies aside (its notes included): the same version, the same lines. */
  version(index: number): string;
  /**
   * True once unit `index` can no longer change (then only expanding one of its bodies changes its
   * lines). No note can come to a settled unit: a parser notes only at or after the start of the
   * message it reads, and a settled unit's messages are all read.
   */
  settled(index: number): boolean;
  /**
   * True when unit `index` is where `]` and `[` stop: every HTTP exchange and WebSocket frame; in a
   * line protocol the first item and each client item after a server one, so a command and its
   * reply (commands sent together and their replies, a 40-line reply) are one step.
   */
  stop(index: number): boolean;
  /** Unit `index`'s lines, new objects at each call. */
  lines(index: number): MessageLine[];
  /** Where unit `index`'s messages start in the streams, in order: an exchange's request, then its response; else its one message. */
  starts(index: number): readonly MessageStart[];
  /** The notes of no unit before `count` (shown after the units). */
  notesAfter(count: number): readonly StreamNote[];
}

/** Where a message starts: its direction and stream offset, and for an HTTP message its role in its exchange. */
export interface MessageStart {
  readonly dir: Direction;
  readonly offset: number;
  readonly role?: BodyRole;
}

/**
 * The units of `messages`; bodies in `expanded` (by `expand` name) are shown whole, taken from
 * `bodies` when they can be; `arrow` between a request and its answer (the glyph set's `right`);
 * `chunks` shows the gaps among an exchange's stray bytes (see strayLines.ts).
 */
export function messageUnits(messages: FlowMessages, read: BodyReader, expanded: ReadonlySet<string>, bodies: BodyCache, arrow = '→', chunks?: FlowChunks): MessageUnits {
  const side = (dir: Direction): Side => (dir === messages.clientDir ? 'client' : 'server');
  const http = messages.http;
  if (http) {
    // The exchanges, then the WebSocket frames after a switch to WebSocket.
    const exchanges = http.exchanges.length;
    // The server's bytes became raw (not HTTP): a request it never answered in HTTP was answered so.
    const serverRaw = http.rawFrom(http.requestDir === 'c2s' ? 's2c' : 'c2s') !== undefined;
    const frames = messages.websocket?.frames ?? [];
    const end = (index: number, dir: Direction): number | undefined => {
      if (index < exchanges) return exchangeEnd(http.exchanges[index], dir);
      const frame = frames[index - exchanges];
      return frame.dir === dir ? frameEnd(frame) : undefined;
    };
    const notes = new UnitNotes(shownNotes(messages), end);
    // A response head still arriving is shown in the exchange it will answer.
    const answer = http.arriving(otherDirection(http.requestDir));
    const arriving = (index: number) => (answer?.exchange !== undefined && answer.exchange === http.exchanges[index] ? answer : undefined);
    return {
      count: exchanges + frames.length,
      version: (index) => withNotes(index < exchanges ? `${exchangeVersion(http.exchanges[index])}|${arriving(index)?.length ?? ''}|${messages.awaitingUpstream}` : frameVersion(frames[index - exchanges]), notes.of(index)),
      settled: (index) => (index < exchanges ? exchangeComplete(http.exchanges[index]) : frames[index - exchanges].complete),
      stop: () => true,
      lines: (index) => {
        const lines: MessageLine[] = [];
        if (index < exchanges) {
          exchangeLines(http.exchanges[index], notes.of(index), side, { read, chunks }, expanded, bodies, lines, serverRaw, arrow, messages.upstreamFailure ?? (messages.awaitingUpstream ? 'connecting' : undefined), arriving(index));
          return lines.map((line) => ({ ...line, exchange: index }));
        }
        const frame = frames[index - exchanges];
        const placed = new NotePlacer(notes.of(index), side);
        placed.before(frame.dir, frame.offset, lines);
        frameLines(frame, `w${index}`, side(frame.dir), read, expanded, bodies, lines);
        placed.rest(lines);
        return lines.map((line) => ({ ...line, item: index }));
      },
      notesAfter: (count) => notes.after(count),
      starts: (index) => {
        if (index >= exchanges) return [frames[index - exchanges]];
        const { request, response } = http.exchanges[index];
        const starts: MessageStart[] = [];
        if (request) starts.push({ dir: request.dir, offset: request.offset, role: 'request' });
        if (response) starts.push({ dir: response.dir, offset: response.offset, role: 'response' });
        return starts;
      },
    };
  }
  const items = messages.lines?.items ?? [];
  const notes = new UnitNotes(shownNotes(messages), (index, dir) => (items[index].dir === dir ? items[index].offset + items[index].length : undefined));
  // An FTP control connection's announcements, by item: the data connection each one opened.
  const links = new Map(messages.announced.map((channel) => [channel.announcement, channel]));
  return {
    count: items.length,
    version: (index) => withNotes(`${items[index].length}|${items[index].complete}|${items[index].text.length}|${links.get(index)?.dataFlowId ?? ''}`, notes.of(index)),
    // An announcement whose data connection has not opened yet may still get its link.
    settled: (index) => items[index].complete && !(links.has(index) && links.get(index)!.dataFlowId === undefined),
    stop: (index) => index === 0 || (items[index].dir === messages.clientDir && items[index - 1].dir !== messages.clientDir),
    lines: (index) => {
      const item = items[index];
      const lines: MessageLine[] = [];
      const placed = new NotePlacer(notes.of(index), side);
      placed.before(item.dir, item.offset, lines);
      if (item.kind === 'line') {
        // A line still under way (a prompt waiting for its answer) shows its text so far.
        const shown = messages.lines?.shownSoFar(item) ?? item;
        lines.push({ side: side(item.dir), kind: 'data', text: lineText(shown), ts: item.firstTs });
      } else if (item.kind === 'telnet') lines.push({ side: side(item.dir), kind: 'note', text: `telnet ${item.text === '' ? '(a command cut short)' : escapeText(item.text)}`, ts: item.firstTs, breaks: 'prose' });
      else blockLines(item, side(item.dir), read, expanded, bodies, `b${index}`, lines);
      const dataFlow = links.get(index)?.dataFlowId;
      if (dataFlow !== undefined) lines.push({ side: 'event', kind: 'event', text: `data connection: #${dataFlow}` });
      placed.rest(lines);
      return lines.map((line) => ({ ...line, item: index }));
    },
    notesAfter: (count) => notes.after(count),
    starts: (index) => [items[index]],
  };
}

/** A unit's version with its notes: the notes of a unit are only ever added to, so their number tells. */
function withNotes(version: string, notes: readonly StreamNote[]): string {
  return notes.length === 0 ? version : `${version}|n${notes.length}`;
}

/**
 * The lines after the units (`shown` of them): TLS hellos, a line saying units were left out, the
 * notes of no unit shown, then the raw bytes after a parser stopped (`raw`; all of them when
 * expanded).
 */
export function trailerLines(messages: FlowMessages, units: MessageUnits, shown: number, raw: RawSection, expanded: ReadonlySet<string>): MessageLine[] {
  const out: MessageLine[] = [];
  const side = (dir: Direction): Side => (dir === messages.clientDir ? 'client' : 'server');
  const tls = messages.tls;
  if (tls?.client) {
    out.push({ side: side(tls.clientDir), kind: 'data', text: `TLS ClientHello  ${escapeText(clientOffer(tls.client))}`, ts: tls.client.ts, breaks: 'prose' });
  }
  if (tls?.server) out.push({ side: side(tls.clientDir === 'c2s' ? 's2c' : 'c2s'), kind: 'data', text: `TLS ServerHello  ${escapeText(serverChoice(tls.server, tls.client))}`, ts: tls.server.ts, breaks: 'prose' });
  if (shown < units.count) out.push({ side: 'event', kind: 'note', text: 'more messages than shown here: m shows the raw bytes' });
  for (const note of units.notesAfter(shown)) out.push(noteLine(note, side));
  // A head still arriving that no exchange shown holds yet: a request's (a response's with no request waiting).
  const http = messages.http;
  for (const dir of http ? [http.requestDir, otherDirection(http.requestDir)] : []) {
    const head = http!.arriving(dir);
    if (head && head.exchange === undefined) arrivingHeadLines(head, dir === http!.requestDir ? 'request' : 'response', side(dir), raw.read, out);
  }
  raw.push(messages, expanded, out);
  return out;
}

/**
 * Every line of `messages` at once: the units' lines, up to {@link MAX_MESSAGE_LINES}, then the
 * trailer's (what the view shows between the connection's head and tail lines). `chunks` orders
 * the raw bytes of two directions (see {@link RawSection}).
 */
export function messageLines(messages: FlowMessages, read: BodyReader, expanded: ReadonlySet<string>, bodies = new BodyCache(), chunks?: FlowChunks): MessageLine[] {
  const units = messageUnits(messages, read, expanded, bodies, '→', chunks);
  const out: MessageLine[] = [];
  let index = 0;
  for (; index < units.count && out.length < MAX_MESSAGE_LINES; index++) for (const line of units.lines(index)) out.push(line);
  return [...out, ...trailerLines(messages, units, index, new RawSection(read, chunks), expanded)];
}

/**
 * A block: an SMTP DATA body (`DATA body: N bytes`), the mail a POP3 server sent for RETR or
 * TOP (`mail: N bytes`) or an IMAP literal (`literal: N bytes`), the size being what `b` saves
 * (see {@link mailLength}), then its first lines (all when expanded), as a mail client would read
 * them: UTF-8, else Latin-1, escaped; the dot-stuffing undone (RFC 5321 4.5.2) and the final `.`
 * line left out (a literal has neither).
 */
function blockLines(block: LineItem, side: Side, read: BodyReader, expanded: ReadonlySet<string>, cache: BodyCache, key: string, out: MessageLine[]): void {
  const what = block.literal ? 'literal' : side === 'client' ? 'DATA body' : 'mail';
  out.push({ side: 'event', kind: 'event', text: `${what}: ${formatCount(mailLength(block))} bytes${block.complete ? '' : ' (unfinished)'}`, ts: block.firstTs, of: side });
  const { body, unread, wireRead } = pushBody(block, side, key, read, expanded, cache, out, (bytes, _whole, asked, upTo) => {
    const mail = block.literal ? bytes : undoDotStuffing(bytes, true);
    const ranges = splitLines(mail, 'utf-8');
    // The final "." line is left out; a read a capture gap stopped has not reached it.
    if (!block.literal && block.complete && asked === block.length && bytes.length === asked && ranges.length > 0) ranges.pop();
    const cut = bytes.length < asked ? [`${formatCount(asked - bytes.length)} bytes from a capture gap on not shown: m shows the raw bytes`] : [];
    const { lines, unmade, line } = firstLines(ranges, upTo, ([from, to]) => decodeText(mail, 'utf-8', from, to));
    return { all: lines, unmade, line, notes: cut, lastLineCut: endsInLine(bytes) };
  });
  for (const note of body.notes) out.push({ side: 'event', kind: 'note', text: note, of: side });
  if (body.error !== undefined) out.push({ side: 'event', kind: 'event', text: `body unreadable: ${body.error}`, of: side });
  else if (unread && body.whole) out.push({ side: 'event', kind: 'event', text: `only the first ${formatCount(wireRead)} of ${formatCount(block.length)} bytes read`, of: side });
}
