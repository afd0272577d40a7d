/**
 * The messages of every flow, kept beside the store: a FlowEventSink that gives each flow its
 * {@link FlowMessages} at `flow-start` and routes the flow's events to it. Memory follows the
 * flows held: the owner deletes a flow's messages when the store lets the flow go.
 */
import type { DataEvent, FlowEvent } from '../core/types.js';
import { DataChannels } from './ftpData.js';
import { FlowMessages, type MessageListener } from './flowMessages.js';

/** Per-flow messages by flow id. */
export class MessageTable {
  private readonly byId = new Map<number, FlowMessages>();
  private readonly channels = new DataChannels();

  /** `listener` is told of each message as it is over (for --json), for every flow. */
  constructor(private readonly listener: MessageListener = {}) {}

  /** The sink: call with every event, in order (events of a flow not started here are ignored). */
  apply(event: FlowEvent): void {
    // Data events are most of the traffic: handled in a function of their own, so its field reads
    // see one event shape (fast property access) rather than every shape.
    if (event.type === 'data') {
      this.applyData(event);
      return;
    }
    if (event.type === 'flow-start') {
      this.byId.set(event.flowId, new FlowMessages(event.flowId, this.listener, this.channels));
    }
    this.byId.get(event.flowId)?.apply(event);
  }

  private applyData(event: DataEvent): void {
    const flow = this.byId.get(event.flowId);
    if (flow !== undefined) flow.applyData(event);
  }

  /** The messages of flow `flowId`, or undefined when the flow is unknown or was deleted. */
  get(flowId: number): FlowMessages | undefined {
    return this.byId.get(flowId);
  }

  /** Forgets a flow's messages (e.g. when the store evicts the flow). */
  delete(flowId: number): void {
    this.byId.delete(flowId);
  }

  /** Number of flows held. */
  get size(): number {
    return this.byId.size;
  }

  /** Every flow's messages, in the order the flows started. */
  values(): IterableIterator<FlowMessages> {
    return this.byId.values();
  }
}
