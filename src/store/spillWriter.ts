/**
 * The payload stores' spill writes, on a thread of their own: blocks (in shared memory) are
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

/** A job for the thread: a block to write into `fd` at `position`, or the writer's stop. */
type Job = { id: number; control: Int32Array; fd: number; block: Uint8Array; position: number } | { id: number; control: Int32Array; stop: true };

/**
 * The thread's body (its source is run as the worker's CommonJS script, so it uses nothing from
 * outside but `require`). Jobs come from every writer of the process, each with its control
 * array. For a writer: writes each block, in order, and counts it; on an error, sets FAILED,
 * posts `{ id, error }` and writes nothing more; once STOP is set it writes nothing more,
 * and at its `stop` job sets STOPPED. (The descriptors stay the main thread's: a worker that
 * closes a descriptor it did not open makes Node print a warning.)
 */
function spillThread(): void {
  // Control slots as above (the source stands alone): 0 WRITTEN, 1 FAILED, 2 STOP, 3 STOPPED.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { writeSync } = require('node:fs') as typeof import('node:fs');
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const pieceBytes = workerData.pieceBytes as number;
  parentPort!.on('message', (job: Job) => {
    const control = job.control;
    if ('stop' in job) {
      Atomics.store(control, 3, 1);
      Atomics.notify(control, 3);
      return;
    }
    if (Atomics.load(control, 1) !== 0 || Atomics.load(control, 2) !== 0) return;
    try {
      const { fd, block, position } = job;
      let done = 0;
      while (done < block.length && Atomics.load(control, 2) === 0) {
        done += writeSync(fd, block, done, Math.min(pieceBytes, block.length - done), position + done);
      }
      if (done === block.length) Atomics.add(control, 0, 1);
    } catch (error) {
      Atomics.store(control, 1, 1);
      parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
    }
    Atomics.notify(control, 0);
  });
}

/** The process's one spill thread, started at the first writer; it does not keep the process alive. */
let thread: Worker | undefined;
/** Why the thread itself failed, if it did (every writer fails then). */
let threadFailure: string | undefined;
/** The writers' failure messages as the thread reported them, by writer id. */
const failures = new Map<number, string>();
let nextWriterId = 0;

function spillThreadWorker(): Worker {
  if (thread) return thread;
  const worker = new Worker(`(${spillThread.toString()})()`, {
    eval: true,
    execArgv: [], // run as a CommonJS script, whatever the main thread was started with
    workerData: { pieceBytes: WRITE_BYTES },
  });
  worker.unref();
  worker.on('message', ({ id, error }: { id: number; error: string }) => failures.set(id, error));
  worker.on('error', (error) => (threadFailure ??= error.message));
  worker.on('exit', () => {
    threadFailure ??= 'the spill thread ended';
    thread = undefined;
  });
  thread = worker;
  return worker;
}

/**
 * Writes blocks to an open spill file from the process's spill thread, in the order given. The
 * caller keeps the descriptor (and may read the file meanwhile); it closes it only after
 * {@link close}.
 */
export class SpillWriter {
  private readonly control = new Int32Array(new SharedArrayBuffer(16));
  private readonly thread = spillThreadWorker();
  private readonly id = nextWriterId++;
  private sent = 0;

  /** `fd`: the spill file, open for writing. */
  constructor(private readonly fd: number) {}

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
    this.thread.postMessage({ id: this.id, control: this.control, fd: this.fd, block, position });
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
   * Stops this writer: blocks not written yet are left out (at most one 64 KiB write call goes
   * on), and returns once the thread has let it go, so that the caller may close the descriptor.
   */
  close(): void {
    Atomics.store(this.control, STOP, 1);
    this.thread.postMessage({ id: this.id, control: this.control, stop: true });
    const deadline = Date.now() + STOP_WAIT_MS;
    while (threadFailure === undefined && Atomics.load(this.control, STOPPED) === 0 && Date.now() < deadline) {
      Atomics.wait(this.control, STOPPED, 0, WAIT_MS);
    }
    failures.delete(this.id);
  }

  private throwIfFailed(): void {
    if (threadFailure !== undefined) throw new Error(`spill file: ${threadFailure}`);
    if (Atomics.load(this.control, FAILED) !== 0) throw new Error(`spill file: ${failures.get(this.id) ?? 'write failed'}`);
  }
}
