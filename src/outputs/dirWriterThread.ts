/**
 * The file-writing thread of `-o DIR` ({@link DirectoryOutput}): receives batches of file
 * commands and carries them out with synchronous system calls, in order, off the main thread.
 *
 * The thread's code is {@link dirWriterMain}, started as an `eval` worker from its own source
 * text, so it runs the same from the compiled `dist/` and under the test runner. It must not
 * use anything from outside its body (its modules come in as arguments).
 */
import type * as FsModule from 'node:fs';
import type * as WorkerThreadsModule from 'node:worker_threads';

/** Command codes, the first number of each command in a batch. */
export const OP_CREATE = 1;
export const OP_WRITE = 2;
export const OP_FINISH = 3;

/**
 * One batch, main thread → writer. `ops` is a flat list of commands:
 * - `OP_CREATE, fileId, nameIndex`: create `names[nameIndex]` exclusively in the directory
 *   (a taken name gets tcpflow's `c1`, `c2`, ... suffix: the first free index of that name);
 * - `OP_WRITE, fileId, position, slot, length`: write the first `length` bytes of slab slot
 *   `slot` at `position`, then give the slot back (see {@link WriterSetup});
 * - `OP_FINISH, fileId, size, seconds`: extend to `size` when `size >= 0`, set the access and
 *   modification times to `seconds` when it is not NaN, close.
 * `end: true` asks the writer to close everything, report and exit.
 */
export interface WriterBatch {
  readonly ops: number[];
  readonly names: string[];
  readonly end: boolean;
}

/** Writer → main thread, once per batch (slots come back through the shared ring, not here). */
export interface WriterReport {
  readonly filesCreated: number;
  readonly peakOpenFiles: number;
  /** The first failure, one line; later commands are skipped (descriptors still closed). */
  readonly error?: string;
  /** Set on the report of the `end` batch: the writer is done. */
  readonly done?: boolean;
}

/**
 * What the writer needs to start. Payload travels in `slab`, a shared buffer of `slotBytes`-byte
 * slots; the writer gives written slots back through `ring` (an Int32Array over a shared buffer):
 * `ring[0]` counts the slots given back so far, and slot number k (0-based) given back is at
 * `ring[1 + k % (ring.length - 1)]`. The writer updates `ring[0]` with Atomics after each
 * batch and notifies waiters on it; it gives every slot back, even after a failure.
 */
export interface WriterSetup {
  readonly dir: string;
  readonly maxOpenFiles: number;
  readonly slab: SharedArrayBuffer;
  readonly slotBytes: number;
  readonly ring: SharedArrayBuffer;
}

/**
 * The writer thread's body. Self-contained: called in the worker with the `fs` and
 * `worker_threads` modules and the command codes ({@link OP_CREATE}, {@link OP_WRITE}; any other
 * is a finish), and nothing else.
 */
export function dirWriterMain(fs: typeof FsModule, wt: typeof WorkerThreadsModule, CREATE: number, WRITE: number): void {
  const port = wt.parentPort!;
  const setup = wt.workerData as WriterSetup;
  const dir = setup.dir.endsWith('/') ? setup.dir : `${setup.dir}/`;
  const maxOpen = setup.maxOpenFiles;
  const slab = new Uint8Array(setup.slab);
  const slotBytes = setup.slotBytes;
  const ring = new Int32Array(setup.ring);
  const ringSize = ring.length - 1;
  let given = 0;
  /** fileId → path and descriptor (-1 when closed to respect maxOpen). */
  const files = new Map<number, { path: string; fd: number }>();
  /** Open descriptors, least recently used first. */
  const open = new Map<number, { path: string; fd: number }>();
  /** Base name → the next `cN` suffix to try, only for names already taken (reused 4-tuples). */
  const nextIndex = new Map<string, number>();
  let filesCreated = 0;
  let peakOpenFiles = 0;
  let error: string | undefined;

  const text = (err: unknown): string => (err instanceof Error ? err.message : String(err));
  const fail = (what: string, path: string, err: unknown): void => {
    if (error === undefined) error = `cannot ${what} ${path}: ${text(err)}`;
  };
  const closeFd = (id: number, file: { path: string; fd: number }): void => {
    open.delete(id);
    if (file.fd < 0) return;
    const fd = file.fd;
    file.fd = -1;
    try {
      fs.closeSync(fd);
    } catch (err) {
      fail('close', file.path, err);
    }
  };
  const makeRoom = (): void => {
    while (open.size >= maxOpen) {
      const oldest = open.keys().next().value as number;
      closeFd(oldest, open.get(oldest)!);
    }
  };
  const track = (id: number, file: { path: string; fd: number }): void => {
    open.set(id, file);
    if (open.size > peakOpenFiles) peakOpenFiles = open.size;
  };
  /** The file's descriptor, reopened if it was closed to respect maxOpen; -1 after a failure. */
  const fdOf = (id: number): number => {
    const file = files.get(id);
    if (file === undefined) return -1;
    if (file.fd >= 0) {
      open.delete(id);
      open.set(id, file);
      return file.fd;
    }
    makeRoom();
    try {
      file.fd = fs.openSync(file.path, 'r+');
    } catch (err) {
      fail('reopen', file.path, err);
      return -1;
    }
    track(id, file);
    return file.fd;
  };
  const create = (id: number, base: string): void => {
    makeRoom();
    for (let index = nextIndex.get(base) ?? 0; ; index++) {
      const path = dir + (index > 0 ? `${base}c${index}` : base);
      try {
        const fd = fs.openSync(path, 'wx', 0o666);
        if (index > 0) nextIndex.set(base, index + 1);
        const file = { path, fd };
        files.set(id, file);
        track(id, file);
        filesCreated++;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        fail('create', path, err);
        return;
      }
    }
  };
  const write = (id: number, position: number, start: number, length: number): void => {
    const fd = fdOf(id);
    if (fd < 0) return;
    try {
      let done = 0;
      while (done < length) done += fs.writeSync(fd, slab, start + done, length - done, position + done);
    } catch (err) {
      fail('write', files.get(id)!.path, err);
    }
  };
  const finish = (id: number, size: number, seconds: number): void => {
    const file = files.get(id);
    if (file === undefined) return;
    if (error === undefined && size < 0 && file.fd < 0 && !Number.isNaN(seconds)) {
      // only the times to set on a file closed to respect maxOpen: no need to reopen it
      try {
        fs.utimesSync(file.path, seconds, seconds);
      } catch {
        // times are a courtesy: the data is written
      }
    } else if (error === undefined && (size >= 0 || !Number.isNaN(seconds))) {
      const fd = fdOf(id);
      if (fd >= 0) {
        try {
          if (size >= 0) fs.ftruncateSync(fd, size);
        } catch (err) {
          fail('extend', file.path, err);
        }
        if (!Number.isNaN(seconds)) {
          try {
            fs.futimesSync(fd, seconds, seconds);
          } catch {
            // times are a courtesy: the data is written
          }
        }
      }
    }
    closeFd(id, file);
    files.delete(id);
  };

  port.on('message', (batch: WriterBatch) => {
    const { ops, names } = batch;
    // A throw here is a bug, not a file-system error (fail() reports those): it is reported, and
    // the batch goes on, so that every slot is given back (the main thread waits for them) and
    // every file is still closed.
    const bug = (err: unknown): void => {
      if (error === undefined) error = `writer thread failed: ${text(err)}`;
    };
    for (let i = 0; i < ops.length; ) {
      const op = ops[i];
      const id = ops[i + 1];
      const width = op === CREATE ? 3 : op === WRITE ? 5 : 4;
      try {
        if (op === CREATE) {
          if (error === undefined) create(id, names[ops[i + 2]]);
        } else if (op === WRITE) {
          if (error === undefined) write(id, ops[i + 2], ops[i + 3] * slotBytes, ops[i + 4]);
        } else {
          finish(id, ops[i + 2], ops[i + 3]);
        }
      } catch (err) {
        bug(err);
      }
      if (op === WRITE) {
        ring[1 + (given % ringSize)] = ops[i + 3];
        given++;
      }
      i += width;
    }
    if (batch.end) {
      for (const id of [...files.keys()]) {
        try {
          finish(id, -1, Number.NaN);
        } catch (err) {
          bug(err);
        }
      }
    }
    Atomics.store(ring, 0, given);
    Atomics.notify(ring, 0);
    const report: WriterReport = {
      filesCreated,
      peakOpenFiles,
      ...(error !== undefined ? { error } : {}),
      ...(batch.end ? { done: true } : {}),
    };
    port.postMessage(report);
    if (batch.end) port.close();
  });
}

/** Source text that runs {@link dirWriterMain} in an `eval` worker. */
export const DIR_WRITER_SOURCE = `(${dirWriterMain.toString()})(require('node:fs'), require('node:worker_threads'), ${OP_CREATE}, ${OP_WRITE});`;
