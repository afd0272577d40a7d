/**
 * The flow model: the flow table plus, per flow, a compact index of chunks
 * (direction, time, stream offset, length, where the bytes are). Payload bytes are kept by a
 * {@link PayloadStore} (RAM budget, then spill file) or referenced in the source capture file,
 * so memory grows with the number of chunks and flows, never with the bytes seen.
 * Both counts are capped: past a cap the oldest closed flows are evicted (the oldest open
 * ones when none is closed).
 */
import type { DataEvent, Direction, FlowEndReason, FlowEvent, FlowKey, FlowOrigin, Micros } from '../core/types.js';
import { DOUBLE_ZERO } from '../core/fields.js';
import { PayloadStore, SourceFile, type PayloadStoreOptions } from './payloadStore.js';

/** Kinds of chunk in the index. */
export type ChunkKind = 'data' | 'gap';

/** One entry of a flow's chunk index, as views read it. */
export interface Chunk {
  readonly dir: Direction;
  readonly kind: ChunkKind;
  readonly ts: Micros;
  readonly offset: number;
  readonly length: number;
}

/** What the store knows of one flow (no payload). Views must treat it as read-only. */
export interface FlowRecord {
  readonly id: number;
  readonly key: FlowKey;
  readonly origin: FlowOrigin;
  readonly sawHandshake: boolean;
  readonly startTs: Micros;
  lastTs: Micros;
  /** Payload bytes seen per direction (data events only). */
  bytesC2s: number;
  bytesS2c: number;
  gaps: number;
  gapBytes: number;
  closedC2s: boolean;
  closedS2c: boolean;
  /** Set once the flow ended. */
  end?: { ts: Micros; reason: FlowEndReason; detail: string | undefined };
  /** Notes in arrival order (at most {@link MAX_NOTES_PER_FLOW}). */
  readonly notes: { ts: Micros; text: string }[];
  /** Number of chunks in the index. */
  chunkCount: number;
}

/** Change notifications for views. */
export type StoreChange = { type: 'add' | 'update' | 'remove'; flowId: number };

/** Tuning for a {@link FlowStore}. */
export interface FlowStoreOptions extends PayloadStoreOptions {
  /** Most flows kept (default 100 000). */
  maxFlows?: number;
  /** Most chunks kept over all flows (default 4 000 000). */
  maxChunks?: number;
  /** A seekable capture file: data events with `fileOffset >= 0` are referenced, not copied. */
  sourceFile?: string;
}

/** Most notes kept per flow; later ones are counted, not kept. */
export const MAX_NOTES_PER_FLOW = 100;

const KIND_LOG = 0;
const KIND_FILE = 1;
const KIND_GAP = 2;

/** Contiguous data of one direction arriving within this many microseconds joins the last chunk. */
const MERGE_WINDOW_MICROS = 1000;

/** Numbers per chunk in a {@link ChunkIndex}: dir and kind packed, ts, offset, length, where. */
const STRIDE = 5;
/** Chunks per block of the arena: 32. */
const BLOCK_SHIFT = 5;
const BLOCK_CHUNKS = 1 << BLOCK_SHIFT;
const BLOCK_CELLS = BLOCK_CHUNKS * STRIDE;
/** Blocks per slab (a power of two): slabs of 320 KiB. */
const SLAB_SHIFT = 8;
const SLAB_BLOCKS = 1 << SLAB_SHIFT;
const EMPTY_CELLS = new Float64Array(0);

/**
 * Cells for the chunk indexes of every flow: fixed blocks of {@link BLOCK_CHUNKS} chunks carved
 * from large Float64Array slabs. An index grows by one block at a time, never by copying, and the
 * blocks of an evicted flow are reused: memory touched follows the chunks held (a doubling array
 * per flow allocated, zeroed and copied about twice that, and faulted in fresh pages for it).
 */
class ChunkArena {
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
    return this.slabs.length * SLAB_BLOCKS * BLOCK_CELLS * Float64Array.BYTES_PER_ELEMENT;
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

/**
 * The chunk index of one flow: {@link STRIDE} numbers per chunk, in blocks of a shared
 * {@link ChunkArena}.
 */
class ChunkIndex {
  count = 0;
  /** Arena blocks holding chunks [32 k, 32 k + 32), in order. */
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

  push(dir: number, kind: number, ts: number, offset: number, length: number, where: number): void {
    const i = this.count;
    if ((i & (BLOCK_CHUNKS - 1)) === 0) this.blocks.push(this.arena.allocate());
    const block = this.blocks[i >> BLOCK_SHIFT];
    const cells = this.arena.slab(block);
    const cell = this.arena.base(block) + (i & (BLOCK_CHUNKS - 1)) * STRIDE;
    this.count = i + 1;
    const code = dir * 4 + kind;
    cells[cell] = code;
    cells[cell + 1] = ts;
    cells[cell + 2] = offset;
    cells[cell + 3] = length;
    cells[cell + 4] = where;
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
    return true;
  }

  /** Gives this index's blocks back to the arena; the index must not be used afterwards. */
  release(): void {
    this.arena.release(this.blocks);
    this.blocks.length = 0;
    this.count = 0;
  }

  dir(i: number): number {
    return this.cell(i, 0) >> 2;
  }

  kind(i: number): number {
    return this.cell(i, 0) & 3;
  }

  ts(i: number): number {
    return this.cell(i, 1);
  }

  offset(i: number): number {
    return this.cell(i, 2);
  }

  length(i: number): number {
    return this.cell(i, 3);
  }

  where(i: number): number {
    return this.cell(i, 4);
  }

  private cell(i: number, field: number): number {
    const block = this.blocks[i >> BLOCK_SHIFT];
    return this.arena.slab(block)[this.arena.base(block) + (i & (BLOCK_CHUNKS - 1)) * STRIDE + field];
  }
}

/**
 * A flow held: its record and its chunk index in one object (one object to reach per event);
 * views get it as its {@link FlowRecord}.
 */
class FlowEntry extends ChunkIndex implements FlowRecord {
  lastTs: Micros;
  bytesC2s = 0;
  bytesS2c = 0;
  gaps = 0;
  gapBytes = 0;
  closedC2s = false;
  closedS2c = false;
  // Present from the start: open and ended flows have one object shape.
  end: FlowRecord['end'] = undefined;
  readonly notes: { ts: Micros; text: string }[] = [];

  constructor(
    readonly id: number,
    readonly key: FlowKey,
    readonly origin: FlowOrigin,
    readonly sawHandshake: boolean,
    readonly startTs: Micros,
    arena: ChunkArena,
  ) {
    super(arena);
    this.lastTs = startTs;
  }

  get chunkCount(): number {
    return this.count;
  }
}


/** The flow table and chunk index. Apply every engine event with {@link apply}. */
export class FlowStore {
  private readonly flows = new Map<number, FlowEntry>();
  private readonly arena = new ChunkArena();
  private readonly payload: PayloadStore;
  private readonly source: SourceFile | undefined;
  private readonly maxFlows: number;
  private readonly maxChunks: number;
  private totalChunks = 0;
  private readonly listeners: ((change: StoreChange) => void)[] = [];
  /** Flows evicted so far to respect the caps. */
  evictedFlows = 0;

  constructor(options: FlowStoreOptions = {}) {
    this.payload = new PayloadStore(options);
    this.source = options.sourceFile ? new SourceFile(options.sourceFile) : undefined;
    this.maxFlows = options.maxFlows ?? 100_000;
    this.maxChunks = options.maxChunks ?? 4_000_000;
  }

  /** Number of flows held. */
  get size(): number {
    return this.flows.size;
  }

  /** Chunks held over all flows. */
  get chunkCount(): number {
    return this.totalChunks;
  }

  /** Bytes of payload copied into the store (RAM and spill), not counting file references. */
  get copiedBytes(): number {
    return this.payload.size;
  }

  /**
   * Bytes allocated for the chunk index (slabs of 256 blocks of 32 chunks): they grow with the
   * chunks held at one time, not with the chunks seen, as evicted flows give their blocks back.
   */
  get indexBytes(): number {
    return this.arena.bytes;
  }

  /** Registers a listener for add/update/remove; returns a function that unregisters it. */
  subscribe(listener: (change: StoreChange) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Records one engine event. `data` bytes are copied (or referenced in the source file). */
  apply(event: FlowEvent): void {
    // Data events are most of the traffic: their fields are read in a function of their own, so
    // those reads see data events only (fast property access) rather than every event shape.
    if (event.type === 'data') {
      this.applyData(event);
      return;
    }
    if (event.type === 'flow-start') {
      this.makeRoomForFlow();
      this.flows.set(event.flowId, new FlowEntry(event.flowId, event.key, event.origin, event.sawHandshake, event.ts, this.arena));
      this.notify('add', event.flowId);
      return;
    }
    const entry = this.flows.get(event.flowId);
    if (!entry) return; // evicted, or an engine bug; nothing to attach to
    entry.lastTs = event.ts;
    switch (event.type) {
      case 'gap':
        entry.gaps++;
        entry.gapBytes += event.length;
        this.addChunk(entry, event.dir === 'c2s' ? 0 : 1, KIND_GAP, event.ts, event.offset, event.length, 0);
        break;
      case 'half-close':
        if (event.dir === 'c2s') entry.closedC2s = true;
        else entry.closedS2c = true;
        break;
      case 'note':
        if (entry.notes.length < MAX_NOTES_PER_FLOW) entry.notes.push({ ts: event.ts, text: event.text });
        break;
      case 'flow-end':
        entry.end = { ts: event.ts, reason: event.reason, detail: event.detail };
        break;
    }
    this.notify('update', event.flowId);
  }

  /**
   * Counts the event's bytes and indexes them: a reference into the source file when they are in
   * it (`bytes` is not read), else a copy.
   */
  private applyData(event: DataEvent): void {
    const flowId = event.flowId;
    const entry = this.flows.get(flowId);
    if (!entry) return;
    const ts = event.ts;
    const length = event.length;
    const d = event.dir === 'c2s' ? 0 : 1;
    entry.lastTs = ts;
    if (d === 0) entry.bytesC2s += length;
    else entry.bytesS2c += length;
    if (length > 0) {
      const fileOffset = event.fileOffset;
      const inFile = fileOffset >= 0 && this.source !== undefined;
      const kind = inFile ? KIND_FILE : KIND_LOG;
      const where = inFile ? fileOffset : this.payload.append(event.bytes);
      const offset = event.offset;
      if (!entry.extendLast(d, kind, ts, offset, length, where)) this.addChunk(entry, d, kind, ts, offset, length, where);
    }
    this.notify('update', flowId);
  }

  /** The flow with this id, if held. */
  getFlow(flowId: number): FlowRecord | undefined {
    return this.flows.get(flowId);
  }

  /** All flows held, in the order they started. */
  listFlows(): FlowRecord[] {
    return [...this.flows.values()];
  }

  /** Chunk `index` (0-based, in arrival order) of a flow. */
  getChunk(flowId: number, index: number): Chunk | undefined {
    const entry = this.flows.get(flowId);
    if (!entry || index < 0 || index >= entry.count) return undefined;
    return {
      dir: entry.dir(index) === 0 ? 'c2s' : 's2c',
      kind: entry.kind(index) === KIND_GAP ? 'gap' : 'data',
      ts: entry.ts(index),
      offset: entry.offset(index),
      length: entry.length(index),
    };
  }

  /** The bytes of data chunk `index` of a flow (a fresh copy); empty for a gap chunk. */
  readChunk(flowId: number, index: number): Uint8Array {
    const entry = this.flows.get(flowId);
    if (!entry || index < 0 || index >= entry.count) throw new RangeError(`no chunk ${index} in flow ${flowId}`);
    const kind = entry.kind(index);
    if (kind === KIND_GAP) return new Uint8Array(0);
    if (kind === KIND_FILE) return this.source!.read(entry.where(index), entry.length(index));
    return this.payload.read(entry.where(index), entry.length(index));
  }

  /** Releases the spill files and the source file handle. */
  dispose(): void {
    this.payload.dispose();
    this.source?.close();
  }

  private addChunk(entry: FlowEntry, dir: number, kind: number, ts: number, offset: number, length: number, where: number): void {
    if (this.totalChunks >= this.maxChunks) this.evictOne(entry.id);
    entry.push(dir, kind, ts, offset, length, where);
    this.totalChunks++;
  }

  private makeRoomForFlow(): void {
    while (this.flows.size >= this.maxFlows) {
      if (!this.evictOne(-1)) break;
    }
  }

  /** Evicts the oldest closed flow (else the oldest flow other than `keepId`). */
  private evictOne(keepId: number): boolean {
    let victim: number | undefined;
    for (const [id, e] of this.flows) {
      if (e.end && id !== keepId) {
        victim = id;
        break;
      }
    }
    if (victim === undefined) {
      for (const id of this.flows.keys()) {
        if (id !== keepId) {
          victim = id;
          break;
        }
      }
    }
    if (victim === undefined) return false;
    const entry = this.flows.get(victim)!;
    this.totalChunks -= entry.count;
    entry.release();
    this.flows.delete(victim);
    this.evictedFlows++;
    this.notify('remove', victim);
    return true;
  }

  private notify(type: StoreChange['type'], flowId: number): void {
    if (this.listeners.length === 0) return;
    const change: StoreChange = { type, flowId };
    for (const l of this.listeners) l(change);
  }
}
