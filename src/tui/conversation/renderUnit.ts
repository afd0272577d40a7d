/**
 * Builds the logical lines of one unit (see `units.ts`) for the current settings, reading only
 * that unit's bytes (and, in text mode, at most `2 * LINE_CAP + 1` bytes before it to find where
 * its first line starts; see `streamLines.ts`). Every text it returns is escaped.
 */
import { endedWithCapture, REFUSED, upstreamFailed, type Direction, type HandshakeSeen } from '../../core/types.js';
import { decodeEscaped } from '../../render/encoding.js';
import { formatEndpoint } from '../../render/endpoint.js';
import { escapeText } from '../../render/escape.js';
import { hexDumpLines, hexLayoutFitting } from '../../render/hex.js';
import { LINE_CONTINUES_MARK } from '../../render/lines.js';
import { formatCount } from '../../core/count.js';
import { gapWords } from '../../render/gapWords.js';
import { formatLocalDayZone } from '../../render/time.js';
import { type LogicalLine, type Side } from './lineText.js';
import { flowMarks, type Mark } from './marks.js';
import type { ConversationSettings } from './settings.js';
import { extentOf, type ConversationChunk, type ConversationFlow, type ConversationSource } from './source.js';
import { breaksAt, LINE_CAP, lineStartIfKnown, linesIn, readSegments, type Segment } from './streamLines.js';
import { SPAN_BYTES, type UnitKey } from './units.js';

/** Lines of a unit, and what their validity depends on. */
export interface UnitLines {
  readonly lines: LogicalLine[];
  /** For a chunk span: the chunk's length when rendered (the last chunk may still grow). */
  readonly chunkLength?: number;
  /** Set when the last line depends on where the data seen so far ends: that extent. */
  readonly extent?: number;
}

/** Bytes read before a span first, to find where its first line starts. */
const SHORT_READ_BACK = 256;

/** Counts lines built, for tests and benchmarks that check nothing is built beyond need. */
export const renderStats = { unitsRendered: 0, linesBuilt: 0 };

/** Notes that point at the bug people come to find: data after the peer reset, or the client's data after the server closed. */
const ALERT_NOTE = /\bafter (the )?(peer|client|server)\b/i;

/** `client` or `server` for a direction. */
function sideOf(dir: Direction): Side {
  return dir === 'c2s' ? 'client' : 'server';
}

/** The stream range `[start, end)` of span `span` of a chunk. */
function spanRange(chunk: ConversationChunk, span: number): [number, number] {
  const start = chunk.offset + span * SPAN_BYTES;
  return [start, Math.min(chunk.offset + chunk.length, start + SPAN_BYTES)];
}

/**
 * The logical lines of `unit`; in hex mode, rows of as many bytes (16, 8 or 4) as fit
 * `hexColumns` with the span's offsets (more digits past 4 GiB). Errors: whatever
 * the source throws (a flow no longer held).
 */
export function renderUnit(
  source: ConversationSource,
  flowId: number,
  flow: ConversationFlow,
  unit: UnitKey,
  settings: ConversationSettings,
  hexColumns = Infinity,
): UnitLines {
  renderStats.unitsRendered++;
  const result = build(source, flowId, flow, unit, settings, hexColumns);
  renderStats.linesBuilt += result.lines.length;
  return result;
}

function build(source: ConversationSource, flowId: number, flow: ConversationFlow, unit: UnitKey, settings: ConversationSettings, hexColumns: number): UnitLines {
  switch (unit.kind) {
    case 'head': {
      // Absolute times are local times of day: the flow's first line says its day and the zone.
      const day = settings.timestamps === 'absolute' ? ` on ${formatLocalDayZone(flow.startTs)}` : '';
      return { lines: [event('event', headText(flow, settings.arrow) + day, flow.startTs)] };
    }
    case 'note': {
      const mark = flowMarks(flow)[unit.note];
      return { lines: mark ? markLines(flow, mark) : [] };
    }
    case 'tail':
      return { lines: tailLines(flow) };
    case 'chunk': {
      const chunk = source.getChunk(flowId, unit.chunk);
      if (!chunk) return { lines: [] };
      if (chunk.kind === 'gap') {
        return { lines: [event('gap', gapText(chunk.length, sideOf(chunk.dir), chunk.notCaptured), chunk.ts)], chunkLength: chunk.length };
      }
      return chunkSpanLines(source, flowId, flow, chunk, unit.span, settings, hexColumns);
    }
  }
}

/**
 * The lines of `mark` (one of `flowMarks(flow)`): a side's FIN, or the note it points at (none
 * when `flow` has no such note). What a `note` unit renders; callers that walk every mark take
 * `flowMarks` once and ask here, not {@link renderUnit} per mark (which makes the marks again).
 */
export function markLines(flow: ConversationFlow, mark: Mark): LogicalLine[] {
  if (mark.kind === 'fin') return [event('event', finText(mark.dir), mark.ts)];
  const note = flow.notes[mark.index];
  return note ? [noteLine(note)] : [];
}

/**
 * A gap row's text: `gap of 1,420 bytes (server)`, or for bytes the capture's snap length cut off
 * (sent, seen cut, not lost) `1,316 bytes not captured (client, snap length)`.
 */
export function gapText(length: number, side: Side, notCaptured: boolean | undefined): string {
  return gapWords(`${formatCount(length)} bytes`, notCaptured, side);
}

/** The line of one of the flow's notes: an alert for data after a reset or the client's after the server closed. */
export function noteLine(note: { readonly ts: number; readonly text: string }): LogicalLine {
  const alert = ALERT_NOTE.test(note.text);
  return event(alert ? 'alert' : 'note', `note: ${escapeText(note.text)}`, note.ts);
}

function event(kind: LogicalLine['kind'], text: string, ts: number | undefined): LogicalLine {
  return { side: 'event', kind, text, ts };
}

function headText(flow: ConversationFlow, arrow: string): string {
  const ends = flow.key ? `${formatEndpoint(flow.key.client)} ${arrow} ${formatEndpoint(flow.key.server)} ` : '';
  if (!flow.sawHandshake) return `${ends}joined mid-stream (client and server guessed)`;
  if (flow.end?.detail === REFUSED) return `${ends}connection refused`;
  // The proxy's client connected to flowspy, which could not reach the upstream (the end line says why).
  if (upstreamFailed(flow.end)) return `${ends}connected to flowspy; upstream not reached`;
  if (flow.connecting === true && flow.end === undefined) return `${ends}connected to flowspy; connecting to the upstream`;
  // Relayed by flowspy: no handshake was captured, flowspy made both connections.
  if (flow.origin === 'proxy') return `${ends}connected through flowspy`;
  // A captured flow still open without a byte: whether its handshake completed is told at its end.
  if (flow.end === undefined && flow.origin === 'capture' && flow.extentC2s === 0 && flow.extentS2c === 0) return `${ends}SYN seen, no data yet`;
  return `${ends}${HANDSHAKE_TEXT[flow.end?.handshake ?? 'complete']}`;
}

/** What the head line says of how far the handshake got (flows still open: complete). */
const HANDSHAKE_TEXT: Record<HandshakeSeen, string> = {
  syn: 'SYN seen, never answered',
  'syn-ack': 'SYN, SYN/ACK seen (no final ACK)',
  complete: 'connected (handshake seen)',
};

function finText(dir: Direction): string {
  return `${sideOf(dir)} closed its side (FIN)`;
}

function tailLines(flow: ConversationFlow): LogicalLine[] {
  const lines: LogicalLine[] = [];
  // FINs whose time is known are placed among the chunks (see marks.ts).
  if (flow.closedC2s && flow.finTsC2s === undefined) lines.push(event('event', finText('c2s'), undefined));
  if (flow.closedS2c && flow.finTsS2c === undefined) lines.push(event('event', finText('s2c'), undefined));
  const end = flow.end;
  if (end !== undefined && endedWithCapture(end)) {
    lines.push(event('event', 'still open when the capture ended', end.ts));
  } else if (end) {
    const detail = end.detail ? `: ${escapeText(end.detail)}` : '';
    const what =
      end.reason === 'rst' ? 'connection reset (RST)' : end.reason === 'fin' ? 'connection closed' : end.reason === 'timeout' ? 'timed out' : end.reason;
    lines.push(event('event', `end: ${what}${detail}`, end.ts));
  }
  return lines;
}

function chunkSpanLines(
  source: ConversationSource,
  flowId: number,
  flow: ConversationFlow,
  chunk: ConversationChunk,
  span: number,
  settings: ConversationSettings,
  hexColumns: number,
): UnitLines {
  const [start, end] = spanRange(chunk, span);
  const dir = chunk.dir;
  const side = sideOf(dir);
  const data = (text: string, offset: number, length: number): LogicalLine => ({ side, kind: 'data', text, ts: chunk.ts, dir, offset, length });
  if (settings.mode === 'hex') {
    const bytes = source.read(flowId, dir, start, end - start);
    const { bytesPerRow: hexBytes, tight } = hexLayoutFitting(hexColumns, end - 1);
    const rows = hexDumpLines(bytes, start, hexBytes, tight);
    return { lines: rows.map((row, i) => data(row, start + i * hexBytes, Math.min(hexBytes, bytes.length - i * hexBytes))), chunkLength: chunk.length };
  }
  if (settings.mode === 'escaped') {
    const bytes = source.read(flowId, dir, start, end - start);
    return { lines: [data(decodeEscaped(bytes, settings.encoding), start, bytes.length)], chunkLength: chunk.length };
  }
  // Most lines start close by: read a little before the span first, the whole rule's reach if needed.
  // With both sides shown, a line ends where the other side spoke (a turn): the order on the wire.
  const turns = settings.filter === 'both';
  let segment: Segment | undefined;
  let lineStart: number | undefined;
  for (const back of [SHORT_READ_BACK, 2 * LINE_CAP + 1]) {
    const segments = readSegments(source, flowId, dir, Math.max(0, start - back), end, turns);
    segment = segments.find((s) => s.offset <= start && start < s.offset + s.bytes.length);
    if (!segment) return { lines: [], chunkLength: chunk.length };
    lineStart = lineStartIfKnown(segment, start, settings.encoding);
    if (lineStart !== undefined) break;
  }
  if (!segment || lineStart === undefined) return { lines: [], chunkLength: chunk.length };
  const extent = extentOf(flow, dir);
  const partial = end >= extent;
  const limitBreaks = partial || breaksAt(source, flowId, dir, end, turns);
  const base = segment.offset;
  const lines = linesIn(segment, lineStart, end, settings.encoding, limitBreaks, partial).map((line) => {
    const text = decodeEscaped(segment.bytes, settings.encoding, line.start - base, line.textEnd - base);
    return data(line.ending === 'soft' ? text + LINE_CONTINUES_MARK : text, line.start, line.end - line.start);
  });
  return { lines, chunkLength: chunk.length, extent: partial ? extent : undefined };
}
