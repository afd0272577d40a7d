/**
 * Where recorded payload bytes live, so that memory does not grow with the bytes seen.
 *
 * Bytes are appended to one logical, append-only log, cut into fixed-size blocks. Each block is
 * handed to the spill writer as soon as it is full ({@link SpillWriter}: a thread of its own,
 * writing an append-only spill file), and stays in RAM, read from there, until its write is
 * done; then its memory is kept to fill again. So writing starts with the first full block, not
 * when RAM runs short, and RAM holds only what the disk has not taken yet: when that reaches
 * the budget, appending waits for the disk (backpressure). The spill file is unlinked as soon as
 * it is open (its name and directory gone), so it goes with the process however that ends. A
 * location is the byte position in the log. Bytes that already lie in a seekable capture file
 * are not copied at all: see {@link SourceFile}.
 */
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { copyBytes } from '../io/copyBytes.js';
import { readFully } from '../io/files.js';
import { SpillWriter } from './spillWriter.js';
import { TurnPrefixes } from './turnPrefixes.js';

/**
 * Written blocks kept for reuse, so that the blocks of a burst the disk lagged behind are filled
 * again rather than dropped only to fault in new ones; past it they go to the garbage collector.
 */
const MAX_FREE_BLOCKS = 64;

/**
 * A RAM budget for a store that copies live traffic: a sixteenth of the machine's memory, within
 * 64 MiB and 1 GiB. A burst that comes faster than the disk takes it waits in RAM up to that,
 * rather than holding up the capture (and the kernel drops).
 */
export function liveRamBudget(totalBytes = totalmem()): number {
  return Math.min(1 << 30, Math.max(64 << 20, Math.floor(totalBytes / 16)));
}

/** Tuning for a {@link PayloadStore}. */
export interface PayloadStoreOptions {
  /** Most bytes of payload waiting in RAM for the disk before appending waits (default 64 MiB). */
  ramBudgetBytes?: number;
  /** Size of one block of the log (default 1 MiB). */
  blockBytes?: number;
  /** Directory under which the spill directory is created (default: the OS temp dir). */
  spillParent?: string;
}

/** An append-only payload log with a RAM budget and a spill file. */
export class PayloadStore {
  private readonly blockBytes: number;
  private readonly maxRamBlocks: number;
  private readonly spillParent: string;
  /** RAM blocks by block index: the one being filled and those not written yet. */
  private readonly ramBlocks = new Map<number, Buffer>();
  private current: Buffer;
  private currentIndex = 0;
  private currentFill = 0;
  private spillFd = -1;
  /** The spill file opened for direct writes (O_DIRECT), or -1 where that is not possible. */
  private spillDirectFd = -1;
  /** Number of blocks sent to the spill writer (block i lives at i * blockBytes of the file). */
  private sentBlocks = 0;
  private spillWriter: SpillWriter | undefined;
  /**
   * Blocks known to be written (the writer's count when last looked at). Blocks are sent in
   * order, so those from here to `sentBlocks` are the ones waiting, still in `ramBlocks`.
   */
  private writtenBlocks = 0;
  /** Blocks whose bytes are on disk, kept to be filled again (no allocation, no page faults). */
  private readonly freeBlocks: Buffer[] = [];

  constructor(options: PayloadStoreOptions = {}) {
    this.blockBytes = options.blockBytes ?? 1 << 20;
    const budget = options.ramBudgetBytes ?? 64 << 20;
    this.maxRamBlocks = Math.max(1, Math.floor(budget / this.blockBytes));
    this.spillParent = options.spillParent ?? tmpdir();
    this.current = newBlock(this.blockBytes);
    this.ramBlocks.set(0, this.current);
  }

  /** Total bytes appended so far (the next location). */
  get size(): number {
    return this.currentIndex * this.blockBytes + this.currentFill;
  }

  /** Blocks held in RAM: the one being filled and those whose write is not done (the ones written since the last look are let go first). */
  ramBlocksHeld(): number {
    this.releaseWritten();
    return this.ramBlocks.size;
  }

  /** Bytes sent to the spill file (written or being written). */
  get spilledBytes(): number {
    return this.sentBlocks * this.blockBytes;
  }

  /** Copies `bytes` into the log and returns its location (pass it to {@link read}). */
  append(bytes: Uint8Array): number {
    const location = this.size;
    let done = 0;
    while (done < bytes.length) {
      if (this.currentFill === this.blockBytes) this.startNextBlock();
      const n = Math.min(bytes.length - done, this.blockBytes - this.currentFill);
      copyBytes(bytes.subarray(done, done + n), this.current, this.currentFill);
      this.currentFill += n;
      done += n;
    }
    return location;
  }

  /** Returns a copy of `length` bytes stored at `location`. */
  read(location: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.readInto(location, out, 0, length);
    return out;
  }

  /** Copies `length` bytes stored at `location` into `into[at...]`; throws on a spill file error. */
  readInto(location: number, into: Uint8Array, at: number, length: number): void {
    this.releaseWritten(); // the last appends' written blocks go even when nothing is appended after them
    let done = 0;
    while (done < length) {
      const pos = location + done;
      const blockIndex = Math.floor(pos / this.blockBytes);
      const within = pos - blockIndex * this.blockBytes;
      const n = Math.min(length - done, this.blockBytes - within);
      const block = this.ramBlocks.get(blockIndex);
      if (block) {
        copyBytes(block.subarray(within, within + n), into, at + done);
      } else {
        readFully(this.spillFd, into, at + done, n, pos);
      }
      done += n;
    }
  }

  /** Closes the spill file (which frees its disk space). The store must not be used afterwards. */
  dispose(): void {
    // A writer that did not let go in time keeps the descriptor (left open rather than reused under it).
    const letGo = this.spillWriter?.close() ?? true;
    if (letGo) for (const fd of [this.spillFd, this.spillDirectFd]) if (fd >= 0) closeSync(fd);
    this.spillWriter = undefined;
    this.spillFd = -1;
    this.spillDirectFd = -1;
    this.ramBlocks.clear();
    this.freeBlocks.length = 0;
  }

  private startNextBlock(): void {
    this.send(this.current, this.currentIndex);
    this.currentIndex++;
    this.currentFill = 0;
    this.releaseWritten();
    while (this.sentBlocks - this.writtenBlocks >= this.maxRamBlocks) {
      this.spillWriter!.waitBeyond(this.writtenBlocks);
      this.releaseWritten();
    }
    this.current = this.freeBlocks.pop() ?? newBlock(this.blockBytes);
    this.ramBlocks.set(this.currentIndex, this.current);
  }

  /** Hands full block `index` to the spill writer; throws an earlier write's error. */
  private send(block: Buffer, index: number): void {
    if (this.spillFd < 0) [this.spillFd, this.spillDirectFd] = openUnlinkedSpill(this.spillParent);
    this.spillWriter ??= new SpillWriter(this.spillFd, this.spillDirectFd);
    this.spillWriter.write(block, index * this.blockBytes);
    this.sentBlocks++;
  }

  /** Drops the RAM copies of the blocks the writer has written since the last look. */
  private releaseWritten(): void {
    if (!this.spillWriter) return;
    const written = this.spillWriter.written;
    while (this.writtenBlocks < written) {
      this.release(this.writtenBlocks, this.ramBlocks.get(this.writtenBlocks)!);
      this.writtenBlocks++;
    }
  }

  /** Block `index` is on disk: reads go there now, and its memory is kept for a new block. */
  private release(index: number, block: Buffer): void {
    this.ramBlocks.delete(index);
    if (this.freeBlocks.length < MAX_FREE_BLOCKS) this.freeBlocks.push(block);
  }
}

/** A block of the log, in memory the spill writer's thread can read. */
function newBlock(bytes: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(bytes));
}

/**
 * Opens a new spill file in a private directory under `parent`, then removes both names.
 * Returns its descriptor for reading and writing, and one for direct writes (-1 when the file
 * system does not allow them, e.g. tmpfs).
 */
function openUnlinkedSpill(parent: string): [number, number] {
  const dir = mkdtempSync(join(parent, 'flowspy-'));
  try {
    const path = join(dir, 'payload.spill');
    const fd = openSync(path, 'w+');
    return [fd, openDirect(path)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `path` opened for direct writes, or -1. */
function openDirect(path: string): number {
  if (constants.O_DIRECT === undefined) return -1;
  try {
    return openSync(path, constants.O_WRONLY | constants.O_DIRECT);
  } catch {
    return -1;
  }
}

/** Most bytes a {@link SourceFile} reads ahead for small reads (a packet's payload is ~1.5 KB). */
const READ_AHEAD_BYTES = 256 * 1024;
/** Bytes it reads for a small read that does not go on from the window (a message head here, another there). */
const SMALL_WINDOW_BYTES = 2 * 1024;

/**
 * A seekable capture file whose bytes the store references instead of copying. Small reads are
 * served from a window read in one call. The window starts at {@link SMALL_WINDOW_BYTES} and
 * doubles, up to {@link READ_AHEAD_BYTES}, each time a read goes on just past it (reading a flow
 * packet by packet would otherwise cost one system call per packet); a read elsewhere starts it
 * small again. Reads of half the big window or more go to the file directly. A read at the start
 * of a turn kept by {@link keepTurnStart} costs no system call.
 */
export class SourceFile {
  private fd: number;
  private readonly turnPrefixes = new TurnPrefixes();
  private readonly window = new Uint8Array(READ_AHEAD_BYTES);
  private windowStart = 0;
  private windowLength = 0;
  /** Bytes the next window read asks for. */
  private ahead = SMALL_WINDOW_BYTES;

  /** Opens `path` for reading; throws the fs error when it cannot. */
  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
  }

  /**
   * Keeps in memory the first bytes of `payload`, the bytes at file position `position` where a
   * side of a conversation starts a turn (a message head begins there), while a budget lasts.
   */
  keepTurnStart(position: number, payload: Uint8Array): void {
    this.turnPrefixes.keep(position, payload);
  }

  /** Copies `length` bytes at `position` of the file into `into[at...]`; throws at an I/O error or the file's end. */
  readInto(position: number, into: Uint8Array, at: number, length: number): void {
    if (this.turnPrefixes.copy(position, into, at, length)) return;
    if (length >= READ_AHEAD_BYTES / 2) {
      readFully(this.fd, into, at, length, position);
      return;
    }
    const end = position + length;
    const windowEnd = this.windowStart + this.windowLength;
    if (position < this.windowStart || end > windowEnd) {
      const goesOn = position >= this.windowStart && position - windowEnd < this.ahead;
      this.ahead = goesOn ? Math.min(2 * this.ahead, READ_AHEAD_BYTES) : SMALL_WINDOW_BYTES;
      this.windowLength = 0;
      this.windowStart = position;
      this.windowLength = readSync(this.fd, this.window, 0, Math.max(length, this.ahead), position);
      if (end > this.windowStart + this.windowLength) {
        // The file's end (or a short read): let readFully say so, or finish the read.
        readFully(this.fd, into, at, length, position);
        return;
      }
    }
    into.set(this.window.subarray(position - this.windowStart, end - this.windowStart), at);
  }

  /** Closes the file. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.windowLength = 0;
  }
}
