/**
 * The first bytes of each turn of a conversation (where one side starts sending after the
 * other), kept in memory by file position while a capture file loads. Message heads begin
 * there, so parsing a loaded file's messages reads them from here instead of one system call
 * per head. Bounded: past {@link BUDGET_BYTES} nothing more is kept (later reads go to the file).
 */

/** Most bytes kept of one turn (a packet's payload, as a capture of full-size frames has them). */
const MAX_PREFIX_BYTES = 2048;
/** Most bytes kept in all. */
const BUDGET_BYTES = 8 << 20;
/** Bytes of one slab (a power of two); each prefix is its length (2 bytes) and its bytes. */
const SLAB_SHIFT = 20;
const SLAB_BYTES = 1 << SLAB_SHIFT;

/** Prefixes by file position. Owned by the file reader that keeps and serves them. */
export class TurnPrefixes {
  private readonly slabs: Uint8Array[] = [];
  /** Where each prefix is: slab number × {@link SLAB_BYTES} + its place in the slab. */
  private readonly byPosition = new Map<number, number>();
  private used = SLAB_BYTES;
  private kept = 0;

  /** Bytes kept so far (with their length fields). */
  get bytes(): number {
    return this.kept;
  }

  /** Keeps the first bytes of `payload`, which lies at file position `position` (nothing once the budget is spent). */
  keep(position: number, payload: Uint8Array): void {
    const length = Math.min(payload.length, MAX_PREFIX_BYTES);
    if (this.kept + length + 2 > BUDGET_BYTES || this.byPosition.has(position)) return;
    if (this.used + length + 2 > SLAB_BYTES) {
      this.slabs.push(new Uint8Array(SLAB_BYTES));
      this.used = 0;
    }
    const slab = this.slabs[this.slabs.length - 1];
    slab[this.used] = length & 0xff;
    slab[this.used + 1] = length >> 8;
    slab.set(length === payload.length ? payload : payload.subarray(0, length), this.used + 2);
    this.byPosition.set(position, (this.slabs.length - 1) * SLAB_BYTES + this.used);
    this.used += length + 2;
    this.kept += length + 2;
  }

  /** Copies `length` bytes at file position `position` into `into[at...]` when a prefix kept there holds them; false otherwise. */
  copy(position: number, into: Uint8Array, at: number, length: number): boolean {
    const where = this.byPosition.get(position);
    if (where === undefined) return false;
    const slab = this.slabs[where >> SLAB_SHIFT];
    const start = (where & (SLAB_BYTES - 1)) + 2;
    if (length > (slab[start - 2] | (slab[start - 1] << 8))) return false;
    into.set(slab.subarray(start, start + length), at);
    return true;
  }
}
