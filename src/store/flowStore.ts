/**
 * The flow model: the flow table plus, per flow, a compact index of chunks (direction, time,
 * stream offset, length, where the bytes are). Payload bytes are kept by a {@link PayloadStore}
 * (RAM budget, then spill file) or referenced in the source capture file, so memory grows with
 * the number of chunks and flows, never with the bytes seen.
 *
 * Both counts are capped: past a cap one flow is evicted, in O(1): the flow that ended first of
 * those ended, else the flow that started first of those open. Views read flows in arrival order
 * ({@link FlowStore.flows}), learn what changed once per frame from a {@link ChangeCursor}, and
 * read bytes by stream position ({@link FlowStore.chunkAt}, {@link FlowStore.read}).
 */
import type { DataEvent, Direction, Endpoint, FlowEndReason, FlowEvent, FlowKey, FlowOrigin, HandshakeSeen, Micros } from '../core/types.js';
import { ChangeJournal, type ChangeCursor, type JournalEntry } from './changeJournal.js';
import { ChunkArena, ChunkIndex, KIND_FILE, KIND_GAP, KIND_LOG, type StoredChunks } from './chunkIndex.js';
import { LinkedQueue, type Linked } from './linkedQueue.js';
import { PayloadStore, SourceFile, type PayloadStoreOptions } from './payloadStore.js';

export type { ChangeCursor } from './changeJournal.js';

/** Kinds of chunk in the index. */
export type ChunkKind = 'data' | 'gap';

/** One entry of a flow's chunk index, as views read it (a fresh object per call). */
export interface Chunk {
  /** Position in the flow's chunk index (0-based, arrival order). */
  readonly index: number;
  readonly dir: Direction;
  readonly kind: ChunkKind;
  readonly ts: Micros;
  readonly offset: number;
  readonly length: number;
  /** A gap whose bytes the capture's snap length cut off (see GapEvent.notCaptured). */
  readonly notCaptured?: true;
}

/** What the store knows of one flow (no payload). Views must treat it as read-only. */
export interface FlowRecord {
  readonly id: number;
  readonly key: FlowKey;
  readonly origin: FlowOrigin;
  readonly sawHandshake: boolean;
  /** True from a `connecting` flow-start until its `connected` event: still true for a flow that ended without one. */
  readonly connecting: boolean;
  /** The address a flow that started `connecting` was connected to (its `connected` event's), else undefined. */
  readonly connectedTo?: Endpoint | undefined;
  readonly startTs: Micros;
  /** Time of the flow's last event before its end (data, gap, half-close, note), or of its last packet when its end tells (a capture's trailing ACKs). */
  readonly lastTs: Micros;
  /** Payload bytes seen per direction (data events only). */
  readonly bytesC2s: number;
  readonly bytesS2c: number;
  readonly gaps: number;
  readonly gapBytes: number;
  /** Stream offset just past the last byte or gap seen, per direction. */
  readonly extentC2s: number;
  readonly extentS2c: number;
  readonly closedC2s: boolean;
  readonly closedS2c: boolean;
  /** When each side's FIN (half-close) came; undefined while that side is open. */
  readonly finTsC2s: Micros | undefined;
  readonly finTsS2c: Micros | undefined;
  /** The chunks indexed when each side's FIN came: it goes before chunk `finChunk` (arrival order, whatever the clock did). */
  readonly finChunkC2s: number;
  readonly finChunkS2c: number;
  /** The side whose FIN came first (their order when both came before one chunk); undefined before any. */
  readonly firstFin: Direction | undefined;
  /** Set once the flow ended; `handshake` as its flow-end said (capture flows begun with a SYN). */
  readonly end: { ts: Micros; reason: FlowEndReason; detail: string | undefined; handshake: HandshakeSeen | undefined } | undefined;
  /** The first notes, in arrival order (at most {@link MAX_NOTES_PER_FLOW}); each goes before chunk `chunk` (the chunks indexed when it came). */
  readonly notes: readonly StoredNote[];
  /** Notes received, those kept in {@link notes} and those past the cap. */
  readonly noteCount: number;
  /** Number of chunks in the index. */
  readonly chunkCount: number;
}

/** A note kept with its flow: when it came, its text, and the chunks indexed then (it goes before chunk `chunk`). */
export interface StoredNote {
  readonly ts: Micros;
  readonly text: string;
  readonly chunk: number;
}

/** Tuning for a {@link FlowStore}. */
export interface FlowStoreOptions extends PayloadStoreOptions {
  /** Most flows kept (default 100 000). */
  maxFlows?: number;
  /** Most chunks kept over all flows (default 4 000 000). */
  maxChunks?: number;
  /** A seekable capture file: data events with `fileOffset >= 0` are referenced, not copied. */
  sourceFile?: string;
}

/** Most notes kept per flow; later ones are only counted ({@link FlowRecord.noteCount}). */
export const MAX_NOTES_PER_FLOW = 100;

/**
 * A flow held: its record, its chunk index, its place in the eviction queues and in the change
 * journal, in one object (one object to reach per event); views get it as its {@link FlowRecord}.
 */
class FlowEntry extends ChunkIndex implements FlowRecord, Linked<FlowEntry>, JournalEntry {
  lastTs: Micros;
  bytesC2s = 0;
  bytesS2c = 0;
  gaps = 0;
  gapBytes = 0;
  finTsC2s: Micros | undefined = undefined;
  finTsS2c: Micros | undefined = undefined;
  finChunkC2s = 0;
  finChunkS2c = 0;
  firstFin: Direction | undefined = undefined;
  /** `connecting` until the server accepted, then the address connected to; undefined for a flow that did not start connecting. */
  upstream: 'connecting' | Endpoint | undefined;
  // Present from the start: open and ended flows have one object shape.
  end: FlowRecord['end'] = undefined;
  readonly notes: StoredNote[] = [];
  noteCount = 0;
  prev: FlowEntry | undefined = undefined;
  next: FlowEntry | undefined = undefined;
  journalPos = -1;

  constructor(
    readonly id: number,
    readonly key: FlowKey,
    readonly origin: FlowOrigin,
    readonly sawHandshake: boolean,
    connecting: boolean,
    readonly startTs: Micros,
    arena: ChunkArena,
  ) {
    super(arena);
    this.lastTs = startTs;
    this.upstream = connecting ? 'connecting' : undefined;
  }

  get connecting(): boolean {
    return this.upstream === 'connecting';
  }

  get connectedTo(): Endpoint | undefined {
    return this.upstream === 'connecting' ? undefined : this.upstream;
  }

  get chunkCount(): number {
    return this.count;
  }

  get closedC2s(): boolean {
    return this.finTsC2s !== undefined;
  }

  get closedS2c(): boolean {
    return this.finTsS2c !== undefined;
  }
}

/** The flow table and chunk index. Apply every engine event with {@link apply}. */
export class FlowStore {
  private readonly byId = new Map<number, FlowEntry>();
  /** Open flows in the order they started; ended flows in the order they ended. */
  private readonly open = new LinkedQueue<FlowEntry>();
  private readonly ended = new LinkedQueue<FlowEntry>();
  private readonly journal = new ChangeJournal<FlowEntry>();
  private readonly arena = new ChunkArena();
  private readonly payload: PayloadStore;
  private readonly source: SourceFile | undefined;
  private readonly maxFlows: number;
  private readonly maxChunks: number;
  private totalChunks = 0;
  /** Flows evicted so far to respect the caps. */
  evictedFlows = 0;
  /** Flows looked at to choose what to evict (a few per eviction, whatever the number held). */
  evictionVisits = 0;

  constructor(options: FlowStoreOptions = {}) {
    this.payload = new PayloadStore(options);
    this.source = options.sourceFile ? new SourceFile(options.sourceFile) : undefined;
    this.maxFlows = options.maxFlows ?? 100_000;
    this.maxChunks = options.maxChunks ?? 4_000_000;
  }

  /** Number of flows held. */
  get size(): number {
    return this.byId.size;
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
   * Bytes allocated for the chunk index (slabs of 1,024 blocks of 8 chunks): they grow with the
   * chunks held at one time, not with the chunks seen, as evicted flows give their blocks back.
   */
  get indexBytes(): number {
    return this.arena.bytes;
  }

  /**
   * A reader of changes for one view: see {@link ChangeCursor}. `onPending` is called once at the
   * first change after the cursor's creation and after each of its takes (never during a take).
   */
  watchChanges(onPending?: () => void): ChangeCursor {
    return this.journal.open(onPending);
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
      const previous = this.byId.get(event.flowId);
      if (previous) {
        // An id used twice: the newer flow wins, and readers of changes see the id once.
        this.remove(previous);
        previous.journalPos = -2; // every record of the old entry is stale now
      }
      this.makeRoomForFlow();
      const entry = new FlowEntry(event.flowId, event.key, event.origin, event.sawHandshake, event.connecting === true, event.ts, this.arena);
      this.byId.set(event.flowId, entry);
      this.open.push(entry);
      this.touch(entry);
      return;
    }
    const entry = this.byId.get(event.flowId);
    if (!entry) return; // evicted, or an engine bug; nothing to attach to
    if (event.type !== 'flow-end') entry.lastTs = event.ts;
    switch (event.type) {
      case 'connected':
        entry.upstream = event.server;
        break;
      case 'gap':
        entry.gaps++;
        entry.gapBytes += event.length;
        // A gap's `where` says why its bytes are missing: 1, cut by the snap length; 0, never seen.
        if (event.length > 0) this.addChunk(entry, event.dir === 'c2s' ? 0 : 1, KIND_GAP, event.ts, event.offset, event.length, event.notCaptured ? 1 : 0);
        break;
      // A FIN or note is placed among the chunks by arrival: the bytes after it start a chunk of their own.
      case 'half-close':
        if (event.dir === 'c2s' ? entry.finTsC2s !== undefined : entry.finTsS2c !== undefined) break;
        entry.firstFin ??= event.dir;
        if (event.dir === 'c2s') {
          entry.finTsC2s = event.ts;
          entry.finChunkC2s = entry.count;
        } else {
          entry.finTsS2c = event.ts;
          entry.finChunkS2c = entry.count;
        }
        entry.sealLast();
        break;
      case 'note':
        if (entry.notes.length < MAX_NOTES_PER_FLOW) entry.notes.push({ ts: event.ts, text: event.text, chunk: entry.count });
        entry.noteCount++;
        entry.sealLast();
        break;
      case 'flow-end':
        if (entry.end === undefined) {
          this.open.remove(entry);
          this.ended.push(entry);
        }
        entry.end = { ts: event.ts, reason: event.reason, detail: event.detail, handshake: event.handshake };
        // Packets without payload (the peer's last ACK) made no event: the flow was seen until then.
        if (event.lastSeen !== undefined && event.lastSeen > entry.lastTs) entry.lastTs = event.lastSeen;
        break;
    }
    this.touch(entry);
  }

  /**
   * Counts the event's bytes and indexes them: a reference into the source file when they are in
   * it (`bytes` is not read), else a copy.
   */
  private applyData(event: DataEvent): void {
    const entry = this.byId.get(event.flowId);
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
      if (!entry.extendLast(d, kind, ts, offset, length, where)) {
        // A side starts sending after the other (or first): message heads begin there.
        if (inFile && entry.lastDir() !== d) this.source!.keepTurnStart(fileOffset, event.bytes);
        this.addChunk(entry, d, kind, ts, offset, length, where);
      }
    }
    if (entry.journalPos < this.journal.fence) this.journal.record(entry);
  }

  /** The flow with this id, if held. */
  getFlow(flowId: number): FlowRecord | undefined {
    return this.byId.get(flowId);
  }

  /**
   * The flows held, in the order they started, without copying them. Live: a flow started during
   * the iteration is visited, one evicted before it is reached is not.
   */
  flows(): IterableIterator<FlowRecord> {
    return this.byId.values();
  }

  /** Chunk `index` (0-based, in arrival order) of a flow; undefined when there is none. */
  getChunk(flowId: number, index: number): Chunk | undefined {
    const entry = this.byId.get(flowId);
    if (!entry || !(index >= 0 && index < entry.count)) return undefined;
    return chunkOf(entry, index);
  }

  /**
   * The index of the chunk of direction `dir` holding stream offset `offset`, found in O(log n)
   * chunks of the flow; -1 when the direction's stream (data and gaps seen) ends at or before it.
   * Stepping through one direction: the chunk after chunk c is `chunkAt(dir, c.offset + c.length)`,
   * the one before it `chunkAt(dir, c.offset - 1)` (when c.offset > 0).
   * @throws RangeError when the flow is not held.
   */
  chunkAt(flowId: number, dir: Direction, offset: number): number {
    return this.entryOf(flowId).chunkAt(dir === 'c2s' ? 0 : 1, offset);
  }

  /**
   * The chunk index of a flow, read in place (no object per chunk), for a replay; undefined when
   * the flow is not held. Valid while the flow is held: its cells go to other flows once it is
   * evicted, so a reader that lets the event loop run checks {@link getFlow} before reading on.
   */
  chunksOf(flowId: number): StoredChunks | undefined {
    return this.byId.get(flowId);
  }

  /**
   * Copies direction `dir`'s bytes from stream offset `offset` into `into[at, at + length)`,
   * stopping early at a gap or at the end of what was seen; returns the number of bytes copied
   * (0 when `offset` lies in a gap: {@link chunkAt} tells which chunk). Costs O(log n) per chunk
   * touched, plus the reads.
   * @throws RangeError when the flow is not held or the range does not fit `into`; an Error when the
   *   spill or source file cannot be read.
   */
  readInto(flowId: number, dir: Direction, offset: number, into: Uint8Array, at = 0, length = into.length - at): number {
    const entry = this.entryOf(flowId);
    if (!(offset >= 0 && at >= 0 && length >= 0 && at + length <= into.length)) {
      throw new RangeError(`cannot read ${length} bytes at offset ${offset} into [${at}, ${at + length}) of ${into.length}`);
    }
    const d = dir === 'c2s' ? 0 : 1;
    let done = 0;
    while (done < length) {
      const position = offset + done;
      const i = entry.chunkAt(d, position);
      if (i < 0) break;
      const kind = entry.kind(i);
      const start = entry.offset(i);
      if (kind === KIND_GAP || start > position) break;
      const n = Math.min(length - done, start + entry.length(i) - position);
      this.copyOut(kind, entry.where(i) + (position - start), into, at + done, n);
      done += n;
    }
    return done;
  }

  /**
   * Direction `dir`'s bytes in [offset, offset + length), in a fresh array that is shorter when a
   * gap or the end of what was seen comes first. Errors as {@link readInto}.
   */
  read(flowId: number, dir: Direction, offset: number, length: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, length));
    const n = this.readInto(flowId, dir, offset, out, 0, length);
    return n === out.length ? out : out.slice(0, n);
  }

  /** Releases the spill files and the source file handle. */
  dispose(): void {
    this.payload.dispose();
    this.source?.close();
  }

  private entryOf(flowId: number): FlowEntry {
    const entry = this.byId.get(flowId);
    if (!entry) throw new RangeError(`no flow ${flowId}`);
    return entry;
  }

  private copyOut(kind: number, where: number, into: Uint8Array, at: number, length: number): void {
    if (kind === KIND_FILE) this.source!.readInto(where, into, at, length);
    else if (kind === KIND_LOG) this.payload.readInto(where, into, at, length);
  }

  /** Tells the change journal that `entry` changed (nothing to do when every reader will see it). */
  private touch(entry: FlowEntry): void {
    if (entry.journalPos < this.journal.fence) this.journal.record(entry);
  }

  private addChunk(entry: FlowEntry, dir: number, kind: number, ts: number, offset: number, length: number, where: number): void {
    while (this.totalChunks >= this.maxChunks && this.evictOne(entry));
    entry.push(dir, kind, ts, offset, length, where);
    this.totalChunks++;
  }

  private makeRoomForFlow(): void {
    while (this.byId.size >= this.maxFlows) {
      if (!this.evictOne(undefined)) break;
    }
  }

  /**
   * Lets go of the flow that ended first, else the open flow that started first (as the store does
   * at its caps), to make room for a reader's own memory; returns its id, undefined when none is held.
   */
  evictOldest(): number | undefined {
    return this.evictOne(undefined)?.id;
  }

  /** Evicts the flow that ended first, else the open flow that started first; never `keep`. Returns it, undefined when none could go. */
  private evictOne(keep: FlowEntry | undefined): FlowEntry | undefined {
    const victim = this.firstOtherThan(this.ended.head, keep) ?? this.firstOtherThan(this.open.head, keep);
    if (victim === undefined) return undefined;
    this.remove(victim);
    this.evictedFlows++;
    return victim;
  }

  private firstOtherThan(head: FlowEntry | undefined, keep: FlowEntry | undefined): FlowEntry | undefined {
    if (head === undefined) return undefined;
    this.evictionVisits++;
    if (head !== keep) return head;
    const next = head.next;
    if (next !== undefined) this.evictionVisits++;
    return next;
  }

  private remove(entry: FlowEntry): void {
    (entry.end === undefined ? this.open : this.ended).remove(entry);
    this.totalChunks -= entry.count;
    entry.release();
    this.byId.delete(entry.id);
    this.touch(entry);
  }
}

function chunkOf(entry: FlowEntry, index: number): Chunk {
  const chunk: Chunk = {
    index,
    dir: entry.dir(index) === 0 ? 'c2s' : 's2c',
    kind: entry.kind(index) === KIND_GAP ? 'gap' : 'data',
    ts: entry.ts(index),
    offset: entry.offset(index),
    length: entry.length(index),
  };
  return chunk.kind === 'gap' && entry.where(index) === 1 ? { ...chunk, notCaptured: true } : chunk;
}
