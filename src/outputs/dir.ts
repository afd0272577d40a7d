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
  /** Most write buffers in existence (bounds memory at maxBuffers × bufferBytes). Default 512 (32 MiB). */
  readonly maxBuffers?: number;
  /** Set each file's access and modification time to its flow's start, as tcpflow does. Default true. */
  readonly setFileTimes?: boolean;
}

/** One direction's file. */
interface DirectionFile {
  readonly key: FlowKey;
  readonly dir: Direction;
  /** Full path, once the file was created. */
  path: string | undefined;
  /** Open descriptor, or -1. */
  fd: number;
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
 * A name already taken in `dir` (port reuse in this run, or a file left from an earlier run)
 * gets tcpflow's `c1`, `c2`, ... suffix: like tcpflow, files are created exclusively and never
 * overwritten. A direction without data or gaps gets no file. Contiguous writes are coalesced
 * in a bounded pool of buffers, at most `maxOpenFiles` descriptors are open at once, and each
 * file's times are set to its flow's start (tcpflow uses the direction's first packet, which
 * the flow model does not carry; the flow start is within a round trip of it).
 * Events of flows never started (no `flow-start` seen) are ignored.
 */
export class DirectoryOutput implements FlowOutput {
  private readonly dir: string;
  private readonly maxOpenFiles: number;
  private readonly bufferBytes: number;
  private readonly maxBuffers: number;
  private readonly setFileTimes: boolean;
  private readonly flows = new Map<number, FlowFiles>();
  /** Files with an open descriptor, least recently used first. */
  private readonly open = new Map<DirectionFile, true>();
  /** Files holding a buffer, least recently used first. */
  private readonly buffered = new Map<DirectionFile, true>();
  private readonly freeBuffers: Buffer[] = [];
  private buffersAllocated = 0;
  private filesCreated = 0;

  constructor(options: DirectoryOutputOptions) {
    this.dir = options.dir;
    this.maxOpenFiles = Math.max(1, options.maxOpenFiles ?? defaultMaxOpenFiles());
    this.bufferBytes = Math.max(1, options.bufferBytes ?? 64 * 1024);
    this.maxBuffers = Math.max(1, options.maxBuffers ?? 512);
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

  /** Number of descriptors open right now (at most `maxOpenFiles`). */
  get openFileCount(): number {
    return this.open.size;
  }

  handle(event: FlowEvent): void {
    switch (event.type) {
      case 'flow-start': {
        const old = this.flows.get(event.flowId);
        if (old) this.finishFlow(old);
        const file = (dir: Direction): DirectionFile => ({
          key: event.key, dir, path: undefined, fd: -1, buffer: undefined, bufferPos: 0, bufferLength: 0, streamEnd: 0, dataEnd: 0,
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

  /** Writes all buffered bytes, sizes and times every file, closes every descriptor. */
  close(): void {
    for (const flow of this.flows.values()) this.finishFlow(flow);
    this.flows.clear();
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
      this.writeAt(file, bytes, 0, length, offset);
      return;
    }
    const buffer = file.buffer ?? this.takeBuffer(file);
    file.buffer = buffer;
    buffer.set(bytes, 0);
    file.bufferPos = offset;
    file.bufferLength = length;
    this.touch(this.buffered, file);
  }

  /** Creates the file on first use, or reopens it; marks it most recently used. */
  private ensureOpen(file: DirectionFile): void {
    if (file.fd >= 0) {
      this.touch(this.open, file);
      return;
    }
    while (this.open.size >= this.maxOpenFiles) {
      const oldest = this.open.keys().next().value as DirectionFile;
      this.closeFd(oldest);
    }
    if (file.path === undefined) {
      for (let index = 0; ; index++) {
        const candidate = path.join(this.dir, tcpflowDirectionName(file.key, file.dir, index));
        try {
          file.fd = fs.openSync(candidate, 'wx', 0o666);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw new UserError(`cannot create ${candidate}: ${errorText(err)}`);
        }
        file.path = candidate;
        this.filesCreated++;
        break;
      }
    } else {
      try {
        file.fd = fs.openSync(file.path, 'r+');
      } catch (err) {
        throw new UserError(`cannot reopen ${file.path}: ${errorText(err)}`);
      }
    }
    this.open.set(file, true);
  }

  private touch(lru: Map<DirectionFile, true>, file: DirectionFile): void {
    lru.delete(file);
    lru.set(file, true);
  }

  /** A buffer from the pool; when all are in use, the least recently used holder gives its own up. */
  private takeBuffer(forFile: DirectionFile): Buffer {
    const free = this.freeBuffers.pop();
    if (free) return free;
    if (this.buffersAllocated < this.maxBuffers) {
      this.buffersAllocated++;
      return Buffer.allocUnsafe(this.bufferBytes);
    }
    const holder = this.buffered.keys().next().value as DirectionFile;
    if (holder === forFile) throw new Error('DirectoryOutput: buffer pool invariant broken');
    this.flushBuffer(holder);
    return this.freeBuffers.pop()!;
  }

  /** Writes the file's buffered bytes and returns its buffer to the pool. */
  private flushBuffer(file: DirectionFile): void {
    const buffer = file.buffer;
    if (!buffer) return;
    if (file.bufferLength > 0) this.writeAt(file, buffer, 0, file.bufferLength, file.bufferPos);
    file.buffer = undefined;
    file.bufferLength = 0;
    this.buffered.delete(file);
    this.freeBuffers.push(buffer);
  }

  private writeAt(file: DirectionFile, bytes: Uint8Array, start: number, length: number, position: number): void {
    if (file.fd < 0) this.ensureOpen(file);
    try {
      let done = 0;
      while (done < length) done += fs.writeSync(file.fd, bytes, start + done, length - done, position + done);
    } catch (err) {
      throw new UserError(`cannot write ${file.path}: ${errorText(err)}`);
    }
  }

  private closeFd(file: DirectionFile): void {
    this.flushBuffer(file);
    this.open.delete(file);
    if (file.fd < 0) return;
    const fd = file.fd;
    file.fd = -1;
    try {
      fs.closeSync(fd);
    } catch (err) {
      throw new UserError(`cannot close ${file.path}: ${errorText(err)}`);
    }
  }

  private finishFlow(flow: FlowFiles): void {
    this.finishFile(flow.c2s, flow.startTs);
    this.finishFile(flow.s2c, flow.startTs);
  }

  /** Final size (a trailing gap extends the file), close, times. */
  private finishFile(file: DirectionFile, startTs: Micros): void {
    if (file.path === undefined) return;
    this.flushBuffer(file);
    if (file.streamEnd > file.dataEnd) {
      this.ensureOpen(file);
      try {
        fs.ftruncateSync(file.fd, file.streamEnd);
      } catch (err) {
        throw new UserError(`cannot extend ${file.path}: ${errorText(err)}`);
      }
      file.dataEnd = file.streamEnd;
    }
    this.closeFd(file);
    if (this.setFileTimes && Number.isFinite(startTs)) {
      const seconds = startTs / 1_000_000;
      try {
        fs.utimesSync(file.path, seconds, seconds);
      } catch {
        // times are a courtesy; the data is written
      }
    }
    file.path = undefined;
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
