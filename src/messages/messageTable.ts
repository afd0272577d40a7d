/**
 * The messages of every flow, kept beside the store: a FlowEventSink that gives each flow its
 * {@link FlowMessages} and routes the flow's events to it. A flow gets them at its first event
 * after `flow-start` (until then only its start is kept, and a flow that ends with nothing else
 * is forgotten), or at once when it starts `connecting` (its summary tells of its upstream), so that a scan of a million data-less
 * connections costs little. Memory follows the flows held: the owner deletes a flow's messages
 * when the store lets the flow go.
 */
import { CompactFlowKey } from '../core/compactKey.js';
import { type DataEvent, type Direction, type FlowEvent, type FlowKey } from '../core/types.js';
import { DataChannels } from './ftpData.js';
import { FlowMessages, type MessageListener } from './flowMessages.js';

/** Per-flow messages by flow id. */
export class MessageTable {
  private readonly byId = new Map<number, FlowMessages>();
  /** The keys of the flows started with no other event yet, by flow id (compact: a scan has many). */
  private readonly started = new Map<number, CompactFlowKey>();
  /** Those of them that started without a handshake. */
  private readonly startedMidStream = new Set<number>();
  private readonly channels = new DataChannels();
  /**
   * The flow of the last data event, and its id (-1: none): most data events are of the same flow
   * as the one before. Forgotten at any other event and at {@link delete}.
   */
  private lastFlow: FlowMessages | undefined = undefined;
  private lastFlowId = -1;

  /** HTTP exchanges kept by the flows held (what their messages' memory mostly follows). */
  exchangesKept = 0;
  private readonly listener: MessageListener;

  /** `listener` is told of each message as it is over (for --json), for every flow. */
  constructor(listener: MessageListener = {}) {
    this.listener = { ...listener, onExchangeKept: () => this.exchangesKept++ };
  }

  /** The sink: call with every event, in order (events of a flow not started here are ignored). */
  apply(event: FlowEvent): void {
    // Data events are most of the traffic: handled in a function of their own, so its field reads
    // see one event shape (fast property access) rather than every shape.
    if (event.type === 'data') {
      this.applyData(event);
      return;
    }
    this.lastFlowId = -1;
    if (event.type === 'flow-start') {
      // An announced FTP data connection is claimed as it opens, even if it never carries a byte.
      const dataChannel = this.channels.claim(event.key.server, event.flowId);
      if (dataChannel !== undefined) {
        this.create(event.flowId, event.key, !event.sawHandshake).dataChannel = dataChannel;
      } else if (event.connecting) {
        // Its summary tells of the upstream at once, and of the failure if it comes to that.
        this.create(event.flowId, event.key, !event.sawHandshake, true);
      } else {
        this.started.set(event.flowId, new CompactFlowKey(event.key));
        if (!event.sawHandshake) this.startedMidStream.add(event.flowId);
      }
      return;
    }
    // A flow ending with nothing else is forgotten.
    if (event.type === 'flow-end' && this.started.has(event.flowId)) {
      this.delete(event.flowId);
      return;
    }
    this.flow(event.flowId)?.apply(event);
  }

  private applyData(event: DataEvent): void {
    const flowId = event.flowId;
    if (flowId !== this.lastFlowId) {
      this.lastFlow = this.flow(flowId);
      this.lastFlowId = flowId;
    }
    this.lastFlow?.applyData(event);
  }

  /** The messages of flow `flowId`, made from its start at its first event; undefined when unknown. */
  private flow(flowId: number): FlowMessages | undefined {
    const flow = this.byId.get(flowId);
    if (flow !== undefined) return flow;
    const key = this.started.get(flowId);
    if (key === undefined) return undefined;
    const midStream = this.startedMidStream.has(flowId);
    this.delete(flowId);
    return this.create(flowId, key.flowKey(), midStream);
  }

  private create(flowId: number, key: FlowKey, midStream: boolean, connecting = false): FlowMessages {
    const flow = new FlowMessages(flowId, this.listener, this.channels);
    flow.start(key, midStream, connecting);
    this.byId.set(flowId, flow);
    return flow;
  }

  /**
   * The messages of flow `flowId`; undefined when the flow is unknown, was deleted, or has had no
   * event since its start (it has no messages yet).
   */
  get(flowId: number): FlowMessages | undefined {
    return this.byId.get(flowId);
  }

  /**
   * How many bytes of direction `dir` of flow `flowId`, from its next offset, {@link apply} takes
   * without reading them (see {@link FlowMessages.skippable}); 0 for a flow without messages yet.
   */
  skippable(flowId: number, dir: Direction): number {
    return this.byId.get(flowId)?.skippable(dir) ?? 0;
  }

  /** Forgets a flow's messages (e.g. when the store evicts the flow). */
  delete(flowId: number): void {
    this.exchangesKept -= this.byId.get(flowId)?.http?.exchanges.length ?? 0;
    if (flowId === this.lastFlowId) {
      this.lastFlowId = -1;
      this.lastFlow = undefined;
    }
    this.byId.delete(flowId);
    this.started.delete(flowId);
    this.startedMidStream.delete(flowId);
  }

  /** Number of flows held (with messages or only started). */
  get size(): number {
    return this.byId.size + this.started.size;
  }

  /** The ids of the flows held (with messages or only started). */
  *flowIds(): IterableIterator<number> {
    yield* this.byId.keys();
    yield* this.started.keys();
  }

  /** Every flow's messages, in the order the flows got their first event after the start. */
  values(): IterableIterator<FlowMessages> {
    return this.byId.values();
  }
}
