import { describe, expect, it } from 'vitest';
import { messageFeed } from '../../src/cli/messageFeed.js';
import type { FlowEvent } from '../../src/core/types.js';
import { runCapture } from '../../src/engine/captureRun.js';
import { MessageTable } from '../../src/messages/messageTable.js';
import { FlowStore } from '../../src/store/flowStore.js';
import { DEMO } from '../support/demo.js';

/** The demo's events, in order. */
async function demoEvents(): Promise<FlowEvent[]> {
  const events: FlowEvent[] = [];
  // Data events are valid only during the call: keep a copy of their bytes.
  await runCapture({ source: DEMO, sinks: [(event) => events.push(event.type === 'data' ? { ...event, bytes: event.bytes.slice() } : event)] });
  return events;
}

describe('message feed of a TUI run', () => {
  it('a source that cannot be read back (-r -, a FIFO, live, proxy) is parsed as its events come', async () => {
    const store = new FlowStore({});
    const table = new MessageTable();
    const feed = messageFeed(store, table, false, () => undefined);
    const events = await demoEvents();
    // Up to the SMTP flow's end, before the source ends: its summary is there already.
    const smtpEnd = events.findIndex((event) => event.type === 'flow-end' && event.flowId === 2);
    for (const event of events.slice(0, smtpEnd + 1)) {
      store.apply(event);
      for (const sink of feed.sinks) sink(event);
    }
    expect(table.get(2)?.summary()).toMatch(/^SMTP EHLO laptop\.example\.com → 250/);
    expect(feed.activity()).toBeUndefined();
    store.dispose();
  });

  it('past its cap of HTTP exchanges, a live feed lets the oldest flows go, messages and all', async () => {
    const store = new FlowStore({});
    const table = new MessageTable();
    // The demo has 4 exchanges in flows 1, 3 and 5: a cap of 2 lets flow 1 (2 exchanges) go at flow 5's.
    const feed = messageFeed(store, table, false, () => undefined, 2);
    for (const event of await demoEvents()) {
      store.apply(event);
      for (const sink of feed.sinks) sink(event);
    }
    expect(table.exchangesKept).toBeLessThanOrEqual(2);
    expect(store.getFlow(1)).toBeUndefined();
    expect(table.get(1)).toBeUndefined();
    expect(store.evictedFlows).toBeGreaterThan(0);
    expect(table.get(5)?.http?.exchanges).toHaveLength(1);
    store.dispose();
  });

  it('a seekable capture file is parsed from the store once it is loaded', async () => {
    const store = new FlowStore({ sourceFile: DEMO });
    const table = new MessageTable();
    let parsed = 0;
    const activity: (string | undefined)[] = [];
    const feed = messageFeed(store, table, true, () => {
      parsed++;
      activity.push(feed.activity());
    });
    expect(feed.sinks).toEqual([]);
    await runCapture({ source: DEMO, sinks: [(event) => store.apply(event), ...feed.sinks] });
    expect(table.size).toBe(0);
    await feed.sourceEnded();
    expect(parsed).toBe(5);
    // While flows are left, the status row's activity says how far the parse is.
    expect(activity).toEqual(['parsing 20%', 'parsing 40%', 'parsing 60%', 'parsing 80%', undefined]);
    expect(table.get(2)?.summary()).toMatch(/^SMTP EHLO laptop\.example\.com → 250/);
    expect(feed.activity()).toBeUndefined();
    store.dispose();
  });
});
