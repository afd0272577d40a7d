/**
 * The non-blocking text writer of the proxy's headless output ({@link SpoolingTextWriter}): text
 * waits in RAM up to a budget, then in a spill file, and is written out asynchronously, in order,
 * whenever the sink takes more, so a reader that stops reading (`flowspy -L ... | less`, a slow
 * terminal) never stalls forwarding.
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFully, writeFully } from '../io/files.js';
import { ByteText } from '../render/byteText.js';
import type { ByteSink } from './byteSinks.js';

/** Options of a {@link SpoolingTextWriter}. */
export interface SpoolingTextWriterOptions {
  /** Where the bytes go (`stdoutSink` of byteSinks.ts for stdout). */
  readonly sink: ByteSink;
  /** Bytes of text queued in RAM before later text goes to the spill file. Default 8 MiB. */
  readonly ramBudgetBytes?: number;
  /**
   * Size of the pieces text is gathered into before it is queued (and the most read back from
   * the spill file per write). Default 64 KiB.
   */
  readonly chunkBytes?: number;
  /** Directory under which the private spill directory is made. Default `os.tmpdir()`. */
  readonly spillParent?: string;
  /**
   * Called once (asynchronously, never inside `write`) when the sink fails: `err.code` is
   * `EPIPE` (or `ECONNRESET`) when the reader went away. Text queued or written later is dropped.
   */
  readonly onClosed?: (err: NodeJS.ErrnoException) => void;
  /** One line of warning (spill file unusable); default: `flowspy: ...` on stderr. */
  readonly warn?: (line: string) => void;
}

/** A snapshot of a {@link SpoolingTextWriter}'s counters. */
export interface SpoolStats {
  /** Bytes the sink confirmed written. */
  readonly writtenBytes: number;
  /** Bytes queued in RAM now (the chunk being written not included). Never above the budget. */
  readonly ramBytes: number;
  /** Highest total of text held in RAM at once: queued + gathered + the chunk being written. */
  readonly peakRamBytes: number;
  /** Bytes in the spill file not yet written out. */
  readonly spillBytes: number;
  /** Bytes that ever went through the spill file. */
  readonly spilledTotalBytes: number;
  /** Path of the spill file once it was created (removed by `end`). */
  readonly spillPath: string | undefined;
  /** Bytes dropped because the spill file could not be written (a warning said so). */
  readonly droppedBytes: number;
}

/** Options of {@link SpoolingTextWriter.end}. */
export interface SpoolEndOptions {
  /** Give up when the sink made no progress for this long (ms). Default 10 000. */
  readonly stallTimeoutMs?: number;
  /** Give up at once when this aborts (e.g. a second Ctrl-C). */
  readonly signal?: AbortSignal;
}

const DEFAULT_RAM_BUDGET = 8 << 20;
const DEFAULT_CHUNK = 64 << 10;

/**
 * A non-blocking text writer for sources that must never wait for the reader (the proxy).
 *
 * Contract:
 * - `write(text)` never blocks and never throws. Text is gathered into chunks of about
 *   `chunkBytes` and queued in RAM while the queue stays within `ramBudgetBytes`; once a chunk
 *   does not fit, it and all text after it are appended to a spill file (in a private directory
 *   made with `mkdtemp` under `spillParent`, created on first need), until the spill file is
 *   drained; then text queues in RAM again.
 * - The sink is fed one chunk at a time, in order: the RAM queue first, then the spill file
 *   (read back from where it was drained to), then what queued in RAM since. The bytes that
 *   reach the sink are exactly the text written, in order. A fully drained spill file is
 *   truncated and reused. Text gathered in one event-loop turn is handed on in the next.
 * - Memory is bounded whatever the reader does: queued RAM ≤ `ramBudgetBytes`, plus the chunk
 *   in flight and the text being gathered (about `chunkBytes` each).
 * - When the sink fails (EPIPE: the reader went away) everything queued is dropped, `onClosed`
 *   is called once and later writes are ignored.
 * - The spill file and its directory are removed by `end()` (and, failing that, when the
 *   process exits). The spill file is written and read with synchronous calls: a local temp
 *   file, like the payload store's spill.
 */
export class SpoolingTextWriter {
  private readonly sink: ByteSink;
  private readonly ramBudget: number;
  private readonly chunkBytes: number;
  private readonly spillParent: string;
  private readonly onClosed: ((err: NodeJS.ErrnoException) => void) | undefined;
  private readonly warn: (line: string) => void;

  /** Text gathered for the next chunk, as UTF-8. */
  private readonly gathered: ByteText;
  private readonly ram: Buffer[] = [];
  private ramHead = 0;
  private ramBytes = 0;
  private inFlight: Buffer | undefined;
  private scheduled = false;

  private spillDir: string | undefined;
  private spillPath: string | undefined;
  private spillFd = -1;
  private spillRead = 0;
  private spillWrite = 0;
  private spillBroken = false;
  private spilledTotal = 0;
  private dropped = 0;

  private written = 0;
  private peakRam = 0;
  /** While `end` waits: fires when the sink made no progress for the stall timeout (re-armed at each write done). */
  private stallTimer: NodeJS.Timeout | undefined;
  private closedError: NodeJS.ErrnoException | undefined;
  private disposed = false;
  private idleWaiter: (() => void) | undefined;
  private readonly exitCleanup = (): void => this.removeSpill();

  constructor(options: SpoolingTextWriterOptions) {
    this.sink = options.sink;
    this.ramBudget = options.ramBudgetBytes ?? DEFAULT_RAM_BUDGET;
    this.chunkBytes = Math.max(1, options.chunkBytes ?? DEFAULT_CHUNK);
    this.spillParent = options.spillParent ?? tmpdir();
    this.gathered = new ByteText(this.chunkBytes);
    this.onClosed = options.onClosed;
    this.warn = options.warn ?? ((line) => process.stderr.write(`flowspy: ${line}\n`));
  }

  /** Appends text, a string or UTF-8 bytes copied here (never blocks, never throws); ignored once the sink failed or after `end`. */
  readonly write = (text: string | Uint8Array): void => {
    if (this.closedError || this.disposed || text.length === 0) return;
    if (typeof text === 'string') this.gathered.text(text);
    else this.gathered.bytes(text);
    if (this.gathered.length >= this.chunkBytes) this.seal();
    if (this.inFlight === undefined && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.tick);
    }
  };

  /** The sink's failure (EPIPE when the reader went away), once it failed. */
  get closedBy(): NodeJS.ErrnoException | undefined {
    return this.closedError;
  }

  /** Bytes accepted but not yet written (gathered, queued, spilled, in flight). */
  get pendingBytes(): number {
    return this.gathered.length + this.ramBytes + (this.spillWrite - this.spillRead) + (this.inFlight?.length ?? 0);
  }

  /** Counters, for tests and diagnostics. */
  get stats(): SpoolStats {
    return {
      writtenBytes: this.written,
      ramBytes: this.ramBytes,
      peakRamBytes: this.peakRam,
      spillBytes: this.spillWrite - this.spillRead,
      spilledTotalBytes: this.spilledTotal,
      spillPath: this.spillPath,
      droppedBytes: this.dropped,
    };
  }

  /**
   * Writes out everything accepted, then releases the spill file and its directory. Resolves
   * with the number of bytes NOT written: 0 when all went out (or when the sink had failed:
   * see `closedBy`). The wait is bounded: it gives up when the sink made no progress for
   * `stallTimeoutMs` (a reader that is alive but never reads again) or when `signal` aborts;
   * then the rest is dropped and a write may still be pending on the sink (the caller should
   * exit the process rather than wait for the event loop to empty). Later writes are ignored.
   */
  async end(options: SpoolEndOptions = {}): Promise<number> {
    if (this.disposed) return 0;
    const stallTimeoutMs = options.stallTimeoutMs ?? 10_000;
    this.seal();
    this.pump();
    if (!this.closedError && this.pendingBytes > 0 && !options.signal?.aborted) {
      await new Promise<void>((resolve) => {
        const finish = (): void => {
          clearTimeout(this.stallTimer);
          this.stallTimer = undefined;
          options.signal?.removeEventListener('abort', finish);
          this.idleWaiter = undefined;
          resolve();
        };
        options.signal?.addEventListener('abort', finish, { once: true });
        this.idleWaiter = finish;
        this.stallTimer = setTimeout(finish, stallTimeoutMs);
      });
    }
    const unwritten = this.closedError ? 0 : this.pendingBytes;
    this.dispose();
    return unwritten;
  }

  private readonly tick = (): void => {
    this.scheduled = false;
    if (this.closedError || this.disposed) return;
    this.seal();
    this.pump();
  };

  /** Turns the gathered text into one chunk, queued in RAM or appended to the spill. */
  private seal(): void {
    if (this.gathered.length === 0) return;
    this.notePeak(); // text gathered is at its most now
    const chunk = Buffer.from(this.gathered.view());
    this.gathered.clear();
    if (this.spillWrite > this.spillRead || this.ramBytes + chunk.length > this.ramBudget) {
      this.appendSpill(chunk);
    } else {
      this.ram.push(chunk);
      this.ramBytes += chunk.length;
    }
  }

  /** Starts writing the next chunk in order, if the sink is idle and anything is waiting. */
  private pump(): void {
    if (this.inFlight !== undefined || this.closedError || this.disposed) return;
    for (;;) {
      let chunk: Buffer | undefined;
      if (this.ramHead < this.ram.length) {
        chunk = this.ram[this.ramHead];
        this.ram[this.ramHead++] = undefined as unknown as Buffer; // let it be collected once written
        this.ramBytes -= chunk.length;
        if (this.ramHead === this.ram.length) {
          this.ram.length = 0;
          this.ramHead = 0;
        }
      } else if (this.spillWrite > this.spillRead) {
        chunk = this.readSpill(); // undefined if the spill file failed (then it is empty)
      } else if (this.gathered.length > 0) {
        this.seal();
        continue;
      } else {
        break;
      }
      if (chunk !== undefined) {
        this.inFlight = chunk;
        this.notePeak();
        this.sink.write(chunk, this.onWritten);
        return;
      }
    }
    this.idleWaiter?.();
  }

  private readonly onWritten = (err?: Error | null): void => {
    const chunk = this.inFlight;
    this.inFlight = undefined;
    if (this.disposed) return;
    if (err) {
      this.fail(err as NodeJS.ErrnoException);
      return;
    }
    this.written += chunk?.length ?? 0;
    this.stallTimer?.refresh();
    this.pump();
  };

  private fail(err: NodeJS.ErrnoException): void {
    if (this.closedError) return;
    this.closedError = err;
    this.dropEverything();
    this.idleWaiter?.();
    this.onClosed?.(err);
  }

  private appendSpill(chunk: Buffer): void {
    if (!this.openSpill()) {
      this.dropped += chunk.length;
      return;
    }
    try {
      writeFully(this.spillFd, chunk, 0, chunk.length, this.spillWrite);
      this.spillWrite += chunk.length;
      this.spilledTotal += chunk.length;
    } catch (err) {
      this.dropped += chunk.length;
      this.spillBroke(err as Error);
    }
  }

  /** Reads the next piece of the spill file; truncates the file once it is all read. */
  private readSpill(): Buffer | undefined {
    const length = Math.min(this.chunkBytes, this.spillWrite - this.spillRead);
    const chunk = Buffer.allocUnsafe(length);
    try {
      readFully(this.spillFd, chunk, 0, length, this.spillRead);
    } catch (err) {
      this.spillBroke(err as Error);
      return undefined;
    }
    this.spillRead += length;
    if (this.spillRead === this.spillWrite) {
      this.spillRead = this.spillWrite = 0;
      try {
        ftruncateSync(this.spillFd, 0);
      } catch {
        // positions restart at 0 anyway: old bytes are overwritten before they are read
      }
    }
    return chunk;
  }

  private openSpill(): boolean {
    if (this.spillFd >= 0) return true;
    if (this.spillBroken) return false;
    try {
      this.spillDir = mkdtempSync(join(this.spillParent, 'flowspy-stdout-'));
      process.once('exit', this.exitCleanup);
      this.spillPath = join(this.spillDir, 'spool');
      this.spillFd = openSync(this.spillPath, 'w+', 0o600);
      return true;
    } catch (err) {
      this.spillBroke(err as Error);
      return false;
    }
  }

  /** The spill file failed: what it held is lost (counted), later overflow is dropped. */
  private spillBroke(err: Error): void {
    this.dropped += this.spillWrite - this.spillRead;
    this.spillRead = this.spillWrite = 0;
    if (!this.spillBroken) {
      this.warn(`cannot spill standard output to ${this.spillDir ?? this.spillParent} (${err.message}); output the reader does not take in time is dropped`);
    }
    this.spillBroken = true;
    this.removeSpill();
  }

  private removeSpill(): void {
    if (this.spillFd >= 0) {
      try {
        closeSync(this.spillFd);
      } catch {
        // already closed
      }
      this.spillFd = -1;
    }
    if (this.spillDir !== undefined) {
      rmSync(this.spillDir, { recursive: true, force: true });
      this.spillDir = undefined;
      process.off('exit', this.exitCleanup);
    }
  }

  private notePeak(): void {
    const held = this.ramBytes + this.gathered.length + (this.inFlight?.length ?? 0);
    if (held > this.peakRam) this.peakRam = held;
  }

  private dispose(): void {
    this.disposed = true;
    this.dropEverything();
  }

  /** Forgets all text not yet written, in RAM and in the spill file. */
  private dropEverything(): void {
    this.gathered.clear();
    this.ram.length = 0;
    this.ramHead = 0;
    this.ramBytes = 0;
    this.removeSpill();
    this.spillRead = this.spillWrite = 0;
  }
}
