/**
 * Streams a capture file (or stdin) through {@link CaptureParser} in bounded memory.
 */
import { constants, fstatSync, openSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Socket } from 'node:net';
import type { PacketSink } from '../core/packet.js';
import { fileErrorReason, UserError } from '../core/errors.js';
import { CaptureFormatError } from './errors.js';
import { CaptureParser, type CaptureFormat } from './parser.js';

/** Default size of one read. */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
/** Reads in flight ahead of the parser for a regular file. */
const READ_AHEAD = 3;
/** Most time (ms) parsing holds the event loop before keys and timers get a turn. */
const TURN_MS = 20;
/** Smallest portion of a chunk parsed in one turn. */
const MIN_PORTION = 16 * 1024;
/**
 * Largest portion parsed at once: the rate learnt on full-size packets would put a whole chunk
 * of a scan that follows them (a hundred times slower per byte) in one portion.
 */
const MAX_PORTION = 256 * 1024;

/** Options of {@link readCapture}. */
export interface ReadCaptureOptions {
  /** Receives every record synchronously; the packet and its `buffer` are valid only during the call. */
  onPacket: PacketSink;
  /**
   * Called after each chunk with the bytes read so far and the file size (undefined for stdin or
   * a pipe). Called at least once at the end with the final count. When it returns a promise,
   * the next chunk is parsed only after it settles (backpressure from slow consumers).
   */
  onProgress?: (bytesRead: number, totalBytes: number | undefined) => Promise<void> | void;
  /** Bytes per read, default 1 MiB (values below 1 are raised to 1); an injected `stdin` stream's chunks are its own. */
  chunkSize?: number;
  /** Aborts between chunks: the promise then rejects with `signal.reason`. */
  signal?: AbortSignal;
  /**
   * The stream read when `source` is `-`, for tests and embedding. Default: fd 0, read like a
   * path when it is a regular file, through a socket when it is a pipe, else `process.stdin`.
   */
  stdin?: AsyncIterable<Uint8Array>;
}

/** What a complete read found. */
export interface ReadCaptureResult {
  format: CaptureFormat;
  /** Records delivered to `onPacket`. */
  packets: number;
  /** Bytes read from the source. */
  bytes: number;
}

/**
 * Reads the capture at `source` (a path, or `-` for stdin) and hands every record to
 * `options.onPacket`, in file order.
 *
 * - Streams in chunks (default 1 MiB) through a few reused buffers (a regular file has
 *   {@link READ_AHEAD} reads in flight): memory does not grow with the file size. The event loop
 *   gets a turn after about every {@link TURN_MS} ms of parsing (see {@link ParseTurns}).
 * - `packet.fileOffset` is the file position of `buffer[start]` for a regular file (also one
 *   redirected to stdin), -1 for a pipe and for paths that are not regular files (named pipes,
 *   devices).
 * - A named pipe (`mkfifo`, `<(cmd)`) is read like a piped stdin, through a non-blocking
 *   descriptor: an abort ends the wait for its writer or its data at once.
 * - A file that cannot be opened or read rejects with a one-line `UserError`
 *   (`cannot read capture foo.pcap: no such file`).
 * - A damaged, truncated or unrecognised capture rejects with `CaptureFormatError` after every
 *   record before the damage was delivered, naming `source` (`stdin` for `-`): `damaged capture
 *   foo.pcap at byte 874, after packet 8: …`, `cannot read capture foo.pcap: not a pcap or …`.
 */
export async function readCapture(source: string, options: ReadCaptureOptions): Promise<ReadCaptureResult> {
  try {
    return await readSource(source, options);
  } catch (err) {
    if (err instanceof CaptureFormatError && err.source === undefined) throw err.from(captureSourceName(source));
    throw err;
  }
}

async function readSource(source: string, options: ReadCaptureOptions): Promise<ReadCaptureResult> {
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
  if (source === '-') {
    if (options.stdin) return readStream(options.stdin, options);
    const kind = stdinKind();
    if (kind === 'file') return readFile('/dev/stdin', chunkSize, options, '-');
    if (kind === 'pipe') return readStream(pipeChunks(0, chunkSize), options);
    return readStream(process.stdin as AsyncIterable<Uint8Array>, options);
  }
  const fifo = openFifo(source);
  if (fifo !== undefined) return readStream(pipeChunks(fifo, chunkSize), options);
  return readFile(source, chunkSize, options);
}

/**
 * A descriptor for `path` when it is a named pipe (also `<(cmd)`'s /dev/fd/N), opened without
 * blocking, so that waiting for a writer or for data never holds a thread-pool thread and an
 * abort (Ctrl-C) ends the read at once; undefined for anything else (or a path that cannot be
 * examined: the file reader then says why).
 */
function openFifo(path: string): number | undefined {
  try {
    if (!statSync(path).isFIFO()) return undefined;
  } catch {
    return undefined;
  }
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw unreadable(path, err);
  }
}

/** What standard input is: a regular file (`< f.pcap`), a pipe or socket, or something else (a terminal). */
function stdinKind(): 'file' | 'pipe' | 'other' {
  try {
    const stats = fstatSync(0);
    if (stats.isFile()) return 'file';
    if (stats.isFIFO() || stats.isSocket()) return 'pipe';
  } catch {
    // no stdin at all
  }
  return 'other';
}

/**
 * The bytes of a pipe or socket `fd`, read through a static buffer into two reused ones: each
 * chunk yielded is valid until the next one is asked for (the socket is paused in between).
 * Node's own stdin stream allocates a buffer per read, and on a fast pipe hundreds of MB of them
 * waited for a garbage collection; here memory stays at two buffers (a few MiB at most: the
 * socket may read a few times more before a pause takes effect, and those bytes are kept).
 * `return()` (or an abort) closes the socket.
 */
function pipeChunks(fd: number, bufferBytes: number): AsyncIterableIterator<Uint8Array> {
  const readBuffer = Buffer.allocUnsafe(64 * 1024);
  let filling = new Uint8Array(bufferBytes);
  let spare = new Uint8Array(bufferBytes);
  let filled = 0;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const signal = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const options = {
    fd,
    readable: true,
    writable: false,
    onread: {
      buffer: readBuffer,
      callback: (n: number): boolean => {
        if (filled + n > filling.length) {
          const grown = new Uint8Array(Math.max(filling.length * 2, filled + n));
          grown.set(filling.subarray(0, filled));
          filling = grown;
        }
        filling.set(readBuffer.subarray(0, n), filled);
        filled += n;
        signal();
        return filled < bufferBytes; // pause once a chunk's worth is waiting
      },
    },
  };
  const socket = new Socket(options as unknown as ConstructorParameters<typeof Socket>[0]);
  socket.on('end', () => {
    ended = true;
    signal();
  });
  socket.on('error', (err) => {
    failure = err;
    signal();
  });
  const iterator: AsyncIterableIterator<Uint8Array> = {
    async next(): Promise<IteratorResult<Uint8Array>> {
      if (filled === 0 && !ended && failure === undefined) {
        socket.resume();
        await new Promise<void>((resolve) => { wake = resolve; });
      }
      if (filled > 0) {
        const chunk = filling.subarray(0, filled);
        [filling, spare] = [spare, filling];
        filled = 0;
        if (!ended && failure === undefined) socket.resume();
        return { done: false, value: chunk };
      }
      if (failure !== undefined) throw failure;
      return { done: true, value: undefined };
    },
    async return(): Promise<IteratorResult<Uint8Array>> {
      socket.destroy();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

async function readFile(path: string, chunkSize: number, options: ReadCaptureOptions, name = path): Promise<ReadCaptureResult> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw unreadable(name, err);
  }
  try {
    let known: number | undefined;
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      known = stats.isFile() ? stats.size : undefined;
    } catch (err) {
      throw unreadable(name, err);
    }
    // Only a regular file read from byte 0 has stream positions that are file positions.
    const seekable = known !== undefined;
    const parser = new CaptureParser(options.onPacket, { seekable });
    const turns = new ParseTurns();
    // Reads run ahead of the parser: a regular file has READ_AHEAD reads in flight at the next
    // positions (so a thread-pool hiccup does not leave the parser idle), anything else one.
    // A short read (the end of the file, or a file system that returns less) drops the reads
    // ahead, which assumed full ones; reading goes on from where the data ends until a read
    // returns nothing. The parser keeps no reference to a chunk after push(), so buffers are reused.
    const bufferSize = seekable ? Math.min(chunkSize, Math.max(known ?? 0, 64 * 1024)) : chunkSize;
    const depth = seekable ? READ_AHEAD : 1;
    const spare: Uint8Array[] = [];
    const inFlight: { buffer: Uint8Array; read: Promise<number> }[] = [];
    let position = 0;
    let nextRead = 0;
    const issue = (): void => {
      while (inFlight.length < depth) {
        const buffer = spare.pop() ?? new Uint8Array(bufferSize);
        inFlight.push({ buffer, read: readInto(handle, buffer, seekable ? nextRead : null, name) });
        nextRead += bufferSize;
      }
    };
    const dropReadsAhead = async (): Promise<void> => {
      for (const ahead of inFlight.splice(0)) {
        await ahead.read.catch(() => 0);
        spare.push(ahead.buffer);
      }
    };
    try {
      for (;;) {
        issue();
        const next = inFlight.shift()!;
        const got = await next.read;
        if (got === 0) break;
        options.signal?.throwIfAborted();
        position += got;
        if (got < bufferSize) {
          await dropReadsAhead();
          nextRead = position;
        }
        issue();
        // A full read passes the long-lived buffer itself: a fresh view per chunk would be a young
        // object that every packet stores (as its payload's buffer) into old objects.
        await turns.push(parser, got === next.buffer.length ? next.buffer : next.buffer.subarray(0, got));
        spare.push(next.buffer);
        const wait = options.onProgress?.(position, known);
        if (wait) await wait;
      }
    } finally {
      await dropReadsAhead();
    }
    parser.end();
    await options.onProgress?.(position, known);
    return { format: parser.format as CaptureFormat, packets: parser.packetsDelivered, bytes: position };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function readInto(handle: FileHandle, buffer: Uint8Array, position: number | null, path: string): Promise<number> {
  try {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    return bytesRead;
  } catch (err) {
    throw unreadable(path, err);
  }
}

async function readStream(
  stream: AsyncIterable<Uint8Array>,
  options: ReadCaptureOptions,
): Promise<ReadCaptureResult> {
  const parser = new CaptureParser(options.onPacket, { seekable: false });
  const turns = new ParseTurns();
  let position = 0;
  const signal = options.signal;
  // A stream that sends nothing must not hold up an abort: each wait races the signal.
  const aborted = new Promise<never>((_, reject) => {
    if (signal === undefined) return;
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  const iterator = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) break;
      const chunk = next.value;
      signal?.throwIfAborted();
      position += chunk.length;
      // A stream may hand over many buffered chunks without yielding: the turns come from the parse time.
      await turns.push(parser, chunk);
      const wait = options.onProgress?.(position, undefined);
      if (wait) await wait;
    }
  } catch (err) {
    // Let go of the stream (damage, a failing consumer, an abort), so that a pipe still open
    // does not keep the process reading and alive.
    void iterator.return?.().catch(() => undefined);
    (stream as { destroy?: () => void }).destroy?.();
    if (err instanceof UserError || signal?.aborted) throw err;
    if (err instanceof Error && 'code' in err) throw unreadable('-', err);
    throw err;
  }
  options.signal?.throwIfAborted();
  parser.end();
  await options.onProgress?.(position, undefined);
  return { format: parser.format as CaptureFormat, packets: parser.packetsDelivered, bytes: position };
}

function unreadable(path: string, err: unknown): UserError {
  const reason = fileErrorReason(err, { ENOENT: 'no such file', ENOTDIR: 'no such file' });
  return new UserError(`cannot read capture ${captureSourceName(path)}: ${reason}`);
}

/** How messages name a capture source: `stdin` for `-`, else the path as given. */
export function captureSourceName(source: string): string {
  return source === '-' ? 'stdin' : source;
}

/**
 * Parses chunks in portions, with a turn of the event loop each time about {@link TURN_MS} of
 * parsing has gone by: a chunk of small packets (a SYN scan makes 15,000 flows per MiB) costs a
 * hundred times more per byte than one of full-size packets, and a screen would not answer keys
 * while it is parsed. The time counts across chunks: a read issued ahead has completed by the
 * time the chunk before it is parsed, and awaiting it gives no turn. A portion is sized from the
 * last one's rate to fill what is left of the turn, so a chunk that parses fast is pushed whole.
 */
class ParseTurns {
  /** Bytes parsed per ms, as last measured. */
  private rate = (64 * 1024) / TURN_MS;
  /** Ms spent parsing since this reader's last turn of the event loop. */
  private busy = 0;

  /** Parses `chunk` through `parser`; resolves once all of it is parsed. The chunk is not kept. */
  async push(parser: CaptureParser, chunk: Uint8Array): Promise<void> {
    for (let at = 0; at < chunk.length; ) {
      let portion = Math.floor(this.rate * (TURN_MS - this.busy));
      if (portion < MIN_PORTION && this.busy > 0) {
        await nextTurn();
        this.busy = 0;
        portion = Math.floor(this.rate * TURN_MS);
      }
      const end = Math.min(chunk.length, at + Math.min(MAX_PORTION, Math.max(MIN_PORTION, portion)));
      const started = performance.now();
      parser.push(at === 0 && end === chunk.length ? chunk : chunk.subarray(at, end));
      const ms = performance.now() - started;
      this.busy += ms;
      // A short tail of a chunk says little of the rate.
      if (end - at >= MIN_PORTION) this.rate = (end - at) / Math.max(ms, 0.01);
      at = end;
    }
  }
}
