/**
 * The last bytes a direction delivered (R6): a retransmission of delivered bytes is compared
 * with them, so one that carries different bytes is noted, not silently dropped. A ring of
 * {@link TAIL_BYTES} per direction that delivered data, taken from a budget shared by all flows
 * of a reassembler and given back when the flow ends (past the budget, a direction keeps none).
 */

/** Bytes kept per direction: a few full-sized segments, what a retransmission usually repeats. */
export const TAIL_BYTES = 4096;

/** The last delivered bytes of one direction, by stream offset. */
export class DeliveredTail {
  private readonly ring = new Uint8Array(TAIL_BYTES);
  /** Stream offset of the first kept byte that follows a delivery without gap (see {@link record}). */
  private from = 0;
  /** Stream offset just past the last kept byte. */
  private end = 0;

  /** Keeps `src[start, start + length)`, delivered at stream offset `offset` (a gap before it empties the tail). */
  record(offset: number, src: Uint8Array, start: number, length: number): void {
    if (offset !== this.end) this.from = offset;
    this.end = offset + length;
    if (length > TAIL_BYTES) {
      start += length - TAIL_BYTES;
      offset += length - TAIL_BYTES;
      length = TAIL_BYTES;
    }
    const at = offset % TAIL_BYTES;
    const first = Math.min(length, TAIL_BYTES - at);
    this.ring.set(src.subarray(start, start + first), at);
    if (first < length) this.ring.set(src.subarray(start + first, start + length), 0);
  }

  /**
   * First stream offset in `[from, to)` whose kept byte differs from `src[offset - srcOffset]`,
   * or -1 (also for offsets no longer or never kept).
   */
  firstDifference(src: Uint8Array, srcOffset: number, from: number, to: number): number {
    const lo = Math.max(from, this.from, this.end - TAIL_BYTES);
    const hi = Math.min(to, this.end);
    const ring = this.ring;
    for (let k = lo; k < hi; k++) {
      if (src[k - srcOffset] !== ring[k % TAIL_BYTES]) return k;
    }
    return -1;
  }

  /** Forgets everything kept (a tail reused by another direction). */
  clear(): void {
    this.from = 0;
    this.end = 0;
  }
}

/** The tails of one reassembler: at most `budget / TAIL_BYTES` in use, ended flows' tails reused. */
export class TailPool {
  private available: number;
  private readonly spare: DeliveredTail[] = [];

  constructor(budgetBytes: number) {
    this.available = Math.floor(budgetBytes / TAIL_BYTES);
  }

  /** A cleared tail, or null when the budget is spent. */
  take(): DeliveredTail | null {
    if (this.available <= 0) return null;
    this.available--;
    return this.spare.pop() ?? new DeliveredTail();
  }

  /** Gives `tail` back (its direction ended). */
  give(tail: DeliveredTail): void {
    tail.clear();
    this.available++;
    if (this.spare.length < 64) this.spare.push(tail);
  }
}
