/**
 * The file-writing thread of `-o DIR` ({@link DirectoryOutput}), a worker module of its own
 * (bundled as `dist/dirWriter.cjs`): receives batches of file commands (`dirWriterCodec.ts`) and
 * carries them out with synchronous system calls, in order, off the main thread.
 *
 * Descriptors: at most `maxOpenFiles` files are open at once; the least recently used one is
 * closed and reopened when needed again. When the system refuses a descriptor (EMFILE, ENFILE:
 * the process shares its limit with sockets and the capture file), the writer closes half of
 * its own files, lowers its cap to match and tries again; with none of its own left open it
 * waits a little (other descriptors get closed) before it gives up. Up to 8 long files written
 * in order go to the disk directly (see `directAppends.ts`); their descriptors count in the cap.
 */
import * as fs from 'node:fs';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { fileErrorReason } from '../core/errors.js';
import { DirectAppends, IDLE_SETTLE_MS, type AppendFile } from './directAppends.js';
import { decodeBatch, type WriterBatch, type WriterCommands, type WriterReport, type WriterSetup } from './dirWriterCodec.js';

/** How long to wait for a descriptor when the writer has none of its own to give up (ms), and how often. */
const DESCRIPTOR_WAIT_MS = 20;
const DESCRIPTOR_WAIT_TRIES = 100;

/** A file of the output: its path, its descriptor (-1 when closed to respect maxOpen), how it is appended to. */
type OpenFile = AppendFile;

/** Files written directly at once (see directAppends.ts), when the descriptor cap leaves room for them. */
const MAX_DIRECT_FILES = 8;

/** Carries out the commands of one directory output (see the module comment). */
class DirWriter implements WriterCommands {
  private readonly dir: string;
  private maxOpen: number;
  private readonly slab: Uint8Array;
  private readonly slotBytes: number;
  private readonly ring: Int32Array;
  private given = 0;
  /** fileId → path and descriptor (-1 when closed to respect maxOpen). */
  private readonly files = new Map<number, OpenFile>();
  /** Open descriptors, least recently used first. */
  private readonly open = new Map<number, OpenFile>();
  /** Base name → the next `cN` suffix to try, only for names already taken (reused 4-tuples). */
  private readonly nextIndex = new Map<string, number>();
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));
  private readonly direct: DirectAppends;
  filesCreated = 0;
  peakOpenFiles = 0;
  error: string | undefined;

  constructor(setup: WriterSetup) {
    this.dir = setup.dir.endsWith('/') ? setup.dir : `${setup.dir}/`;
    this.maxOpen = Math.max(1, setup.maxOpenFiles);
    this.slab = new Uint8Array(setup.slab);
    this.slotBytes = setup.slotBytes;
    this.ring = new Int32Array(setup.ring);
    const directFiles = this.maxOpen >= 4 * MAX_DIRECT_FILES ? MAX_DIRECT_FILES : 0;
    this.direct = new DirectAppends((path) => this.openDirectDescriptor(path), directFiles);
  }

  create(id: number, base: string): void {
    if (this.error !== undefined) return;
    for (let index = this.nextIndex.get(base) ?? 0; ; index++) {
      const path = this.dir + (index > 0 ? `${base}c${index}` : base);
      let fd: number;
      try {
        fd = this.openDescriptor(path, 'wx+'); // read too: see DirectAppends
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        this.fail('create', path, err);
        return;
      }
      if (index > 0) this.nextIndex.set(base, index + 1);
      const file: OpenFile = { path, fd, nextPosition: 0, inOrderBytes: 0, direct: undefined };
      this.files.set(id, file);
      this.track(id, file);
      this.filesCreated++;
      return;
    }
  }

  write(id: number, position: number, slot: number, length: number): void {
    try {
      if (this.error !== undefined) return;
      const fd = this.fdOf(id);
      if (fd < 0) return;
      const start = slot * this.slotBytes;
      const file = this.files.get(id)!;
      try {
        if (this.direct.write(file, this.slab.subarray(start, start + length), position)) return;
        let done = 0;
        while (done < length) done += fs.writeSync(fd, this.slab, start + done, length - done, position + done);
      } catch (err) {
        this.fail('write', this.files.get(id)!.path, err);
      }
    } finally {
      this.ring[1 + (this.given % (this.ring.length - 1))] = slot;
      this.given++;
    }
  }

  finish(id: number, size: number, seconds: number): void {
    const file = this.files.get(id);
    if (file === undefined) return;
    this.settle(file); // before the size and the times are set
    if (this.error === undefined && size < 0 && file.fd < 0 && !Number.isNaN(seconds)) {
      // only the times to set on a file closed to respect maxOpen: no need to reopen it
      try {
        fs.utimesSync(file.path, seconds, seconds);
      } catch {
        // times are a courtesy: the data is written
      }
    } else if (this.error === undefined && (size >= 0 || !Number.isNaN(seconds))) {
      const fd = this.fdOf(id);
      if (fd >= 0) {
        try {
          if (size >= 0) fs.ftruncateSync(fd, size);
        } catch (err) {
          this.fail('extend', file.path, err);
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
    this.closeFd(id, file);
    this.files.delete(id);
  }

  /** Closes every file still open (the end of the run). */
  finishAll(): void {
    for (const id of [...this.files.keys()]) this.finish(id, -1, Number.NaN);
  }

  /** Makes the files no write reached for a while whole on disk (see directAppends.ts). */
  settleIdle(): void {
    this.direct.settleIdle((file, err) => this.fail('write', file.path, err));
  }

  /** Publishes the slots given back so far and wakes a main thread waiting for one. */
  publishSlots(): void {
    Atomics.store(this.ring, 0, this.given);
    Atomics.notify(this.ring, 0);
  }

  /** Records a bug (not a file-system error): later commands are skipped, slots still given back. */
  bug(err: unknown): void {
    if (this.error === undefined) this.error = `writer thread failed: ${err instanceof Error ? err.message : String(err)}`;
  }

  private fail(what: string, path: string, err: unknown): void {
    if (this.error === undefined) {
      this.error = `cannot ${what} ${path}: ${fileErrorReason(err, { ENOENT: 'no such directory (was it removed?)' })}`;
    }
  }

  /** The file's descriptor, reopened if it was closed to respect maxOpen; -1 after a failure. */
  private fdOf(id: number): number {
    const file = this.files.get(id);
    if (file === undefined) return -1;
    if (file.fd >= 0) {
      this.open.delete(id);
      this.open.set(id, file);
      return file.fd;
    }
    try {
      file.fd = this.openDescriptor(file.path, 'r+');
    } catch (err) {
      this.fail('reopen', file.path, err);
      return -1;
    }
    this.track(id, file);
    return file.fd;
  }

  /**
   * Opens `path` within the cap, making room first; on EMFILE/ENFILE gives up half of its own
   * descriptors (and lowers the cap) or, with none left to give, waits for some.
   */
  private openDescriptor(path: string, flags: string): number {
    for (let tries = 0; ; ) {
      this.makeRoom(this.maxOpen - 1);
      try {
        return fs.openSync(path, flags, 0o666);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EMFILE' && code !== 'ENFILE') throw err;
        if (this.open.size > 0) {
          this.maxOpen = Math.max(1, Math.ceil(this.open.size / 2));
        } else {
          if (++tries > DESCRIPTOR_WAIT_TRIES) throw err;
          Atomics.wait(this.sleeper, 0, 0, DESCRIPTOR_WAIT_MS);
        }
      }
    }
  }

  /** Writes what `file` has staged for a direct write (see directAppends.ts). */
  private settle(file: OpenFile): void {
    try {
      this.direct.settle(file);
    } catch (err) {
      this.fail('write', file.path, err);
    }
  }

  /**
   * `path` opened for direct writes within the cap (making room first): a descriptor, or -1 when
   * the system has none to give; throws when the file system refuses direct I/O.
   */
  private openDirectDescriptor(path: string): number {
    this.makeRoom(this.maxOpen - 1);
    if (this.open.size + this.direct.openCount >= this.maxOpen) return -1;
    try {
      const fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_DIRECT);
      this.peakOpenFiles = Math.max(this.peakOpenFiles, this.open.size + this.direct.openCount + 1);
      return fd;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EMFILE' || code === 'ENFILE') return -1;
      throw err;
    }
  }

  /** Closes least recently used descriptors until at most `keep` are open. */
  private makeRoom(keep: number): void {
    while (this.open.size > 0 && this.open.size + this.direct.openCount > keep) {
      const oldest = this.open.keys().next().value as number;
      this.closeFd(oldest, this.open.get(oldest)!);
    }
  }

  private track(id: number, file: OpenFile): void {
    this.open.set(id, file);
    this.peakOpenFiles = Math.max(this.peakOpenFiles, this.open.size + this.direct.openCount);
  }

  private closeFd(id: number, file: OpenFile): void {
    this.open.delete(id);
    if (file.fd < 0) return;
    this.settle(file);
    const fd = file.fd;
    file.fd = -1;
    try {
      fs.closeSync(fd);
    } catch (err) {
      this.fail('close', file.path, err);
    }
  }
}

/**
 * Serves `port`: each batch is carried out and answered with a {@link WriterReport}; the `end`
 * batch closes every file, and the port after its report. A throw inside a command is a bug: it
 * is reported as the error and the batch goes on, so that every slot is given back (the main
 * thread may be waiting for them) and every file is still closed.
 */
function serve(port: MessagePort, setup: WriterSetup): void {
  const writer = new DirWriter(setup);
  const commands: WriterCommands = {
    create: (id, name) => guard(() => writer.create(id, name)),
    write: (id, position, slot, length) => guard(() => writer.write(id, position, slot, length)),
    finish: (id, size, seconds) => guard(() => writer.finish(id, size, seconds)),
  };
  const guard = (command: () => void): void => {
    try {
      command();
    } catch (err) {
      writer.bug(err);
    }
  };
  const settler = setInterval(() => guard(() => writer.settleIdle()), IDLE_SETTLE_MS);
  settler.unref();
  port.on('message', (batch: WriterBatch) => {
    guard(() => decodeBatch(batch, commands));
    if (batch.end) guard(() => writer.finishAll());
    writer.publishSlots();
    const report: WriterReport = {
      filesCreated: writer.filesCreated,
      peakOpenFiles: writer.peakOpenFiles,
      ...(writer.error !== undefined ? { error: writer.error } : {}),
      ...(batch.end ? { done: true } : {}),
    };
    port.postMessage(report);
    if (batch.end) {
      clearInterval(settler);
      port.close();
    }
  });
}

if (parentPort !== null) serve(parentPort, workerData as WriterSetup);
