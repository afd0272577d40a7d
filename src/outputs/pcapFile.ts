/**
 * `FlowEvent`s → a capture file that Wireshark/tshark reassemble: for each flow, synthesized
 * Ethernet/IPv4-or-IPv6/TCP frames with a handshake, MSS-sized data segments with consistent
 * sequence and acknowledgement numbers, FIN and RST, and the events' real timestamps.
 * Meant for proxied flows (which have no packets of their own); works for any event stream.
 */
import { fileErrorReason, UserError } from '../core/errors.js';
import { otherDirection, REFUSED, type Direction, type FlowEvent, type FlowStartEvent, type Micros } from '../core/types.js';
import { buildTcpFrame, type TcpFrameSpec } from '../capture/frames.js';
import { PcapFileWriter, type PacketWriter } from '../capture/pcapWriter.js';
import { upstreamFailureOf } from '../messages/upstreamText.js';
import type { FlowOutput } from './types.js';

/** TCP flag bits. */
const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const PSH = 0x08;
const ACK = 0x10;

/** Options of a {@link PcapOutput}. */
export interface PcapOutputOptions {
  /** Largest payload per segment for IPv4 flows; default 1460. */
  readonly mssIpv4?: number;
  /** Largest payload per segment for IPv6 flows; default 1440. */
  readonly mssIpv6?: number;
  /** Where the frames go, for the message of a write failure (`cannot write NAME: reason`). Default "the capture file". */
  readonly name?: string;
}

/** A {@link PacketWriter} that may buffer: `flush` writes what it holds, `close` releases it. */
export interface PacketFile extends PacketWriter {
  flush?(): void;
  close?(): void;
}

/** Per-flow synthesis state. Sequence numbers are derived from stream offsets, never counted. */
interface FlowState {
  readonly clientAddr: string;
  readonly serverAddr: string;
  readonly clientPort: number;
  readonly serverPort: number;
  readonly vlan: number | undefined;
  readonly mss: number;
  /** Initial sequence numbers. */
  readonly isnC: number;
  readonly isnS: number;
  /** Stream length so far per direction (next offset), gaps included. */
  endC: number;
  endS: number;
  finC: boolean;
  finS: boolean;
  ipIdC: number;
  ipIdS: number;
  /** The SYN's time while its SYN-ACK and ACK are not written yet (the answer may be a reset). */
  synTs: Micros | undefined;
  /**
   * An ACK from a side that had closed (its sender, its time): of the second FIN, or of bytes sent
   * to it after its FIN; not written yet, as the flow's end may be that side's reset instead.
   */
  closedPeerAck: { dir: Direction; ts: Micros } | undefined;
}

/**
 * A flow started `connecting` whose server has not accepted yet: its start, and the client's bytes
 * (copies) and FIN so far, written when it accepts. Bounded by the proxy's backpressure.
 */
interface ConnectingFlow {
  readonly start: FlowStartEvent;
  readonly held: { readonly dir: Direction; readonly offset: number; readonly bytes: Uint8Array | undefined }[];
}

/** What a buffering writer holds is written out this long after the first packet it got, at the latest: the file can be read as it grows, and a crash loses at most that much. */
const FLUSH_AFTER_MS = 1000;

/**
 * A {@link FlowOutput} writing synthesized TCP packets to a {@link PacketWriter}.
 *
 * - `flow-start`: SYN (with MSS option), SYN-ACK, ACK when `sawHandshake`; nothing otherwise.
 *   The SYN-ACK and ACK (at the SYN's time) wait for the flow's next event: a `flow-end` with
 *   detail {@link REFUSED} gets a RST-ACK answering the SYN instead.
 * - A flow started `connecting` (a proxied client, its upstream not there yet) waits for
 *   `connected`: then its SYN (at its start's time, to the address connected to), the SYN-ACK and
 *   ACK, and the client's bytes and FIN at that time (when they were relayed). Ended before that,
 *   it gets its SYN, and a RST-ACK answering it when the upstream refused: the bytes that went
 *   nowhere are not written, and no upstream packet is made up.
 * - `data`: the bytes cut into MSS-sized PSH-ACK segments at seq = ISN + 1 + offset (so a
 *   `gap` simply leaves a hole in sequence space, which Wireshark shows as not captured),
 *   then one ACK from the peer.
 * - `half-close`: FIN-ACK from the sender of that direction, ACKed by the peer. An ACK from a
 *   side that had closed (of the second FIN, of bytes sent to it after its FIN) waits for the
 *   flow's next event: a reset from that side ending the flow replaces it.
 * - `flow-end`: reason 'fin' adds nothing (FINs come from half-close events; missing ones are
 *   added); 'rst' and 'error' send RST-ACK, from the client when `detail` starts with
 *   "client", else from the server; 'timeout' and 'evicted' add nothing (no packet ended the
 *   flow: one still open when the capture ended stays open in the file).
 * - `note`, `gap`: no packets of their own.
 *
 * Addresses: when client and server are of different families (a proxy accepting IPv4 and
 * connecting over IPv6), the IPv4 side is written IPv4-mapped (`::ffff:a.b.c.d`); an address
 * that is not an IP literal (the upstream of a proxied flow that never connected, given by name)
 * is written as 0.0.0.0 (or :: for IPv6 flows). Initial sequence numbers derive from the flow id.
 * Timestamps are the events' own; frames of one flow are written in event order.
 *
 * The writer is flushed once at construction (a file that cannot take even the header says so at
 * once), then {@link FLUSH_AFTER_MS} after it got packets (a timer that does not hold the process). The first write failure stops the output: it is thrown once by the `handle` that met it
 * (or by `close`) as a one-line `UserError`, given to the {@link onFailure} listener, and every
 * later event is ignored.
 */
export class PcapOutput implements FlowOutput {
  private readonly flows = new Map<number, FlowState>();
  private readonly connecting = new Map<number, ConnectingFlow>();
  private readonly frame: Uint8Array;
  /** Time of the last packet written. */
  private lastTs: Micros = 0;
  private readonly spec: TcpFrameSpec = { srcAddr: '', dstAddr: '', srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 65535 };
  private readonly mssIpv4: number;
  private readonly mssIpv6: number;
  private readonly name: string;
  private closed = false;
  private failure: UserError | undefined;
  private failureListener: ((error: UserError) => void) | undefined;
  private flushTimer: NodeJS.Timeout | undefined;

  /** @param writer where frames go (copied during each call); flushed now, and closed by `close()`. */
  constructor(private readonly writer: PacketFile, options: PcapOutputOptions = {}) {
    this.mssIpv4 = options.mssIpv4 ?? 1460;
    this.mssIpv6 = options.mssIpv6 ?? 1440;
    this.name = options.name ?? 'the capture file';
    // Largest frame: Ethernet + VLAN tag + IPv6 + TCP + MSS option + one segment.
    this.frame = new Uint8Array(14 + 4 + 40 + 20 + 4 + Math.max(this.mssIpv4, this.mssIpv6));
    try {
      writer.flush?.();
    } catch (err) {
      this.fail(err);
    }
  }

  /** Writes the packets of one event (see the class comment). */
  handle(event: FlowEvent): void {
    if (this.failure) return;
    try {
      this.write(event);
    } catch (err) {
      throw this.fail(err);
    }
    if (this.flushTimer === undefined && this.writer.flush) this.flushTimer = setTimeout(() => this.flushNow(), FLUSH_AFTER_MS).unref();
  }

  /** Writes out what the writer holds (the timer's job); a failure stops the output, as in `handle`. */
  private flushNow(): void {
    this.flushTimer = undefined;
    if (this.failure || this.closed) return;
    try {
      this.writer.flush?.();
    } catch (err) {
      this.fail(err);
    }
  }

  /** Registers the one listener told of the first write failure (at once if it already happened). */
  onFailure(listener: (error: UserError) => void): void {
    this.failureListener = listener;
    if (this.failure) listener(this.failure);
  }

  /** Flushes and closes the writer (once), then throws the output's failure if it had one. Open flows just stop (after their handshake). */
  close(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    try {
      if (!this.failure) {
        for (const flow of this.flows.values()) {
          this.completeHandshake(flow, Infinity);
          this.writeClosedPeerAck(flow, Infinity);
        }
      }
    } catch (err) {
      this.fail(err);
    }
    this.flows.clear();
    this.connecting.clear();
    if (this.closed) return;
    this.closed = true;
    if (!this.failure) {
      try {
        this.writer.flush?.();
      } catch (err) {
        this.fail(err);
      }
    }
    try {
      this.writer.close?.();
    } catch (err) {
      this.fail(err);
    }
    if (this.failure) throw this.failure;
  }

  private fail(err: unknown): UserError {
    if (!this.failure) {
      this.failure = err instanceof UserError ? err : new UserError(`cannot write ${this.name}: ${fileErrorReason(err)}`);
      this.failureListener?.(this.failure);
    }
    return this.failure;
  }

  private write(event: FlowEvent): void {
    if (event.type === 'flow-start') {
      if (event.connecting) this.connecting.set(event.flowId, { start: event, held: [] });
      else this.start(event.flowId, event.ts, event.key.client, event.key.server, event.key.vlan, event.sawHandshake);
      return;
    }
    if (event.type === 'note') return;
    const connecting = this.connecting.get(event.flowId);
    if (connecting !== undefined) {
      this.holdOrConnect(event.flowId, connecting, event);
      return;
    }
    const flow = this.flows.get(event.flowId);
    if (flow === undefined) return; // events of a flow that started before this output
    if (event.type === 'flow-end' && event.detail === REFUSED && flow.synTs !== undefined) {
      // The SYN was answered by a reset: no handshake.
      this.raw(flow, event.ts, 's2c', 0, flow.isnC + 1, RST | ACK, undefined, undefined);
      this.flows.delete(event.flowId);
      return;
    }
    this.completeHandshake(flow, event.ts);
    if (flow.closedPeerAck !== undefined && event.type === 'flow-end' && (event.reason === 'rst' || event.reason === 'error') && resetSender(event.detail) === flow.closedPeerAck.dir) {
      flow.closedPeerAck = undefined; // the side that closed answered with its reset
    }
    this.writeClosedPeerAck(flow, event.ts);
    switch (event.type) {
      case 'data': this.data(flow, event.ts, event.dir, event.offset, event.bytes); break;
      case 'gap': this.advance(flow, event.dir, event.offset + event.length); break;
      case 'half-close': this.fin(flow, event.ts, event.dir); break;
      case 'flow-end':
        if (event.reason === 'fin') {
          this.fin(flow, event.ts, 'c2s');
          this.fin(flow, event.ts, 's2c');
          this.writeClosedPeerAck(flow, event.ts);
        } else if (event.reason === 'rst' || event.reason === 'error') {
          this.segment(flow, event.ts, resetSender(event.detail), RST | ACK, undefined);
        }
        this.flows.delete(event.flowId);
        break;
    }
  }

  /** An event of a flow whose server has not accepted yet (see the class comment). */
  private holdOrConnect(flowId: number, connecting: ConnectingFlow, event: Exclude<FlowEvent, { type: 'flow-start' | 'note' }>): void {
    const { start: { ts, key }, held } = connecting;
    switch (event.type) {
      case 'data': held.push({ dir: event.dir, offset: event.offset, bytes: new Uint8Array(event.bytes) }); return;
      case 'half-close': held.push({ dir: event.dir, offset: 0, bytes: undefined }); return;
      case 'gap': return;
      case 'connected': {
        this.connecting.delete(flowId);
        const flow = this.start(flowId, ts, key.client, event.server, key.vlan, true);
        this.answerSyn(flow, event.ts);
        for (const h of held) {
          if (h.bytes === undefined) this.fin(flow, event.ts, h.dir);
          else this.data(flow, event.ts, h.dir, h.offset, h.bytes);
        }
        return;
      }
      case 'flow-end': {
        this.connecting.delete(flowId);
        const flow = this.start(flowId, ts, key.client, key.server, key.vlan, true);
        if (upstreamFailureOf(event)?.what === 'refused') this.raw(flow, event.ts, 's2c', 0, flow.isnC + 1, RST | ACK, undefined, undefined);
        this.flows.delete(flowId);
      }
    }
  }

  private start(
    flowId: number, ts: Micros,
    client: { addr: string; port: number }, server: { addr: string; port: number },
    vlan: number | undefined, sawHandshake: boolean,
  ): FlowState {
    const [clientAddr, serverAddr] = frameAddresses(client.addr, server.addr);
    const v6 = clientAddr.includes(':');
    const isnC = mix32(flowId * 2 + 1);
    const isnS = mix32(flowId * 2 + 2);
    const flow: FlowState = {
      clientAddr, serverAddr, clientPort: client.port, serverPort: server.port, vlan,
      mss: v6 ? this.mssIpv6 : this.mssIpv4, isnC, isnS,
      endC: 0, endS: 0, finC: false, finS: false, ipIdC: 1, ipIdS: 1, synTs: undefined, closedPeerAck: undefined,
    };
    this.flows.set(flowId, flow);
    if (!sawHandshake) return flow;
    this.raw(flow, ts, 'c2s', isnC, 0, SYN, undefined, flow.mss);
    flow.synTs = ts;
    return flow;
  }

  /**
   * The SYN-ACK and ACK of a SYN written alone, before the flow's packets at time `next`: at the
   * last packet's time when that is later than the SYN (a live file stays in time order), but
   * never after `next` (flows replayed one after another keep each flow in order).
   */
  private completeHandshake(flow: FlowState, next: Micros): void {
    if (flow.synTs === undefined) return;
    this.answerSyn(flow, Math.max(flow.synTs, Math.min(this.lastTs, next)));
  }

  /** The SYN-ACK answering the flow's SYN and the ACK of it, at `ts`. */
  private answerSyn(flow: FlowState, ts: Micros): void {
    flow.synTs = undefined;
    this.raw(flow, ts, 's2c', flow.isnS, flow.isnC + 1, SYN | ACK, undefined, flow.mss);
    this.raw(flow, ts, 'c2s', flow.isnC + 1, flow.isnS + 1, ACK, undefined, undefined);
  }

  /** Writes the ACK from a side that had closed, if it waits, before the flow's packets at time `next` (in time order, as {@link completeHandshake}). */
  private writeClosedPeerAck(flow: FlowState, next: Micros): void {
    const closedPeerAck = flow.closedPeerAck;
    if (closedPeerAck === undefined) return;
    flow.closedPeerAck = undefined;
    this.segment(flow, Math.max(closedPeerAck.ts, Math.min(this.lastTs, next)), closedPeerAck.dir, ACK, undefined);
  }

  private data(flow: FlowState, ts: Micros, dir: Direction, offset: number, bytes: Uint8Array): void {
    const mss = flow.mss;
    for (let at = 0; at < bytes.length; at += mss) {
      const piece = bytes.subarray(at, Math.min(at + mss, bytes.length));
      this.segmentAt(flow, ts, dir, offset + at, PSH | ACK, piece);
    }
    this.advance(flow, dir, offset + bytes.length);
    // The peer's ACK; from a peer that had closed, it may have been a reset instead.
    const peer = otherDirection(dir);
    if (peer === 'c2s' ? flow.finC : flow.finS) flow.closedPeerAck = { dir: peer, ts };
    else this.segment(flow, ts, peer, ACK, undefined);
  }

  private fin(flow: FlowState, ts: Micros, dir: Direction): void {
    if (dir === 'c2s' ? flow.finC : flow.finS) return;
    this.segment(flow, ts, dir, FIN | ACK, undefined);
    if (dir === 'c2s') flow.finC = true;
    else flow.finS = true;
    const peer = otherDirection(dir);
    if (flow.finC && flow.finS) flow.closedPeerAck = { dir: peer, ts };
    else this.segment(flow, ts, peer, ACK, undefined);
  }

  private advance(flow: FlowState, dir: Direction, end: number): void {
    if (dir === 'c2s') flow.endC = Math.max(flow.endC, end);
    else flow.endS = Math.max(flow.endS, end);
  }

  /** A segment from `dir`'s sender at its current stream end. */
  private segment(flow: FlowState, ts: Micros, dir: Direction, flags: number, payload: Uint8Array | undefined): void {
    this.segmentAt(flow, ts, dir, dir === 'c2s' ? flow.endC : flow.endS, flags, payload);
  }

  /** A segment from `dir`'s sender at stream offset `offset`, acknowledging everything the peer sent. */
  private segmentAt(
    flow: FlowState, ts: Micros, dir: Direction, offset: number, flags: number, payload: Uint8Array | undefined,
  ): void {
    // A FIN takes one sequence number after the data: count it in seq (own) and ack (peer's).
    const c2s = dir === 'c2s';
    const ownFinDone = c2s ? flow.finC : flow.finS;
    const peerEnd = c2s ? flow.endS + (flow.finS ? 1 : 0) : flow.endC + (flow.finC ? 1 : 0);
    const seq = (c2s ? flow.isnC : flow.isnS) + 1 + offset + (ownFinDone && offset >= (c2s ? flow.endC : flow.endS) ? 1 : 0);
    const ack = (c2s ? flow.isnS : flow.isnC) + 1 + peerEnd;
    this.raw(flow, ts, dir, seq, ack, flags, payload, undefined);
  }

  private raw(
    flow: FlowState, ts: Micros, dir: Direction, seq: number, ack: number, flags: number,
    payload: Uint8Array | undefined, mss: number | undefined,
  ): void {
    const spec = this.spec;
    const c2s = dir === 'c2s';
    spec.srcAddr = c2s ? flow.clientAddr : flow.serverAddr;
    spec.dstAddr = c2s ? flow.serverAddr : flow.clientAddr;
    spec.srcPort = c2s ? flow.clientPort : flow.serverPort;
    spec.dstPort = c2s ? flow.serverPort : flow.clientPort;
    spec.seq = seq >>> 0;
    spec.ack = (flags & ACK) !== 0 ? ack >>> 0 : 0;
    spec.flags = flags;
    spec.payload = payload;
    spec.mss = mss;
    spec.vlan = flow.vlan;
    spec.ipId = c2s ? flow.ipIdC++ & 0xffff : flow.ipIdS++ & 0xffff;
    this.lastTs = ts;
    this.writer.writePacket(ts, buildTcpFrame(spec, this.frame));
  }
}

/**
 * Opens `path` (created or truncated) and returns a {@link PcapOutput} writing classic pcap
 * (microsecond timestamps, Ethernet) to it; `close()` flushes and closes the file.
 * The header is written at once; records are buffered (4 MiB) and written when the buffer
 * fills, and at close. A write failure is reported as the class says.
 * @throws UserError `cannot write PATH: reason` when the file cannot be created.
 */
export function openPcapFileOutput(path: string, options: PcapOutputOptions = {}): PcapOutput {
  let file: PcapFileWriter;
  try {
    file = new PcapFileWriter(path);
  } catch (err) {
    throw new UserError(`cannot write ${path}: ${fileErrorReason(err, { ENOENT: 'no such directory' })}`);
  }
  return new PcapOutput(file, { ...options, name: path });
}

/** The side a reset ending a flow came from: the client when the end's detail says so, else the server. */
function resetSender(detail: string | undefined): Direction {
  return detail !== undefined && detail.startsWith('client') ? 'c2s' : 's2c';
}

/** The two addresses as frame addresses of one family (see {@link PcapOutput}). */
function frameAddresses(client: string, server: string): [string, string] {
  const c = ipKind(client);
  const s = ipKind(server);
  const v6 = c === 6 || s === 6;
  const fix = (addr: string, kind: 0 | 4 | 6): string => {
    if (kind === 0) return v6 ? '::' : '0.0.0.0';
    if (kind === 4 && v6) return `::ffff:${addr}`;
    return addr;
  };
  return [fix(client, c), fix(server, s)];
}

/** 4 for a dotted IPv4 literal, 6 for an IPv6 literal (no zone id), 0 for anything else. */
function ipKind(addr: string): 0 | 4 | 6 {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addr) && addr.split('.').every((p) => Number(p) <= 255)) return 4;
  if (addr.includes(':') && /^[0-9A-Fa-f:.]+$/.test(addr)) return 6;
  return 0;
}

/** A well-spread 32-bit value from a small integer (for initial sequence numbers). */
function mix32(n: number): number {
  let x = Math.imul((n >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
