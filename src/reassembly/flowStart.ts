/**
 * Starting flows (R2, R14, R15, R18): who is the client, whether a SYN on known ports opens
 * a new connection, and the `flow-start` of a new flow (after evicting one at the open-flow cap).
 */
import { seqAdd } from '../core/seq.js';
import type { FlowKey, Micros } from '../core/types.js';
import { TCP_ACK, TCP_SYN, type TcpSegment } from '../decode/types.js';
import { MAX_AHEAD, type ReassemblyContext } from './context.js';
import { evictLeastActive } from './ending.js';
import { Flow } from './flowState.js';
import { isFromClient, type ClosedFlow } from './flowTable.js';
import { guessSenderIsClient } from './ports.js';

/**
 * Starts a flow for `segment` (R2: roles from the SYN, else guessed from the ports), in the
 * table chain `hash`, and emits its `flow-start`. At the open-flow cap the least recently
 * active flow ends first (R18).
 */
export function startFlow(ctx: ReassemblyContext, segment: TcpSegment, hash: number, ts: Micros): Flow {
  const flags = segment.flags;
  const syn = (flags & TCP_SYN) !== 0;
  const ack = (flags & TCP_ACK) !== 0;
  const senderIsClient = syn ? !ack : guessSenderIsClient(segment.srcPort, segment.dstPort);
  const src = { addr: segment.srcAddr, port: segment.srcPort };
  const dst = { addr: segment.dstAddr, port: segment.dstPort };
  const client = senderIsClient ? src : dst;
  const server = senderIsClient ? dst : src;
  const key: FlowKey =
    segment.vlan === undefined ? { client, server } : { client, server, vlan: segment.vlan };
  const counters = ctx.counters;
  if (counters.openFlows >= ctx.maxOpenFlows) evictLeastActive(ctx, ts);
  const flow = new Flow(ctx.nextFlowId(), key, hash, syn, ts, ctx.time.now);
  ctx.table.add(flow);
  ctx.time.append(flow);
  counters.flows++;
  counters.openFlows++;
  ctx.sink({ type: 'flow-start', flowId: flow.id, key, ts, origin: 'capture', sawHandshake: syn });
  return flow;
}

/** R14: a SYN on a closed 4-tuple starts a new flow unless it repeats the closed flow's ISN. */
export function isNewSynAfterClose(segment: TcpSegment, closed: ClosedFlow, ts: Micros): boolean {
  const flags = segment.flags;
  if ((flags & TCP_SYN) === 0) return false;
  // A plain SYN sent after the close opens a new connection even with the old ISN (stacks
  // that reuse it, crafted captures): dropping it would lose a whole connection without a
  // word. One stamped before the close is the old connection's, late in a reordered file.
  if ((flags & TCP_ACK) === 0) return ts >= closed.closedAt;
  const fromClient = segment.srcAddr === closed.clientAddr && segment.srcPort === closed.clientPort;
  const oldIsn = fromClient ? closed.clientIsn : closed.serverIsn;
  return oldIsn !== segment.seq;
}

/** R15: true when a SYN on an open flow belongs to a new connection reusing the ports. */
export function synStartsNewConnection(flow: Flow, segment: TcpSegment): boolean {
  const d = isFromClient(flow, segment) ? flow.c2s : flow.s2c;
  // A SYN again after the peer reset the connection is a new attempt, even with the same ISN (a
  // client retrying a refused connection): each attempt is a flow of its own.
  if (d.synSeen && flow.reset !== null && flow.reset.by !== d && (segment.flags & TCP_ACK) === 0) return true;
  if (d.synSeen) return d.isn !== segment.seq;
  // A first SYN of this side whose ISN+1 is exactly this direction's offset 0 belongs to the
  // flow (a SYN captured after the SYN-ACK or after the first data).
  if (d.started) {
    const offset = d.offsetOf(seqAdd(segment.seq, 1));
    // A SYN captured after a mid-stream start whose offset 0 is still tentative: it moves it back.
    if (d.tentativeUntil >= 0 && offset < 0 && offset >= -MAX_AHEAD) return false;
    return offset !== 0;
  }
  // Simultaneous open: the peer's SYN started the flow and this side has sent nothing yet.
  return !flow.handshake;
}
