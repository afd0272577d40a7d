/**
 * The messages mode's last section: the bytes of the directions a parser gave up on (not HTTP, a
 * CONNECT tunnel, an upgrade other than WebSocket, binary data in a line protocol; TLS after
 * STARTTLS or in a CONNECT tunnel is counted, not shown), from where it stopped. Both directions' bytes in arrival order, a direction's
 * consecutive bytes joined, split into lines and escaped (render/escape's `escapeLine`),
 * gaps as the text mode says them; cut as a body is (its first {@link BODY_LINES} lines, all on
 * Enter). Reads at most what a body reads.
 */
import type { Direction } from '../../core/types.js';
import type { FlowMessages } from '../../messages/flowMessages.js';
import { escapeLine, escapeText } from '../../render/escape.js';
import { LINE_CONTINUES_MARK } from '../../render/lines.js';
import { BODY_LINES, BODY_READ_BYTES, PREVIEW_READ_BYTES, splitLines, type BodyReader } from './bodyLines.js';
import { formatCount } from '../../core/count.js';
import { type Side } from './lineText.js';
import type { MessageLine } from './messageLines.js';
import type { ConversationChunk } from './source.js';
import { gapText } from './renderUnit.js';

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
 * elsewhere or the section was expanded; while under its limits, read on from where it stopped
 * (each byte read and split into lines once).
 */
export class RawSection {
  private shown: Shown | undefined = undefined;
  private walk: ChunkWalk | undefined = undefined;

  /** `read` reads the flow's bytes (the trailer's other lines read with it too); `chunks`: without them, each direction's bytes in turn (client's first), up to its first gap. */
  constructor(readonly read: BodyReader, private readonly chunks?: FlowChunks) {}

  /**
   * Pushes to `out` the section for `messages`: a line saying where the parsers stopped, then the
   * bytes' lines, all of them when {@link RAW_KEY} is in `expanded`. Nothing when no parser stopped.
   */
  push(messages: FlowMessages, expanded: ReadonlySet<string>, out: MessageLine[]): void {
    const starts = rawStarts(messages);
    // TLS after a STARTTLS or in a CONNECT tunnel is ciphertext: its hellos and byte counts are shown instead (messagesMode.ts).
    const dirs = DIRECTIONS.filter((dir) => starts[dir] !== undefined && messages.tlsAfterAt(dir) === undefined);
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
    if (whole && full) out.push({ side: 'event', kind: 'note', text: 'only the first raw bytes read: the text mode (m) shows them all', of });
  }

  private make(key: string, starts: RawStarts, dirs: readonly Direction[], whole: boolean, side: (dir: Direction) => Side): Shown {
    try {
      if (this.chunks) {
        if (this.walk?.key !== key) this.walk = new ChunkWalk(key, starts, dirs, whole, side);
        return this.walk.readOn(this.chunks, this.read);
      }
      return this.inTurn(key, starts, dirs, whole, side);
    } catch (error) {
      this.walk = undefined;
      return { key, lines: [], more: 0, full: false, error: escapeText(error instanceof Error ? error.message : String(error)) };
    }
  }

  /** Without a chunk index: each raw direction's bytes from its start up to its first gap, one after the other. */
  private inTurn(key: string, starts: RawStarts, dirs: readonly Direction[], whole: boolean, side: (dir: Direction) => Side): Shown {
    const lines: MessageLine[] = [];
    let left = whole ? BODY_READ_BYTES : PREVIEW_READ_BYTES;
    let more = 0;
    for (const dir of dirs) {
      const bytes = this.read(dir, starts[dir]!, left);
      more += pushText(bytes, false, side(dir), undefined, lines, whole ? Infinity : BODY_LINES).unmade;
      left -= bytes.length;
    }
    return { key, lines, more, full: left <= 0, error: undefined };
  }
}

/**
 * The raw directions' chunks from their starts, in arrival order, read up to a budget of bytes
 * and of chunks (`full` when one stopped it): a direction's consecutive data joined in one run,
 * a gap said as the text mode says it. Kept while the starts are the same, it reads on from where
 * it stopped; the bytes of the last run after its last sure line end wait for the bytes after them.
 */
class ChunkWalk {
  private readonly at: Record<Direction, number>;
  /** Per direction, the chunk read last: the flow's last chunk grows, and read on it is no new chunk. */
  private readonly last: Record<Direction, number> = { c2s: -1, s2c: -1 };
  private left: number;
  private visits = 0;
  private readonly most: number;
  private readonly room: number;
  /** The lines made, from the bytes read but {@link run}'s. */
  private readonly lines: MessageLine[] = [];
  private more = 0;
  /** The run being read: its bytes not made into lines yet, and the time of its first line while none was made. */
  private run: { readonly dir: Direction; parts: Uint8Array[]; ts: number | undefined } | undefined = undefined;

  constructor(
    readonly key: string,
    starts: RawStarts,
    private readonly dirs: readonly Direction[],
    whole: boolean,
    private readonly side: (dir: Direction) => Side,
  ) {
    this.at = { c2s: starts.c2s ?? 0, s2c: starts.s2c ?? 0 };
    this.left = whole ? BODY_READ_BYTES : PREVIEW_READ_BYTES;
    this.most = whole ? WHOLE_CHUNKS : PREVIEW_CHUNKS;
    this.room = whole ? Infinity : BODY_LINES;
  }

  /** Reads what came since the last call, within the budgets, and returns the section's lines. */
  readOn(chunks: FlowChunks, read: BodyReader): Shown {
    const next: Record<Direction, number> = { c2s: -1, s2c: -1 };
    for (const dir of this.dirs) next[dir] = chunks.chunkAt(dir, this.at[dir]);
    while (this.left > 0 && this.visits < this.most) {
      let dir: Direction | undefined;
      for (const d of this.dirs) if (next[d] >= 0 && (dir === undefined || next[d] < next[dir])) dir = d;
      if (dir === undefined) break;
      const index = next[dir];
      const chunk = chunks.chunk(index);
      if (!chunk) break;
      const end = chunk.offset + chunk.length;
      const from = Math.max(chunk.offset, this.at[dir]);
      if (chunk.kind === 'gap') {
        this.endRun();
        if (this.lines.length < this.room) this.lines.push({ side: 'event', kind: 'gap', text: gapText(end - from, this.side(dir), chunk.notCaptured), ts: chunk.ts, of: this.side(dir) });
        else this.more++;
        this.at[dir] = end;
      } else {
        if (this.run?.dir !== dir) {
          this.endRun();
          this.run = { dir, parts: [], ts: chunk.ts };
        }
        const bytes = read(dir, from, Math.min(end - from, this.left));
        this.run.parts.push(bytes);
        this.left -= bytes.length;
        this.at[dir] = from + bytes.length;
        if (this.at[dir] < end) break;
      }
      if (this.last[dir] !== index) this.visits++;
      this.last[dir] = index;
      next[dir] = chunks.chunkAt(dir, end);
    }
    const full = this.left <= 0 || this.visits >= this.most;
    if (this.run) this.makeLines(this.run, !full);
    const lines = this.lines.slice();
    let more = this.more;
    if (this.run) more += pushText(joined(this.run.parts), false, this.side(this.run.dir), this.run.ts, lines, this.room).unmade;
    return { key: this.key, lines, more, full, error: undefined };
  }

  private endRun(): void {
    if (this.run) this.makeLines(this.run, false);
    this.run = undefined;
  }

  /** Makes the lines of `run`'s bytes; with `open` (more may join them) those of its end only once sure, keeping those bytes. */
  private makeLines(run: NonNullable<ChunkWalk['run']>, open: boolean): void {
    const bytes = joined(run.parts);
    const { unmade, rest } = pushText(bytes, open, this.side(run.dir), run.ts, this.lines, this.room);
    this.more += unmade;
    if (rest > 0) run.ts = undefined;
    run.parts = rest < bytes.length ? [bytes.slice(rest)] : [];
  }
}

function joined(parts: readonly Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

const CR = 0x0d;

/**
 * Pushes the lines of `bytes` (LF or CRLF ends; cut every {@link RAW_LINE_BYTES}, not inside a
 * UTF-8 sequence), escaped, the first with `ts`, while `out` holds fewer than `room`. With `open`
 * (more bytes may follow), stops before the last line's pieces that more bytes could change (a CR
 * at its end may begin a CR LF). Returns how many lines it did not make, and where it stopped.
 */
export function pushText(bytes: Uint8Array, open: boolean, side: Side, ts: number | undefined, out: MessageLine[], room: number): { unmade: number; rest: number } {
  let unmade = 0;
  for (const [from, to] of splitLines(bytes, 'utf-8')) {
    const sure = open && to === bytes.length ? (bytes[to - 1] === CR ? to - 1 : to) - RAW_LINE_BYTES : Infinity;
    let start = from;
    do {
      if (start >= sure) return { unmade, rest: start };
      let end = Math.min(to, start + RAW_LINE_BYTES);
      for (let back = 0; end < to && back < 3 && (bytes[end] & 0xc0) === 0x80; back++) end--;
      if (out.length < room) {
        const text = escapeLine(bytes, start, end);
        // Raw bytes, as the text mode shows them: cut at the width, not at spaces.
        out.push({ side, kind: 'data', text: end < to ? text + LINE_CONTINUES_MARK : text, ts, breaks: 'cut' });
      } else unmade++;
      ts = undefined;
      start = end;
    } while (start < to);
  }
  return { unmade, rest: bytes.length };
}
