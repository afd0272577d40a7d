/**
 * Ending flows (R9, R11, R12, R18): when a flow is over (both FINs delivered, a RST and its
 * linger, a peer's RST during it, the open-flow cap), and how it ends: both directions flushed
 * with gaps, one `flow-end`, the flow forgotten by the table and the clock and remembered as
 * recently closed (R14).
 */
import { REFUSED, roleName, type FlowEndReason, type HandshakeSeen, type Micros } from '../core/types.js';
import { TCP_ACK, type TcpSegment } from '../decode/types.js';
import { drain, emitGap, type ReassemblyContext } from './context.js';
import { type DirectionState, type Flow } from './flowState.js';
import { closedKey } from './flowTable.js';
import { formatCount } from '../core/count.js';

/**
 * Ends the flow when nothing more can come: both directions half-closed (reason 'fin'), or,
 * after a RST, the side that did not reset has half-closed (reason 'rst'). R11: when the client
 * sent bytes past the server's FIN, the server's answer to them is a RST: the flow lingers
 * until it comes (reason 'rst'), or both FINs are acknowledged, or the linger time is over.
 */
export function endIfClosed(ctx: ReassemblyContext, flow: Flow, ts: Micros): void {
  if (flow.ended) return;
  const reset = flow.reset;
  if (reset !== null) {
    if ((reset.by === flow.c2s ? flow.s2c : flow.c2s).halfClosed) endReset(ctx, flow);
  } else if (flow.c2s.halfClosed && flow.s2c.halfClosed) {
    if (flow.closing === null && ctx.rstLinger > 0 && sentPastServerClose(flow) && !finsAcked(flow)) {
      flow.closing = { lingerDeadline: ctx.time.now + ctx.rstLinger };
      ctx.time.addLingering(flow);
    } else if (flow.closing === null || finsAcked(flow)) {
      endFlow(ctx, flow, Math.max(ts, flow.lastSeen), 'fin');
    }
  }
}

/** The client sent bytes at or past the server's FIN (R13): the server, closed, resets. */
function sentPastServerClose(flow: Flow): boolean {
  const c2s = flow.c2s;
  return c2s.peerCloseOffset >= 0 && c2s.maxEnd > c2s.peerCloseOffset && flow.s2c.finOffset >= 0;
}

/** Each side acknowledged the other's FIN (the connection's last ACK was seen). */
function finsAcked(flow: Flow): boolean {
  return flow.c2s.peerAckOffset > flow.c2s.finOffset && flow.s2c.peerAckOffset > flow.s2c.finOffset;
}

/** Ends a flow whose linger time is over (the clock's callback): reason 'rst' after a RST, else 'fin' (R11). */
export function endLingered(ctx: ReassemblyContext, flow: Flow): void {
  if (flow.reset !== null) endReset(ctx, flow);
  else endFlow(ctx, flow, flow.lastSeen, 'fin');
}

/**
 * R12: a RST from the sender of d: the first one starts the linger time (the peer's bytes
 * already in flight still count), unless the peer has finished sending already or the RST
 * refuses the connection (nothing can be in flight); a RST from the peer during the linger ends
 * the flow at once. Repeated RSTs of the same side change nothing.
 */
export function onReset(ctx: ReassemblyContext, flow: Flow, d: DirectionState, o: DirectionState, segment: TcpSegment, ts: Micros): void {
  if (flow.reset === null) {
    const hasAck = (segment.flags & TCP_ACK) !== 0;
    ctx.closeNotes.setPeerClose(flow, o, { kind: 'RST', ackSeq: segment.ack, hasAck, ts, seenFrom: segment.seq });
    flow.reset = { by: d, ts, lingerDeadline: ctx.time.now + ctx.rstLinger };
    if (ctx.rstLinger === 0 || o.halfClosed || refused(flow)) endReset(ctx, flow);
    else ctx.time.addLingering(flow);
  } else if (flow.reset.by !== d) {
    endReset(ctx, flow);
  }
}

/**
 * Ends a flow that was reset: reason 'rst', at its last packet; detail {@link REFUSED} when the
 * server reset a connection whose SYN it never answered and which carried no bytes.
 */
export function endReset(ctx: ReassemblyContext, flow: Flow): void {
  const reset = flow.reset!;
  endFlow(ctx, flow, Math.max(reset.ts, flow.lastSeen), 'rst', refused(flow) ? REFUSED : `reset by ${roleName(reset.by.dir)}`);
}

/** The server reset a connection whose SYN it never answered and which carried no bytes (nothing can be in flight). */
function refused(flow: Flow): boolean {
  return flow.reset?.by === flow.s2c && flow.c2s.synSeen && !flow.s2c.synSeen && flow.c2s.maxEnd === 0 && flow.s2c.maxEnd === 0;
}

/** Ends an open flow for `reason`; a flow lingering after a RST or its close ends as it would have (see {@link endLingered}). */
export function endOpenFlow(ctx: ReassemblyContext, flow: Flow, ts: Micros, reason: FlowEndReason, detail: string): void {
  if (flow.reset !== null || flow.closing !== null) endLingered(ctx, flow);
  else endFlow(ctx, flow, ts, reason, detail);
}

/**
 * R18: ends the oldest flow of the activity list (the least recently active to within one
 * activity step), buffers flushed with gaps; it is not remembered as recently closed, so later
 * packets of it start a new (guessed) flow instead of being ignored, unless it was lingering
 * after its close (R11: it ends 'fin' and stays remembered).
 */
export function evictLeastActive(ctx: ReassemblyContext, ts: Micros): void {
  const victim = ctx.time.oldest;
  if (victim === null) return;
  ctx.counters.evictedFlows++;
  // A flow lingering after its close (R11) was over: its late packets (the RST it waited for) stay late.
  const closed = victim.closing !== null;
  endOpenFlow(ctx, victim, ts, 'evicted', `more than ${formatCount(ctx.maxOpenFlows)} open flows: the least recently active one ends`);
  if (!closed) ctx.table.forgetClosed(closedKey(victim));
}

/** R9: flushes both directions with gaps, emits flow-end and forgets the flow (no-op once ended). */
function endFlow(ctx: ReassemblyContext, flow: Flow, ts: Micros, reason: FlowEndReason, detail?: string): void {
  if (flow.ended) return;
  const lastPacket = flow.lastSeen;
  flow.lastSeen = Math.max(flow.lastSeen, ts);
  flush(ctx, flow, flow.c2s, ts);
  flush(ctx, flow, flow.s2c, ts);
  flow.ended = true;
  ctx.sink({ type: 'flow-end', flowId: flow.id, ts, reason, detail, lastSeen: lastPacket, handshake: handshakeSeen(flow) });
  ctx.table.remove(flow);
  ctx.time.unlink(flow);
  ctx.bufferedFlows.delete(flow);
  ctx.counters.openFlows--;
  ctx.table.rememberClosed(flow, ts);
}

/** How far the handshake of a flow begun with a SYN got (bytes either way count as its end); undefined for a mid-stream flow. */
function handshakeSeen(flow: Flow): HandshakeSeen | undefined {
  if (!flow.handshake) return undefined;
  if (flow.c2s.maxEnd > 0 || flow.s2c.maxEnd > 0) return 'complete';
  if (!flow.s2c.synSeen) return 'syn';
  return flow.s2c.peerAckOffset >= 0 ? 'complete' : 'syn-ack';
}

/** R9: settles d's start, then delivers all it buffered with gaps over the holes, up to its FIN. */
function flush(ctx: ReassemblyContext, flow: Flow, d: DirectionState, ts: Micros): void {
  d.tentativeUntil = -1;
  while (!d.buffer.isEmpty) {
    const head = d.buffer.firstOffset();
    if (head > d.nextOffset) emitGap(ctx, flow, d, head - d.nextOffset, ts);
    drain(ctx, flow, d, ts);
  }
  if (!d.started) return;
  if (d.finOffset > d.nextOffset) emitGap(ctx, flow, d, d.finOffset - d.nextOffset, ts);
  drain(ctx, flow, d, ts);
}
