/**
 * A bounded first-in-first-out queue of captured frames, between the read of the kernel's
 * capture ring (fast: a copy per frame) and their processing (decode, reassembly, outputs:
 * slower, and uneven). Frames are copied into one preallocated byte ring, so queueing
 * allocates nothing per frame. When a frame does not fit (too many bytes or frames waiting),
 * it is dropped and counted in {@link PacketQueue.dropped}: nothing is lost silently.
 */
import { newCapturedPacket, type CapturedPacket } from '../core/packet.js';
import type { Micros } from '../core/types.js';

/** Bounds of a {@link PacketQueue}. */
export interface PacketQueueOptions {
  /** Bytes of frame data the queue holds at most (one allocation, made up front). */
  capacityBytes: number;
  /** Frames the queue holds at most. Default: one per 128 bytes of `capacityBytes`. */
  capacityPackets?: number;
}

/** A bounded FIFO of frames; see the module comment. Single-threaded, not re-entrant. */
export class PacketQueue {
  private refused = 0;
  private taken = 0;
  private readonly bytes: Buffer;
  private readonly ts: Float64Array;
  private readonly start: Int32Array;
  private readonly length: Int32Array;
  private readonly origLen: Int32Array;
  /** Slot of the oldest frame. */
  private head = 0;
  /** Frames waiting. */
  private count = 0;
  /** Where the next frame's bytes go in `bytes`. */
  private writeAt = 0;
  /** Bytes waiting (frame data only). */
  private used = 0;
  /** The object {@link shift} fills, over `bytes`. */
  private readonly packet: CapturedPacket;

  constructor(options: PacketQueueOptions) {
    const capacityBytes = Math.max(1, Math.floor(options.capacityBytes));
    const capacityPackets = Math.max(1, Math.floor(options.capacityPackets ?? Math.ceil(capacityBytes / 128)));
    this.bytes = Buffer.alloc(capacityBytes);
    this.ts = new Float64Array(capacityPackets);
    this.start = new Int32Array(capacityPackets);
    this.length = new Int32Array(capacityPackets);
    this.origLen = new Int32Array(capacityPackets);
    this.packet = newCapturedPacket(this.bytes);
  }

  /** Frames refused because the queue was full. */
  get dropped(): number {
    return this.refused;
  }

  /** Frames taken in so far. */
  get queued(): number {
    return this.taken;
  }

  /** Frames waiting. */
  get size(): number {
    return this.count;
  }

  /** Bytes of frame data waiting. */
  get byteSize(): number {
    return this.used;
  }

  /**
   * Copies the frame `source[0, length)` into the queue. Returns false, and counts a drop,
   * when it does not fit. The caller keeps ownership of `source`.
   */
  push(ts: Micros, source: Buffer, length: number, origLen: number): boolean {
    const slots = this.ts.length;
    const at = this.placeFor(length);
    if (at < 0 || this.count === slots) {
      this.refused++;
      return false;
    }
    const slot = (this.head + this.count) % slots;
    this.ts[slot] = ts;
    this.start[slot] = at;
    this.length[slot] = length;
    this.origLen[slot] = origLen;
    source.copy(this.bytes, at, 0, length);
    this.writeAt = at + Math.max(length, 1);
    this.used += length;
    this.count++;
    this.taken++;
    return true;
  }

  /**
   * Takes the oldest frame out, or undefined when none waits. The packet object and its bytes
   * are the queue's and valid only until the next {@link push}, {@link shift} or {@link clear}:
   * copy what you keep. `linkType`, `interfaceId` and `fileOffset` are the caller's to set on
   * {@link template} (they are the same for every frame of a capture).
   */
  shift(): CapturedPacket | undefined {
    if (this.count === 0) return undefined;
    const slot = this.head;
    const packet = this.packet;
    packet.ts = this.ts[slot];
    packet.start = this.start[slot];
    packet.end = packet.start + this.length[slot];
    packet.origLen = this.origLen[slot];
    this.used -= this.length[slot];
    this.head = slot + 1 === this.ts.length ? 0 : slot + 1;
    this.count--;
    return packet;
  }

  /** The packet object {@link shift} returns, to set the fields common to every frame. */
  get template(): CapturedPacket {
    return this.packet;
  }

  /** Forgets every waiting frame (not counted as dropped). */
  clear(): void {
    this.count = 0;
    this.used = 0;
  }

  /**
   * Where a frame of `length` bytes can go, or -1. Frames lie in `bytes` in queue order from the
   * oldest one's start, wrapping to 0 once; a frame is never split. Each takes at least one
   * byte, so the ring is unwrapped exactly when `writeAt` lies beyond the oldest frame's start.
   */
  private placeFor(frameLength: number): number {
    const capacity = this.bytes.length;
    const length = Math.max(frameLength, 1);
    if (length > capacity) return -1;
    if (this.count === 0) return 0; // empty: start again at the beginning
    const oldest = this.start[this.head];
    if (this.writeAt > oldest) {
      // [oldest, writeAt) in use: room after it, else before the oldest frame
      if (capacity - this.writeAt >= length) return this.writeAt;
      return length <= oldest ? 0 : -1;
    }
    // wrapped: [oldest, end) and [0, writeAt) in use
    return oldest - this.writeAt >= length ? this.writeAt : -1;
  }
}
