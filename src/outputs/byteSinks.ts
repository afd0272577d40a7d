/**
 * Asynchronous byte destinations ({@link ByteSink}) for non-blocking output: over a writable
 * stream, over a file descriptor, and the one that suits this process's standard output.
 */
import { fstatSync, write as fsWrite } from 'node:fs';
import type { Writable } from 'node:stream';
import { isatty } from 'node:tty';

/**
 * An asynchronous byte destination with one write in flight at a time.
 * `write(chunk, done)` writes all of `chunk` and then calls `done()` once, or `done(err)` once
 * if the destination failed (after a failure every later write fails too). The caller issues
 * no other write before `done` and does not modify `chunk` meanwhile; the sink does not keep
 * `chunk` after `done`. `done` is never called synchronously from `write`.
 */
export interface ByteSink {
  write(chunk: Buffer, done: (err?: Error | null) => void): void;
}

/**
 * A {@link ByteSink} over a writable stream (a pipe or socket `net.Socket`, a non-blocking
 * `tty.WriteStream`). `done` comes from the stream's write callback, i.e. once libuv handed the
 * chunk to the kernel, so the stream itself never buffers more than the chunk in flight.
 * Registers an `error` listener on the stream (a failed write must not become an uncaught error).
 */
export function streamSink(stream: Writable): ByteSink {
  let failed: Error | undefined;
  let pending: ((err?: Error | null) => void) | undefined;
  stream.on('error', (err: Error) => {
    failed ??= err;
    pending?.(err);
  });
  return {
    write(chunk, done) {
      if (failed) {
        const err = failed;
        process.nextTick(() => done(err));
        return;
      }
      let called = false;
      const once = (err?: Error | null): void => {
        if (called) return;
        called = true;
        pending = undefined;
        if (err) failed ??= err;
        done(err ?? null);
      };
      pending = once;
      stream.write(chunk, (err) => once(err ?? failed));
    },
  };
}

/**
 * A {@link ByteSink} writing to a file descriptor with `fs.write` (libuv thread pool), at the
 * descriptor's current position. Meant for regular files and devices that are always writable
 * (`/dev/null`); an EAGAIN (a non-blocking descriptor that is full) is retried every 10 ms.
 * Never use it for a pipe in blocking mode: the write would hold a pool thread until the reader reads.
 */
export function fdSink(fd: number): ByteSink {
  return {
    write(chunk, done) {
      let offset = 0;
      const step = (): void => {
        fsWrite(fd, chunk, offset, chunk.length - offset, null, (err, written) => {
          if (err) {
            if (err.code === 'EAGAIN') {
              setTimeout(step, 10);
              return;
            }
            done(err);
            return;
          }
          offset += written;
          if (offset < chunk.length) step();
          else done(null);
        });
      };
      step();
    },
  };
}

/**
 * The {@link ByteSink} for this process's standard output (fd 1), chosen by what fd 1 is, so
 * that no write ever blocks the event loop:
 * - a pipe or a socket: `process.stdout`, a `net.Socket` whose writes are asynchronous in Node
 *   (libuv sets the pipe non-blocking and polls for writability);
 * - a terminal: `process.stdout`, a `tty.WriteStream`, switched to non-blocking writes (Node
 *   makes TTY writes blocking; this uses the handle's `setBlocking(false)`, an internal of
 *   Node; libuv reopened the terminal for this process, so the shell's descriptor is not
 *   affected, and Node restores the terminal's flags at exit). If that internal is missing,
 *   terminal writes stay blocking;
 * - anything else (a regular file, `/dev/null`): {@link fdSink}; a file is always writable.
 * Uses `process.stdout` for pipes and terminals, so nothing else may open a second handle on fd 1.
 */
export function stdoutSink(): ByteSink {
  const fd = 1;
  if (isatty(fd)) {
    const handle = (process.stdout as unknown as { _handle?: { setBlocking?: (blocking: boolean) => number } })._handle;
    handle?.setBlocking?.(false);
    return streamSink(process.stdout);
  }
  let kind: 'stream' | 'fd' = 'fd';
  try {
    const st = fstatSync(fd);
    if (st.isFIFO() || st.isSocket()) kind = 'stream';
  } catch {
    // fd 1 is closed: the first write reports EBADF
  }
  return kind === 'stream' ? streamSink(process.stdout) : fdSink(fd);
}
