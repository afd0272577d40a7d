/**
 * `--log`: sockspy's dialogue format, one output line per line of data.
 *
 *   =connect from 10.0.0.1:20000 to 10.0.0.2:80
 *   >GET / HTTP/1.1
 *   >Host: x
 *   >
 *   <HTTP/1.1 200 OK
 *   =gap of 1,420 bytes from server at offset 8,528
 *   =server closed (FIN)
 *   =client closed (FIN)
 *   =connection closed
 *
 * `>` starts a client→server line, `<` a server→client line, `=` anything flowspy says.
 * Data is split per direction by a `LineAssembler` (CR LF and LF end a line; lines longer than
 * the cap are cut and marked `\+`) and escaped, so data cannot forge a `=` line. A partial
 * line (no LF yet) is written when the other direction speaks, at a gap, a FIN or a note of
 * either direction, at the flow's end, or at `close()`, so the dialogue keeps its order; for a
 * live source (`partialLineMs`) also once it waited that long with no more bytes, as sockspy
 * shows a prompt (`login: `) while it waits for its answer (the rest then starts a new line).
 *
 * Several flows: while only one flow has ever been open at a time, lines carry no tag and the
 * output is exactly sockspy's. The first time a second flow opens while another is open, every
 * line from then on (sticky, for the rest of the run) starts with `#<flow id> `, and each flow
 * already open is named once by `#<id> =is the connection from A to B`, so every tag can
 * be read back to its connection:
 *
 *   #1 =is the connection from 10.0.0.1:20000 to 10.0.0.2:80
 *   #2 =connect from 10.0.0.1:20001 to 10.0.0.2:80
 *   #1 <HTTP/1.1 200 OK
 *
 * With `timestamps: true` every line starts with `HH:MM:SS.uuuuuu ` (UTC, before any tag):
 * the time of the event that wrote it (for a partial line written later, the time of its
 * direction's last data).
 *
 * With `hex: true` (sockspy's hex display) the `=` lines are the same, and each data chunk is
 * written when it arrives as hex dump lines of `render/hex.ts` (`hexDumpLines`), each after
 * the direction's sign, labelled with the stream offset of that direction:
 *
 *   >00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|
 *   <00000000  48 54 54 50 2f 31 2e 31  20 32 30 30 20 4f 4b 0d  |HTTP/1.1 200 OK.|
 *
 * No line is held back in hex mode (nothing is partial), so the dialogue keeps its order by
 * construction; the ASCII column shows every byte outside 0x20..0x7e as `.`, so no raw control
 * byte reaches the output. Tags and timestamps are added exactly as in text mode.
 */
import { countOf, formatCount } from '../core/count.js';
import { gapWords } from '../render/gapWords.js';
import { endedWithCapture, otherDirection, type Direction, type FlowEndReason, type FlowEvent, type FlowKey, type Micros } from '../core/types.js';
import { ByteText } from '../render/byteText.js';
import { escapeLineInto, escapeText } from '../render/escape.js';
import { formatEndpoint } from '../render/endpoint.js';
import { hexDumpLines } from '../render/hex.js';
import { DEFAULT_MAX_LINE_BYTES, LINE_CONTINUES_MARK, LineAssembler, type LineHandler } from '../render/lines.js';
import { formatTimestamp } from '../render/time.js';
import type { FlowOutput, TextSink } from './types.js';

/** Options of {@link LogOutput}. */
export interface LogOutputOptions {
  /** Start every line with the UTC time `HH:MM:SS.uuuuuu `. Default false. */
  readonly timestamps?: boolean;
  /** Cap on one line's bytes (longer lines are cut, marked `\+`). Default 4096. Unused in hex mode. */
  readonly maxLineBytes?: number;
  /**
   * Show data as hex dump lines (`>`/`<` + `hexDumpLines` at the chunk's stream offset, written
   * when the chunk arrives) instead of text lines. Default false.
   */
  readonly hex?: boolean;
  /**
   * Live sources: a partial line held this many milliseconds (wall clock) with no more bytes
   * of its flow is written as it is. Default: held until the dialogue moves on (files).
   */
  readonly partialLineMs?: number;
}

interface LogFlow {
  readonly key: FlowKey | undefined;
  readonly lines: Record<Direction, LineAssembler>;
  /** Writes a line of each direction's data (the assembler's taker). */
  readonly onLine: Record<Direction, LineHandler>;
  readonly lastDataTs: Record<Direction, Micros>;
  lastDir: Direction | undefined;
  /** Wall-clock milliseconds of the data that left a partial line held (with `partialLineMs`). */
  heldSince: number;
}

const SIGN: Record<Direction, string> = { c2s: '>', s2c: '<' };
const SIGN_BYTE: Record<Direction, number> = { c2s: 0x3e, s2c: 0x3c };
const LF = 0x0a;
const SIDE: Record<Direction, string> = { c2s: 'client', s2c: 'server' };

const END_TEXT: Record<FlowEndReason, string> = {
  fin: 'connection closed',
  rst: 'connection reset (RST)',
  timeout: 'connection timed out',
  error: 'connection error',
  evicted: 'connection evicted',
};

/** sockspy-style dialogue of every flow, written through `out` as UTF-8 bytes (one call per event at most). */
export class LogOutput implements FlowOutput {
  private readonly flows = new Map<number, LogFlow>();
  private readonly timestamps: boolean;
  private readonly maxLineBytes: number;
  private readonly hex: boolean;
  /** True once two flows were open at the same time: every line is tagged from then on. */
  private tagging = false;
  /** The text of the event being handled, reused from event to event. */
  private readonly text = new ByteText();
  private readonly partialLineMs: number | undefined;
  /** Flows holding a partial line, with `partialLineMs` (by id). */
  private readonly holding = new Map<number, LogFlow>();
  private holdTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly out: TextSink, options: LogOutputOptions = {}) {
    this.timestamps = options.timestamps ?? false;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.hex = options.hex ?? false;
    this.partialLineMs = options.partialLineMs;
  }

  handle(event: FlowEvent): void {
    const id = event.flowId;
    switch (event.type) {
      case 'flow-start': {
        const old = this.flows.get(id);
        if (old) this.flushBoth(id, old);
        this.openFlow(id, event.key, event.ts);
        const vlan = event.key.vlan !== undefined ? ` vlan ${event.key.vlan}` : '';
        const guess = event.sawHandshake ? '' : ' (no handshake seen; direction guessed)';
        this.line(id, event.ts, `=connect from ${formatEndpoint(event.key.client)} to ${formatEndpoint(event.key.server)}${vlan}${guess}`);
        break;
      }
      case 'data': {
        if (event.length === 0) return;
        const flow = this.flowOf(id, event.ts);
        const dir = event.dir;
        if (flow.lastDir !== dir) this.flushPartial(id, flow, otherDirection(dir));
        flow.lastDir = dir;
        flow.lastDataTs[dir] = event.ts;
        const sign = SIGN[dir];
        if (this.hex) {
          for (const hexLine of hexDumpLines(event.bytes, event.offset)) this.line(id, event.ts, sign + hexLine);
          break;
        }
        flow.lines[dir].push(event.bytes, flow.onLine[dir]);
        if (this.partialLineMs !== undefined && flow.lines[dir].pendingBytes > 0) this.hold(id, flow);
        break;
      }
      case 'gap': {
        const flow = this.flowOf(id, event.ts);
        this.flushBoth(id, flow);
        const bytes = `${countOf(event.length, 'byte')} from ${SIDE[event.dir]}`;
        this.line(id, event.ts, `=${gapWords(bytes, event.notCaptured)} at offset ${formatCount(event.offset)}`);
        break;
      }
      case 'half-close': {
        const flow = this.flowOf(id, event.ts);
        this.flushBoth(id, flow);
        this.line(id, event.ts, `=${SIDE[event.dir]} closed (FIN)`);
        break;
      }
      case 'note': {
        const flow = this.flowOf(id, event.ts);
        this.flushBoth(id, flow);
        this.line(id, event.ts, `=note: ${escapeText(event.text)}`);
        break;
      }
      case 'flow-end': {
        const flow = this.flowOf(id, event.ts);
        this.flushBoth(id, flow);
        const detail = event.detail !== undefined ? `: ${escapeText(event.detail)}` : '';
        const ended = `${END_TEXT[event.reason] ?? `connection ended (${escapeText(String(event.reason))})`}${detail}`;
        // A flow open when the capture ended did not time out: it is what the TUI calls `open`.
        this.line(id, event.ts, `=${endedWithCapture(event) ? 'still open when the capture ended' : ended}`);
        this.flows.delete(id);
        this.holding.delete(id);
        break;
      }
    }
    this.emit();
  }

  /** Notes that `flow` holds a partial line since now, and makes sure the timer will look at it. */
  private hold(id: number, flow: LogFlow): void {
    flow.heldSince = Date.now();
    this.holding.set(id, flow);
    if (this.holdTimer === undefined) this.armHoldTimer(this.partialLineMs!);
  }

  private armHoldTimer(ms: number): void {
    this.holdTimer = setTimeout(() => this.writeHeld(), ms);
    this.holdTimer.unref?.();
  }

  /** Writes the partial lines held for `partialLineMs` or more; looks again for the others when their time comes. */
  private writeHeld(): void {
    this.holdTimer = undefined;
    const now = Date.now();
    const wait = this.partialLineMs!;
    let next = Infinity;
    for (const [id, flow] of this.holding) {
      const due = flow.heldSince + wait;
      if (due <= now) {
        this.flushBoth(id, flow);
        this.holding.delete(id);
      } else {
        next = Math.min(next, due);
      }
    }
    if (next !== Infinity) this.armHoldTimer(next - now);
    this.emit();
  }

  /** Writes the partial lines still held (flows that never ended keep no other state to show). */
  close(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.holding.clear();
    for (const [id, flow] of this.flows) this.flushBoth(id, flow);
    this.flows.clear();
    this.emit();
  }

  private openFlow(id: number, key: FlowKey | undefined, ts: Micros): LogFlow {
    const flow: LogFlow = {
      key,
      lines: { c2s: new LineAssembler(this.maxLineBytes), s2c: new LineAssembler(this.maxLineBytes) },
      onLine: {
        c2s: (bytes, start, end, ended) => this.dataLine(id, flow.lastDataTs.c2s, 'c2s', bytes, start, end, ended === 'cap'),
        s2c: (bytes, start, end, ended) => this.dataLine(id, flow.lastDataTs.s2c, 's2c', bytes, start, end, ended === 'cap'),
      },
      lastDataTs: { c2s: ts, s2c: ts },
      lastDir: undefined,
      heldSince: 0,
    };
    if (!this.tagging && this.flows.size >= 1 && !this.flows.has(id)) {
      this.tagging = true;
      for (const [otherId, other] of this.flows) {
        // Not `still open`: that reads as the state at the capture's end, said by the flow's last line.
        const what = other.key ? `the connection from ${formatEndpoint(other.key.client)} to ${formatEndpoint(other.key.server)}` : 'a connection open before';
        this.line(otherId, ts, `=is ${what}`);
      }
    }
    this.flows.set(id, flow);
    return flow;
  }

  /** The flow's state; a flow whose start was never seen is tracked from its first event. */
  private flowOf(id: number, ts: Micros): LogFlow {
    return this.flows.get(id) ?? this.openFlow(id, undefined, ts);
  }

  /** Writes both partial lines (at most one exists: a direction change flushes the other). */
  private flushBoth(id: number, flow: LogFlow): void {
    this.flushPartial(id, flow, 'c2s');
    this.flushPartial(id, flow, 's2c');
  }

  private flushPartial(id: number, flow: LogFlow, dir: Direction): void {
    flow.lines[dir].flush(flow.onLine[dir]);
  }

  private line(id: number, ts: Micros, body: string): void {
    this.prefix(id, ts);
    this.text.text(body);
    this.text.byte(LF);
  }

  /** A line of data: its sign, its bytes escaped (`cut`: marked as going on in the next line). */
  private dataLine(id: number, ts: Micros, dir: Direction, bytes: Uint8Array, start: number, end: number, cut: boolean): void {
    this.prefix(id, ts);
    this.text.byte(SIGN_BYTE[dir]);
    escapeLineInto(this.text, bytes, start, end);
    if (cut) this.text.text(LINE_CONTINUES_MARK);
    this.text.byte(LF);
  }

  private prefix(id: number, ts: Micros): void {
    if (this.timestamps) this.text.text(formatTimestamp(ts) + ' ');
    if (this.tagging) this.text.text(`#${id} `);
  }

  private emit(): void {
    if (this.text.length === 0) return;
    this.out(this.text.view());
    this.text.clear();
  }
}
