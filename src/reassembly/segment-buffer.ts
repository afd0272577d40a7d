/**
 * The out-of-order buffer of one direction of a TCP stream: sorted, non-overlapping pieces of
 * stream (by absolute stream offset), each a private copy of segment bytes or a "known missing"
 * marker (the part of a truncated segment the capture cut off).
 *
 * Overlap policy: first writer wins. Inserting a range only fills what no piece covers yet;
 * bytes that overlap an existing piece are counted as duplicates and compared, and the first
 * differing offset is reported so the caller can tell the user.
 *
 * Memory is accounted in a shared {@link BufferAccount}: payload bytes plus
 * {@link PIECE_OVERHEAD} per piece (so markers, which hold no bytes, still cost something and
 * the number of pieces stays bounded by the same caps).
 */

import type { Micros } from '../core/types.js';

/** Accounting cost of one buffered piece on top of its payload bytes. */
export const PIECE_OVERHEAD = 64;

/** One buffered piece of stream: `[offset, end)`. */
export interface BufferedPiece {
  /** Absolute stream offset of the first byte. */
  readonly offset: number;
  /** Absolute stream offset just past the last byte. */
  readonly end: number;
  /** A private copy of the bytes, or null for bytes known to be missing (truncated capture). */
  readonly bytes: Uint8Array | null;
  /** Capture time of the segment that carried these bytes. */
  readonly ts: Micros;
  /** Position of `bytes[0]` in the capture file, or -1. */
  readonly fileOffset: number;
}

/** Shared memory account of every buffer of a reassembler. */
export interface BufferAccount {
  /** Bytes currently buffered (payload + per-piece overhead). */
  bufferedBytes: number;
}

/** What an insert found; reused between calls by the caller. */
export interface InsertOutcome {
  /** Bytes of the inserted range already covered by buffered pieces (not stored again). */
  duplicateBytes: number;
  /** First stream offset where the new bytes differ from buffered ones, or -1. */
  conflictOffset: number;
}

/** Sorted, non-overlapping, first-writer-wins buffer of stream pieces. */
export class SegmentBuffer {
  private pieces: BufferedPiece[] = [];
  private head = 0;
  private costBytes = 0;
  /** Stamp of the last event of the direction emitted while pieces waited here (R5: what follows is stamped no earlier), or -Infinity. */
  deliveredTs: Micros = -Infinity;

  /** Every change of this buffer's cost is also charged to `account` and to `owner`. */
  constructor(
    private readonly account: BufferAccount,
    private readonly owner: BufferAccount,
  ) {}

  /** True when nothing is buffered. */
  get isEmpty(): boolean {
    return this.head === this.pieces.length;
  }

  /** Accounted cost of this buffer (payload bytes + overhead per piece). */
  get cost(): number {
    return this.costBytes;
  }

  /** Offset of the first buffered piece, or +Infinity when empty. */
  firstOffset(): number {
    return this.head < this.pieces.length ? this.pieces[this.head].offset : Infinity;
  }

  /** Capture time of the first buffered piece, or +Infinity when empty. */
  firstTs(): number {
    return this.head < this.pieces.length ? this.pieces[this.head].ts : Infinity;
  }

  /** End of the last buffered piece, or -Infinity when empty. */
  lastEnd(): number {
    return this.head < this.pieces.length ? this.pieces[this.pieces.length - 1].end : -Infinity;
  }

  /** Buffered payload bytes (markers excluded) at or after stream offset `offset`. */
  bytesFrom(offset: number): number {
    let total = 0;
    for (let i = this.pieces.length - 1; i >= this.head; i--) {
      const piece = this.pieces[i];
      if (piece.end <= offset) break;
      if (piece.bytes !== null) total += piece.end - Math.max(piece.offset, offset);
    }
    return total;
  }

  /** Moves every buffered piece `delta` stream offsets later (the stream's offset 0 moved back). */
  moveOffsets(delta: number): void {
    for (let i = this.head; i < this.pieces.length; i++) {
      const piece = this.pieces[i];
      this.pieces[i] = { ...piece, offset: piece.offset + delta, end: piece.end + delta };
    }
  }

  /** Removes and returns the first piece, or undefined when empty. */
  shift(): BufferedPiece | undefined {
    if (this.head >= this.pieces.length) return undefined;
    const piece = this.pieces[this.head];
    this.head++;
    if (this.head === this.pieces.length) {
      this.pieces = [];
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.pieces.length) {
      this.pieces.splice(0, this.head);
      this.head = 0;
    }
    this.charge(-pieceCost(piece));
    return piece;
  }

  /**
   * Inserts `[start, end)`; `src` holds the bytes of stream offset `srcOffset` onwards (or is
   * null for a "known missing" marker), `fileOffset` is the file position of `src[0]` or -1.
   * Only the parts no piece covers yet are stored (copied); the rest is reported in `out`.
   */
  insert(
    start: number,
    end: number,
    src: Uint8Array | null,
    srcOffset: number,
    ts: Micros,
    fileOffset: number,
    out: InsertOutcome,
  ): void {
    out.duplicateBytes = 0;
    out.conflictOffset = -1;
    if (end <= start) return;
    const pieces = this.pieces;
    const len = pieces.length;
    // First piece whose end is after `start`.
    let lo = this.head;
    let hi = len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pieces[mid].end <= start) lo = mid + 1;
      else hi = mid;
    }
    const first = lo;
    let j = first;
    let cursor = start;
    let added: BufferedPiece[] | null = null;
    while (j < len && pieces[j].offset < end) {
      const existing = pieces[j];
      if (existing.offset > cursor) {
        (added ??= []).push(this.makePiece(cursor, existing.offset, src, srcOffset, ts, fileOffset));
      }
      const overlapStart = Math.max(cursor, existing.offset);
      const overlapEnd = Math.min(end, existing.end);
      if (overlapEnd > overlapStart) {
        out.duplicateBytes += overlapEnd - overlapStart;
        if (out.conflictOffset < 0 && src !== null && existing.bytes !== null) {
          out.conflictOffset = firstDifference(src, srcOffset, existing.bytes, existing.offset, overlapStart, overlapEnd);
        }
      }
      if (existing.end > cursor) cursor = existing.end;
      j++;
    }
    if (cursor < end) {
      (added ??= []).push(this.makePiece(cursor, end, src, srcOffset, ts, fileOffset));
    }
    if (added === null) return;
    if (j === first) {
      if (first === len) {
        for (const piece of added) pieces.push(piece);
      } else {
        pieces.splice(first, 0, ...added);
      }
      return;
    }
    // Interleave the new pieces with the existing ones in [first, j).
    const merged: BufferedPiece[] = [];
    let a = first;
    let b = 0;
    while (a < j || b < added.length) {
      if (b >= added.length || (a < j && pieces[a].offset < added[b].offset)) merged.push(pieces[a++]);
      else merged.push(added[b++]);
    }
    pieces.splice(first, j - first, ...merged);
  }

  /**
   * Drops everything at or after stream offset `cut` (a piece straddling it is shortened).
   * Returns the number of payload bytes (and missing-marker bytes) dropped.
   */
  truncateFrom(cut: number): number {
    let dropped = 0;
    const pieces = this.pieces;
    while (pieces.length > this.head) {
      const last = pieces[pieces.length - 1];
      if (last.end <= cut) break;
      pieces.pop();
      this.charge(-pieceCost(last));
      if (last.offset < cut) {
        const kept: BufferedPiece = {
          offset: last.offset,
          end: cut,
          bytes: last.bytes === null ? null : last.bytes.slice(0, cut - last.offset),
          ts: last.ts,
          fileOffset: last.fileOffset,
        };
        pieces.push(kept);
        this.charge(pieceCost(kept));
        dropped += last.end - cut;
        break;
      }
      dropped += last.end - last.offset;
    }
    if (this.head !== 0 && pieces.length === this.head) {
      this.pieces = [];
      this.head = 0;
    }
    return dropped;
  }

  private makePiece(
    start: number,
    end: number,
    src: Uint8Array | null,
    srcOffset: number,
    ts: Micros,
    fileOffset: number,
  ): BufferedPiece {
    const piece: BufferedPiece = {
      offset: start,
      end,
      // A copy (Buffer#slice, on a live capture's reused queue, would only be a view).
      bytes: src === null ? null : new Uint8Array(src.subarray(start - srcOffset, end - srcOffset)),
      ts,
      fileOffset: src !== null && fileOffset >= 0 ? fileOffset + (start - srcOffset) : -1,
    };
    this.charge(pieceCost(piece));
    return piece;
  }

  private charge(delta: number): void {
    this.costBytes += delta;
    this.account.bufferedBytes += delta;
    this.owner.bufferedBytes += delta;
  }
}

function pieceCost(piece: BufferedPiece): number {
  return PIECE_OVERHEAD + (piece.bytes === null ? 0 : piece.bytes.length);
}

/** First offset in `[from, to)` where `a` (starting at aOffset) and `b` (at bOffset) differ, or -1. */
function firstDifference(
  a: Uint8Array,
  aOffset: number,
  b: Uint8Array,
  bOffset: number,
  from: number,
  to: number,
): number {
  for (let k = from; k < to; k++) {
    if (a[k - aOffset] !== b[k - bOffset]) return k;
  }
  return -1;
}
