/**
 * The chunk index of a flow: per chunk its direction, kind, time, stream offset, length, where its
 * bytes are, and the other direction's stream end at that point, in arrival order. Numbers live
 * in blocks of a shared {@link ChunkArena}, so memory follows the chunks held, not the bytes.
 *
 * The per-chunk "other direction's end" makes positions searchable: along arrival order, the end
 * of direction d's stream after chunk i (the chunk's own end when it is of direction d, the stored
 * end otherwise) never decreases, so the chunk holding a stream offset is found by binary search
 * over all chunks ({@link ChunkIndex.chunkAt}). This relies on the engines' contract: per
 * direction, data and gap events come in stream order and tile the stream without overlap.
 */
import { DOUBLE_ZERO } from '../core/fields.js';

/** Chunk kinds as stored: bytes copied into the payload log, bytes in the source file, a gap. */
export const KIND_LOG = 0;
export const KIND_FILE = 1;
export const KIND_GAP = 2;

/** Contiguous data of one direction arriving within this many microseconds joins the last chunk. */
const MERGE_WINDOW_MICROS = 1000;

/**
 * Numbers per chunk: a code (the gap chunks up to this one × 8 + dir × 4 + kind), ts, offset,
 * length, where, the other direction's end.
 */
const STRIDE = 6;
/** Chunks per block of the arena: 8 (a flow of a few chunks, most of a scan's or a proxy's, takes one 384-byte block). */
const BLOCK_SHIFT = 3;
const BLOCK_CHUNKS = 1 << BLOCK_SHIFT;
const BLOCK_CELLS = BLOCK_CHUNKS * STRIDE;
/** Blocks per slab (a power of two): 8,192 chunks a slab. */
const SLAB_SHIFT = 10;
const SLAB_BLOCKS = 1 << SLAB_SHIFT;
/** Bytes of one slab of the arena. */
const SLAB_BYTES = SLAB_BLOCKS * BLOCK_CELLS * Float64Array.BYTES_PER_ELEMENT;
const EMPTY_CELLS = new Float64Array(0);

/**
 * `value` (a whole number) as a small integer when it is one: a number read from a Float64Array
 * is a heap number, and so is every sum made from it, each one an allocation, and an object
 * field that takes one keeps every later value in a heap number of its own.
 */
function small(value: number): number {
  return value === (value | 0) ? value | 0 : value;
}

/**
 * Cells for the chunk indexes of every flow: fixed blocks of {@link BLOCK_CHUNKS} chunks carved
 * from large Float64Array slabs. An index grows by one block at a time, never by copying, and the
 * blocks of an evicted flow are reused.
 */
export class ChunkArena {
  private readonly slabs: Float64Array[] = [];
  private readonly free: number[] = [];
  private blocksCarved = 0;

  /** A block for one more run of chunks (its cells hold stale numbers until written). */
  allocate(): number {
    if (this.free.length > 0) return this.free.pop()!;
    const block = this.blocksCarved++;
    if ((block & (SLAB_BLOCKS - 1)) === 0) this.slabs.push(new Float64Array(SLAB_BLOCKS * BLOCK_CELLS));
    return block;
  }

  /** Gives blocks back for reuse. */
  release(blocks: readonly number[]): void {
    for (let i = 0; i < blocks.length; i++) this.free.push(blocks[i]);
  }

  /** Bytes of the slabs carved so far. */
  get bytes(): number {
    return this.slabs.length * SLAB_BYTES;
  }

  /** The slab holding `block`. */
  slab(block: number): Float64Array {
    return this.slabs[block >> SLAB_SHIFT];
  }

  /** Index in its slab of the first cell of `block`. */
  base(block: number): number {
    return (block & (SLAB_BLOCKS - 1)) * BLOCK_CELLS;
  }
}

/** A chunk index as its readers see it (directions 0 and 1, kinds as stored). */
export type StoredChunks = Readonly<Pick<ChunkIndex, 'count' | 'dir' | 'kind' | 'ts' | 'offset' | 'length' | 'lastOfRun'>>;

/**
 * The chunk index of one flow, in blocks of a shared {@link ChunkArena}. Directions are numbers
 * here: 0 client→server, 1 server→client. Indexes are 0-based in arrival order.
 */
export class ChunkIndex {
  count = 0;
  /** Stream offset just past the last byte or gap indexed, per direction. */
  extentC2s = 0;
  extentS2c = 0;
  /** Arena blocks holding chunks [8 k, 8 k + 8), in order. */
  readonly blocks: number[] = [];
  // The last chunk's cells, repeated here with where they are: deciding whether new bytes extend
  // it reads this object only (on a big capture each other object is a cache miss per event).
  // Offsets start as small integers: a double field would put each in a box of its own (another
  // cache line); past 2 GiB they become doubles.
  private lastSlab: Float64Array = EMPTY_CELLS;
  private lastCell = 0;
  private lastCode = -1;
  private lastChunkTs = DOUBLE_ZERO;
  private lastOffset = 0;
  private lastLength = 0;
  private lastWhere = 0;

  constructor(private readonly arena: ChunkArena) {}

  /** Appends a chunk (`length` > 0). */
  push(dir: number, kind: number, ts: number, offset: number, length: number, where: number): void {
    const i = this.count;
    if ((i & (BLOCK_CHUNKS - 1)) === 0) this.blocks.push(this.arena.allocate());
    const block = this.blocks[i >> BLOCK_SHIFT];
    const cells = this.arena.slab(block);
    const cell = this.arena.base(block) + (i & (BLOCK_CHUNKS - 1)) * STRIDE;
    this.count = i + 1;
    const code = dir * 4 + kind;
    const gaps = (i === 0 ? 0 : this.lastSlab[this.lastCell] >> 3) + (kind === KIND_GAP ? 1 : 0);
    cells[cell] = gaps * 8 + code;
    cells[cell + 1] = ts;
    cells[cell + 2] = offset;
    cells[cell + 3] = length;
    cells[cell + 4] = where;
    if (dir === 0) {
      cells[cell + 5] = this.extentS2c;
      this.extentC2s = offset + length;
    } else {
      cells[cell + 5] = this.extentC2s;
      this.extentS2c = offset + length;
    }
    this.lastSlab = cells;
    this.lastCell = cell;
    this.lastCode = code;
    this.lastChunkTs = ts;
    this.lastOffset = offset;
    this.lastLength = length;
    this.lastWhere = where;
  }

  /**
   * Grows the last chunk by `length` when the new bytes continue it in stream and storage and
   * arrive within {@link MERGE_WINDOW_MICROS} of it; false (nothing changed) otherwise.
   */
  extendLast(dir: number, kind: number, ts: number, offset: number, length: number, where: number): boolean {
    const lastLength = this.lastLength;
    if (
      this.lastCode !== dir * 4 + kind ||
      ts - this.lastChunkTs > MERGE_WINDOW_MICROS ||
      this.lastOffset + lastLength !== offset ||
      this.lastWhere + lastLength !== where
    ) {
      return false;
    }
    this.lastLength = lastLength + length;
    this.lastSlab[this.lastCell + 3] = lastLength + length;
    if (dir === 0) this.extentC2s = offset + length;
    else this.extentS2c = offset + length;
    return true;
  }

  /** The next bytes start a chunk of their own, however they continue the last one (something was placed after it). */
  sealLast(): void {
    this.lastCode = -1;
  }

  /** Gives this index's blocks back to the arena; the index must not be used afterwards. */
  release(): void {
    this.arena.release(this.blocks);
    this.blocks.length = 0;
    this.count = 0;
  }

  /**
   * The first chunk of direction `dir` that ends beyond stream offset `offset`: the chunk holding
   * that offset (the stream being tiled); -1 when the direction's stream ends at or before it.
   * O(log count), over the arrival order, without scanning.
   */
  chunkAt(dir: number, offset: number): number {
    if (offset >= (dir === 0 ? this.extentC2s : this.extentS2c)) return -1;
    let low = 0;
    let high = this.count - 1; // the answer lies in [low, high]: the last chunk ends beyond `offset`
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.endAfter(mid, dir) > offset) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /**
   * The last chunk of the run of data chunks of direction `dir` that continues chunk `from` (a data
   * chunk of `dir`): each begins where the one before ended, ends at or before stream offset `end`
   * and comes before chunk `before`. Returns `from` itself when the next chunk does not qualify.
   * O(log count): a chunk of the other direction in between would have moved that direction's
   * end, a gap would have moved the count of gaps. That chunks of one direction with no gap
   * between them are contiguous is not checked: it is the engines' contract (see the module comment).
   */
  lastOfRun(from: number, dir: number, end: number, before: number): number {
    let high = Math.min(this.count, before) - 1;
    const otherEnd = this.endAfter(from, 1 - dir);
    const gaps = this.cell(from, 0) >> 3;
    let low = from; // qualifies; the answer lies in [low, high]
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      const block = this.blocks[mid >> BLOCK_SHIFT];
      const cells = this.arena.slab(block);
      const cell = this.arena.base(block) + (mid & (BLOCK_CHUNKS - 1)) * STRIDE;
      const code = cells[cell];
      const ownEnd = cells[cell + 2] + cells[cell + 3];
      // A chunk of `dir` ends there and stored the other direction's end; one of the other direction, the reverse.
      const mine = ((code >> 2) & 1) === dir;
      if ((mine ? ownEnd : cells[cell + 5]) <= end && (mine ? cells[cell + 5] : ownEnd) === otherEnd && code >> 3 === gaps) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** The direction of the last chunk (-1: no chunk yet). */
  lastDir(): number {
    return this.count === 0 ? -1 : (this.lastSlab[this.lastCell] >> 2) & 1;
  }

  /** The end of direction `dir`'s stream once chunk `i` was indexed. */
  private endAfter(i: number, dir: number): number {
    const block = this.blocks[i >> BLOCK_SHIFT];
    const cells = this.arena.slab(block);
    const cell = this.arena.base(block) + (i & (BLOCK_CHUNKS - 1)) * STRIDE;
    return ((cells[cell] >> 2) & 1) === dir ? cells[cell + 2] + cells[cell + 3] : cells[cell + 5];
  }

  dir(i: number): number {
    return (this.cell(i, 0) >> 2) & 1;
  }

  kind(i: number): number {
    return this.cell(i, 0) & 3;
  }

  ts(i: number): number {
    return this.cell(i, 1);
  }

  offset(i: number): number {
    return small(this.cell(i, 2));
  }

  length(i: number): number {
    return small(this.cell(i, 3));
  }

  where(i: number): number {
    return small(this.cell(i, 4));
  }

  private cell(i: number, field: number): number {
    const block = this.blocks[i >> BLOCK_SHIFT];
    return this.arena.slab(block)[this.arena.base(block) + (i & (BLOCK_CHUNKS - 1)) * STRIDE + field];
  }
}
