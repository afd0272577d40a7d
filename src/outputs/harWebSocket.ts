/**
 * The WebSocket messages of a flow for its `101` entry's `_webSocketMessages`, as Chrome's HAR
 * export writes them: `{type: 'send'|'receive', time (seconds), opcode, data}`, a text message's
 * data as text, any other's in base64. A message's fragments are joined; control frames (close,
 * ping, pong) are messages of their own. Bounded: at most `maxBytes` payload bytes and
 * {@link MAX_FRAMES} messages a flow, each byte charged to the shared {@link ByteBudget}; what is
 * left out is counted and said in `notes`.
 */
import { countOf, formatCount } from '../core/count.js';
import type { Direction, Micros } from '../core/types.js';
import { inflateFrame, MAX_FRAMES, Opcode, unmask, type WebSocketFrame } from '../messages/websocket.js';
import type { ByteBudget } from './harBodies.js';

/** One entry of `_webSocketMessages`. */
export interface HarWebSocketMessage {
  type: 'send' | 'receive';
  /** Seconds since the epoch, as Chrome writes it. */
  time: number;
  opcode: number;
  data: string;
}

const EMPTY = new Uint8Array(0);

/** A data message whose fragments are arriving. */
interface Partial {
  readonly firstTs: Micros;
  readonly opcode: number;
  readonly compressed: boolean;
  readonly parts: Uint8Array[];
  length: number;
  whole: boolean;
  /** Left out: its bytes would pass the flow's cap or the shared budget (its parts given back). */
  dropped: boolean;
}

/** The messages of one flow, in the order they were over. */
export class WebSocketMessages {
  readonly messages: HarWebSocketMessage[] = [];
  /** Payload bytes charged to the budget, of messages kept and of those still arriving (given back by the owner with the entry). */
  charged = 0;
  private readonly partial: Record<Direction, Partial | undefined> = { c2s: undefined, s2c: undefined };
  private leftOut = 0;
  private cut = 0;
  private notInflated = 0;

  /** `clientDir`: the direction of the requests, whose messages are `send`. */
  constructor(private readonly clientDir: Direction, private readonly budget: ByteBudget, private readonly maxBytes: number) {}

  /**
   * A frame is over; `read` gives what was kept of its payload (as on the wire: masked, shorter
   * when not all kept), called only while there is room for more.
   */
  add(frame: WebSocketFrame, read: () => Uint8Array): void {
    const payload = this.full ? EMPTY : read();
    const whole = frame.complete && payload.length === frame.payloadLength;
    // A copy (Buffer#slice would share the bytes, and unmasking would change the event's: what the proxy forwards).
    const bytes = unmask(new Uint8Array(payload), frame.mask);
    const control = frame.opcode >= Opcode.Close;
    let message = control ? undefined : this.partial[frame.dir];
    if (message === undefined) {
      message = { firstTs: frame.firstTs, opcode: frame.opcode, compressed: frame.compressed, parts: [], length: 0, whole: true, dropped: false };
      if (!control) this.partial[frame.dir] = message;
    }
    // A message is cut at the cap. Its bytes are charged as they are kept, fragments included:
    // one that would pass what the flow may keep, or the shared budget, is left out whole.
    const room = this.maxBytes - message.length;
    let kept = message.dropped || bytes.length <= room ? bytes : bytes.subarray(0, room);
    if (message.dropped) kept = EMPTY;
    else if (kept.length > 0 && (this.charged + kept.length > this.maxBytes || !this.budget.take(kept.length))) {
      this.drop(message);
      kept = EMPTY;
    }
    if (kept.length > 0) {
      this.charged += kept.length;
      message.parts.push(kept);
      message.length += kept.length;
    }
    message.whole &&= whole && kept.length === bytes.length;
    if (control || frame.fin || !frame.complete) {
      if (!control) this.partial[frame.dir] = undefined;
      this.finish(frame.dir, message);
    }
  }

  /** No more messages fit: the later ones are only counted (their bytes need not be kept). */
  get full(): boolean {
    return this.charged >= this.maxBytes || this.messages.length >= MAX_FRAMES;
  }

  /** The flow ended: a message still waiting for fragments is over, cut. */
  end(): void {
    for (const dir of ['c2s', 's2c'] as const) {
      const message = this.partial[dir];
      if (message === undefined) continue;
      this.partial[dir] = undefined;
      message.whole = false;
      this.finish(dir, message);
    }
  }

  /** Why the list is not every message whole, for the entry's notes (empty when it is). */
  notes(): string[] {
    const notes: string[] = [];
    if (this.leftOut > 0) notes.push(`${countOf(this.leftOut, 'WebSocket message')} left out (over ${formatCount(MAX_FRAMES)} messages, ${formatCount(this.maxBytes)} bytes, or the budget for bytes in flight)`);
    if (this.cut > 0) notes.push(`${countOf(this.cut, 'WebSocket message')} cut (a capture gap, the end of the flow, or a frame over the cap)`);
    if (this.notInflated > 0) notes.push(`${countOf(this.notInflated, 'compressed WebSocket message')} kept as sent (they use the context of earlier messages)`);
    return notes;
  }

  /** Leaves `message` out: its kept parts are given back. */
  private drop(message: Partial): void {
    this.charged -= message.length;
    this.budget.give(message.length);
    message.parts.length = 0;
    message.length = 0;
    message.dropped = true;
  }

  private finish(dir: Direction, message: Partial): void {
    if (message.dropped) {
      this.leftOut++;
      return;
    }
    let bytes = message.parts.length === 1 ? message.parts[0] : Buffer.concat(message.parts);
    let asSent = false;
    let overCap = false;
    if (message.compressed) {
      const inflated = inflateFrame(bytes, this.maxBytes);
      if (inflated) bytes = inflated.bytes;
      else asSent = true;
      // Inflated past the cap: over it, left out as a message too long would be.
      overCap = inflated?.cut === true;
    }
    // Its wire bytes are charged already: what inflating added is charged now, or it is left out.
    const more = bytes.length - message.length;
    if (overCap || this.messages.length >= MAX_FRAMES || (more > 0 && (this.charged + more > this.maxBytes || !this.budget.take(more)))) {
      this.drop(message);
      this.leftOut++;
      return;
    }
    if (more < 0) this.budget.give(-more);
    this.charged += more;
    if (!message.whole) this.cut++;
    if (asSent) this.notInflated++;
    const text = message.opcode === Opcode.Text && !asSent;
    this.messages.push({
      type: dir === this.clientDir ? 'send' : 'receive',
      time: message.firstTs / 1e6,
      opcode: message.opcode,
      data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString(text ? 'utf8' : 'base64'),
    });
  }
}
