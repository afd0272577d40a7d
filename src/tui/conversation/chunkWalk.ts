/**
 * The last payload bytes of a chunked body that keeps growing, for its newest lines: the body's
 * wire bytes are walked once, from its start, by the parser's {@link ChunkedReader}, and only
 * the last {@link TAIL_KEEP_BYTES} of chunk data are kept. Each {@link ChunkWalk.advance} reads
 * only the bytes that came since the last one (at most {@link MAX_WALK_BYTES}), and skips, unread,
 * the data of a long chunk that the kept tail would not hold anyway: a 1 GB chunk costs no read.
 */
import { ChunkedReader, ChunkStep } from '../../messages/httpChunked.js';
import type { HttpBody } from '../../messages/types.js';

/** Payload bytes kept for the newest lines. */
export const TAIL_KEEP_BYTES = 64 << 10;
/** Most wire bytes one advance reads (a body first seen late is caught up over several). */
export const MAX_WALK_BYTES = 8 << 20;
const BLOCK_BYTES = 16 << 10;

/** Reads `length` wire bytes of the body from body offset `offset` (shorter at a gap). */
export type WireReader = (offset: number, length: number) => Uint8Array;

/** One body's walk; owned by the view's body cache while the body arrives. */
export class ChunkWalk {
  private readonly body: HttpBody = { framing: 'chunked', offset: 0, length: 0, dataLength: 0, gapBytes: 0, chunks: 0, trailers: [] };
  private readonly reader = new ChunkedReader(this.body, (bytes, from, to) => this.keep(bytes.subarray(from, to)));
  private kept = new Uint8Array(2 * TAIL_KEEP_BYTES);
  private keptLength = 0;
  /** Payload bytes before the kept ones were dropped or skipped. */
  private fromStart = true;
  private walked = 0;
  private failed = false;

  /** Walks the wire bytes up to body offset `end`; true when it got there (false: behind, a gap, bad framing). */
  advance(read: WireReader, end: number): boolean {
    let budget = MAX_WALK_BYTES;
    while (!this.failed && this.walked < end && budget > 0) {
      const skip = end - this.walked - TAIL_KEEP_BYTES;
      if (skip > 0 && this.reader.skip(skip)) {
        this.walked += skip;
        this.keptLength = 0;
        this.fromStart = false;
        continue;
      }
      const bytes = read(this.walked, Math.min(BLOCK_BYTES, end - this.walked, budget));
      if (bytes.length === 0) this.failed = true;
      this.reader.read(bytes, 0, this.walked);
      if (this.reader.step === ChunkStep.Bad) this.failed = true;
      this.walked += bytes.length;
      budget -= bytes.length;
    }
    return !this.failed && this.walked >= end;
  }

  /** The last payload bytes walked (a copy) and whether they are all of the payload since its start. */
  tail(): { bytes: Uint8Array; fromStart: boolean } {
    const from = Math.max(0, this.keptLength - TAIL_KEEP_BYTES);
    return { bytes: this.kept.slice(from, this.keptLength), fromStart: this.fromStart && from === 0 };
  }

  private keep(data: Uint8Array): void {
    if (data.length >= TAIL_KEEP_BYTES) {
      this.kept.set(data.subarray(data.length - TAIL_KEEP_BYTES));
      this.fromStart &&= data.length === TAIL_KEEP_BYTES && this.keptLength === 0;
      this.keptLength = TAIL_KEEP_BYTES;
      return;
    }
    if (this.keptLength + data.length > this.kept.length) {
      this.kept.copyWithin(0, this.keptLength - TAIL_KEEP_BYTES, this.keptLength);
      this.keptLength = TAIL_KEEP_BYTES;
      this.fromStart = false;
    }
    this.kept.set(data, this.keptLength);
    this.keptLength += data.length;
  }
}
