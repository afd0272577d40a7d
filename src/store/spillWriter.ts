/**
 * The payload store's spill writes, on a thread of their own: blocks (in shared memory) are
 * handed over in log order and written with synchronous calls, one after another, so that the
 * capture's thread never makes a write call and never waits for the disk unless it asks to.
 * Progress is a shared counter the store reads whenever it likes (no turn of the event loop is
 * needed, unlike libuv's thread pool, whose callbacks wait for one).
 */
import { Worker } from 'node:worker_threads';

/** Slots of the shared control array. */
const WRITTEN = 0;
const FAILED = 1;
/** Set by the store: write nothing more. */
const STOP = 2;
/** Set by the thread once it has stopped (no write call in progress, none to come). */
const STOPPED = 3;

/** Bytes per write call: 1 MiB calls into the page cache ran at a third of the speed of these. */
const WRITE_BYTES = 64 * 1024;

/** How long one wait for progress lasts before the thread's state is looked at again (ms). */
const WAIT_MS = 100;
/** How long the thread may go without writing a block before it is taken as stuck (ms). */
const STUCK_MS = 60_000;
/** How long {@link SpillWriter.close} waits for the thread to stop (ms). */
const STOP_WAIT_MS = 5_000;

/**
 * The thread's body (its source is run as the worker's CommonJS script, so it uses nothing from
 * outside but `require`).
 * Writes each block it is sent, in order; counts the blocks written; on an error, sets FAILED,
 * posts the message and writes nothing more. Once STOP is set it writes nothing more, and at the
 * `stop` message it sets STOPPED and ends. (The descriptor is the main thread's: a worker that
 * closes a descriptor it did not open makes Node print a warning.)
 */
function spillThread(): void {
  // Control slots as above (the source stands alone): 0 WRITTEN, 1 FAILED, 2 STOP, 3 STOPPED.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { writeSync } = require('node:fs') as typeof import('node:fs');
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const control = new Int32Array(workerData.control as SharedArrayBuffer);
  const fd = workerData.fd as number;
  const pieceBytes = workerData.pieceBytes as number;
  parentPort!.on('message', (job: { block: Uint8Array; position: number } | 'stop') => {
    if (job === 'stop') {
      Atomics.store(control, 3, 1);
      Atomics.notify(control, 3);
      parentPort!.close();
      return;
    }
    if (Atomics.load(control, 1) !== 0 || Atomics.load(control, 2) !== 0) return;
    try {
      const { block, position } = job;
      let done = 0;
      while (done < block.length && Atomics.load(control, 2) === 0) {
        done += writeSync(fd, block, done, Math.min(pieceBytes, block.length - done), position + done);
      }
      if (done === block.length) Atomics.add(control, 0, 1);
    } catch (error) {
      Atomics.store(control, 1, 1);
      parentPort!.postMessage(error instanceof Error ? error.message : String(error));
    }
    Atomics.notify(control, 0);
  });
}

/**
 * Writes blocks to an open spill file from a worker thread, in the order given. The caller keeps
 * the descriptor (and may read the file meanwhile); it closes it only after {@link close}.
 */
export class SpillWriter {
  private readonly control = new Int32Array(new SharedArrayBuffer(16));
  private readonly worker: Worker;
  private failure: string | undefined;
  private sent = 0;
  private gone = false;

  /** Starts the thread that writes into `fd`. */
  constructor(fd: number) {
    this.worker = new Worker(`(${spillThread.toString()})()`, {
      eval: true,
      execArgv: [], // run as a CommonJS script, whatever the main thread was started with
      workerData: { fd, control: this.control.buffer, pieceBytes: WRITE_BYTES },
    });
    this.worker.unref();
    this.worker.on('message', (message: string) => (this.failure ??= message));
    this.worker.on('error', (error) => (this.failure ??= error.message));
    this.worker.on('exit', () => (this.gone = true));
  }

  /** Blocks written so far (those sent before them are all written). */
  get written(): number {
    return Atomics.load(this.control, WRITTEN);
  }

  /**
   * Queues `block` (backed by a SharedArrayBuffer, left untouched until written) for `position`.
   * @throws Error when an earlier write failed (the first failure's message).
   */
  write(block: Uint8Array, position: number): void {
    this.throwIfFailed();
    this.sent++;
    this.worker.postMessage({ block, position });
  }

  /**
   * Blocks the calling thread until more than `count` blocks are written.
   * @throws Error when a write failed or the thread is gone.
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
   * Stops the thread: blocks not written yet are left out (at most one 64 KiB write call goes
   * on), and returns once it has stopped, so that the caller may close the descriptor.
   */
  close(): void {
    Atomics.store(this.control, STOP, 1);
    this.worker.postMessage('stop');
    const deadline = Date.now() + STOP_WAIT_MS;
    while (!this.gone && Atomics.load(this.control, STOPPED) === 0 && Date.now() < deadline) Atomics.wait(this.control, STOPPED, 0, WAIT_MS);
    void this.worker.terminate();
  }

  private throwIfFailed(): void {
    if (Atomics.load(this.control, FAILED) !== 0) throw new Error(`spill file: ${this.failure ?? 'write failed'}`);
  }
}
