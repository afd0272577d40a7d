/**
 * The `w` key: writes the flows shown to a pcap file that Wireshark opens.
 *
 * - A capture file source: the ORIGINAL packets, copied from the file read again
 *   (`engine/flowPackets.ts`): both directions of each flow's 4-tuple (and VLAN), from the
 *   flow's start until the next flow of the same 4-tuple held by the store starts or, for a flow
 *   that ended, until 2 minutes after its end (the time the reassembler still counts late packets
 *   of a closed 4-tuple as the closed flow's, so trailing ACKs and retransmitted FINs come along).
 * - Live capture and the proxy (`synthesized`): packets made from the store, by replaying each
 *   flow into the `-w` writer (`PcapOutput`): handshake, MSS-sized segments, FIN or RST. Flows
 *   follow one another (each in time order), sorted by start; gaps stay holes in sequence space.
 */
import { countOf } from '../../core/count.js';
import { unlink } from 'node:fs/promises';
import { PcapFileWriter } from '../../capture/pcapWriter.js';
import { fileErrorReason, UserError } from '../../core/errors.js';
import type { FlowKey, Micros } from '../../core/types.js';
import { copyFlowPackets, type FlowPacketWindow } from '../../engine/flowPackets.js';
import { PcapOutput } from '../../outputs/pcapFile.js';
import type { FlowRecord, FlowStore } from '../../store/flowStore.js';
import { FlowGoneError, replayFlow, type ReplaySource } from './replayFlow.js';

/** Where the flows came from: a capture file to copy packets from, or a source without one. */
export type PcapSource = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'synthesized' };

/** What the store must give {@link writeFlowsPcap} (the store satisfies it). */
export type PcapStore = ReplaySource & Pick<FlowStore, 'flows'>;

/** What {@link writeFlowsPcap} wrote. */
export interface WrittenPcap {
  /** Packets written. */
  readonly packets: number;
  /** Flows written (the ones asked for that the store still held). */
  readonly flows: number;
  /** Original packets left out because their link type differs from the file's (a pcapng with several). */
  readonly otherLinkTypePackets: number;
  /** True when the packets were rebuilt from the streams (handshake, segments, times made up), not copied. */
  readonly rebuilt: boolean;
}

/** How long after a flow's end its late packets are still its own (the reassembler's closed-flow linger). */
const CLOSED_LINGER_MICROS = 2 * 60 * 1_000_000;

/**
 * Writes flows `flowIds` of `store` to a new pcap file at `path` (created or truncated: the caller
 * asks before replacing a file), original or synthesized packets as `source` says (see the module
 * comment); a file source of `-` (stdin cannot be read again) is written synthesized. Flows the
 * store no longer holds are skipped. Reading and writing go in batches: the event loop keeps
 * turning.
 * @throws UserError (a rejection, one line) after removing a partly written file: `cannot write
 *   PATH: reason`, `cannot read capture FILE: reason`, or `cannot write PATH: none of these flows is
 *   held any more`.
 */
export async function writeFlowsPcap(store: PcapStore, flowIds: readonly number[], path: string, source: PcapSource): Promise<WrittenPcap> {
  const flows = flowIds.map((id) => store.getFlow(id)).filter((flow): flow is FlowRecord => flow !== undefined);
  if (flows.length === 0) throw new UserError(`cannot write ${path}: none of these flows is held any more`);
  if (source.kind === 'file' && source.path !== '-') {
    const copied = await copyFlowPackets(source.path, packetWindows(store, flows), path);
    return { packets: copied.packets, flows: flows.length, otherLinkTypePackets: copied.otherLinkTypePackets, rebuilt: false };
  }
  return { packets: await synthesize(store, flows, path), flows: flows.length, otherLinkTypePackets: 0, rebuilt: true };
}

/**
 * What the status line for `w` says before the file's path: `wrote N packets of M flows to `; when
 * the packets were rebuilt from the streams (no capture of the wire), `wrote N packets rebuilt
 * from the streams to ` (short enough that an 80-column row keeps the file's name after it).
 */
export function writtenPcapPrefix(written: Pick<WrittenPcap, 'packets' | 'flows' | 'rebuilt'>): string {
  if (written.rebuilt) return `wrote ${countOf(written.packets, 'packet')} rebuilt from the streams to `;
  return `wrote ${countOf(written.packets, 'packet')} of ${countOf(written.flows, 'flow')} to `;
}

/** Each flow's time window (see the module comment), from one pass over the flows held. */
export function packetWindows(store: Pick<FlowStore, 'flows'>, flows: readonly FlowRecord[]): FlowPacketWindow[] {
  const starts = new Map<string, Micros[]>();
  for (const flow of flows) starts.set(tupleOf(flow.key), []);
  for (const held of store.flows()) starts.get(tupleOf(held.key))?.push(held.startTs);
  return flows.map((flow) => {
    let until = flow.end === undefined ? Infinity : flow.end.ts + CLOSED_LINGER_MICROS;
    for (const start of starts.get(tupleOf(flow.key))!) if (start > flow.startTs && start < until) until = start;
    return { key: flow.key, from: flow.startTs, until };
  });
}

/** The same string for a flow key whichever side is the client. */
function tupleOf(key: FlowKey): string {
  const a = `${key.client.addr}|${key.client.port}`;
  const b = `${key.server.addr}|${key.server.port}`;
  return `${key.vlan ?? ''}|${a < b ? a : b}|${a < b ? b : a}`;
}

/** Replays `flows` (sorted by start) into a `-w` writer at `path`; returns the packets written. */
async function synthesize(store: PcapStore, flows: readonly FlowRecord[], path: string): Promise<number> {
  let file: PcapFileWriter;
  try {
    file = new PcapFileWriter(path);
  } catch (err) {
    throw new UserError(`cannot write ${path}: ${fileErrorReason(err, { ENOENT: 'no such directory' })}`);
  }
  const output = new PcapOutput(file, { name: path });
  try {
    for (const flow of [...flows].sort((a, b) => a.startTs - b.startTs)) {
      if (store.getFlow(flow.id) !== flow) continue; // evicted meanwhile
      try {
        await replayFlow(store, flow.id, (event) => output.handle(event));
      } catch (err) {
        if (!(err instanceof FlowGoneError)) throw err;
      }
    }
    output.close();
    return file.packetCount;
  } catch (err) {
    try {
      output.close();
    } catch {
      // the first error is the one to report
    }
    await unlink(path).catch(() => undefined);
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot write ${path}: ${fileErrorReason(err)}`);
  }
}
