/** Test helpers for reassembly: segment factory, conversation builder, event recorder, checks. */

import { expect } from 'vitest';
import type { Direction, FlowEvent } from '../../src/core/types.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../../src/decode/types.js';
import { Reassembler, type ReassemblerOptions } from '../../src/reassembly/reassembler.js';

export { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN };

export interface Ep {
  addr: string;
  port: number;
}

export const CLIENT: Ep = { addr: '10.0.0.1', port: 40000 };
export const SERVER: Ep = { addr: '10.0.0.2', port: 80 };

export interface SegSpec {
  src: Ep;
  dst: Ep;
  seq: number;
  ack?: number;
  flags?: number;
  payload?: string | Uint8Array;
  /** Announced length; defaults to the payload length. */
  payloadLength?: number;
  fileOffset?: number;
  vlan?: number;
}

export function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

/** Builds a TcpSegment the way the decoder would hand it over. */
export function mkSeg(spec: SegSpec): TcpSegment {
  const payload = bytesOf(spec.payload ?? new Uint8Array(0));
  return {
    srcAddr: spec.src.addr,
    srcPort: spec.src.port,
    dstAddr: spec.dst.addr,
    dstPort: spec.dst.port,
    vlan: spec.vlan,
    seq: spec.seq >>> 0,
    ack: (spec.ack ?? 0) >>> 0,
    flags: spec.flags ?? TCP_ACK,
    window: 65535,
    payload,
    payloadBuffer: payload,
    payloadStart: 0,
    capturedLength: payload.length,
    payloadLength: spec.payloadLength ?? payload.length,
    payloadFileOffset: spec.fileOffset ?? -1,
  };
}

export interface SendOptions {
  /** Stream offset of the first payload byte (default: where this side is). */
  at?: number;
  flags?: number;
  /** Explicit ack number; default: the peer's current next sequence number. */
  ack?: number;
  payloadLength?: number;
  fileOffset?: number;
}

/**
 * A conversation between CLIENT and SERVER with chosen ISNs. `c(...)`/`s(...)` build segments
 * at stream offsets (offset 0 = ISN + 1) and keep track of how far each side has sent.
 */
export class Conv {
  cOff = 0;
  sOff = 0;
  constructor(
    readonly clientIsn = 1000,
    readonly serverIsn = 5000,
    readonly client: Ep = CLIENT,
    readonly server: Ep = SERVER,
    readonly vlan?: number,
  ) {}

  cSeq(offset = this.cOff): number {
    return (this.clientIsn + 1 + offset) >>> 0;
  }
  sSeq(offset = this.sOff): number {
    return (this.serverIsn + 1 + offset) >>> 0;
  }

  syn(payload?: string): TcpSegment {
    const seg = mkSeg({ src: this.client, dst: this.server, seq: this.clientIsn, flags: TCP_SYN, payload, vlan: this.vlan });
    if (payload) this.cOff = Math.max(this.cOff, bytesOf(payload).length);
    return seg;
  }
  synAck(): TcpSegment {
    return mkSeg({ src: this.server, dst: this.client, seq: this.serverIsn, ack: this.cSeq(), flags: TCP_SYN | TCP_ACK, vlan: this.vlan });
  }
  handshake(): TcpSegment[] {
    return [this.syn(), this.synAck(), this.c('')];
  }

  /** Client to server segment. */
  c(data: string | Uint8Array, opts: SendOptions = {}): TcpSegment {
    return this.send(true, data, opts);
  }

  /** Server to client segment. */
  s(data: string | Uint8Array, opts: SendOptions = {}): TcpSegment {
    return this.send(false, data, opts);
  }

  /** A segment from the client (else the server), its side's offset moved past its payload (and FIN). */
  private send(fromClient: boolean, data: string | Uint8Array, opts: SendOptions): TcpSegment {
    const bytes = bytesOf(data);
    const at = opts.at ?? (fromClient ? this.cOff : this.sOff);
    const flags = opts.flags ?? TCP_ACK;
    const seg = mkSeg({
      src: fromClient ? this.client : this.server,
      dst: fromClient ? this.server : this.client,
      seq: fromClient ? this.cSeq(at) : this.sSeq(at),
      ack: opts.ack ?? (fromClient ? this.sSeq() : this.cSeq()),
      flags,
      payload: bytes,
      payloadLength: opts.payloadLength,
      fileOffset: opts.fileOffset,
      vlan: this.vlan,
    });
    const end = at + (opts.payloadLength ?? bytes.length) + (flags & TCP_FIN ? 1 : 0);
    if (fromClient) this.cOff = Math.max(this.cOff, end);
    else this.sOff = Math.max(this.sOff, end);
    return seg;
  }
}

/** An event as recorded: data bytes copied (they are only valid during the call). */
export type Recorded = FlowEvent;

export interface Harness {
  /** The reassembler under test (fast path on); `feed`, `expireIdle` and `finish` also drive `slow`. */
  r: Pick<Reassembler, 'feed' | 'expireIdle' | 'finish' | 'stats'>;
  events: Recorded[];
  /** The same reassembler with its fast path switched off, fed the same calls. */
  slow: Reassembler;
  /** The events of `slow`. */
  slowEvents: Recorded[];
  feed(segments: TcpSegment | TcpSegment[], ts?: number): void;
}

/** An event sink that records into `events` (data bytes copied: they are valid only during the call). */
export function recordInto(events: Recorded[]): (event: FlowEvent) => void {
  return (event) => {
    events.push(event.type === 'data' ? { ...event, bytes: event.bytes.slice() } : event);
  };
}

/**
 * A reassembler whose events are recorded (data bytes copied), with a twin whose fast path is
 * switched off, driven by the same calls (see {@link expectSameWithoutFastPath}).
 * Default ts: 1000 s + a counter.
 */
export function harness(options: Partial<ReassemblerOptions> = {}): Harness {
  const events: Recorded[] = [];
  const slowEvents: Recorded[] = [];
  const fast = new Reassembler({ ...options, emit: recordInto(events) });
  const slow = new Reassembler({ ...options, fastPath: false, emit: recordInto(slowEvents) });
  const r: Harness['r'] = {
    feed: (segment, ts) => {
      fast.feed(segment, ts);
      slow.feed(segment, ts);
    },
    expireIdle: (now) => {
      fast.expireIdle(now);
      slow.expireIdle(now);
    },
    finish: (ts, maxFlows) => {
      slow.finish(ts, maxFlows);
      return fast.finish(ts, maxFlows);
    },
    get stats() {
      return fast.stats;
    },
  };
  let clock = 1_000_000_000;
  const h: Harness = {
    r,
    events,
    slow,
    slowEvents,
    feed(segments, ts) {
      for (const segment of Array.isArray(segments) ? segments : [segments]) {
        clock = ts ?? clock + 1;
        r.feed(segment, clock);
      }
    },
  };
  // A shared id generator hands the twins different ids: only the fast one is checked then.
  if (options.nextFlowId === undefined) unchecked.push(h);
  return h;
}

/** Every field of an event as text (data bytes in base64), for quick exact comparison. */
function eventText(event: FlowEvent): string {
  if (event.type !== 'data') return JSON.stringify(event);
  const { flowId, dir, offset, length, ts, fileOffset } = event;
  return JSON.stringify({ flowId, dir, offset, length, ts, fileOffset, bytes: Buffer.from(event.bytes).toString('base64') });
}

/** Whether two events have the same fields with the same values (data bytes compared as bytes). */
function sameEvent(a: FlowEvent, b: FlowEvent): boolean {
  if (a.type !== 'data' || b.type !== 'data') return sameFields(a, b);
  return (
    a.flowId === b.flowId &&
    a.dir === b.dir &&
    a.offset === b.offset &&
    a.length === b.length &&
    a.ts === b.ts &&
    a.fileOffset === b.fileOffset &&
    Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength).equals(b.bytes)
  );
}

/** Deep equality of plain values: the same keys, and equal values under them. */
function sameFields(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => sameFields((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** Harnesses of the running test, checked against their twins after it (R20: the fast path changes nothing). */
const unchecked: Harness[] = [];
let fastPathTotal = 0;

/**
 * Checks the harnesses the test just made against their twins. Run after every test by
 * test/support/setup.ts (a setup file runs for each test file, also when workers are shared).
 */
export function checkHarnessesAgainstTwins(): void {
  for (const h of [...unchecked]) fastPathTotal += expectSameWithoutFastPath(h);
  unchecked.length = 0;
}

/** Segments the fast path handled in the harnesses checked so far in this worker. */
export function fastPathSegmentsChecked(): number {
  return fastPathTotal;
}

/**
 * The fast path's differential check: the events of `h` equal those of its twin without the
 * fast path, and so do the counters (but for `fastPathSegments`). Returns the segments the fast
 * path handled, so a caller can show it ran.
 */
export function expectSameWithoutFastPath(h: Harness): number {
  const pending = unchecked.indexOf(h);
  if (pending >= 0) unchecked.splice(pending, 1);
  const fast = h.events;
  const slow = h.slowEvents;
  const differs = fast.findIndex((event, i) => i >= slow.length || !sameEvent(event, slow[i]));
  if (differs >= 0 || fast.length !== slow.length) {
    const at = differs >= 0 ? differs : Math.min(fast.length, slow.length);
    const text = (event: FlowEvent | undefined) => (event === undefined ? undefined : eventText(event));
    expect({ at, fast: text(fast[at]) }).toEqual({ at, fast: text(slow[at]) });
  }
  expect(fast.length).toBe(slow.length);
  const { fastPathSegments, ...fastStats } = h.r.stats;
  const { fastPathSegments: slowFastPath, ...slowStats } = h.slow.stats;
  expect(slowFastPath).toBe(0);
  expect(fastStats).toEqual(slowStats);
  return fastPathSegments;
}

const decoder = new TextDecoder();

/** Compact one-line form of an event, for table tests. */
export function show(event: FlowEvent): string {
  switch (event.type) {
    case 'flow-start': {
      const k = event.key;
      const vlan = k.vlan === undefined ? '' : ` vlan ${k.vlan}`;
      return `start ${event.flowId} ${k.client.addr}:${k.client.port}>${k.server.addr}:${k.server.port}${vlan} ${event.sawHandshake ? 'hs' : 'guess'}`;
    }
    case 'data':
      return `data ${event.flowId} ${event.dir} ${event.offset} "${decoder.decode(event.bytes)}"`;
    case 'gap':
      return `gap ${event.flowId} ${event.dir} ${event.offset} ${event.length}`;
    case 'half-close':
      return `half ${event.flowId} ${event.dir}`;
    case 'note':
      return `note ${event.flowId} ${event.text}`;
    case 'connected':
      return `connected ${event.flowId}`;
    case 'flow-end':
      return `end ${event.flowId} ${event.reason}${event.detail === undefined ? '' : ` (${event.detail})`}`;
  }
}

export function shown(events: FlowEvent[]): string[] {
  return events.map(show);
}

export interface StreamView {
  /** Delivered bytes at their offsets; gap bytes are absent. */
  data: Map<number, Uint8Array>;
  /** Total tiled length (data + gaps). */
  length: number;
  dataBytes: number;
  gapBytes: number;
  gaps: Array<[number, number]>;
}

/**
 * Checks the event contract for every flow (start first, one end last, per direction data/gap
 * tiling from offset 0 in increasing order, nothing after half-close) and returns the streams.
 */
export function checkContract(events: FlowEvent[]): Map<number, Record<Direction, StreamView>> {
  const flows = new Map<number, Record<Direction, StreamView>>();
  const ended = new Set<number>();
  const halfClosed = new Set<string>();
  const problems: string[] = [];
  for (const event of events) {
    if (problems.length > 10) break;
    if (event.type === 'flow-start') {
      if (flows.has(event.flowId)) problems.push(`flow ${event.flowId} started twice`);
      flows.set(event.flowId, { c2s: emptyView(), s2c: emptyView() });
      continue;
    }
    const views = flows.get(event.flowId);
    if (views === undefined) {
      problems.push(`event before flow-start: ${show(event)}`);
      continue;
    }
    if (ended.has(event.flowId)) problems.push(`event after flow-end: ${show(event)}`);
    if (event.type === 'flow-end') ended.add(event.flowId);
    else if (event.type === 'half-close') {
      const id = `${event.flowId}/${event.dir}`;
      if (halfClosed.has(id)) problems.push(`second half-close ${id}`);
      halfClosed.add(id);
    } else if (event.type === 'data' || event.type === 'gap') {
      if (halfClosed.has(`${event.flowId}/${event.dir}`)) problems.push(`data after half-close: ${show(event)}`);
      const view = views[event.dir];
      if (event.offset !== view.length) problems.push(`tiling: expected offset ${view.length}: ${show(event)}`);
      if (event.type === 'data') {
        if (event.bytes.length === 0) problems.push(`empty data: ${show(event)}`);
        view.data.set(event.offset, event.bytes);
        view.length = event.offset + event.bytes.length;
        view.dataBytes += event.bytes.length;
      } else {
        if (!(event.length > 0)) problems.push(`empty gap: ${show(event)}`);
        view.gaps.push([event.offset, event.length]);
        view.length = event.offset + event.length;
        view.gapBytes += event.length;
      }
    }
  }
  for (const id of flows.keys()) if (!ended.has(id)) problems.push(`flow ${id} never ended`);
  expect(problems).toEqual([]);
  return flows;
}

function emptyView(): StreamView {
  return { data: new Map(), length: 0, dataBytes: 0, gapBytes: 0, gaps: [] };
}

/** Concatenation of the delivered bytes of a view (gaps skipped). */
export function concatData(view: StreamView): Uint8Array {
  const out = new Uint8Array(view.dataBytes);
  let at = 0;
  for (const bytes of view.data.values()) {
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** The tests' one seeded PRNG (test/support/prng.ts). */
export { mulberry32 } from '../support/prng.js';

export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

export function shuffle<T>(rand: () => number, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
}
