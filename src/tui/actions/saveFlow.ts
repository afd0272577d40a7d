/**
 * The `s` key: saves one held flow to a directory as three files a tcpflow user recognises:
 *
 *   010.000.000.001.40000-010.000.000.002.00080      the client's bytes (as `-o` names them)
 *   010.000.000.002.00080-010.000.000.001.40000      the server's bytes
 *   010.000.000.001.40000-010.000.000.002.00080.log  the `--log --timestamps` dialogue
 *
 * Bytes lie at their stream offsets and holes (gaps) read as zeros, as `-o` writes them; a side
 * that sent nothing gets no file, as with `-o`. Nothing is ever overwritten: when any of the three
 * names is taken, the next of tcpflow's suffixes (`c1`, `c2`, ...) free for all three is used.
 */
import { mkdir, type FileHandle } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { errorLine, fileErrorReason, UserError } from '../../core/errors.js';
import type { Direction } from '../../core/types.js';
import { LogOutput } from '../../outputs/log.js';
import { ByteText } from '../../render/byteText.js';
import { tcpflowDirectionName } from '../../outputs/tcpflowNames.js';
import type { FlowRecord, FlowStore } from '../../store/flowStore.js';
import { createNewFiles, removeFiles, type OpenFile } from './newFiles.js';
import { FlowGoneError, replayFlow, snapshotFlow, type FlowSnapshot, type ReplaySource } from './replayFlow.js';

/** What {@link saveFlow} reads of the store (the store satisfies it). */
export type SaveSource = ReplaySource & Pick<FlowStore, 'chunkAt'>;

/** Options of {@link saveFlow}. */
export interface SaveFlowOptions {
  /** Start every dialogue line with its UTC time (`--log --timestamps`). Default true. */
  readonly timestamps?: boolean;
  /** Bytes read from the store and written per step. Default 1 MiB. */
  readonly sliceBytes?: number;
}

/** Dialogue text gathered before it is written out. */
const LOG_BATCH_BYTES = 1 << 16;

/**
 * Writes flow `flowId` of `store` into `directory` (created when missing) and returns the paths
 * written: the client's bytes, the server's bytes (each only when that side sent something) and the
 * dialogue, in that order. The flow is saved as it was when the call started (a live flow's later
 * bytes are not included). Writes are asynchronous and done in slices, so the event loop goes on
 * and memory stays at one slice.
 * @throws UserError (a rejection) with one line a status bar can show, after removing the files
 *   this call created: `cannot write DIR/NAME: permission denied` (also no space, read-only file
 *   system, ...), `cannot create directory DIR: reason`, `cannot save flow 7: it is no longer held
 *   (evicted)`, `cannot save flow 7: REASON` when the store cannot read its bytes back.
 */
export async function saveFlow(store: SaveSource, flowId: number, directory: string, options: SaveFlowOptions = {}): Promise<string[]> {
  const flow = store.getFlow(flowId);
  if (flow === undefined) throw evicted(flowId);
  try {
    await mkdir(directory, { recursive: true });
  } catch (err) {
    throw new UserError(`cannot create directory ${directory}: ${fileErrorReason(err, { EEXIST: 'a file is in the way', ENOTDIR: 'a file is in the way' })}`);
  }
  const asOf = snapshotFlow(flow);
  const sides = (['c2s', 's2c'] as const).filter((dir) => extentOf(asOf, dir) > 0);
  const files = await createFiles(directory, flow, sides);
  let current = files[0].path;
  try {
    const buffer = new Uint8Array(Math.max(1, Math.min(options.sliceBytes ?? 1 << 20, Math.max(asOf.extentC2s, asOf.extentS2c, 1))));
    for (let i = 0; i < sides.length; i++) {
      current = files[i].path;
      await writeStream(store, flow, asOf, sides[i], files[i].handle, buffer);
    }
    const log = files[files.length - 1];
    current = log.path;
    await writeDialogue(store, flowId, asOf, log.handle, options.timestamps ?? true);
    const start = new Date(flow.startTs / 1000);
    for (const file of files) {
      current = file.path;
      await file.handle.utimes(start, start);
      await file.handle.close();
    }
    return files.map((file) => file.path);
  } catch (err) {
    await removeFiles(files);
    if (err instanceof UserError) throw err;
    if (store.getFlow(flowId) !== flow || err instanceof FlowGoneError) throw evicted(flowId);
    // A file error of ours has a code and is not a read; anything else came from reading the store.
    const { code, syscall } = err as NodeJS.ErrnoException;
    if (code === undefined || syscall === 'read') throw new UserError(`cannot save flow ${flowId}: ${errorLine(err)}`);
    throw new UserError(`cannot write ${current}: ${fileErrorReason(err)}`);
  }
}

/** Stream offset just past the last byte or gap of `dir`. */
function extentOf(flow: FlowSnapshot, dir: Direction): number {
  return dir === 'c2s' ? flow.extentC2s : flow.extentS2c;
}

/**
 * Creates (exclusively) the files of `sides` and the dialogue, with the first tcpflow suffix free
 * for all of them; the names of an attempt that met a taken one are removed again.
 */
function createFiles(directory: string, flow: FlowRecord, sides: readonly Direction[]): Promise<OpenFile[]> {
  return createNewFiles(directory, (index) => {
    const c2sName = tcpflowDirectionName(flow.key, 'c2s', index);
    return [...sides.map((dir) => (dir === 'c2s' ? c2sName : tcpflowDirectionName(flow.key, dir, index))), `${c2sName}.log`];
  });
}

/**
 * Writes direction `dir`'s bytes at their stream offsets, a slice at a time, leaving holes for
 * gaps; the file ends at the direction's extent (a gap at the end still counts).
 */
async function writeStream(
  store: SaveSource, flow: FlowRecord, asOf: FlowSnapshot, dir: Direction, handle: FileHandle, buffer: Uint8Array,
): Promise<void> {
  const extent = extentOf(asOf, dir);
  let offset = 0;
  while (offset < extent) {
    if (store.getFlow(flow.id) !== flow) throw evicted(flow.id);
    const got = store.readInto(flow.id, dir, offset, buffer, 0, Math.min(buffer.length, extent - offset));
    if (got > 0) {
      await writeAll(handle, buffer, got, offset);
      offset += got;
    } else {
      offset = Math.min(extent, gapEnd(store, flow.id, dir, offset, extent));
    }
  }
  await handle.truncate(extent);
}

/** Where the gap holding stream offset `offset` of `dir` ends (the stream's extent when none is found). */
function gapEnd(store: SaveSource, flowId: number, dir: Direction, offset: number, extent: number): number {
  const index = store.chunkAt(flowId, dir, offset);
  const chunk = index < 0 ? undefined : store.getChunk(flowId, index);
  if (chunk === undefined) return extent;
  return chunk.offset > offset ? chunk.offset : chunk.offset + chunk.length;
}

async function writeAll(handle: FileHandle, buffer: Uint8Array, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await handle.write(buffer, done, length - done, position + done);
    done += bytesWritten;
  }
}

/** Replays the flow into a `LogOutput` and writes its text to `handle`, a batch at a time. */
async function writeDialogue(store: SaveSource, flowId: number, asOf: FlowSnapshot, handle: FileHandle, timestamps: boolean): Promise<void> {
  const text = new ByteText();
  let position = 0;
  const flushText = async (): Promise<void> => {
    if (text.length === 0) return;
    await writeAll(handle, text.view(), text.length, position);
    position += text.length;
    text.clear();
  };
  const log = new LogOutput((t) => (typeof t === 'string' ? text.text(t) : text.bytes(t)), { timestamps });
  await replayFlow(store, flowId, (event) => log.handle(event), {
    pause: () => (text.length >= LOG_BATCH_BYTES ? flushText() : nextTurn()),
    asOf,
  });
  log.close();
  await flushText();
}

function evicted(flowId: number): UserError {
  return new UserError(`cannot save flow ${flowId}: it is no longer held (evicted)`);
}
