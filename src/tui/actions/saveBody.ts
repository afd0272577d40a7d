/**
 * The `b` key: writes one HTTP message's body to a new file, decoded: chunked framing removed,
 * then the Content-Encoding (gzip, deflate, br) undone. The body is read from the store a slice at
 * a time and streamed through node:zlib to the file, yielding to the event loop between slices,
 * so a body of any size costs a few slices of memory. When the content coding does not decode,
 * the file is written again with the body as sent (chunk framing still removed). A body cut by a
 * capture gap is written up to the gap and reported incomplete (bytes after a gap cannot be
 * de-chunked or inflated). Nothing is ever overwritten (see {@link bodyFileName}).
 */
import { unlink, type FileHandle } from 'node:fs/promises';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { constants, createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { errorLine, fileErrorReason, UserError } from '../../core/errors.js';
import { looksLikeZlib } from '../../messages/httpBody.js';
import { ChunkedReader, ChunkStep } from '../../messages/httpChunked.js';
import { headerTokens, headerValue } from '../../messages/httpHead.js';
import type { HttpBody, HttpMessageBase } from '../../messages/types.js';
import type { FlowRecord, FlowStore } from '../../store/flowStore.js';
import type { BodyTarget } from '../conversation/bodyInView.js';
import { formatCount } from '../../core/count.js';
import { messageWithPath } from '../statusMessage.js';
import type { FlowKey } from '../../core/types.js';
import { bodyExtension, bodyFileName } from './bodyName.js';
import { createNewFile } from './newFiles.js';

/** What {@link saveBody} reads of the store (the store satisfies it). */
export type BodySource = Pick<FlowStore, 'getFlow' | 'readInto'>;

/** Options of {@link saveBody}. */
export interface SaveBodyOptions {
  /** Wire bytes read from the store per step. Default 256 KiB. */
  readonly sliceBytes?: number;
  /** Most decoded bytes written (the file is cut there, reported incomplete). Default: 1 GiB, or 64 times the wire length when more. */
  readonly maxDecodedBytes?: number;
  /** The file's name in the directory, written only when free; default {@link bodyTargetName} under the first free suffix. */
  readonly name?: string;
}

/** What {@link saveBody} wrote. */
export interface SavedBody {
  readonly path: string;
  /** Bytes in the file. */
  readonly bytes: number;
  /** The content codings undone, as the header lists them (`['gzip']`); empty when written as sent. */
  readonly decoded: readonly string[];
  /** Why the content coding was not undone (`gzip does not decode`), when it was not. */
  readonly asSent: string | undefined;
  /** Why the file does not hold the whole body (`capture gap after ...`), when it does not. */
  readonly incomplete: string | undefined;
}

const DEFAULT_SLICE_BYTES = 256 << 10;
/** Decoded bytes written at most (a decompression bomb must not fill the disk), or the wire length times {@link DECODED_RATIO_CAP} when more. */
const MIN_DECODED_CAP = 1 << 30;
const DECODED_RATIO_CAP = 64;

type Decoder = () => Transform;
const FINISH = { finishFlush: constants.Z_FINISH };
const PARTIAL = { finishFlush: constants.Z_SYNC_FLUSH };
/** Per content coding: its decoder for a whole body, and for a cut one (which gives what the bytes hold). */
const DECODERS: Readonly<Record<string, readonly [Decoder, Decoder]>> = {
  gzip: [() => createGunzip(FINISH), () => createGunzip(PARTIAL)],
  deflate: [() => createInflate(FINISH), () => createInflate(PARTIAL)],
  'deflate-raw': [() => createInflateRaw(FINISH), () => createInflateRaw(PARTIAL)],
  br: [() => createBrotliDecompress(), () => createBrotliDecompress({ finishFlush: constants.BROTLI_OPERATION_FLUSH })],
};

/** The store failed to read bytes back (a spill or source file). */
class StoreReadError extends Error {}

/** The decoded body passed its cap (SaveBodyOptions.maxDecodedBytes). */
class DecodedCapReached extends Error {}

/** The body as the store holds it, fixed when the save starts (a live message may still grow). */
interface BodyRead {
  readonly store: BodySource;
  readonly flow: FlowRecord;
  readonly message: HttpMessageBase;
  readonly wireLength: number;
  readonly complete: boolean;
  readonly sliceBytes: number;
  readonly maxDecodedBytes: number;
}

/**
 * Writes the body of `target` (a message of flow `flowId`) into `directory` under a new name and
 * says what was written. Decoding that fails is not an error: the body is written as sent.
 * @throws UserError (a rejection) with one line for the status bar, after removing the file it
 *   created: `cannot write DIR/NAME: no space left on device` (permission denied, ...),
 *   `cannot save the body: flow 7 is no longer held (evicted)`, `cannot save the body: REASON`
 *   when the store cannot read its bytes back.
 */
export async function saveBody(store: BodySource, flowId: number, target: BodyTarget, directory: string, options: SaveBodyOptions = {}): Promise<SavedBody> {
  const flow = store.getFlow(flowId);
  if (flow === undefined) throw evicted(flowId);
  const { message } = target;
  const read: BodyRead = {
    store, flow, message, wireLength: message.body.length, complete: message.complete && message.incomplete === undefined,
    sliceBytes: Math.max(1, options.sliceBytes ?? DEFAULT_SLICE_BYTES),
    maxDecodedBytes: options.maxDecodedBytes ?? Math.max(MIN_DECODED_CAP, DECODED_RATIO_CAP * message.body.length),
  };
  const codings = headerTokens(message.headers, 'content-encoding').filter((c) => c !== 'identity').map((c) => (c === 'x-gzip' ? 'gzip' : c));
  const unknown = codings.find((c) => !Object.hasOwn(DECODERS, c) || c === 'deflate-raw');
  const { path, handle } = await createNewFile(directory, (index) => bodyTargetName(flow.key, target, index), options.name);
  try {
    let written = await writeBody(read, handle, unknown === undefined ? codings : []);
    let asSent = unknown === undefined ? undefined : `content coding ${unknown} not decoded`;
    if (written.decodeFailed) {
      asSent = `${codings.join(', ')} does not decode`;
      await handle.truncate(0);
      written = await writeBody(read, handle, []);
    }
    const time = new Date(message.lastTs / 1000);
    await handle.utimes(time, time);
    await handle.close();
    const decoded = asSent === undefined ? codings : [];
    return { path, bytes: written.bytes, decoded, asSent, incomplete: written.incomplete };
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    if (err instanceof UserError) throw err;
    if (store.getFlow(flowId) !== flow) throw evicted(flowId);
    if (err instanceof StoreReadError) throw new UserError(`cannot save the body: ${errorLine(err.cause)}`);
    throw new UserError(`cannot write ${path}: ${fileErrorReason(err)}`);
  }
}

/**
 * The file name `b` gives the body of `target` (of a flow keyed `key`): tcpflow's name of its
 * direction, the exchange and role, and the extension of its Content-Type (a body cut short
 * too); `index` > 0 for the next free name (see {@link bodyFileName}).
 */
export function bodyTargetName(key: FlowKey, target: BodyTarget, index = 0): string {
  const { message } = target;
  return bodyFileName(key, message.dir, target.exchange + 1, target.role, bodyExtension(headerValue(message.headers, 'content-type')), index);
}

/**
 * `saved body of #3 response, 12,345 bytes (gzip decoded): DIR/NAME` for the status bar, in
 * about `columns` columns (see messageWithPath: the directory is cut first, then these words,
 * the name kept whole); the notes (decoded, written as sent and why, why incomplete) come first.
 * An incomplete body's message starts `! incomplete, saved …`: a cut keeps the words' start.
 */
export function savedBodyMessage(target: BodyTarget, saved: SavedBody, columns: number, ellipsis: string): string {
  const notes = [
    ...saved.decoded.map((coding) => `${coding} decoded`),
    ...(saved.asSent === undefined ? [] : [saved.asSent]),
    ...(saved.incomplete === undefined ? [] : [saved.incomplete]),
  ];
  const how = saved.asSent === undefined ? '' : ' as sent';
  const warning = saved.incomplete === undefined ? '' : '! incomplete, ';
  const head = `${warning}saved body of #${target.exchange + 1} ${target.role}${how}, ${formatCount(saved.bytes)} bytes${notes.length ? ` (${notes.join('; ')})` : ''}: `;
  return messageWithPath(head, saved.path, columns, ellipsis);
}

/**
 * Streams the body's payload through the decoders of `codings` (as the header lists them: the
 * last one is undone first) into `handle` from position 0. `decodeFailed` when a decoder rejected
 * the bytes (what was written then is to be thrown away).
 */
async function writeBody(read: BodyRead, handle: FileHandle, codings: readonly string[]): Promise<{ bytes: number; decodeFailed: boolean; incomplete: string | undefined }> {
  const state: { incomplete: string | undefined } = { incomplete: undefined };
  const pieces = payload(read, state);
  const first = await pieces.next();
  const head = first.done === true ? new Uint8Array(0) : first.value;
  const decoders = [...codings].reverse().map((coding, i) => {
    const name = coding === 'deflate' && i === 0 && !looksLikeZlib(head) ? 'deflate-raw' : coding;
    return DECODERS[name][read.complete ? 0 : 1]();
  });
  let decodeError: unknown;
  for (const decoder of decoders) decoder.once('error', (err) => (decodeError ??= err));
  let position = 0;
  let writeError: Error | undefined;
  const cap = codings.length === 0 ? Infinity : read.maxDecodedBytes;
  /** The sink's last write: on an error the pipeline does not wait for it, this function does. */
  let lastWrite: Promise<void> = Promise.resolve();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const take = Math.min(chunk.length, cap - position);
      lastWrite = writeAll(handle, chunk.subarray(0, take), position).then(() => {
        position += take;
        done(take < chunk.length ? new DecodedCapReached() : undefined);
      }, (err: Error) => done((writeError = err)));
    },
  });
  const source = Readable.from((async function* () {
    if (first.done !== true) yield first.value;
    yield* pieces;
  })());
  try {
    await pipeline([source, ...decoders, sink]);
  } catch (err) {
    // A write still under way must land before the caller truncates, rewrites or removes the file.
    await lastWrite;
    // The pipeline destroys the decoders with the sink's errors, which they emit as their own.
    if (err instanceof DecodedCapReached) return { bytes: position, decodeFailed: false, incomplete: `decoded size cut at ${formatCount(cap)} bytes (a decompression bomb?)` };
    if (decodeError !== undefined && err === decodeError && err !== writeError) return { bytes: 0, decodeFailed: true, incomplete: state.incomplete };
    throw err;
  }
  return { bytes: position, decodeFailed: false, incomplete: state.incomplete };
}

/** Writes all of `bytes` at `position` of `handle`. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * The body's payload, a slice of wire bytes at a time (chunk framing removed), up to the first
 * gap; sets `state.incomplete` when the payload is not whole. Throws UserError when the flow is
 * evicted, StoreReadError when the store cannot read.
 */
async function* payload(read: BodyRead, state: { incomplete: string | undefined }): AsyncGenerator<Uint8Array> {
  const { store, flow, message, wireLength } = read;
  const pieces: Uint8Array[] = [];
  const scratch: HttpBody = { framing: 'chunked', offset: message.body.offset, length: 0, dataLength: 0, gapBytes: 0, chunks: 0, trailers: [] };
  const chunked = message.body.framing === 'chunked' ? new ChunkedReader(scratch, (bytes, from, to) => pieces.push(bytes.subarray(from, to))) : undefined;
  let offset = 0;
  while (offset < wireLength && chunked?.step !== ChunkStep.Done) {
    if (store.getFlow(flow.id) !== flow) throw evicted(flow.id);
    const slice = new Uint8Array(Math.min(read.sliceBytes, wireLength - offset));
    let got: number;
    try {
      got = store.readInto(flow.id, message.dir, message.body.offset + offset, slice);
    } catch (err) {
      throw new StoreReadError('read', { cause: err });
    }
    if (chunked === undefined) {
      if (got > 0) yield slice.subarray(0, got);
    } else {
      chunked.read(slice.subarray(0, got), 0, message.body.offset + offset);
      yield* pieces.splice(0);
      if (chunked.step === ChunkStep.Bad) {
        state.incomplete = `chunked framing broken at wire byte ${formatCount(chunked.badOffset - message.body.offset)} (${chunked.why})`;
        return;
      }
    }
    offset += got;
    if (got < slice.length) {
      state.incomplete = `capture gap after ${formatCount(offset)} of ${formatCount(wireLength)} wire bytes`;
      return;
    }
    await nextTurn();
  }
  if (!read.complete) state.incomplete = message.incomplete?.why ?? 'the message was not over';
  else if (chunked !== undefined && chunked.step !== ChunkStep.Done) state.incomplete = 'the chunked body did not end';
}

/** The error of a save (of the `what`: body, mail) whose flow was evicted from the store. */
export function evicted(flowId: number, what = 'body'): UserError {
  return new UserError(`cannot save the ${what}: flow ${flowId} is no longer held (evicted)`);
}
