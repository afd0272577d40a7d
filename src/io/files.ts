/**
 * Positioned, complete reads and writes on an open file descriptor (`readSync`/`writeSync` may
 * move fewer bytes than asked). Used by the payload store (reading back its spill file and the
 * source file), the HAR output and the stdout spool.
 */
import { readSync, writeSync } from 'node:fs';

/**
 * Reads `length` bytes at file `position` of `fd` into `into[at...]`.
 * @throws Error at a short read (end of file), or the fs error of a failed read.
 */
export function readFully(fd: number, into: Uint8Array, at: number, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, at + done, length - done, position + done);
    if (n === 0) throw new Error(`short read at ${position + done}`);
    done += n;
  }
}

/**
 * Writes `from[at, at + length)` at file `position` of `fd`, however many writes it takes.
 * @throws the fs error of a failed write (e.g. ENOSPC).
 */
export function writeFully(fd: number, from: Uint8Array, at: number, length: number, position: number): void {
  let done = 0;
  while (done < length) done += writeSync(fd, from, at + done, length - done, position + done);
}
