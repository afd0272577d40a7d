/**
 * The `s` key: saves one held flow to a directory as three files named from a stem (`demo-3`,
 * the capture's base name and the flow's number):
 *
 *   demo-3-c2s.bin  the client's bytes
 *   demo-3-s2c.bin  the server's bytes
 *   demo-3.log      the `--log --timestamps` dialogue
 *
 * Bytes lie at their stream offsets and holes (gaps) are left as holes of a sparse file (they
 * read as zeros), as `-o` writes them; a side that sent nothing gets no file, as with `-o`.
 * Nothing is ever overwritten: when any of the three names is taken, the stem gets the first of
 * tcpflow's suffixes (`demo-3c1`, `demo-3c2`, ...) free for all three; a stem the user typed is
 * written only when free.
 */
import type { FileHandle } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { errorLine, fileErrorReason, UserError } from '../../core/errors.js';
import type { Direction } from '../../core/types.js';
import { LogOutput } from '../../outputs/log.js';
import { ByteText } from '../../render/byteText.js';
import { formatCount } from '../../core/count.js';
import { humanBytes } from '../flowList/units.js';
import { bracedPaths, messageWithPath } from '../statusMessage.js';
import type { FlowRecord, FlowStore } from '../../store/flowStore.js';
import { createNamedFiles, createNewFiles, removeFiles, suffixed } from './newFiles.js';
import { FlowGoneError, replayFlow, snapshotFlow, type FlowSnapshot, type ReplaySource } from './replayFlow.js';

/** What {@link saveFlow} reads of the store (the store satisfies it). */
export type SaveSource = ReplaySource & Pick<FlowStore, 'chunkAt' | 'getChunk'>;

/** Options of {@link saveFlow}. */
export interface SaveFlowOptions {
  /** Start every dialogue line with its UTC time (`--log --timestamps`). Default true. */
  readonly timestamps?: boolean;
  /** Bytes read from the store and written per step. Default 1 MiB. */
  readonly sliceBytes?: number;
  /** A stem the user chose: written only when its three names are free (no suffix tried). */
  readonly exact?: boolean;
}

/** One file {@link saveFlow} wrote. */
export interface SavedFile {
  readonly path: string;
  /** The side whose bytes it holds, or `log` for the dialogue. */
  readonly side: Direction | 'log';
  /** Its size in bytes (holes included). */
  readonly bytes: number;
  /** Bytes of it that are holes: capture gaps, never seen (the file is sparse there). */
  readonly holes: number;
}

/** The names of a flow saved under `stem`: each side's bytes and the dialogue. */
export function flowFileNames(stem: string): Record<Direction | 'log', string> {
  return { c2s: `${stem}-c2s.bin`, s2c: `${stem}-s2c.bin`, log: `${stem}.log` };
}

/** Dialogue text gathered before it is written out. */
const LOG_BATCH_BYTES = 1 << 16;

/**
 * Writes flow `flowId` of `store` into `directory` (an existing one, as `w` and `b` write) under
 * `stem` (see the module comment) and returns the files written: the client's bytes, the
 * server's bytes (each only when that side sent something) and the dialogue, in that order. The
 * flow is saved as it was when the call started (a live flow's later bytes are not included).
 * Writes are asynchronous and done in slices, so the event loop goes on and memory stays at one
 * slice.
 * @throws UserError (a rejection) with one line a status bar can show, after removing the files
 *   this call created: `cannot write DIR/NAME: permission denied` (also no space, read-only file
 *   system, ...; `no such directory` for a missing one), `cannot save flow 7: it is no longer held (evicted)`, `cannot save flow 7: REASON`
 *   when the store cannot read its bytes back, `cannot write DIR/NAME: it exists, give another
 *   name` for a taken `exact` stem.
 */
export async function saveFlow(store: SaveSource, flowId: number, directory: string, stem: string, options: SaveFlowOptions = {}): Promise<SavedFile[]> {
  const flow = store.getFlow(flowId);
  if (flow === undefined) throw evicted(flowId);
  const asOf = snapshotFlow(flow);
  const sides = (['c2s', 's2c'] as const).filter((dir) => extentOf(asOf, dir) > 0);
  const names = (index: number): string[] => {
    const named = flowFileNames(suffixed(stem, index));
    return [...sides.map((dir) => named[dir]), named.log];
  };
  const files = options.exact ? await createNamedFiles(directory, names(0)) : await createNewFiles(directory, names);
  let current = files[0].path;
  try {
    const buffer = new Uint8Array(Math.max(1, Math.min(options.sliceBytes ?? 1 << 20, Math.max(asOf.extentC2s, asOf.extentS2c, 1))));
    const saved: SavedFile[] = [];
    for (let i = 0; i < sides.length; i++) {
      current = files[i].path;
      const written = await writeStream(store, flow, asOf, sides[i], files[i].handle, buffer);
      const bytes = extentOf(asOf, sides[i]);
      saved.push({ path: current, side: sides[i], bytes, holes: bytes - written });
    }
    const log = files[files.length - 1];
    current = log.path;
    const logBytes = await writeDialogue(store, flowId, asOf, log.handle, options.timestamps ?? true);
    saved.push({ path: log.path, side: 'log', bytes: logBytes, holes: 0 });
    const start = new Date(flow.startTs / 1000);
    for (const file of files) {
      current = file.path;
      await file.handle.utimes(start, start);
      await file.handle.close();
    }
    return saved;
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
 * Writes direction `dir`'s bytes at their stream offsets, a slice at a time, leaving holes for
 * gaps; the file ends at the direction's extent (a gap at the end still counts). Returns the
 * bytes written (the rest are holes).
 */
async function writeStream(
  store: SaveSource, flow: FlowRecord, asOf: FlowSnapshot, dir: Direction, handle: FileHandle, buffer: Uint8Array,
): Promise<number> {
  const extent = extentOf(asOf, dir);
  let offset = 0;
  let written = 0;
  while (offset < extent) {
    if (store.getFlow(flow.id) !== flow) throw evicted(flow.id);
    const got = store.readInto(flow.id, dir, offset, buffer, 0, Math.min(buffer.length, extent - offset));
    if (got > 0) {
      await writeAll(handle, buffer, got, offset);
      offset += got;
      written += got;
    } else {
      offset = Math.min(extent, gapEnd(store, flow.id, dir, offset, extent));
    }
  }
  await handle.truncate(extent);
  return written;
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

/** Replays the flow into a `LogOutput` and writes its text to `handle`, a batch at a time; returns the bytes written. */
async function writeDialogue(store: SaveSource, flowId: number, asOf: FlowSnapshot, handle: FileHandle, timestamps: boolean): Promise<number> {
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
  return position;
}

function evicted(flowId: number): UserError {
  return new UserError(`cannot save flow ${flowId}: it is no longer held (evicted)`);
}

/**
 * What `s` saved, in `columns` columns: the sizes of the sides' files (digit-grouped, client
 * first), whether gaps made them sparse, the names as a brace list and the directory:
 * `saved 586 + 198 B: ~/work/demo-3{-c2s.bin,-s2c.bin,.log}` (see messageWithPath).
 */
export function savedFlowMessage(saved: readonly SavedFile[], columns: number, ellipsis: string): string {
  const sides = saved.filter((file) => file.side !== 'log');
  const holes = sides.reduce((sum, file) => sum + file.holes, 0);
  const sizes = sides.length === 0 ? 'a log' : `${sides.map((file) => formatCount(file.bytes)).join(' + ')} B`;
  const sparse = holes > 0 ? ` (sparse: ${humanBytes(holes)}B of gaps)` : '';
  return messageWithPath(`saved ${sizes}${sparse}: `, bracedPaths(saved.map((file) => file.path), '.log'), columns, ellipsis);
}

/** `586 + 198 B` for a flow's two sides as `s` writes them; with the gaps that will be holes: `0 + 5,416,666,670 B, 5.4GB gaps`. */
export function flowFileSizes(flow: Pick<FlowRecord, 'extentC2s' | 'extentS2c' | 'bytesC2s' | 'bytesS2c'>): string {
  const holes = Math.max(0, flow.extentC2s - flow.bytesC2s) + Math.max(0, flow.extentS2c - flow.bytesS2c);
  return `${formatCount(flow.extentC2s)} + ${formatCount(flow.extentS2c)} B${holes > 0 ? `, ${humanBytes(holes)}B gaps` : ''}`;
}

