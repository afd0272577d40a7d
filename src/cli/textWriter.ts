/**
 * Batched synchronous text output to a file descriptor (stdout for the headless views).
 * Text is gathered up to a batch size and written with blocking writes, so memory stays
 * bounded however fast events come; a full pipe (EAGAIN) is waited out, a closed one
 * (EPIPE, e.g. `| head`) raises {@link OutputClosedError} once.
 */
import { writeSync } from 'node:fs';

/** The reader of our output went away (EPIPE). */
export class OutputClosedError extends Error {
  constructor() {
    super('output closed');
    this.name = 'OutputClosedError';
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Collects text and writes it to `fd` in batches of about `batchBytes`. */
export class TextWriter {
  private parts: string[] = [];
  private pending = 0;
  private closed = false;

  constructor(private readonly fd: number, private readonly batchBytes = 1 << 16) {}

  /** Appends text; writes a batch when enough has gathered. */
  readonly write = (text: string): void => {
    if (this.closed) return;
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending >= this.batchBytes) this.flush();
  };

  /** Writes everything gathered. */
  flush(): void {
    if (this.pending === 0 || this.closed) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.pending = 0;
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
        if (code === 'EPIPE') {
          this.closed = true;
          throw new OutputClosedError();
        }
        throw err;
      }
    }
  }
}
