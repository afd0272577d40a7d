/**
 * How a TUI run's messages are parsed. A seekable capture file's flows are parsed from the store
 * once the file is loaded ({@link MessageBackfill}: the load is not slowed, the bytes are read
 * back from the file). Every other source (a live capture, the proxy, a pipe or FIFO as `-r -`)
 * is parsed as its events come: its bytes are not read back cheaply, and it may run for hours.
 */
import type { FlowEventSink } from '../core/types.js';
import type { MessageTable } from '../messages/messageTable.js';
import type { FlowStore } from '../store/flowStore.js';
import { MessageBackfill } from '../tui/messageBackfill.js';

/** Flows the message table may hold beyond the store's before it drops those the store let go. */
const PRUNE_SLACK = 10_000;
/**
 * HTTP exchanges a live run's messages keep (about 1.75 KB each): past them the oldest flows go,
 * until a tenth of them is free. A proxy left open in front of a busy service stays bounded.
 */
const MAX_EXCHANGES_HELD = 200_000;

/**
 * The feed of one run: its sinks go beside the store's; `sourceEnded` when the source ended (it
 * resolves when the messages are complete); `stop` at quit.
 */
export interface MessageFeed {
  readonly sinks: readonly FlowEventSink[];
  sourceEnded(): Promise<void>;
  stop(): void;
  /** `parsing 40%` while a loaded file's flows are parsed, else undefined. */
  activity(): string | undefined;
}

/**
 * The feed filling `table` for a source whose bytes `store` holds: parsed after the load when
 * `seekable` (a regular file), else as the events come, keeping at most about `maxExchanges`
 * HTTP exchanges. `onProgress` after each flow parsed late, with its id.
 */
export function messageFeed(store: FlowStore, table: MessageTable, seekable: boolean, onProgress: (flowId: number) => void, maxExchanges = MAX_EXCHANGES_HELD): MessageFeed {
  if (!seekable) return { sinks: [keepMessagesOfHeldFlows(table, store, maxExchanges)], sourceEnded: async () => undefined, stop: () => undefined, activity: () => undefined };
  const backfill = new MessageBackfill(store, table, onProgress);
  return {
    sinks: [],
    sourceEnded: () => backfill.run(),
    stop: () => backfill.stop(),
    activity: () => (backfill.busy ? `parsing ${Math.floor((100 * backfill.done) / Math.max(1, backfill.total))}%` : undefined),
  };
}

/**
 * The message table's sink, forgetting the messages of flows the store let go: whenever the
 * table holds {@link PRUNE_SLACK} more flows than the store, one pass drops the gone ones
 * (amortised O(1) per flow). Past `maxExchanges` exchanges kept, the store lets its oldest flows
 * go (and their messages with them) until a tenth of them is free.
 */
function keepMessagesOfHeldFlows(messages: MessageTable, store: FlowStore, maxExchanges: number): FlowEventSink {
  return (event) => {
    messages.apply(event);
    if (messages.exchangesKept > maxExchanges) {
      for (let id = store.evictOldest(); id !== undefined; id = messages.exchangesKept > maxExchanges * 0.9 ? store.evictOldest() : undefined) messages.delete(id);
    }
    if (event.type !== 'flow-start' || messages.size <= store.size + PRUNE_SLACK) return;
    for (const flowId of [...messages.flowIds()]) if (store.getFlow(flowId) === undefined) messages.delete(flowId);
  };
}
