/**
 * The wire bytes of HTTP bodies, kept for `--har` while they stream by: the message layer keeps
 * only stream ranges, and a headless run has no store to read them back from. Each direction of
 * a flow keeps the bytes from the end of its last finished message on, at most a window's worth
 * (a body longer than that is cut), and every window draws on one shared budget, so memory stays
 * bounded whatever the traffic.
 */

/** Bytes held against a limit, shared by every window (and by whatever else the owner charges). */
export class ByteBudget {
  used = 0;

  constructor(readonly max: number) {}

  /** Takes `n` bytes when they fit (true), else refuses (false). */
  take(n: number): boolean {
    if (this.used + n > this.max) return false;
    this.used += n;
    return true;
  }

  /** Gives back `n` bytes taken before. */
  give(n: number): void {
    this.used = Math.max(0, this.used - n);
  }
}

interface Chunk {
  offset: number;
  bytes: Uint8Array;
  /** Bytes charged to the budget for this chunk (its length when copied). */
  readonly charged: number;
}

/**
 * One direction's stream bytes from {@link keptFrom} on, at most `limit` of them. While an event
 * is being applied to the message layer, its bytes are visible through {@link read} without a
 * copy ({@link showing}); afterwards {@link keep} copies what is still needed.
 */
export class StreamWindow {
  private chunks: Chunk[] = [];
  private current: { offset: number; bytes: Uint8Array } | undefined = undefined;
  /** Bytes before this stream offset are no longer needed (the messages they held are over). */
  keptFrom = 0;
  /** True once no more bytes are kept (the direction went raw, or is not HTTP): set by {@link stop}. */
  stopped = false;

  constructor(private readonly budget: ByteBudget, private readonly limit: number) {}

  /** Makes `bytes` (at stream offset `offset`, valid only during the caller's call) readable until {@link keep}. */
  showing(offset: number, bytes: Uint8Array): void {
    this.current = { offset, bytes };
  }

  /**
   * Ends {@link showing}: copies the part of the shown bytes still needed (from {@link keptFrom},
   * within the window's limit), when the budget allows.
   */
  keep(): void {
    const shown = this.current;
    this.current = undefined;
    if (!shown || this.stopped) return;
    const from = Math.max(shown.offset, this.keptFrom);
    const to = Math.min(shown.offset + shown.bytes.length, this.keptFrom + this.limit);
    if (to <= from || !this.budget.take(to - from)) return;
    // A copy: the shown bytes may be a Buffer, whose slice shares them with the source's (reused) buffer.
    this.chunks.push({ offset: from, bytes: new Uint8Array(shown.bytes.subarray(from - shown.offset, to - shown.offset)), charged: to - from });
  }

  /**
   * Up to `length` bytes from stream offset `offset`: shorter where a byte was never kept (a gap,
   * past the limit, a refused budget) and empty when the first one was not.
   */
  read(offset: number, length: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let at = offset;
    const end = offset + length;
    const sources: { offset: number; bytes: Uint8Array }[] = this.current ? [...this.chunks, this.current] : this.chunks;
    for (const chunk of sources) {
      if (at >= end) break;
      const chunkEnd = chunk.offset + chunk.bytes.length;
      if (chunkEnd <= at) continue;
      if (chunk.offset > at) break;
      const piece = chunk.bytes.subarray(at - chunk.offset, Math.min(chunk.bytes.length, end - chunk.offset));
      parts.push(piece);
      at += piece.length;
    }
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(at - offset);
    let k = 0;
    for (const p of parts) { out.set(p, k); k += p.length; }
    return out;
  }

  /** Bytes before `offset` are not needed any more: they are let go (and their budget given back). */
  release(offset: number): void {
    if (offset <= this.keptFrom) return;
    this.keptFrom = offset;
    let drop = 0;
    while (drop < this.chunks.length && this.chunks[drop].offset + this.chunks[drop].bytes.length <= offset) {
      this.budget.give(this.chunks[drop].charged);
      drop++;
    }
    if (drop > 0) this.chunks = this.chunks.slice(drop);
  }

  /** Lets every byte go and keeps none from now on. */
  stop(): void {
    this.stopped = true;
    for (const chunk of this.chunks) this.budget.give(chunk.charged);
    this.chunks = [];
  }
}
