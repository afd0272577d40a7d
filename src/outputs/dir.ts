/**
 * `-o DIR`: tcpflow-style output, one file per direction of every flow.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CompactFlowKey } from '../core/compactKey.js';
import { formatCount } from '../core/count.js';
import { errorLine, fileErrorReason, UserError } from '../core/errors.js';
import type { Direction, FlowEvent, FlowKey, Micros } from '../core/types.js';
import { copyBytes } from '../io/copyBytes.js';
import { BatchEncoder, type WriterReport, type WriterSetup } from './dirWriterCodec.js';
import { outputFileBudget } from './descriptorBudget.js';
import { tcpflowDirectionName } from './tcpflowNames.js';
import type { FlowOutput } from './types.js';

/** Options of {@link DirectoryOutput}. */
export interface DirectoryOutputOptions {
  /** Output directory; created (with parents) if missing. */
  readonly dir: string;
  /**
   * Most files kept open at once (least recently used ones are closed and reopened; the writer
   * lowers it further when the system refuses a descriptor). Default: `outputFileBudget('capture')`.
   */
  readonly maxOpenFiles?: number;
  /** Size of one coalescing write buffer. Default 64 KiB. */
  readonly bufferBytes?: number;
  /** Most coalescing slots filling at once (bounds them at maxBuffers × bufferBytes). Default 512 (32 MiB). */
  readonly maxBuffers?: number;
  /**
   * How much may wait for the writer thread before {@link DirectoryOutput.backlog} asks the
   * producer to wait, counted in whole slots (`bufferBytes` each, however full) handed over and
   * not yet written. Default 32 MiB (512 slots of 64 KiB).
   */
  readonly maxPendingBytes?: number;
  /** Set each file's access and modification time to its flow's start, as tcpflow does. Default true. */
  readonly setFileTimes?: boolean;
  /** Told once, after a successful close, when files hold gaps of {@link SPARSE_REPORT_BYTES} or more as sparse holes. */
  readonly report?: (line: string) => void;
}

/** A gap this long is reported as a sparse hole: tcpflow's default for a jump that starts a new file (its `-m`). */
const SPARSE_REPORT_BYTES = 16 << 20;

/** One direction's file, as the main thread sees it. */
interface DirectionFile {
  readonly flow: FlowFiles;
  readonly dir: Direction;
  /** Writer-thread id, assigned on first use (-1 before: no file yet). */
  id: number;
  /** Slab slot coalescing bytes for positions [bufferPos, bufferPos + bufferLength), or -1. */
  slot: number;
  bufferPos: number;
  bufferLength: number;
  /** End of the stream seen so far (data and gaps): the file's final size. */
  streamEnd: number;
  /** End of the bytes written (or buffered). */
  dataEnd: number;
  /** The file holds a gap of {@link SPARSE_REPORT_BYTES} or more. */
  sparse: boolean;
}

/**
 * A started flow: its key, in the one object, and its start; a direction's file state is made at
 * its first data or gap (a scan's flows have none).
 */
class FlowFiles extends CompactFlowKey {
  c2s: DirectionFile | null = null;
  s2c: DirectionFile | null = null;

  constructor(
    key: FlowKey,
    readonly startTs: Micros,
  ) {
    super(key);
  }
}

/** The file state of one direction of `flow`, made on first use. */
function directionFile(flow: FlowFiles, dir: Direction): DirectionFile {
  const existing = flow[dir];
  if (existing !== null) return existing;
  const file: DirectionFile = { flow, dir, id: -1, slot: -1, bufferPos: 0, bufferLength: 0, streamEnd: 0, dataEnd: 0, sparse: false };
  flow[dir] = file;
  return file;
}

/** A batch is sent once it holds this many payload bytes (else at the end of the event-loop turn). */
const BATCH_BYTES = 4 << 20;
/** How long a producer out of slots waits for the writer before checking again (ms). */
const SLOT_WAIT_MS = 50;

/**
 * Writes each direction of each flow to its own file in `dir`, named as tcpflow 1.6.1 names it
 * (sender first, see `tcpflowFlowName`). Bytes go at their stream offsets; a gap leaves a hole
 * (sparse, reads as zeros), and a gap at the end still extends the file to the gap's end.
 * A name already taken (port reuse in this run, or a file left from an earlier run) gets
 * tcpflow's `c1`, `c2`, ... suffix: files are created exclusively and never overwritten, in the
 * order of their first use. A direction without data or gaps gets no file. Each file's times are
 * set to its flow's start (tcpflow uses the direction's first packet, which the flow model does
 * not carry; the flow start is within a round trip of it). Events of flows never started are
 * ignored.
 *
 * The system calls run on a writer thread (see `dirWriterThread.ts`), so reading and
 * reassembly go on while files are created and written. Contiguous bytes are coalesced into
 * slots of one shared slab (`maxBuffers` filling, `maxPendingBytes` more with the writer:
 * memory is fixed at construction); full slots and file commands are handed over in batches
 * (at the end of each event-loop turn, or sooner when large). A producer that can wait awaits
 * {@link backlog} between its batches; one that does not (a live source) blocks inside
 * `handle` only when every slot is with the writer, i.e. when the disk cannot keep up.
 * At most `maxOpenFiles` descriptors are open at once. The first file-system error stops the
 * writing: it is thrown (as a one-line `UserError`) by the next `handle` and by `close`, and
 * passed to the {@link onFailure} listener as soon as the writer thread reports it.
 */
export class DirectoryOutput implements FlowOutput {
  private readonly bufferBytes: number;
  private readonly maxBuffers: number;
  private readonly maxInflightSlots: number;
  private readonly setFileTimes: boolean;
  private readonly flows = new Map<number, FlowFiles>();
  /** Files holding a slot, least recently used first. */
  private readonly buffered = new Map<DirectionFile, true>();
  private readonly worker: Worker;
  /** Shared payload slots (see WriterSetup). */
  private readonly slab: Uint8Array;
  /** Bytes handed over per slot, to count them back. */
  private readonly slotLength: Int32Array;
  private readonly ring: Int32Array;
  private readonly freeSlots: number[] = [];
  /** Slots given back by the writer that were collected into freeSlots. */
  private collected = 0;
  /** Slots handed to the writer (sent or in the batch) and not yet collected back. */
  private inflightSlots = 0;
  private nextFileId = 0;
  /** The batch being gathered. */
  private readonly batch = new BatchEncoder();
  private batchBytes = 0;
  private sendScheduled = false;
  /** Bytes handed over and not yet written. */
  private pendingBytes = 0;
  private filesCreated = 0;
  private peakOpen = 0;
  /** Files holding a gap of {@link SPARSE_REPORT_BYTES} or more, and the bytes of such gaps. */
  private sparseFiles = 0;
  private sparseBytes = 0;
  private error: UserError | undefined;
  private closing: Promise<void> | undefined;
  private backlogWaiters: (() => void)[] = [];
  private failureListener: ((error: UserError) => void) | undefined;
  private resolveDone: (() => void) | undefined;
  /** Settles when the writer reported its end batch done, or when the thread is gone (it died). */
  private readonly done: Promise<void>;

  constructor(private readonly options: DirectoryOutputOptions) {
    this.bufferBytes = Math.max(1, options.bufferBytes ?? 64 * 1024);
    this.maxBuffers = Math.max(1, options.maxBuffers ?? 512);
    this.maxInflightSlots = Math.max(2, Math.ceil((options.maxPendingBytes ?? 32 << 20) / this.bufferBytes));
    this.setFileTimes = options.setFileTimes ?? true;
    const slots = this.maxBuffers + this.maxInflightSlots;
    this.slab = Buffer.from(new SharedArrayBuffer(slots * this.bufferBytes));
    this.slotLength = new Int32Array(slots);
    this.ring = new Int32Array(new SharedArrayBuffer((slots + 1) * 4));
    for (let slot = slots - 1; slot >= 0; slot--) this.freeSlots.push(slot);
    try {
      makeDirectory(options.dir);
    } catch (err) {
      const reason = fileErrorReason(err, { EEXIST: 'a file is in the way', ENOTDIR: 'a file is in the way' });
      throw new UserError(`cannot create output directory ${options.dir}: ${reason}`);
    }
    const setup: WriterSetup = {
      dir: options.dir,
      maxOpenFiles: Math.max(1, options.maxOpenFiles ?? outputFileBudget('capture')),
      slab: this.slab.buffer as SharedArrayBuffer,
      slotBytes: this.bufferBytes,
      ring: this.ring.buffer as SharedArrayBuffer,
    };
    this.worker = new Worker(writerEntry(), { workerData: setup });
    this.done = new Promise<void>((resolve) => {
      this.resolveDone = resolve;
      this.worker.once('exit', () => resolve());
    });
    this.worker.on('message', (report: WriterReport) => this.onReport(report));
    this.worker.on('error', (err) => this.onReport({
      filesCreated: this.filesCreated, peakOpenFiles: this.peakOpen, error: `writer thread failed: ${errorLine(err)}`, done: true,
    }));
  }

  /** Files created so far (as last reported by the writer thread; exact after `close`). */
  get fileCount(): number {
    return this.filesCreated;
  }

  /** Most descriptors the writer had open at once (at most `maxOpenFiles`; exact after `close`). */
  get peakOpenFiles(): number {
    return this.peakOpen;
  }

  /** Bytes handed to the writer thread (or gathered for it) and not yet written. */
  get pendingWriteBytes(): number {
    this.collectFreed();
    return this.pendingBytes;
  }

  handle(event: FlowEvent): void {
    if (this.error) throw this.error;
    switch (event.type) {
      case 'flow-start': {
        const old = this.flows.get(event.flowId);
        if (old) this.finishFlow(old);
        this.flows.set(event.flowId, new FlowFiles(event.key, event.ts));
        return;
      }
      case 'data': {
        const flow = this.flows.get(event.flowId);
        if (!flow || event.length === 0) return;
        this.write(directionFile(flow, event.dir), event.offset, event.bytes);
        return;
      }
      case 'gap': {
        const flow = this.flows.get(event.flowId);
        if (!flow || event.length <= 0) return;
        const file = directionFile(flow, event.dir);
        if (file.id < 0) this.create(file);
        file.streamEnd = Math.max(file.streamEnd, event.offset + event.length);
        if (event.length >= SPARSE_REPORT_BYTES) {
          if (!file.sparse) this.sparseFiles++;
          file.sparse = true;
          this.sparseBytes += event.length;
        }
        return;
      }
      case 'flow-end': {
        const flow = this.flows.get(event.flowId);
        if (!flow) return;
        this.flows.delete(event.flowId);
        this.finishFlow(flow);
        return;
      }
      default:
        return;
    }
  }

  /**
   * Undefined while the slots handed over and not yet written are within `maxPendingBytes`
   * (see there); otherwise a promise that resolves once they are down to half of it (or writing
   * failed: the next `handle` throws).
   */
  backlog(): Promise<void> | undefined {
    this.send();
    this.collectFreed();
    if (this.inflightSlots <= this.maxInflightSlots || this.error) return undefined;
    return new Promise((resolve) => this.backlogWaiters.push(resolve));
  }

  /** Registers the one listener told of the first write failure, when the writer thread reports it. */
  onFailure(listener: (error: UserError) => void): void {
    this.failureListener = listener;
    if (this.error) listener(this.error);
  }

  /**
   * Finishes every flow (buffered bytes written, sizes and times set, descriptors closed), waits
   * until the writer thread is done and resolves; rejects with the first error. Idempotent.
   */
  close(): Promise<void> {
    if (!this.closing) {
      for (const flow of this.flows.values()) this.finishFlow(flow);
      this.flows.clear();
      this.send(true);
      this.closing = this.done.then(async () => {
        await this.worker.terminate();
        if (this.error) throw this.error;
        if (this.sparseFiles > 0) {
          const files = this.sparseFiles === 1 ? '1 file holds' : `${formatCount(this.sparseFiles)} files hold`;
          this.options.report?.(`-o: ${files} ${formatCount(this.sparseBytes)} bytes of capture gaps as sparse holes, read as zeros (tcpflow starts a new c1, c2… file at a jump over 16 MiB)`);
        }
      });
    }
    return this.closing;
  }

  private create(file: DirectionFile): void {
    file.id = this.nextFileId++;
    this.batch.create(file.id, tcpflowDirectionName(file.flow.flowKey(), file.dir, 0));
    this.scheduleSend();
  }

  private write(file: DirectionFile, offset: number, bytes: Uint8Array): void {
    const length = bytes.length;
    if (file.id < 0) this.create(file);
    const end = offset + length;
    if (end > file.streamEnd) file.streamEnd = end;
    if (end > file.dataEnd) file.dataEnd = end;
    if (file.slot >= 0 && file.bufferPos + file.bufferLength === offset && file.bufferLength + length <= this.bufferBytes) {
      copyBytes(bytes, this.slab, file.slot * this.bufferBytes + file.bufferLength);
      file.bufferLength += length;
      // LRU order matters only when the pool is full
      if (this.buffered.size >= this.maxBuffers) {
        this.buffered.delete(file);
        this.buffered.set(file, true);
      }
      return;
    }
    this.flushBuffer(file);
    if (length * 2 >= this.bufferBytes) {
      // large: straight into slots of its own, handed over at once
      for (let done = 0; done < length; done += this.bufferBytes) {
        const n = Math.min(this.bufferBytes, length - done);
        const slot = this.takeSlot();
        copyBytes(n === length ? bytes : bytes.subarray(done, done + n), this.slab, slot * this.bufferBytes);
        this.queueWrite(file, slot, n, offset + done);
      }
      return;
    }
    const slot = this.takeSlot();
    copyBytes(bytes, this.slab, slot * this.bufferBytes);
    file.slot = slot;
    file.bufferPos = offset;
    file.bufferLength = length;
    this.buffered.set(file, true);
  }

  /**
   * A free slot. When `maxBuffers` are filling, the least recently used holder hands its own
   * over first; when every slot is with the writer, waits (blocking) until it gives some back.
   */
  private takeSlot(): number {
    // (the caller flushed its own slot first, so the holder is always another file)
    if (this.buffered.size >= this.maxBuffers) this.flushBuffer(this.buffered.keys().next().value as DirectionFile);
    if (this.freeSlots.length === 0) this.collectFreed();
    while (this.freeSlots.length === 0) {
      this.send();
      Atomics.wait(this.ring, 0, this.collected, SLOT_WAIT_MS);
      this.collectFreed();
    }
    return this.freeSlots.pop()!;
  }

  /** Takes back the slots the writer has given back since the last call. */
  private collectFreed(): void {
    const given = Atomics.load(this.ring, 0);
    const ringSize = this.ring.length - 1;
    while (this.collected < given) {
      const slot = this.ring[1 + (this.collected % ringSize)];
      this.collected++;
      this.pendingBytes -= this.slotLength[slot];
      this.inflightSlots--;
      this.freeSlots.push(slot);
    }
  }

  /** Hands the file's buffered bytes to the writer. */
  private flushBuffer(file: DirectionFile): void {
    const slot = file.slot;
    if (slot < 0) return;
    file.slot = -1;
    this.buffered.delete(file);
    this.queueWrite(file, slot, file.bufferLength, file.bufferPos);
    file.bufferLength = 0;
  }

  /** Adds a write of the slot's first `length` bytes at `position` to the batch; the slot is the writer's until given back. */
  private queueWrite(file: DirectionFile, slot: number, length: number, position: number): void {
    this.batch.write(file.id, position, slot, length);
    this.slotLength[slot] = length;
    this.pendingBytes += length;
    this.inflightSlots++;
    this.batchBytes += length;
    if (this.batchBytes >= BATCH_BYTES) this.send();
    else this.scheduleSend();
  }

  private finishFlow(flow: FlowFiles): void {
    if (flow.c2s !== null) this.finishFile(flow.c2s, flow.startTs);
    if (flow.s2c !== null) this.finishFile(flow.s2c, flow.startTs);
  }

  /** Queues the final size (a trailing gap extends the file), the times and the close. */
  private finishFile(file: DirectionFile, startTs: Micros): void {
    if (file.id < 0) return;
    this.flushBuffer(file);
    const size = file.streamEnd > file.dataEnd ? file.streamEnd : -1;
    const seconds = this.setFileTimes && Number.isFinite(startTs) ? startTs / 1_000_000 : Number.NaN;
    file.dataEnd = file.streamEnd;
    this.batch.finish(file.id, size, seconds);
    this.scheduleSend();
  }

  private scheduleSend(): void {
    if (this.sendScheduled) return;
    this.sendScheduled = true;
    setImmediate(() => {
      this.sendScheduled = false;
      if (this.closing === undefined) this.send();
    });
  }

  /** Hands the gathered batch to the writer (`end`: and tells it to finish). */
  private send(end = false): void {
    if (this.batch.empty && !end) return;
    this.worker.postMessage(this.batch.take(end));
    this.batchBytes = 0;
  }

  private onReport(report: WriterReport): void {
    this.collectFreed();
    this.filesCreated = report.filesCreated;
    this.peakOpen = report.peakOpenFiles;
    if (report.error !== undefined && !this.error) {
      this.error = new UserError(report.error);
      this.failureListener?.(this.error);
    }
    if (this.backlogWaiters.length > 0 && (this.inflightSlots <= this.maxInflightSlots / 2 || this.error)) {
      const waiters = this.backlogWaiters;
      this.backlogWaiters = [];
      for (const wake of waiters) wake();
    }
    if (report.done) this.resolveDone?.();
  }
}

/**
 * `mkdir -p`, without Node 20's recursive mkdir, which loops forever where a parent exists but
 * refuses the child with ENOENT (e.g. under /proc).
 */
function makeDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && fs.statSync(dir).isDirectory()) return;
    const parent = path.dirname(dir);
    if (code !== 'ENOENT' || parent === dir || fs.existsSync(parent)) throw err;
    makeDirectory(parent);
    fs.mkdirSync(dir);
  }
}

/**
 * The writer thread's module: `dirWriter.cjs` beside the running bundle (`dist/flowspy.cjs`);
 * from the compiled modules or the sources (tests), the build's `dist/dirWriter.cjs`.
 */
function writerEntry(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith('.cjs') ? './dirWriter.cjs' : '../../dist/dirWriter.cjs', here);
}
