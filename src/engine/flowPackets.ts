/**
 * Copies the original packets of chosen flows from a capture file into a new pcap file (the TUI's
 * `w` key for a file source): the file is read again and decoded, and each packet whose TCP
 * 4-tuple and VLAN are a chosen flow's, in either direction, within that flow's time window, is
 * written as it was captured (same bytes, timestamp, wire length and link type).
 */
import { openSync, readSync, closeSync, statSync, unlinkSync } from 'node:fs';
import { CaptureFormatError } from '../capture/errors.js';
import { isMicrosecondPcapMagic } from '../capture/parser.js';
import { PcapFileWriter } from '../capture/pcapWriter.js';
import { readCapture } from '../capture/read.js';
import { fileErrorReason, UserError } from '../core/errors.js';
import type { CapturedPacket } from '../core/packet.js';
import type { FlowKey, Micros } from '../core/types.js';
import { PacketDecoder } from '../decode/decoder.js';
import type { TcpSegment } from '../decode/types.js';

/** One flow to copy: its key, and the capture times `[from, until)` its packets lie in. */
export interface FlowPacketWindow {
  readonly key: FlowKey;
  readonly from: Micros;
  readonly until: Micros;
}

/** What {@link copyFlowPackets} wrote. */
export interface CopiedPackets {
  /** Packets written. */
  readonly packets: number;
  /** Link type of the file written (that of the first packet copied; Ethernet when none was). */
  readonly linkType: number;
  /** Packets of the flows left out because their link type differs from the file's (a pcapng with several). */
  readonly otherLinkTypePackets: number;
}

/**
 * Reads capture `source` again and writes the packets of `windows` to a new classic pcap file at
 * `path` (created or truncated), in file order. Timestamps keep their precision: microsecond
 * records for a microsecond pcap source, nanosecond records otherwise. The file takes the link
 * type of the first packet copied; later packets of another link type are counted in
 * `otherLinkTypePackets` and left out. The source is read in batches (the event loop gets a turn
 * between them), through the same decoder as the engine, so the packets match the flows it saw.
 *
 * Left out: the earlier fragments of a fragmented IP datagram (only the one completing it is
 * matched, as only then are its ports known). A damaged source is copied up to the damage.
 * @throws UserError (a rejection, one line), after removing a partly written file: the source
 *   cannot be read (`cannot read capture ...`), `path` cannot be written (`cannot write PATH:
 *   reason`), or `path` is the source itself.
 */
export async function copyFlowPackets(source: string, windows: readonly FlowPacketWindow[], path: string, signal?: AbortSignal): Promise<CopiedPackets> {
  if (sameFile(source, path)) throw new UserError(`cannot write ${path}: it is the capture being read`);
  const matcher = new FlowMatcher(windows);
  const nanos = !isMicrosecondPcap(source);
  let writer: PcapFileWriter | undefined;
  let linkType = -1;
  let otherLinkTypePackets = 0;
  let matched = false;
  const decoder = new PacketDecoder((segment, ts) => {
    matched = matcher.matches(segment, ts);
  });
  const open = (type: number): PcapFileWriter => {
    try {
      return new PcapFileWriter(path, { linkType: type, nanos });
    } catch (err) {
      throw new UserError(`cannot write ${path}: ${fileErrorReason(err, { ENOENT: 'no such directory' })}`);
    }
  };
  const onPacket = (packet: CapturedPacket): void => {
    matched = false;
    decoder.decode(packet);
    if (!matched) return;
    if (writer === undefined) {
      linkType = packet.linkType;
      writer = open(linkType);
    } else if (packet.linkType !== linkType) {
      otherLinkTypePackets++;
      return;
    }
    writer.writePacket(packet.ts, packet.buffer.subarray(packet.start, packet.end), packet.origLen);
  };
  try {
    try {
      await readCapture(source, { onPacket, ...(signal ? { signal } : {}) });
    } catch (err) {
      if (!(err instanceof CaptureFormatError)) throw err;
    }
    writer ??= open(1);
    const done = writer;
    writer = undefined;
    done.close();
    return { packets: done.packetCount, linkType: linkType < 0 ? 1 : linkType, otherLinkTypePackets };
  } catch (err) {
    if (writer !== undefined) {
      try {
        writer.close();
      } catch {
        // the first error is the one to report
      }
      try {
        unlinkSync(path);
      } catch {
        // nothing to remove
      }
    }
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot write ${path}: ${fileErrorReason(err)}`);
  }
}

/** Finds, per decoded segment, whether it belongs to one of the windows' flows. */
class FlowMatcher {
  private readonly byTuple = new Map<string, FlowPacketWindow[]>();
  private readonly ports = new Set<number>();

  constructor(windows: readonly FlowPacketWindow[]) {
    for (const window of windows) {
      const { client, server, vlan } = window.key;
      const tuple = tupleKey(client.addr, client.port, server.addr, server.port, vlan);
      const list = this.byTuple.get(tuple) ?? [];
      list.push(window);
      this.byTuple.set(tuple, list);
      this.ports.add(client.port);
      this.ports.add(server.port);
    }
  }

  /** True when `segment`, seen at `ts`, is a packet of one of the flows (either direction). */
  matches(segment: TcpSegment, ts: Micros): boolean {
    if (!this.ports.has(segment.srcPort) || !this.ports.has(segment.dstPort)) return false;
    const list = this.byTuple.get(tupleKey(segment.srcAddr, segment.srcPort, segment.dstAddr, segment.dstPort, segment.vlan));
    if (list === undefined) return false;
    for (const window of list) if (ts >= window.from && ts < window.until) return true;
    return false;
  }
}

/** The same string for both directions of a 4-tuple (and VLAN). */
function tupleKey(a: string, aPort: number, b: string, bPort: number, vlan: number | undefined): string {
  const aFirst = a < b || (a === b && aPort <= bPort);
  return aFirst ? `${vlan ?? ''}|${a}|${aPort}|${b}|${bPort}` : `${vlan ?? ''}|${b}|${bPort}|${a}|${aPort}`;
}

/** True when `a` and `b` name the same existing file. */
function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** True when `path` starts with the magic of a classic pcap with microsecond timestamps. */
function isMicrosecondPcap(path: string): boolean {
  const magic = new Uint8Array(4);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (readSync(fd, magic, 0, 4, 0) < 4) return false;
  } catch {
    return false; // readCapture says why
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return isMicrosecondPcapMagic((magic[0] << 24 | magic[1] << 16 | magic[2] << 8 | magic[3]) >>> 0);
}
