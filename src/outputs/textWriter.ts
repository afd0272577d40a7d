/**
 * Text output of the headless views (`--log`, `-c`, `--json`) to standard output for sources that
 * can wait for the reader (capture file, live capture): {@link TextWriter}, batched blocking
 * writes, which keep memory bounded. The proxy, which must never wait, uses the
 * `SpoolingTextWriter` of spoolingTextWriter.ts instead.
 *
 * Both end a closed reader (EPIPE, e.g. `| head`) quietly: {@link OutputClosedError} semantics.
 */
import { writeSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { ByteText } from '../render/byteText.js';

/** The reader of our output went away (EPIPE). */
export class OutputClosedError extends Error {
  constructor() {
    super('output closed');
    this.name = 'OutputClosedError';
  }
}

/**
 * What a failed write to standard output ends the command with: {@link OutputClosedError} (a
 * quiet exit 0) when the reader went away (EPIPE, ECONNRESET; EIO: the terminal hung up), else
 * a one-line `UserError`.
 */
export function stdoutWriteError(err: NodeJS.ErrnoException): Error {
  if (err.code === 'EPIPE' || err.code === 'ECONNRESET' || err.code === 'EIO') return new OutputClosedError();
  return new UserError(`cannot write to standard output: ${err.message}`);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Collects text and writes it to `fd` in batches of about `batchBytes`, with blocking writes:
 * a full pipe (EAGAIN) is waited out (the event loop waits too), a closed one (EPIPE) raises
 * {@link OutputClosedError} once and later text is dropped. Other write errors are thrown.
 * For sources that can wait for the reader; never for the proxy (see `SpoolingTextWriter`).
 */
export class TextWriter {
  private readonly batch: ByteText;
  private closed = false;

  constructor(private readonly fd: number, private readonly batchBytes = 1 << 16) {
    this.batch = new ByteText(batchBytes);
  }

  /** Appends text (a string, or UTF-8 bytes copied here); writes a batch (blocking) when enough has gathered. */
  readonly write = (text: string | Uint8Array): void => {
    if (this.closed) return;
    if (typeof text === 'string') this.batch.text(text);
    else this.batch.bytes(text);
    if (this.batch.length >= this.batchBytes) this.flush();
  };

  /** Writes everything gathered; returns once it is all written. @throws OutputClosedError on EPIPE. */
  flush(): void {
    if (this.batch.length === 0 || this.closed) return;
    const buf = this.batch.view();
    let done = 0;
    while (done < buf.length) {
      try {
        done += writeSync(this.fd, buf, done, buf.length - done);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          Atomics.wait(sleeper, 0, 0, 2);
          continue;
        }
        this.closed = true;
        throw stdoutWriteError(err as NodeJS.ErrnoException);
      }
    }
    this.batch.clear();
  }
}
