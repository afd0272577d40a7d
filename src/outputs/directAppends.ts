/**
 * Direct (O_DIRECT) writes for `-o`'s long files, in its writer thread. Buffered writes of a
 * sustained stream are throttled by the kernel's writeback (measured 0.48 GB/s and 2.0 s of CPU
 * per GB over 4 GiB, against 1.38 GB/s and 0.2 s/GB direct), which held up a full-speed capture.
 *
 * A file written in order past {@link DIRECT_AFTER_BYTES} gets a stage of {@link STAGE_BYTES}
 * that starts at a sector-aligned place of the file; its bytes fill the stage, and each full
 * stage is written whole, directly, from aligned memory. What is staged goes through the file's
 * ordinary descriptor when the file settles: when it is written out of order, before its
 * descriptor closes, and when it has not been written for {@link IDLE_SETTLE_MS} (so a file is
 * whole on disk soon after its flow pauses). Where the file system refuses direct writes,
 * nothing is direct.
 */
import { closeSync, readSync, writeSync } from 'node:fs';
import { copyBytes } from '../io/copyBytes.js';

/** Bytes a file is written in order before it goes direct. */
export const DIRECT_AFTER_BYTES = 8 << 20;
/** Bytes of one stage: one direct write. */
export const STAGE_BYTES = 1 << 20;
/** A direct file not written for this long settles (ms). */
export const IDLE_SETTLE_MS = 100;
/** Sector size assumed for alignment (any disk's sector divides it). */
const SECTOR = 4096;

/** What {@link DirectAppends} keeps per file, on the writer's own file record. */
export interface AppendFile {
  readonly path: string;
  /** The file's ordinary descriptor (open while it is written). */
  fd: number;
  /** Where the file's next in-order byte goes, and how many bytes came in order before it. */
  nextPosition: number;
  inOrderBytes: number;
  direct: DirectState | undefined;
}

/** A direct file's stage. */
export interface DirectState {
  readonly fd: number;
  readonly stage: Buffer;
  /** File position of `stage[0]` (sector-aligned). */
  stagePosition: number;
  staged: number;
  /** performance.now() of the last write. */
  writtenAt: number;
}

/** Opens `path` for direct writes: a descriptor, -1 when none is to be had now, or throws when the file system refuses direct I/O. */
export type OpenDirect = (path: string) => number;

/** The direct files of one writer (see the module comment). */
export class DirectAppends {
  private readonly files = new Set<AppendFile>();
  private readonly freeStages: Buffer[] = [];
  /** Aligned memory for the writes: where in it writes start aligned, once found (-1: not yet). */
  private readonly writeBuffer = Buffer.from(new SharedArrayBuffer(STAGE_BYTES + 2 * SECTOR));
  private alignedAt = -1;
  private refused = false;

  /** `maxFiles` files at most are direct at once (0: none). */
  constructor(
    private readonly openDirect: OpenDirect,
    private readonly maxFiles: number,
  ) {}

  /** Direct descriptors open now. */
  get openCount(): number {
    return this.files.size;
  }

  /**
   * Takes `bytes`, to be written at `position` of `file`, and returns true; or returns false:
   * the caller writes them itself. Throws the file system's error of a failed write.
   */
  write(file: AppendFile, bytes: Uint8Array, position: number): boolean {
    const inOrder = position === file.nextPosition;
    file.inOrderBytes = inOrder ? file.inOrderBytes + bytes.length : bytes.length;
    file.nextPosition = position + bytes.length;
    if (!inOrder) this.settle(file);
    if (file.direct === undefined && !this.start(file, position)) return false;
    const direct = file.direct!;
    direct.writtenAt = performance.now();
    for (let done = 0; done < bytes.length; ) {
      const n = Math.min(bytes.length - done, STAGE_BYTES - direct.staged);
      copyBytes(bytes.subarray(done, done + n), direct.stage, direct.staged);
      direct.staged += n;
      done += n;
      if (direct.staged === STAGE_BYTES && !this.writeStage(file, direct)) {
        this.settle(file); // the file system refused: the rest through the page cache
        if (done < bytes.length) writeAll(file.fd, bytes.subarray(done), position + done);
        return true;
      }
    }
    return true;
  }

  /** Writes what `file` has staged through its ordinary descriptor and ends its direct writes. */
  settle(file: AppendFile): void {
    const direct = file.direct;
    if (direct === undefined) return;
    file.direct = undefined;
    this.files.delete(file);
    this.freeStages.push(direct.stage);
    closeSync(direct.fd);
    if (direct.staged > 0) writeAll(file.fd, direct.stage.subarray(0, direct.staged), direct.stagePosition);
  }

  /** Settles the files not written for {@link IDLE_SETTLE_MS}; `onError` gets a failed write. */
  settleIdle(onError: (file: AppendFile, error: unknown) => void): void {
    const before = performance.now() - IDLE_SETTLE_MS;
    for (const file of [...this.files]) {
      if (file.direct!.writtenAt > before) continue;
      try {
        this.settle(file);
      } catch (error) {
        onError(file, error);
      }
    }
  }

  /** Makes `file` direct from `position` on when it qualifies and a descriptor is to be had. */
  private start(file: AppendFile, position: number): boolean {
    if (this.refused || file.inOrderBytes < DIRECT_AFTER_BYTES || this.files.size >= this.maxFiles) return false;
    let fd: number;
    try {
      fd = this.openDirect(file.path);
    } catch {
      this.refused = true;
      return false;
    }
    if (fd < 0) return false;
    const stage = this.freeStages.pop() ?? Buffer.allocUnsafeSlow(STAGE_BYTES);
    // The stage starts at the sector's start: the bytes before `position` in it are read back.
    const stagePosition = position - (position % SECTOR);
    const before = position - stagePosition;
    if (before > 0 && readSync(file.fd, stage, 0, before, stagePosition) !== before) {
      closeSync(fd);
      this.freeStages.push(stage);
      return false;
    }
    file.direct = { fd, stage, stagePosition, staged: before, writtenAt: performance.now() };
    this.files.add(file);
    return true;
  }

  /** Writes the full stage directly and starts the next; false when direct writes are refused. */
  private writeStage(file: AppendFile, direct: DirectState): boolean {
    if (this.alignedAt < 0 && !this.findAlignment(direct)) return false;
    const aligned = this.writeBuffer.subarray(this.alignedAt, this.alignedAt + STAGE_BYTES);
    copyBytes(direct.stage, aligned, 0);
    try {
      writeAll(direct.fd, aligned, direct.stagePosition);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
      this.refused = true;
      return false;
    }
    direct.stagePosition += STAGE_BYTES;
    direct.staged = 0;
    return true;
  }

  /**
   * Finds where in the write buffer the disk takes direct writes (its address is not known
   * here), by writing the stage's first sector from each 16-byte step until one is taken: the
   * bytes written are the file's own, at their place. False when none is.
   */
  private findAlignment(direct: DirectState): boolean {
    const sector = direct.stage.subarray(0, SECTOR);
    for (let at = 0; at < SECTOR; at += 16) {
      copyBytes(sector, this.writeBuffer, at);
      try {
        writeSync(direct.fd, this.writeBuffer, at, SECTOR, direct.stagePosition);
        this.alignedAt = at;
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
      }
    }
    this.refused = true;
    return false;
  }
}

/** Writes all of `bytes` at `position` of `fd`. */
function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}
