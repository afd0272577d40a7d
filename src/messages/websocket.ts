/**
 * WebSocket (RFC 6455) frames, after an HTTP `101 Switching Protocols` to `websocket`: each
 * direction's bytes from the switch on cut into frames as they arrive (any split). A frame keeps
 * its header fields and where its payload lies in the stream, not the payload: a view reads
 * that from the store (and unmasks it, {@link unmask}). Bounded: at most {@link MAX_FRAMES}
 * frames kept per flow (later ones are counted). A gap inside a payload cuts that frame only;
 * one that takes header bytes loses the framing: the direction stops there, with a note.
 */
import type { Direction, Micros } from '../core/types.js';
import { inflateCapped } from './httpBody.js';
import { keepNote } from './notes.js';
import type { StreamNote } from './types.js';
import { formatCount } from '../core/count.js';

/** Frames kept per flow; later ones are parsed and counted, not kept. */
export const MAX_FRAMES = 20_000;

/** Frame opcodes (RFC 6455 5.2). */
export const enum Opcode { Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9, Pong = 10 }

/** One frame as it went by. */
export interface WebSocketFrame {
  readonly dir: Direction;
  /** Stream offset of the frame's first byte, and the bytes of its header (2 to 14). */
  readonly offset: number;
  readonly headerLength: number;
  /** Payload bytes the header announces. */
  readonly payloadLength: number;
  readonly opcode: number;
  /** Last frame of its message. */
  readonly fin: boolean;
  /** RSV1: the message is compressed (permessage-deflate). */
  readonly compressed: boolean;
  /** The masking key (client frames), or undefined. */
  readonly mask: Uint8Array | undefined;
  readonly firstTs: Micros;
  lastTs: Micros;
  /** True once the whole payload went by; false while it arrives, or when a gap or the end cut it. */
  complete: boolean;
  /** True once the frame is over: whole, or cut (false while its payload arrives). */
  over: boolean;
}

const MAX_HEADER = 14;

/** One direction's reader. */
class DirectionReader {
  expected: number;
  /** Header bytes held while a header arrives in pieces. */
  readonly header = new Uint8Array(MAX_HEADER);
  held = 0;
  /** The frame whose payload is arriving, and the payload bytes still to come. */
  frame: WebSocketFrame | undefined = undefined;
  remaining = 0;
  /** A gap took part of `frame`'s payload: it stays incomplete. */
  cut = false;
  stopped = false;

  constructor(readonly dir: Direction, from: number) {
    this.expected = from;
  }
}

/** The frames of both directions of one flow, in the order they began. */
export class WebSocketConversation {
  readonly frames: WebSocketFrame[] = [];
  /** Frames seen (kept or not: see {@link MAX_FRAMES}). */
  frameCount = 0;
  /** Notes of both directions (framing lost at a gap): the first ones (see {@link keepNote}). */
  readonly notes: StreamNote[] = [];
  private readonly readers: Record<Direction, DirectionReader | undefined> = { c2s: undefined, s2c: undefined };

  /** `onFrameEnd` hears each frame once it is over: whole, or cut (`complete` false). */
  constructor(private readonly onFrameEnd?: (frame: WebSocketFrame) => void) {}

  /** The frames of `dir` begin at stream offset `from` (where the HTTP switch left it); once per direction, before its bytes. */
  startAt(dir: Direction, from: number): void {
    this.readers[dir] ??= new DirectionReader(dir, from);
  }

  /**
   * Takes `length` bytes of `dir` at `offset` without reading them when they are all payload (the
   * usual case); returns false when they must be read: then call {@link feed}.
   */
  skip(dir: Direction, offset: number, length: number, ts: Micros): boolean {
    const r = this.readers[dir];
    if (r === undefined) return false;
    if (r.stopped || offset + length <= r.expected) return true;
    if (offset !== r.expected || r.frame === undefined || r.remaining < length) return false;
    r.expected += length;
    this.takePayload(r, length, ts);
    return true;
  }

  /** Bytes of `dir` at stream offset `offset` (valid only during the call). */
  feed(dir: Direction, offset: number, bytes: Uint8Array, ts: Micros): void {
    const r = this.readers[dir];
    if (r === undefined || r.stopped) return;
    if (offset > r.expected) this.gap(dir, r.expected, offset - r.expected, ts);
    if (r.stopped) return;
    let i = Math.max(0, r.expected - offset);
    const n = bytes.length;
    if (i >= n) return;
    r.expected = offset + n;
    while (i < n && !r.stopped) {
      if (r.frame !== undefined) {
        const take = Math.min(r.remaining, n - i);
        this.takePayload(r, take, ts);
        i += take;
        continue;
      }
      const take = Math.min(MAX_HEADER - r.held, n - i);
      r.header.set(bytes.subarray(i, i + take), r.held);
      const used = this.header(r, r.held + take, offset + i - r.held, ts);
      if (used === 0) {
        r.held += take;
        i += take;
      } else {
        i += used - r.held;
        r.held = 0;
      }
    }
  }

  /** `length` bytes of `dir` at `offset` were never seen. */
  gap(dir: Direction, offset: number, length: number, ts: Micros): void {
    const r = this.readers[dir];
    const end = offset + length;
    if (r === undefined || r.stopped || end <= r.expected) return;
    const missing = end - r.expected;
    r.expected = end;
    if (r.frame !== undefined && missing <= r.remaining) {
      r.cut = true;
      this.takePayload(r, missing, ts);
      return;
    }
    this.stop(r, offset, `gap of ${formatCount(length)} bytes: WebSocket framing lost`);
  }

  /** Direction `dir` ended: a frame in progress stays incomplete. */
  end(dir: Direction): void {
    const r = this.readers[dir];
    if (r === undefined || r.stopped) return;
    this.cutFrame(r);
    r.stopped = true;
  }

  /**
   * Parses a header from `r.header[0, held)` starting at stream offset `at`: returns the bytes it
   * takes (0: more are needed), and starts its frame.
   */
  private header(r: DirectionReader, held: number, at: number, ts: Micros): number {
    const h = r.header;
    if (held < 2) return 0;
    const masked = (h[1] & 0x80) !== 0;
    const short = h[1] & 0x7f;
    const lengthBytes = short === 126 ? 2 : short === 127 ? 8 : 0;
    const size = 2 + lengthBytes + (masked ? 4 : 0);
    if (held < size) return 0;
    let payloadLength = short;
    if (short === 126) payloadLength = (h[2] << 8) | h[3];
    else if (short === 127) {
      const high = ((h[2] << 24) >>> 0) + (h[3] << 16) + (h[4] << 8) + h[5];
      if (high > 0x1fffff) {
        this.stop(r, at, 'WebSocket frame length over 2^53: framing lost');
        return held;
      }
      payloadLength = high * 2 ** 32 + ((h[6] << 24) >>> 0) + (h[7] << 16) + (h[8] << 8) + h[9];
    }
    const frame: WebSocketFrame = {
      dir: r.dir, offset: at, headerLength: size, payloadLength, opcode: h[0] & 0x0f, fin: (h[0] & 0x80) !== 0,
      compressed: (h[0] & 0x40) !== 0, mask: masked ? h.slice(size - 4, size) : undefined, firstTs: ts, lastTs: ts, complete: false, over: false,
    };
    this.frameCount++;
    if (this.frames.length < MAX_FRAMES) this.frames.push(frame);
    r.frame = frame;
    r.remaining = payloadLength;
    r.cut = false;
    if (payloadLength === 0) this.finishFrame(r);
    return size;
  }

  private takePayload(r: DirectionReader, length: number, ts: Micros): void {
    const frame = r.frame!;
    r.remaining -= length;
    if (length > 0) frame.lastTs = ts;
    if (r.remaining === 0) this.finishFrame(r);
  }

  private finishFrame(r: DirectionReader): void {
    const frame = r.frame!;
    frame.complete = !r.cut;
    frame.over = true;
    r.frame = undefined;
    this.onFrameEnd?.(frame);
  }

  /** The frame in progress, if any, is over without its whole payload. */
  private cutFrame(r: DirectionReader): void {
    const frame = r.frame;
    if (frame === undefined) return;
    frame.complete = false;
    frame.over = true;
    r.frame = undefined;
    this.onFrameEnd?.(frame);
  }

  private stop(r: DirectionReader, offset: number, why: string): void {
    this.cutFrame(r);
    r.held = 0;
    r.stopped = true;
    keepNote(this.notes, { dir: r.dir, offset, text: why });
  }
}

const DEFLATE_TAIL = Uint8Array.of(0, 0, 0xff, 0xff);

/**
 * A compressed (permessage-deflate) frame's payload inflated on its own: at most `maxLength`
 * bytes, `cut` when it inflates to more (its first `maxLength` bytes, about); undefined when it
 * does not inflate alone (it uses the context of earlier messages).
 */
export function inflateFrame(payload: Uint8Array, maxLength: number): { bytes: Uint8Array; cut: boolean } | undefined {
  try {
    const { out, cut } = inflateCapped('deflate-raw', Buffer.concat([payload, DEFLATE_TAIL]), maxLength);
    return { bytes: out, cut };
  } catch {
    return undefined;
  }
}

/** `payload` (read at frame offset `at` from the payload's start) unmasked in place with `mask`. */
export function unmask(payload: Uint8Array, mask: Uint8Array | undefined, at = 0): Uint8Array {
  if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[(at + i) & 3];
  return payload;
}

/** The name of a frame's opcode: `text`, `binary`, `close`, `ping`, `pong`, `continuation`, `opcode 3`. */
export function opcodeName(opcode: number): string {
  return ['continuation', 'text', 'binary'][opcode] ?? (opcode === 8 ? 'close' : opcode === 9 ? 'ping' : opcode === 10 ? 'pong' : `opcode ${opcode}`);
}
