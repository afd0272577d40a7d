import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runCapture } from '../../src/engine/captureRun.js';
import { MessageTable } from '../../src/messages/messageTable.js';
import { FlowStore } from '../../src/store/flowStore.js';
import { MessageBackfill } from '../../src/tui/messageBackfill.js';
import { replayFlow } from '../../src/tui/actions/replayFlow.js';
import { corpusFiles, corpusMissingReason, corpusPath } from '../support/corpus.js';
import { cannotRun } from '../support/requirements.js';

const DEMO = fileURLToPath(new URL('../../demo/demo.pcap', import.meta.url));

describe('message backfill', () => {
  it('parses a loaded capture\'s flows from the store: the same summaries as parsing while loading', async () => {
    const store = new FlowStore({ sourceFile: DEMO });
    const eager = new MessageTable();
    await runCapture({ source: DEMO, sinks: [(event) => store.apply(event), (event) => eager.apply(event)] });
    const table = new MessageTable();
    let progress = 0;
    const backfill = new MessageBackfill(store, table, () => progress++);
    const running = backfill.run();
    expect(backfill.total).toBe(5);
    await running;
    expect(backfill.busy).toBe(false);
    expect(progress).toBe(5);
    for (const id of [1, 2, 3, 4, 5]) expect(table.get(id)?.summary(), `flow ${id}`).toBe(eager.get(id)?.summary());
    expect(table.get(3)?.summary()).toMatch(/^! #2 GET \/api\/status\?again=1 → after-close/);
    store.dispose();
  });

  it('stops after the flow in progress', async () => {
    const store = new FlowStore({ sourceFile: DEMO });
    await runCapture({ source: DEMO, sinks: [(event) => store.apply(event)] });
    const table = new MessageTable();
    const backfill = new MessageBackfill(store, table, () => backfill.stop());
    await backfill.run();
    expect(backfill.done).toBe(1);
    expect(table.get(2)).toBeUndefined();
    store.dispose();
  });
});

/** Everything a flow's messages hold, parser state included (byte arrays by length, objects met again by a marker). */
function fingerprint(table: MessageTable, flowId: number): string {
  const flow = table.get(flowId);
  if (flow === undefined) return 'none';
  const seen = new WeakSet<object>();
  return `${flow.summary()}\n${JSON.stringify(flow, (key, value: unknown) => {
    if (key === 'listener' || key === 'channels') return undefined;
    if (ArrayBuffer.isView(value)) return `bytes(${value.byteLength})`;
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '(again)';
      seen.add(value);
    }
    return value;
  })}`;
}

/** The flows of `file` parsed from the store chunk by chunk, and with the chunks of bodies joined (as the backfill does): their fingerprints, and the data events each way. */
async function bothWays(file: string): Promise<{ single: string[]; joined: string[]; singleEvents: number; joinedEvents: number }> {
  const store = new FlowStore({ sourceFile: file });
  await runCapture({ source: file, sinks: [(event) => store.apply(event)] });
  const single = new MessageTable();
  const joined = new MessageTable();
  let singleEvents = 0;
  let joinedEvents = 0;
  for (const { id } of [...store.flows()]) {
    await replayFlow(store, id, (e) => { singleEvents++; single.apply(e); }, { pause: () => undefined });
    await replayFlow(store, id, (e) => { joinedEvents++; joined.apply(e); }, { pause: () => undefined, skippable: (dir) => joined.skippable(id, dir) });
  }
  const ids = [...store.flows()].map((f) => f.id);
  store.dispose();
  return { single: ids.map((id) => fingerprint(single, id)), joined: ids.map((id) => fingerprint(joined, id)), singleEvents, joinedEvents };
}

describe('message backfill, body chunks joined', () => {
  it('gives the demo\'s flows the same messages as chunk by chunk, in fewer events', async () => {
    const { single, joined, singleEvents, joinedEvents } = await bothWays(DEMO);
    expect(joined).toEqual(single);
    expect(single.join('\n')).toContain('GET /api/status');
    expect(joinedEvents).toBeLessThan(singleEvents);
  });

  it.skipIf(cannotRun(corpusMissingReason, 'backfill corpus test'))('gives every corpus capture\'s flows the same messages as chunk by chunk', async () => {
    let saved = 0;
    for (const name of corpusFiles()) {
      const { single, joined, singleEvents, joinedEvents } = await bothWays(corpusPath(name));
      expect(joined, name).toEqual(single);
      saved += singleEvents - joinedEvents;
    }
    expect(saved).toBeGreaterThan(1000);
  }, 120_000);
});
