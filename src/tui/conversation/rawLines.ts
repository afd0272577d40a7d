/**
 * The messages mode's last section: the bytes of the directions a parser gave up on (not HTTP, a
 * CONNECT tunnel, an upgrade other than WebSocket, binary data in a line protocol, TLS after
 * STARTTLS), from where it stopped. Both directions' bytes in arrival order, a direction's
 * consecutive bytes joined, split into lines and escaped as a line of unknown kind (render/escape's `escapeDataLine`),
 * gaps as the text mode says them; cut as a body is (its first {@link BODY_LINES} lines, all on
 * Enter). Reads at most what a body reads.
 */
import type { Direction } from '../../core/types.js';
import type { FlowMessages } from '../../messages/flowMessages.js';
import { escapeDataLine, escapeText } from '../../render/escape.js';
import { LINE_CONTINUES_MARK } from '../../render/lines.js';
import { BODY_LINES, BODY_READ_BYTES, PREVIEW_READ_BYTES, splitLines, type BodyReader } from './bodyLines.js';
import { formatCount, type Side } from './lineText.js';
import type { MessageLine } from './messageLines.js';
import type { ConversationChunk } from './source.js';

/** The `expand` name of the raw bytes' "more lines" row. */
export const RAW_KEY = 'raw';
/** Bytes of one raw line shown on a line; a longer one goes on the next, after the text mode's continuation mark. */
export const RAW_LINE_BYTES = 512;

const DIRECTIONS: readonly Direction[] = ['c2s', 's2c'];

/** One flow's chunk index, as the store gives it (see {@link ConversationSource}). */
export interface FlowChunks {
  /** Chunk `index`, in arrival order, both directions interleaved. */
  chunk(index: number): ConversationChunk | undefined;
  /** The index of the chunk of `dir` holding stream offset `offset` (or the first after it); -1 past the end. */
  chunkAt(dir: Direction, offset: number): number;
}

/** Per direction, the stream offset from which its parser gave up (a WebSocket's frames are parsed: none). */
export type RawStarts = Readonly<Record<Direction, number | undefined>>;

/** Where the parsers of `messages` stopped, per direction. */
export function rawStarts(messages: FlowMessages): RawStarts {
  const http = messages.http;
  if (http) return http.websocket ? { c2s: undefined, s2c: undefined } : { c2s: http.rawFrom('c2s'), s2c: http.rawFrom('s2c') };
  const lines = messages.lines;
  return { c2s: lines?.rawFrom('c2s'), s2c: lines?.rawFrom('s2c') };
}

/** The raw section built from one state of the flow. */
interface Shown {
  readonly key: string;
  /** The lines made: every one read when expanded, else the first {@link BODY_LINES}. */
  readonly lines: readonly MessageLine[];
  /** Lines read but not made. */
  readonly more: number;
  /** The read stopped at its budget: more bytes may follow (then the same starts give the same lines). */
  readonly full: boolean;
  readonly error: string | undefined;
}

/** Most chunks read for the first lines, and when expanded (a flow of tiny segments costs its chunks, not its bytes). */
const PREVIEW_CHUNKS = 2048;
const WHOLE_CHUNKS = 16_384;

/**
 * The raw section of one flow, kept from frame to frame: made again only when a parser stopped
 * elsewhere, the section was expanded, or more bytes can be read than were.
 */
export class RawSection {
  private shown: Shown | undefined = undefined;

  /** `chunks`: without them, each direction's bytes in turn (client's first), up to its first gap. */
  constructor(private readonly read: BodyReader, private readonly chunks?: FlowChunks) {}

  /**
   * Pushes to `out` the section for `messages`: a line saying where the parsers stopped, then the
   * bytes' lines, all of them when {@link RAW_KEY} is in `expanded`. Nothing when no parser stopped.
   */
  push(messages: FlowMessages, expanded: ReadonlySet<string>, out: MessageLine[]): void {
    const starts = rawStarts(messages);
    const dirs = DIRECTIONS.filter((dir) => starts[dir] !== undefined);
    if (dirs.length === 0) return;
    const side = (dir: Direction): Side => (dir === messages.clientDir ? 'client' : 'server');
    const whole = expanded.has(RAW_KEY);
    const key = `${starts.c2s}|${starts.s2c}|${whole}|${messages.clientDir}`;
    if (this.shown?.key !== key || !this.shown.full) this.shown = this.make(key, starts, dirs, whole, side);
    const { lines, more, full, error } = this.shown;
    const of = dirs.length === 1 ? side(dirs[0]) : undefined;
    out.push({ side: 'event', kind: 'event', text: `raw bytes after the parser stopped (${dirs.map((dir) => `${dir} from ${formatCount(starts[dir]!)}`).join(', ')})`, of });
    if (error !== undefined) {
      out.push({ side: 'event', kind: 'event', text: `raw bytes unreadable: ${error}`, of });
      return;
    }
    for (const line of lines) out.push(line);
    if (!whole && (more > 0 || full)) out.push({ side: 'event', kind: 'note', expand: RAW_KEY, text: `... ${formatCount(more)}${full ? '+' : ''} more lines (Enter shows them)`, of });
    if (whole && full) out.push({ side: 'event', kind: 'note', text: 'only the first raw bytes read: m shows them all', of });
  }

  private make(key: string, starts: RawStarts, dirs: readonly Direction[], whole: boolean, side: (dir: Direction) => Side): Shown {
    const budget = whole ? BODY_READ_BYTES : PREVIEW_READ_BYTES;
    try {
      const read = this.chunks ? this.walk(starts, dirs, budget, whole ? WHOLE_CHUNKS : PREVIEW_CHUNKS) : this.inTurn(starts, dirs, budget);
      const lines: MessageLine[] = [];
      const room = whole ? Infinity : BODY_LINES;
      let more = 0;
      for (const piece of read.pieces) {
        if (piece.kind === 'data') more += pushText(piece.bytes, side(piece.dir), piece.ts, lines, room);
        else if (lines.length < room) lines.push({ side: 'event', kind: 'gap', text: `${formatCount(piece.length)} bytes missing (${side(piece.dir)})`, ts: piece.ts, of: side(piece.dir) });
        else more++;
      }
      return { key, lines, more, full: read.full, error: undefined };
    } catch (error) {
      return { key, lines: [], more: 0, full: false, error: escapeText(error instanceof Error ? error.message : String(error)) };
    }
  }

  /**
   * The raw directions' chunks from their starts, in arrival order, read up to `budget` bytes and
   * `most` chunks: a direction's consecutive data joined in one piece. `full` when a limit stopped it.
   */
  private walk(starts: RawStarts, dirs: readonly Direction[], budget: number, most: number): { pieces: Piece[]; full: boolean } {
    const chunks = this.chunks!;
    const at: Record<Direction, number> = { c2s: starts.c2s ?? 0, s2c: starts.s2c ?? 0 };
    const next: Record<Direction, number> = { c2s: -1, s2c: -1 };
    for (const dir of dirs) next[dir] = chunks.chunkAt(dir, at[dir]);
    const pieces: Piece[] = [];
    let parts: Uint8Array[] = [];
    let open: { dir: Direction; ts: number } | undefined;
    const close = (): void => {
      if (open) pieces.push({ kind: 'data', dir: open.dir, ts: open.ts, bytes: parts.length === 1 ? parts[0] : Buffer.concat(parts) });
      open = undefined;
      parts = [];
    };
    let left = budget;
    let visits = 0;
    for (; left > 0 && visits < most; visits++) {
      let dir: Direction | undefined;
      for (const d of dirs) if (next[d] >= 0 && (dir === undefined || next[d] < next[dir])) dir = d;
      if (dir === undefined) break;
      const chunk = chunks.chunk(next[dir]);
      if (!chunk) break;
      const end = chunk.offset + chunk.length;
      if (chunk.kind === 'gap') {
        close();
        pieces.push({ kind: 'gap', dir, ts: chunk.ts, length: end - Math.max(chunk.offset, at[dir]) });
      } else {
        const from = Math.max(chunk.offset, at[dir]);
        const bytes = this.read(dir, from, Math.min(end - from, left));
        if (open?.dir !== dir) {
          close();
          open = { dir, ts: chunk.ts };
        }
        parts.push(bytes);
        left -= bytes.length;
        if (from + bytes.length < end) break;
      }
      at[dir] = end;
      next[dir] = chunks.chunkAt(dir, end);
    }
    close();
    return { pieces, full: left <= 0 || visits >= most };
  }

  /** Without a chunk index: each raw direction's bytes from its start up to its first gap, one after the other. */
  private inTurn(starts: RawStarts, dirs: readonly Direction[], budget: number): { pieces: Piece[]; full: boolean } {
    const pieces: Piece[] = [];
    let left = budget;
    for (const dir of dirs) {
      const bytes = this.read(dir, starts[dir]!, left);
      if (bytes.length > 0) pieces.push({ kind: 'data', dir, ts: undefined, bytes });
      left -= bytes.length;
    }
    return { pieces, full: left <= 0 };
  }
}

type Piece =
  | { readonly kind: 'data'; readonly dir: Direction; readonly ts: number | undefined; readonly bytes: Uint8Array }
  | { readonly kind: 'gap'; readonly dir: Direction; readonly ts: number; readonly length: number };

/**
 * Pushes the lines of `bytes` (LF or CRLF ends; cut every {@link RAW_LINE_BYTES}, not inside a
 * UTF-8 sequence), escaped, the first with `ts`, while `out` holds fewer than `room`; returns how
 * many it did not make.
 */
function pushText(bytes: Uint8Array, side: Side, ts: number | undefined, out: MessageLine[], room: number): number {
  let unmade = 0;
  for (const [from, to] of splitLines(bytes, 'utf-8')) {
    let start = from;
    do {
      let end = Math.min(to, start + RAW_LINE_BYTES);
      for (let back = 0; end < to && back < 3 && (bytes[end] & 0xc0) === 0x80; back++) end--;
      if (out.length < room) {
        const text = escapeDataLine(bytes, start, end);
        out.push({ side, kind: 'data', text: end < to ? text + LINE_CONTINUES_MARK : text, ts });
      } else unmade++;
      ts = undefined;
      start = end;
    } while (start < to);
  }
  return unmade;
}
