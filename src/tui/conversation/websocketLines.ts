/**
 * WebSocket frames in the messages mode, after the HTTP exchange that switched to them: one line
 * per frame on the side that sent it, `ws text, 17 B: {"op":"hello"}`, or the frame's line and its
 * payload's lines below it (text as sent, binary as a hex excerpt) (cut as a body is: bodyLines.ts). Payloads are read from the store,
 * unmasked, inflated when compressed (permessage-deflate) and that can be done frame by frame.
 */
import { inflateFrame, opcodeName, Opcode, unmask, type WebSocketFrame } from '../../messages/websocket.js';
import { bodyDisplay, bodyText, hexBodyLines, pushBody, type BodyCache, type BodyDecoder, type BodyReader } from './bodyLines.js';
import { formatCount } from '../../core/count.js';
import { type Side } from './lineText.js';
import type { MessageLine } from './messageLines.js';

/** Most bytes a compressed payload may inflate to for display. */
const MAX_INFLATED = 1 << 20;
/** A binary payload this short is shown as its bytes in hex on the frame's line. */
const SHORT_BINARY = 16;

/** Where frame `frame` ends in its direction's stream (as far as its header says). */
export function frameEnd(frame: WebSocketFrame): number {
  return frame.offset + frame.headerLength + frame.payloadLength;
}

/** What a frame's lines depend on, expanded payloads aside. */
export function frameVersion(frame: WebSocketFrame): string {
  return `${frame.complete}|${frame.over}|${frame.lastTs}`;
}

/** Pushes to `out` the lines of `frame` (its payload named `key` for Enter), on `side`. */
export function frameLines(frame: WebSocketFrame, key: string, side: Side, read: BodyReader, expanded: ReadonlySet<string>, cache: BodyCache, out: MessageLine[]): void {
  const name = `ws ${opcodeName(frame.opcode)}${frame.fin ? '' : ' (continued in the next frame)'}`;
  const about = [`${formatCount(frame.payloadLength)} B`, ...(frame.compressed ? ['compressed'] : []), ...(frame.complete ? [] : [frame.over ? 'cut' : 'arriving'])].join(', ');
  if (frame.payloadLength === 0) {
    out.push({ side, kind: 'data', text: `${name}, ${about}`, ts: frame.firstTs });
    return;
  }
  const payload: MessageLine[] = [];
  const part = { dir: frame.dir, offset: frame.offset + frame.headerLength, length: frame.payloadLength, complete: frame.complete };
  const { body, unread } = pushBody(part, side, key, read, expanded, cache, payload, (bytes, _whole, _asked, upTo) => payloadLines(frame, unmask(Uint8Array.from(bytes), frame.mask), upTo));
  const notes = body.error !== undefined ? [`unreadable: ${body.error}`] : body.notes;
  const inline = body.lines.length === 1 && body.more === 0 && !unread && notes.length === 0 && payload.length === 1;
  out.push({ side, kind: 'data', text: `${name}, ${about}${inline ? `: ${body.lines[0]}` : ''}`, ts: frame.firstTs });
  if (inline) return;
  for (const note of notes) out.push({ side: 'event', kind: 'note', text: note, of: side });
  out.push(...payload);
}

/** A payload's lines: a close frame's code and reason, text as sent, binary in hex (cut like a body: the first `upTo` lines made, of its first 64 KiB). */
function payloadLines(frame: WebSocketFrame, bytes: Uint8Array, upTo: number): ReturnType<BodyDecoder> {
  let payload = bytes;
  let notes: string[] | undefined;
  if (frame.compressed) {
    const inflated = inflateFrame(bytes, MAX_INFLATED);
    if (!inflated) {
      const shown = bodyDisplay(bytes, 'application/octet-stream');
      return { all: shown.lines, hex: shown.hex, notes: ['compressed with the context of earlier messages: shown as sent'] };
    }
    payload = inflated.bytes;
    if (inflated.cut) notes = [`inflated only up to ${formatCount(payload.length)} bytes (cap ${formatCount(MAX_INFLATED)})`];
  }
  if (frame.opcode === Opcode.Close && payload.length >= 2) {
    const reason = payload.length > 2 ? `: ${bodyText(payload.subarray(2), 'text/plain').join(' ')}` : '';
    return { all: [`${(payload[0] << 8) | payload[1]}${reason}`], notes };
  }
  if (frame.opcode === Opcode.Binary) {
    if (payload.length <= SHORT_BINARY) return { all: [Array.from(payload, (b) => b.toString(16).padStart(2, '0')).join(' ')], notes };
    // Rows made only as far as shown (all of the first 64 KiB when expanded), the rest counted.
    const { lines, unmade, dumped } = hexBodyLines(payload, upTo + 1, frame.compressed || !frame.complete ? payload.length : Math.max(payload.length, frame.payloadLength));
    return { all: lines, unmade, hex: { bytes: dumped, firstLine: 0 }, notes };
  }
  // Text as sent (a JSON message on one line stays one line: a stream of them reads as a log),
  // its lines made only as far as shown.
  const { lines, unmade, line } = bodyDisplay(payload, 'text/plain; charset=utf-8', upTo);
  return { all: lines, unmade, line, notes };
}

