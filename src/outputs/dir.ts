/**
 * `-o DIR`: tcpflow-style output, one file per direction of every flow.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../core/errors.js';
import type { Direction, FlowEvent, FlowKey, Micros } from '../core/types.js';
import { tcpflowDirectionName } from './tcpflowNames.js';
import type { FlowOutput } from './types.js';

/** Options of {@link DirectoryOutput}. */
export interface DirectoryOutputOptions {
  /** Output directory; created (with parents) if missing. */
  readonly dir: string;
  /**
   * Most files kept open at once (least recently used ones are closed and reopened).
   * Default: the process's open-file limit less a reserve, at most 4096 (200 where unknown).
   */
  readonly maxOpenFiles?: number;
  /** Size of one coalescing write buffer. Default 64 KiB. */
  readonly bufferBytes?: number;
  /** Most coalescing buffers filling at once (bounds them at maxBuffers × bufferBytes). Default 512 (32 MiB). */
  readonly maxBuffers?: number;
  /**
   * Bytes handed to the file system and not yet written above which {@link DirectoryOutput.backlog}
   * asks the producer to wait. Default 32 MiB.
   */
  readonly maxPendingBytes?: number;
  /** Set each file's access and modification time to its flow's start, as tcpflow does. Default true. */
  readonly setFileTimes?: boolean;
}

/** A file-system operation of one file; calls `done` exactly once. */
type FileOp = (done: (err?: Error | null) => void) => void;

/** An operation in a file's queue, with the bytes it writes. */
interface QueuedOp {
  readonly run: FileOp;
  readonly bytes: number;
  /** Runs even after an earlier failure (closing a descriptor). */
  readonly always: boolean;
}

/** One direction's file. */
interface DirectionFile {
  readonly key: FlowKey;
  readonly dir: Direction;
  /** The name's `cN` index, claimed on first use; -1 before. */
  index: number;
  /** Full path once claimed (the create may still be pending). */
  path: string | undefined;
  /** True from the moment an open is queued until its close is queued. */
  opened: boolean;
  /** The descriptor, once the queued open has completed (-1 otherwise). */
  fd: number;
  /** Operations waiting to run, in order; one runs at a time. */
  readonly ops: QueuedOp[];
  running: boolean;
  /** Coalescing buffer holding bytes for positions [bufferPos, bufferPos + bufferLength). */
  buffer: Buffer | undefined;
  bufferPos: number;
  bufferLength: number;
  /** End of the stream seen so far (data and gaps): the file's final size. */
  streamEnd: number;
  /** End of the bytes actually written (or buffered). */
  dataEnd: number;
}

interface FlowFiles {
  readonly startTs: Micros;
  readonly c2s: DirectionFile;
  readonly s2c: DirectionFile;
}

/**
 * Writes each direction of each flow to its own file in `dir`, named as tcpflow 1.6.1 names it
 * (sender first, see `tcpflowFlowName`). Bytes go at their stream offsets; a gap leaves a hole
 * (sparse, reads as zeros), and a gap at the end still extends the file to the gap's end.
 * A name already taken (port reuse in this run, or a file left from an earlier run) gets
 * tcpflow's `c1`, `c2`, ... suffix: files are created exclusively and never overwritten; in a
 * fresh directory the suffixes follow the order in which the files were first used.
 * A direction without data or gaps gets no file. Each file's times are set to its flow's start
 * (tcpflow uses the direction's first packet, which the flow model does not carry; the flow
 * start is within a round trip of it). Events of flows never started are ignored.
 *
 * The file system work runs off the event loop (Node's thread pool), in order per file, so
 * reading and reassembly go on while files are created and written. `handle` never blocks:
 * contiguous bytes are coalesced into a bounded pool of buffers and full buffers are queued.
 * A producer that can wait should await {@link backlog} between batches; memory is then bounded
 * by `maxPendingBytes` plus one batch. At most `maxOpenFiles` descriptors are open at once.
 * The first file-system error is thrown (as a `UserError`) by the next `handle` or by `close`.
 */
export class DirectoryOutput implements FlowOutput {
  private readonly dir: string;
  private readonly maxOpenFiles: number;
  private readonly bufferBytes: number;
  private readonly maxBuffers: number;
  private readonly maxPendingBytes: number;
  private readonly setFileTimes: boolean;
  private readonly flows = new Map<number, FlowFiles>();
  /** Files with an open (or opening) descriptor, least recently used first. */
  private readonly open = new Map<DirectionFile, true>();
  /** Files holding a coalescing buffer, least recently used first. */
  private readonly buffered = new Map<DirectionFile, true>();
  /** Next `cN` index to try per base name (names this run claimed). */
  private readonly nextIndex = new Map<string, number>();
  private readonly freeBuffers: Buffer[] = [];
  private filesCreated = 0;
  private pendingOps = 0;
  private pendingBytes = 0;
  private error: UserError | undefined;
  /** Producers waiting in {@link backlog}. */
  private backlogWaiters: (() => void)[] = [];
  /** `close()` waiting for every operation to finish. */
  private idleWaiters: (() => void)[] = [];

  constructor(options: DirectoryOutputOptions) {
    this.dir = options.dir;
    this.maxOpenFiles = Math.max(1, options.maxOpenFiles ?? defaultMaxOpenFiles());
    this.bufferBytes = Math.max(1, options.bufferBytes ?? 64 * 1024);
    this.maxBuffers = Math.max(1, options.maxBuffers ?? 512);
    this.maxPendingBytes = Math.max(1, options.maxPendingBytes ?? 32 << 20);
    this.setFileTimes = options.setFileTimes ?? true;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
    } catch (err) {
      throw new UserError(`cannot create output directory ${this.dir}: ${errorText(err)}`);
    }
  }

  /** Number of files created so far. */
  get fileCount(): number {
    return this.filesCreated;
  }

  /** Number of descriptors open or being opened right now (at most `maxOpenFiles`). */
  get openFileCount(): number {
    return this.open.size;
  }

  /** Bytes queued for writing and not yet written. */
  get pendingWriteBytes(): number {
    return this.pendingBytes;
  }

  handle(event: FlowEvent): void {
    if (this.error) throw this.error;
    switch (event.type) {
      case 'flow-start': {
        const old = this.flows.get(event.flowId);
        if (old) this.finishFlow(old);
        const file = (dir: Direction): DirectionFile => ({
          key: event.key, dir, index: -1, path: undefined, opened: false, fd: -1, ops: [], running: false,
          buffer: undefined, bufferPos: 0, bufferLength: 0, streamEnd: 0, dataEnd: 0,
        });
        this.flows.set(event.flowId, { startTs: event.ts, c2s: file('c2s'), s2c: file('s2c') });
        return;
      }
      case 'data': {
        const flow = this.flows.get(event.flowId);
        if (!flow || event.bytes.length === 0) return;
        this.write(flow[event.dir], event.offset, event.bytes);
        return;
      }
      case 'gap': {
        const flow = this.flows.get(event.flowId);
        if (!flow || event.length <= 0) return;
        const file = flow[event.dir];
        if (file.path === undefined) this.ensureOpen(file);
        file.streamEnd = Math.max(file.streamEnd, event.offset + event.length);
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
   * Undefined while the queued writes are within `maxPendingBytes`; otherwise a promise that
   * resolves once they are down to half of it (or a write failed: the next `handle` throws).
   */
  backlog(): Promise<void> | undefined {
    if (this.pendingBytes <= this.maxPendingBytes || this.error) return undefined;
    return new Promise((resolve) => this.backlogWaiters.push(resolve));
  }

  /**
   * Finishes every flow (buffered bytes written, sizes and times set, descriptors closed) and
   * resolves when all of it is on the file system; rejects with the first error.
   */
  async close(): Promise<void> {
    for (const flow of this.flows.values()) this.finishFlow(flow);
    this.flows.clear();
    if (this.pendingOps > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    if (this.error) throw this.error;
  }

  private write(file: DirectionFile, offset: number, bytes: Uint8Array): void {
    const length = bytes.length;
    // Create the file (claiming its name) on first use; later writes open it only to flush.
    if (file.path === undefined) this.ensureOpen(file);
    const end = offset + length;
    if (end > file.streamEnd) file.streamEnd = end;
    if (end > file.dataEnd) file.dataEnd = end;
    if (file.buffer && file.bufferPos + file.bufferLength === offset && file.bufferLength + length <= this.bufferBytes) {
      file.buffer.set(bytes, file.bufferLength);
      file.bufferLength += length;
      this.touch(this.buffered, file);
      return;
    }
    this.flushBuffer(file);
    if (length * 2 >= this.bufferBytes) {
      const copy = Buffer.allocUnsafe(length);
      copy.set(bytes);
      this.queueWrite(file, copy, length, offset, false);
      return;
    }
    const buffer = this.takeBuffer(file);
    file.buffer = buffer;
    buffer.set(bytes, 0);
    file.bufferPos = offset;
    file.bufferLength = length;
    this.touch(this.buffered, file);
  }

  /** Queues the create (first use) or a reopen unless a descriptor is open or opening; marks the file most recently used. */
  private ensureOpen(file: DirectionFile): void {
    if (file.opened) {
      this.touch(this.open, file);
      return;
    }
    while (this.open.size >= this.maxOpenFiles) {
      const oldest = this.open.keys().next().value as DirectionFile;
      this.queueClose(oldest);
    }
    file.opened = true;
    this.open.set(file, true);
    if (file.path === undefined) {
      const base = tcpflowDirectionName(file.key, file.dir, 0);
      this.claimName(file, base);
      this.enqueue(file, (done) => this.create(file, base, done), 0);
    } else {
      const reopenPath = file.path;
      this.enqueue(file, (done) => fs.open(reopenPath, 'r+', (err, fd) => {
        if (err) return done(new UserError(`cannot reopen ${reopenPath}: ${errorText(err)}`));
        file.fd = fd;
        done();
      }), 0);
    }
  }

  /** Gives `file` the next free `cN` index of `base` in this run. */
  private claimName(file: DirectionFile, base: string): void {
    const index = this.nextIndex.get(base) ?? 0;
    this.nextIndex.set(base, index + 1);
    file.index = index;
    file.path = path.join(this.dir, tcpflowDirectionName(file.key, file.dir, index));
  }

  /** Creates the claimed name exclusively; a name taken by an earlier run moves on to the next free index. */
  private create(file: DirectionFile, base: string, done: (err?: Error | null) => void): void {
    fs.open(file.path!, 'wx', 0o666, (err, fd) => {
      if (err) {
        if (err.code !== 'EEXIST') return done(new UserError(`cannot create ${file.path}: ${errorText(err)}`));
        this.claimName(file, base);
        this.create(file, base, done);
        return;
      }
      file.fd = fd;
      this.filesCreated++;
      done();
    });
  }

  private touch(lru: Map<DirectionFile, true>, file: DirectionFile): void {
    lru.delete(file);
    lru.set(file, true);
  }

  /** A buffer from the pool; when `maxBuffers` are filling, the least recently used holder queues its own. */
  private takeBuffer(forFile: DirectionFile): Buffer {
    if (this.buffered.size >= this.maxBuffers) {
      const holder = this.buffered.keys().next().value as DirectionFile;
      if (holder === forFile) throw new Error('DirectoryOutput: buffer pool invariant broken');
      this.flushBuffer(holder);
    }
    return this.freeBuffers.pop() ?? Buffer.allocUnsafe(this.bufferBytes);
  }

  /** Queues the file's buffered bytes; the buffer returns to the pool once written. */
  private flushBuffer(file: DirectionFile): void {
    const buffer = file.buffer;
    if (!buffer) return;
    file.buffer = undefined;
    this.buffered.delete(file);
    this.queueWrite(file, buffer, file.bufferLength, file.bufferPos, true);
    file.bufferLength = 0;
  }

  /** Queues a positioned write of `bytes[0, length)`; a pooled buffer is given back afterwards. */
  private queueWrite(file: DirectionFile, bytes: Buffer, length: number, position: number, pooled: boolean): void {
    this.ensureOpen(file);
    this.enqueue(file, (done) => {
      const step = (written: number): void => {
        if (written === length) {
          if (pooled) this.releaseBuffer(bytes);
          done();
          return;
        }
        fs.write(file.fd, bytes, written, length - written, position + written, (err, n) => {
          if (err) return done(new UserError(`cannot write ${file.path}: ${errorText(err)}`));
          step(written + n);
        });
      };
      step(0);
    }, length);
  }

  /** A written pooled buffer goes back to the pool (kept up to `maxBuffers`; written buffers beyond that are dropped). */
  private releaseBuffer(buffer: Buffer): void {
    if (this.freeBuffers.length < this.maxBuffers) this.freeBuffers.push(buffer);
  }

  /** Queues the close of the file's descriptor (after its buffered bytes). */
  private queueClose(file: DirectionFile): void {
    this.flushBuffer(file);
    this.open.delete(file);
    if (!file.opened) return;
    file.opened = false;
    this.enqueue(file, (done) => {
      const fd = file.fd;
      file.fd = -1;
      if (fd < 0) return done(); // its open failed
      fs.close(fd, (err) => done(err ? new UserError(`cannot close ${file.path}: ${errorText(err)}`) : null));
    }, 0, true);
  }

  private finishFlow(flow: FlowFiles): void {
    this.finishFile(flow.c2s, flow.startTs);
    this.finishFile(flow.s2c, flow.startTs);
  }

  /** Queues the final size (a trailing gap extends the file), the times and the close. */
  private finishFile(file: DirectionFile, startTs: Micros): void {
    if (file.path === undefined) return;
    this.flushBuffer(file);
    const size = file.streamEnd > file.dataEnd ? file.streamEnd : -1;
    const seconds = this.setFileTimes && Number.isFinite(startTs) ? startTs / 1_000_000 : undefined;
    if (size >= 0 || seconds !== undefined) {
      this.ensureOpen(file);
      this.enqueue(file, (done) => {
        const setTimes = (): void => {
          if (seconds === undefined) return done();
          // times are a courtesy: a failure does not lose data
          fs.futimes(file.fd, seconds, seconds, () => done());
        };
        if (size < 0) return setTimes();
        fs.ftruncate(file.fd, size, (err) => {
          if (err) return done(new UserError(`cannot extend ${file.path}: ${errorText(err)}`));
          setTimes();
        });
      }, 0);
    }
    file.dataEnd = file.streamEnd;
    this.queueClose(file);
  }

  /**
   * Appends an operation to the file's queue and starts it when the file is idle. After a
   * failure only operations marked `always` (closing descriptors) still run.
   */
  private enqueue(file: DirectionFile, run: FileOp, bytes: number, always = false): void {
    this.pendingOps++;
    this.pendingBytes += bytes;
    file.ops.push({ run, bytes, always });
    if (!file.running) this.runNext(file);
  }

  private runNext(file: DirectionFile): void {
    const op = file.ops.shift();
    if (op === undefined) {
      file.running = false;
      return;
    }
    file.running = true;
    const settle = (err?: Error | null): void => {
      this.pendingOps--;
      this.pendingBytes -= op.bytes;
      if (err && !this.error) this.error = err instanceof UserError ? err : new UserError(errorText(err));
      this.wakeWaiters();
      this.runNext(file);
    };
    if (this.error && !op.always) settle();
    else op.run(settle);
  }

  private wakeWaiters(): void {
    if (this.backlogWaiters.length > 0 && (this.pendingBytes <= this.maxPendingBytes / 2 || this.error)) {
      const waiters = this.backlogWaiters;
      this.backlogWaiters = [];
      for (const wake of waiters) wake();
    }
    if (this.idleWaiters.length > 0 && this.pendingOps === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }
}

/** The soft open-file limit (Linux /proc), less a reserve for everything else; 200 when unknown. */
function defaultMaxOpenFiles(): number {
  try {
    const limits = fs.readFileSync('/proc/self/limits', 'utf8');
    const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1]);
    if (Number.isFinite(soft) && soft > 300) return Math.min(4096, soft - 128);
  } catch {
    // not Linux, or no /proc
  }
  return 200;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
