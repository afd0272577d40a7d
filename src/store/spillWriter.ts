/**
 * The payload stores' spill writes, on a thread of their own: blocks (in shared memory) are
 * handed over in log order and written with synchronous calls, one after another, so that the
 * capture's thread never makes a write call and never waits for the disk unless it asks to.
 * Progress is a shared counter the store reads whenever it likes (no turn of the event loop is
 * needed, unlike libuv's thread pool, whose callbacks wait for one).
 *
 * Where the file system allows it, blocks go to the disk directly (O_DIRECT), bypassing the page
 * cache: a sustained stream of buffered writes is throttled by the kernel's writeback (measured
 * 0.48 GB/s and 2.0 s of CPU per GB over 4 GiB, against 1.38 GB/s and 0.2 s/GB direct), and
 * a capture's bursts are such streams.
 */
import { getSystemErrorName } from 'node:util';
import { Worker } from 'node:worker_threads';

/** Slots of a writer's shared control array. */
const WRITTEN = 0;
/** 0, or the failed write's errno as a negative number (-1 when it had none). */
const FAILED = 1;
/** Set by the store: write nothing more. */
const STOP = 2;
/** Set by the thread once it has stopped (no write call in progress, none to come). */
const STOPPED = 3;

/** Bytes per buffered write call: 1 MiB calls into the page cache ran at a third of the speed of these. */
const WRITE_BYTES = 64 * 1024;
/** Bytes per direct write call (a multiple of any disk's sector): direct writes are fastest whole. */
const DIRECT_WRITE_BYTES = 1 << 20;

/** How long one wait lasts before the thread's state is looked at again (ms). */
const WAIT_MS = 100;
/** How long the thread may go without writing a block before it is taken as stuck (ms). */
const STUCK_MS = 60_000;
/** How long {@link SpillWriter.close} waits for the thread to stop (ms). */
const STOP_WAIT_MS = 5_000;

/**
 * A job for the thread: a block to write at `position`, into `directFd` when it is open (>= 0)
 * and takes the write, else into `fd`; or the writer's stop.
 */
type Job =
  | { control: Int32Array; fd: number; directFd: number; block: Uint8Array; position: number }
  | { control: Int32Array; directFd: number; stop: true };

/**
 * The thread's body (its source is run as the worker's CommonJS script, so it uses nothing from
 * outside but `require`). Jobs come from every writer of the process, each with its control
 * array. For a writer: writes each block, in order, and counts it; on an error, stores it in
 * FAILED and writes nothing more; once STOP is set it writes nothing more, and at its `stop` job
 * sets STOPPED. When the thread ends, for whatever reason, it sets `workerData.ended[0]`. (The
 * descriptors stay the main thread's: a worker that closes a descriptor it did not open makes
 * Node print a warning.)
 */
function spillThread(): void {
  // Control slots as above (the source stands alone): 0 WRITTEN, 1 FAILED, 2 STOP, 3 STOPPED.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { writeSync } = require('node:fs') as typeof import('node:fs');
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const pieceBytes = workerData.pieceBytes as number;
  const directPieceBytes = workerData.directPieceBytes as number;
  const ended = new Int32Array(workerData.ended as SharedArrayBuffer);
  process.on('exit', () => {
    Atomics.store(ended, 0, 1);
    Atomics.notify(ended, 0);
  });
  /** Memory for direct writes, which must start at an address aligned to the disk's sector. */
  let staging: Buffer | undefined;
  /** Per direct descriptor: where in `staging` writes start aligned, or -1 (direct writes fail there). */
  const alignedAt = new Map<number, number>();
  const isInvalid = (error: unknown): boolean => (error as { code?: unknown }).code === 'EINVAL';
  /** The first offset of `staging` from which the disk takes a 4 KiB write at `position`, or -1. */
  const probeAlignment = (directFd: number, position: number): number => {
    for (let at = 0; at < 4096; at += 16) {
      try {
        writeSync(directFd, staging!, at, 4096, position); // the block's own write goes over it
        return at;
      } catch (error) {
        if (!isInvalid(error)) return -1;
      }
    }
    return -1;
  };
  /** `block` copied to aligned memory when it can go to the disk directly, else undefined. */
  const stageForDirect = (directFd: number, block: Uint8Array, position: number): Buffer | undefined => {
    if (directFd < 0 || block.length % 4096 !== 0 || position % 4096 !== 0) return undefined;
    if (!staging || staging.length < block.length + 4096) {
      staging = Buffer.from(new SharedArrayBuffer(block.length + 4096));
      alignedAt.clear();
    }
    let at = alignedAt.get(directFd);
    if (at === undefined) alignedAt.set(directFd, (at = probeAlignment(directFd, position)));
    if (at < 0) return undefined;
    const view = staging.subarray(at, at + block.length);
    view.fill(Buffer.from(block.buffer, block.byteOffset, block.length)); // a memcpy, unlike set()
    return view;
  };
  parentPort!.on('message', (job: Job) => {
    const control = job.control;
    if ('stop' in job) {
      alignedAt.delete(job.directFd);
      Atomics.store(control, 3, 1);
      Atomics.notify(control, 3);
      return;
    }
    if (Atomics.load(control, 1) !== 0 || Atomics.load(control, 2) !== 0) return;
    const { fd, directFd, block, position } = job;
    let done = 0;
    try {
      const staged = stageForDirect(directFd, block, position);
      while (staged && done < block.length && Atomics.load(control, 2) === 0) {
        let n: number;
        try {
          n = writeSync(directFd, staged, done, Math.min(directPieceBytes, block.length - done), position + done);
        } catch (error) {
          if (!isInvalid(error)) throw error;
          alignedAt.set(directFd, -1); // the rest goes through the page cache
          break;
        }
        if (n <= 0) throw new Error('nothing written');
        done += n;
      }
      while (done < block.length && Atomics.load(control, 2) === 0) {
        const n = writeSync(fd, block, done, Math.min(pieceBytes, block.length - done), position + done);
        if (n <= 0) throw new Error('nothing written');
        done += n;
      }
      if (done === block.length) Atomics.add(control, 0, 1);
    } catch (error) {
      const errno = (error as { errno?: unknown }).errno;
      Atomics.store(control, 1, typeof errno === 'number' && errno < 0 ? errno : -1);
    }
    Atomics.notify(control, 0);
  });
}

/** Set to 1 by the spill thread when it ends (it never does while the process runs, unless it fails). */
const threadEnded = new Int32Array(new SharedArrayBuffer(4));
/** The process's one spill thread, started at the first writer; it does not keep the process alive. */
let thread: Worker | undefined;

function spillThreadWorker(): Worker {
  if (thread) return thread;
  thread = new Worker(`(${spillThread.toString()})()`, {
    eval: true,
    execArgv: [], // run as a CommonJS script, whatever the main thread was started with
    workerData: { pieceBytes: WRITE_BYTES, directPieceBytes: DIRECT_WRITE_BYTES, ended: threadEnded.buffer },
  });
  thread.unref();
  thread.on('error', () => undefined); // seen through threadEnded, by every writer
  return thread;
}

/**
 * Writes blocks to an open spill file from the process's spill thread, in the order given. The
 * caller keeps the descriptor (and may read the file meanwhile); it closes it only once
 * {@link close} has returned true. Failures are seen synchronously (no turn of the event loop
 * is needed): a failed write, and the thread's end.
 */
export class SpillWriter {
  private readonly control = new Int32Array(new SharedArrayBuffer(16));
  private readonly thread = spillThreadWorker();
  private sent = 0;

  /**
   * `fd`: the spill file, open for writing; `directFd`: the same file opened with O_DIRECT, or
   * -1 (blocks whose length or place the disk does not take directly go through `fd`).
   */
  constructor(
    private readonly fd: number,
    private readonly directFd = -1,
  ) {}

  /** Blocks written so far (those sent before them are all written). */
  get written(): number {
    return Atomics.load(this.control, WRITTEN);
  }

  /**
   * Queues `block` (backed by a SharedArrayBuffer, left untouched until written) for `position`.
   * @throws Error when an earlier write failed (naming the error, e.g. ENOSPC) or the thread ended.
   */
  write(block: Uint8Array, position: number): void {
    this.throwIfFailed();
    this.sent++;
    this.thread.postMessage({ control: this.control, fd: this.fd, directFd: this.directFd, block, position });
  }

  /**
   * Blocks the calling thread until more than `count` blocks are written.
   * @throws Error when a write failed, the thread ended, or it wrote nothing for a minute.
   */
  waitBeyond(count: number): void {
    if (this.sent <= count) throw new Error(`spill writer: block ${count + 1} was never sent`);
    let written = this.written;
    let since = Date.now();
    while (written <= count) {
      this.throwIfFailed();
      Atomics.wait(this.control, WRITTEN, written, WAIT_MS);
      const now = this.written;
      if (now !== written) since = Date.now();
      else if (Date.now() - since > STUCK_MS) throw new Error('spill file: no block written for a minute');
      written = now;
    }
  }

  /**
   * Stops this writer: blocks not written yet are left out (at most one write call goes on).
   * Returns true once the thread has let it go (the descriptors may be closed), false when it
   * did not say so within 5 s (they must then be left open).
   */
  close(): boolean {
    Atomics.store(this.control, STOP, 1);
    if (Atomics.load(threadEnded, 0) !== 0) return true;
    this.thread.postMessage({ control: this.control, directFd: this.directFd, stop: true });
    const deadline = Date.now() + STOP_WAIT_MS;
    while (Atomics.load(this.control, STOPPED) === 0) {
      if (Atomics.load(threadEnded, 0) !== 0) return true;
      if (Date.now() >= deadline) return false;
      Atomics.wait(this.control, STOPPED, 0, WAIT_MS);
    }
    return true;
  }

  private throwIfFailed(): void {
    const errno = Atomics.load(this.control, FAILED);
    if (errno !== 0) throw new Error(`spill file: write failed${errno < -1 ? ` (${getSystemErrorName(errno)})` : ''}`);
    if (Atomics.load(threadEnded, 0) !== 0) throw new Error('spill file: the spill thread ended');
  }
}
