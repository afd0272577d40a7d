/**
 * Replays one flow held by the store as the `FlowEvent`s an engine would have emitted, so any
 * output (`LogOutput`, `PcapOutput`, ...) can render a flow after the fact.
 *
 * What the store keeps is less than what the engine said, so some things are approximated:
 * - Data comes per stored chunk, cut into slices of at most `sliceBytes`: the store joins
 *   contiguous bytes of one direction that arrived within a millisecond into one chunk, so a
 *   replayed data event may cover several original ones and carries the first one's time. A sink
 *   that only counts some bytes (`skippable`) gets the chunks within them as one event, of any
 *   size, with the last one's time.
 * - Notes and half-closes come where they arrived among the chunks (see `conversation/marks.ts`):
 *   only the notes the store kept are replayed (it keeps the first 100 of a flow).
 * - A proxied flow whose upstream accepted is replayed as if it had at once: `connecting`, then
 *   `connected` (with the address connected to) at its start's time; one whose upstream never
 *   did starts `connecting`, with no `connected`.
 * Everything else is exact: the flow-start, the data bytes at their stream offsets, each gap
 * with its offset, length and time, the flow-end with its reason and detail.
 */
import type { DataEvent, Direction, FlowEvent, FlowEventSink } from '../../core/types.js';
import type { FlowRecord, FlowStore } from '../../store/flowStore.js';
import { KIND_GAP, type StoredChunks } from '../../store/chunkIndex.js';
import { flowMarks, type Mark } from '../conversation/marks.js';

/** What {@link replayFlow} reads of the store (the store satisfies it). */
export type ReplaySource = Pick<FlowStore, 'getFlow' | 'chunksOf' | 'readInto'>;

/** What a replay covers of a flow: the record's state at one time (see {@link snapshotFlow}). */
export type FlowSnapshot = Pick<FlowRecord, 'chunkCount' | 'extentC2s' | 'extentS2c' | 'notes' | 'finTsC2s' | 'finTsS2c' | 'finChunkC2s' | 'finChunkS2c' | 'firstFin' | 'end' | 'lastTs'>;

/** A copy of the parts of `flow` that bound a replay, as they are now. */
export function snapshotFlow(flow: FlowRecord): FlowSnapshot {
  const { chunkCount, extentC2s, extentS2c, finTsC2s, finTsS2c, finChunkC2s, finChunkS2c, firstFin, end, lastTs } = flow;
  return { chunkCount, extentC2s, extentS2c, notes: flow.notes.slice(), finTsC2s, finTsS2c, finChunkC2s, finChunkS2c, firstFin, end, lastTs };
}

/** Options of {@link replayFlow}. */
export interface ReplayOptions {
  /** Most bytes of one data event that is read (bytes a sink only counts go in one: see `skippable`). Default 64 KiB. */
  readonly sliceBytes?: number;
  /** Bytes read between two calls of {@link pause} (each event weighs 256 bytes more). Default 256 KiB. */
  readonly pauseEveryBytes?: number;
  /**
   * Awaited by {@link replayFlow} between batches of about `pauseEveryBytes` (and once at the
   * end), e.g. to write out what the sink gathered. Default: one turn of the event loop
   * (`setImmediate`). A caller of {@link startReplay} pauses itself when a step returns false.
   */
  readonly pause?: () => Promise<void> | void;
  /** Replay the flow as it was when this snapshot was taken (default: as it is when the replay starts). */
  readonly asOf?: FlowSnapshot;
  /**
   * How many bytes of direction `dir`, from its next offset, the sink takes without reading them
   * (Infinity: all). The data chunks that follow one another in arrival order within them (no gap,
   * other direction, half-close or note between) are replayed as one event, which carries the
   * last one's time and must not be read. Default: none (every chunk on its own).
   */
  readonly skippable?: (dir: Direction) => number;
}

/** What a replay emitted. */
export interface ReplaySummary {
  readonly events: number;
  readonly bytes: number;
  /** True when the flow-end was replayed (the flow had ended when the replay started). */
  readonly ended: boolean;
}

const DEFAULT_SLICE_BYTES = 64 * 1024;
const DEFAULT_PAUSE_EVERY_BYTES = 256 * 1024;
/** What one event weighs, in bytes, towards the next pause (so 1,024 events at most between two). */
const EVENT_WORK_BYTES = 256;

/**
 * Emits flow `flowId` into `sink`: flow-start, its data and gap chunks in arrival order with the
 * notes and the half-close of each closed side where they came, and the flow-end when it has ended
 * (see the module comment for what is approximated). The flow is replayed as it was when the call
 * started (or at `options.asOf`): chunks and bytes added meanwhile, by a live source, are left
 * out. Data events are valid only during the sink call; `fileOffset` is -1. Their `bytes` are read
 * from the store when the sink reads them (into one reused buffer), so a sink that only counts
 * them costs no read; read them once per event.
 *
 * The replay gives the event loop a turn (or awaits `options.pause`) every `pauseEveryBytes` read
 * (an event counts as {@link EVENT_WORK_BYTES} more), so a big flow, or one of many small chunks,
 * neither blocks the loop nor sits in memory: at most `sliceBytes` of it are held.
 * @throws FlowGoneError (a rejection, one line) when the flow is not held, or is evicted before the replay
 *   ends: `flow 7 is no longer held (evicted)`; read errors of the store, and anything the sink
 *   throws, reject as they are.
 */
export async function replayFlow(store: ReplaySource, flowId: number, sink: FlowEventSink, options: ReplayOptions = {}): Promise<ReplaySummary> {
  const replay = startReplay(store, flowId, sink, options);
  const pause = options.pause ?? nextTurn;
  while (!replay.step()) {
    await pause();
    replay.checkHeld();
  }
  await pause();
  return { events: replay.events, bytes: replay.bytes, ended: replay.ended };
}

/**
 * A replay of flow `flowId` as {@link replayFlow} makes it, driven by the caller: call
 * {@link FlowReplay.step} until it returns true, giving the event loop a turn when it returns
 * false if need be, then {@link FlowReplay.checkHeld} before the next step. For a caller that
 * replays many flows without an await per flow (the TUI's message backfill).
 * @throws FlowGoneError when the flow is not held.
 */
export function startReplay(store: ReplaySource, flowId: number, sink: FlowEventSink, options: ReplayOptions = {}): FlowReplay {
  const flow = store.getFlow(flowId);
  const chunks = store.chunksOf(flowId);
  if (flow === undefined || chunks === undefined) throw goneError(flowId);
  return new FlowReplay(store, chunks, flow, sink, options);
}

/**
 * One replay's state: {@link step} emits events synchronously until a pause is due (about
 * `pauseEveryBytes` read), so the loop over the chunks is plain code and the awaits are the caller's.
 */
export class FlowReplay {
  /** Events emitted so far. */
  events = 0;
  /** Data bytes emitted so far (read or only counted). */
  bytes = 0;
  /** True when the flow had ended when the replay started: its flow-end comes last. */
  readonly ended: boolean;
  private readonly flowId: number;
  private readonly sliceBytes: number;
  private readonly pauseEvery: number;
  private readonly skippable: ((dir: Direction) => number) | undefined;
  private readonly state: FlowSnapshot;
  /** The notes and half-closes, in their places among the chunks. */
  private readonly marks: Mark[];
  private mark = 0;
  /** The next chunk to replay (-1: the flow-start comes first). */
  private chunk = -1;
  /** Where the rest of a chunk cut into slices resumes (-1: the chunk is not started). */
  private sliceAt = -1;
  /** Bytes read since the last pause, each event weighing {@link EVENT_WORK_BYTES}. */
  private since = 0;
  private readonly data: StoredDataEvent;

  constructor(
    private readonly store: ReplaySource,
    private readonly chunks: StoredChunks,
    private readonly flow: FlowRecord,
    private readonly sink: FlowEventSink,
    options: ReplayOptions,
  ) {
    this.flowId = flow.id;
    this.sliceBytes = Math.max(1, Math.floor(options.sliceBytes ?? DEFAULT_SLICE_BYTES));
    this.pauseEvery = Math.max(1, options.pauseEveryBytes ?? DEFAULT_PAUSE_EVERY_BYTES);
    this.skippable = options.skippable;
    // Chunks, bytes, notes and closes that came after the snapshot are not replayed.
    const state = (this.state = options.asOf ?? snapshotFlow(flow));
    this.ended = state.end !== undefined;
    this.marks = flowMarks(state);
    this.data = new StoredDataEvent(store, flow.id, (n) => (this.since += n));
  }

  /** Emits events until a pause is due (false) or the flow is replayed to its end (true). */
  step(): boolean {
    this.since = 0;
    const { chunks, flowId, flow } = this;
    if (this.chunk < 0) {
      const start = { type: 'flow-start', flowId, key: flow.key, ts: flow.startTs, origin: flow.origin, sawHandshake: flow.sawHandshake } as const;
      const connectedTo = flow.connectedTo;
      this.emit(flow.connecting || connectedTo ? { ...start, connecting: true } : start);
      if (connectedTo) this.emit({ type: 'connected', flowId, ts: flow.startTs, server: connectedTo });
      this.chunk = 0;
    }
    const { chunkCount, extentC2s, extentS2c } = this.state;
    for (; this.chunk < chunkCount; this.chunk++) {
      const i = this.chunk;
      const d = chunks.dir(i);
      const dir: Direction = d === 0 ? 'c2s' : 's2c';
      const start = chunks.offset(i);
      const ts = chunks.ts(i);
      const extent = d === 0 ? extentC2s : extentS2c;
      const end = Math.min(start + chunks.length(i), extent);
      if (this.sliceAt < 0) {
        this.emitMarksUpTo(i);
        if (end <= start) continue;
        if (chunks.kind(i) === KIND_GAP) {
          this.emit({ type: 'gap', flowId, dir, offset: start, length: end - start, ts });
        } else {
          const skippable = this.skippable?.(dir) ?? 0;
          if (skippable > end - start) {
            // The sink only counts these bytes: the chunks after this one that it also only counts join it.
            const last = chunks.lastOfRun(i, d, Math.min(start + skippable, extent), this.nextMarkChunk());
            this.emitData(dir, start, (last === i ? end : chunks.offset(last) + chunks.length(last)) - start, chunks.ts(last));
            this.chunk = last;
          } else {
            // The bytes the sink only counts are not read: they go on their own before the rest.
            const skipped = Math.min(skippable, end - start);
            if (skipped > 0) this.emitData(dir, start, skipped, ts);
            this.sliceAt = start + skipped;
          }
        }
      }
      while (this.sliceAt >= 0 && this.sliceAt < end) {
        const length = Math.min(this.sliceBytes, end - this.sliceAt);
        this.emitData(dir, this.sliceAt, length, ts);
        this.sliceAt += length;
        if (this.since >= this.pauseEvery && this.sliceAt < end) return false;
      }
      this.sliceAt = -1;
      if (this.since >= this.pauseEvery) {
        this.chunk++;
        return false;
      }
    }
    this.emitMarksUpTo(Infinity);
    const flowEnd = this.state.end;
    if (flowEnd !== undefined && this.chunk === chunkCount) {
      this.emit({ type: 'flow-end', flowId, ts: flowEnd.ts, reason: flowEnd.reason, detail: flowEnd.detail });
      this.chunk++;
    }
    return true;
  }

  /**
   * After a turn of the event loop: the chunk index is read in place, so the flow must still be held.
   * @throws FlowGoneError when it was evicted.
   */
  checkHeld(): void {
    if (this.store.getFlow(this.flowId) !== this.flow) throw goneError(this.flowId);
  }

  private emit(event: FlowEvent): void {
    this.events++;
    this.since += EVENT_WORK_BYTES;
    this.sink(event);
  }

  private emitData(dir: Direction, offset: number, length: number, ts: number): void {
    this.emit(this.data.refill(dir, offset, length, ts));
    this.bytes += length;
  }

  /** The chunk the next half-close or note goes before (Infinity: none left). */
  private nextMarkChunk(): number {
    return this.mark < this.marks.length ? this.marks[this.mark].chunk : Infinity;
  }

  /** Emits, in their order, the half-closes and notes that go before chunk `chunk`. */
  private emitMarksUpTo(chunk: number): void {
    const { marks, flowId } = this;
    while (this.mark < marks.length && marks[this.mark].chunk <= chunk) {
      const mark = marks[this.mark++];
      if (mark.kind === 'fin') this.emit({ type: 'half-close', flowId, dir: mark.dir, ts: mark.ts });
      else this.emit({ type: 'note', flowId, ts: mark.ts, text: this.state.notes[mark.index].text });
    }
  }
}

/**
 * The buffer every replay reads data into, grown to the longest read: a data event's bytes are
 * valid only during the sink's call, and sink calls never overlap.
 */
let readBuffer = new Uint8Array(0);

/**
 * A replayed data event whose `bytes` are read from the store when read (into {@link readBuffer}),
 * so a sink that only counts them (a parser inside a body) costs no read.
 * Read `bytes` once per event. `onRead` is told how many bytes each read copied.
 */
class StoredDataEvent implements DataEvent {
  readonly type = 'data';
  readonly fileOffset = -1;
  dir: Direction = 'c2s';
  offset = 0;
  length = 0;
  ts = 0;

  readonly #store: ReplaySource;
  readonly #onRead: (bytes: number) => void;

  constructor(store: ReplaySource, readonly flowId: number, onRead: (bytes: number) => void) {
    this.#store = store;
    this.#onRead = onRead;
  }

  refill(dir: Direction, offset: number, length: number, ts: number): this {
    this.dir = dir;
    this.offset = offset;
    this.length = length;
    this.ts = ts;
    return this;
  }

  /** @throws Error when the flow was evicted (or its bytes are gone), as the replay does. */
  get bytes(): Uint8Array {
    const store = this.#store;
    if (readBuffer.length < this.length) readBuffer = new Uint8Array(Math.max(this.length, 2 * readBuffer.length));
    const got = store.getFlow(this.flowId) === undefined ? 0 : store.readInto(this.flowId, this.dir, this.offset, readBuffer, 0, this.length);
    if (got !== this.length) throw goneError(this.flowId);
    this.#onRead(got);
    return readBuffer.subarray(0, got);
  }
}

/** The flow a replay reads was evicted before the replay ended. */
export class FlowGoneError extends Error {
  constructor(readonly flowId: number) {
    super(`flow ${flowId} is no longer held (evicted)`);
  }
}

function goneError(flowId: number): FlowGoneError {
  return new FlowGoneError(flowId);
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
