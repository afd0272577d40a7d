/**
 * A growable byte buffer with a cap, for what a parser must hold across segments (a message
 * head, a chunk-size line). It takes memory only once used, and gives back a large allocation
 * when cleared.
 */

const EMPTY = new Uint8Array(0);
/** Capacity kept when the buffer is cleared; larger allocations are given back. */
const KEEP_BYTES = 4096;

/** The bytes are `bytes[0, length)`; `bytes` may be replaced as the buffer grows. */
export class ByteBuffer {
  bytes: Uint8Array = EMPTY;
  length = 0;

  /** `cap`: the most bytes the buffer will hold. */
  constructor(readonly cap: number) {}

  /** Appends `from[start, end)`; returns false, appending nothing, when the cap would be passed. */
  append(from: Uint8Array, start: number, end: number): boolean {
    const need = this.length + (end - start);
    if (need > this.cap) return false;
    if (need > this.bytes.length) {
      const grown = new Uint8Array(Math.min(this.cap, Math.max(need, this.bytes.length * 2, 512)));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(from.subarray(start, end), this.length);
    this.length = need;
    return true;
  }

  /** Empties the buffer, giving back a large allocation. */
  clear(): void {
    this.length = 0;
    if (this.bytes.length > KEEP_BYTES) this.bytes = EMPTY;
  }
}
