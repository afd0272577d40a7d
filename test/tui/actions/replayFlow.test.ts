import { beforeAll, describe, expect, it } from 'vitest';
import type { FlowEvent, FlowKey } from '../../../src/core/types.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { replayFlow, snapshotFlow } from '../../../src/tui/actions/replayFlow.js';
import { demoPcap, logOf, replayedLog, runIntoStore, type DemoRun } from './demoRun.js';


/** The log with its half-close lines moved to just before its last line, client's first (what the replay approximates). */

/** The `HH:MM:SS.uuuuuu` time a log line starts with, in seconds (0 for the empty last line). */
const seconds = (line: string): number => (line === '' ? 0 : line.slice(0, 15).split(':').reduce((t, part) => t * 60 + Number(part), 0));


describe.each([
  ['bytes referenced in the capture file', true],
  ['bytes copied into the store', false],
])('replaying the demo flows (%s)', (_name, referenceFile) => {
  let run: DemoRun;
  beforeAll(async () => {
    run = await runIntoStore(demoPcap, referenceFile);
  });

  it('gives the --log text of the capture run for every flow (2: SMTP, 3: data after the server FIN, with its note)', async () => {
    expect([...run.log.keys()]).toEqual([1, 2, 3, 4, 5]);
    for (const id of run.log.keys()) {
      const replayed = await replayedLog(run.store, id);
      expect(replayed, `flow ${id}`).toBe(run.log.get(id));
      expect(replayed.split('\n').length, `flow ${id}`).toBeGreaterThan(3);
    }
    expect(run.log.get(3)).toContain('=note: the client sent 297+ bytes after the server closed');
  });

  it('keeps the timestamps (--log --timestamps): exactly, or within the store\'s 1 ms merge window', async () => {
    for (const id of run.log.keys()) {
      const replayed = await replayedLog(run.store, id, { timestamps: true });
      const original = run.timedLog.get(id)!;
      if (referenceFile) {
        expect(replayed, `flow ${id}`).toBe(original);
        continue;
      }
      const [a, b] = [replayed, original].map((log) => log.split('\n'));
      expect(a.map((l) => l.slice(16)), `flow ${id}`).toEqual(b.map((l) => l.slice(16)));
      a.forEach((line, i) => expect(Math.abs(seconds(line) - seconds(b[i])), `flow ${id}: ${line}`).toBeLessThanOrEqual(0.001));
    }
  });

  it('gives the same text when data comes in small slices', async () => {
    for (const id of run.log.keys()) {
      expect(await replayedLog(run.store, id, {}, { sliceBytes: 7, pauseEveryBytes: 100 }), `flow ${id}`).toBe(await replayedLog(run.store, id));
    }
  });
});

const key: FlowKey = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } };
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const data = (dir: 'c2s' | 's2c', offset: number, s: string, ts: number): FlowEvent => {
  const bytes = text(s);
  return { type: 'data', flowId: 1, dir, offset, bytes, length: bytes.length, ts, fileOffset: -1 };
};

function storeOf(events: FlowEvent[], options = {}): FlowStore {
  const store = new FlowStore(options);
  for (const event of events) store.apply(event);
  return store;
}

async function replayed(store: FlowStore, flowId = 1, options = {}): Promise<FlowEvent[]> {
  const out: FlowEvent[] = [];
  await replayFlow(store, flowId, (e) => out.push(e.type === 'data' ? { ...e, bytes: e.bytes.slice() } : e), options);
  return out;
}

describe('replayFlow', () => {
  const start: FlowEvent = { type: 'flow-start', flowId: 1, key, ts: 1_000_000, origin: 'capture', sawHandshake: true };

  it('replays a gap and a note at their places', async () => {
    const events: FlowEvent[] = [
      start,
      data('c2s', 0, 'GET / HTTP/1.1\r\n\r\n', 1_010_000),
      data('s2c', 0, 'HTTP/1.1 200 OK\r\n\r\nab', 1_020_000),
      { type: 'gap', flowId: 1, dir: 's2c', offset: 21, length: 1000, ts: 1_030_000 },
      data('s2c', 1021, 'cd\n', 1_040_000),
      { type: 'note', flowId: 1, ts: 1_050_000, text: 'c2s sent 5+ bytes after the server closed (FIN)' },
      data('c2s', 18, 'late\n', 1_050_000),
      { type: 'half-close', flowId: 1, dir: 'c2s', ts: 1_060_000 },
      { type: 'half-close', flowId: 1, dir: 's2c', ts: 1_060_000 },
      { type: 'flow-end', flowId: 1, ts: 1_060_000, reason: 'fin', detail: undefined },
    ];
    const store = storeOf(events);
    const out = await replayed(store);
    expect(out).toEqual(events);
    const log = await replayedLog(store, 1);
    expect(log).toBe(logOf(events));
    expect(log).toContain('=gap of 1,000 bytes from server at offset 21\n<cd\n=note: c2s sent 5+ bytes');
  });

  it('replays notes and half-closes where they came, when the capture clock steps back; a note splits the data around it', async () => {
    const events: FlowEvent[] = [
      start,
      data('c2s', 0, 'GET /a HTTP/1.1\r\n\r\n', 1_010_000),
      data('s2c', 0, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 1_020_000),
      // The clock steps back a second (an NTP step during the capture).
      data('c2s', 20, 'GET /b HTTP/1.1\r\n', 20_000),
      { type: 'note', flowId: 1, ts: 20_000, text: 'between two pieces of one segment run' },
      data('c2s', 37, '\r\n', 20_000),
      { type: 'half-close', flowId: 1, dir: 'c2s', ts: 30_000 },
      data('s2c', 38, 'HTTP/1.1 204 No Content\r\n\r\n', 40_000),
      { type: 'half-close', flowId: 1, dir: 's2c', ts: 40_000 },
      { type: 'flow-end', flowId: 1, ts: 40_000, reason: 'fin', detail: undefined },
    ];
    const store = storeOf(events);
    expect(await replayed(store)).toEqual(events);
  });

  it('replays two half-closes that came together in the order they came, whatever their times', async () => {
    const events: FlowEvent[] = [
      start,
      data('c2s', 0, 'GET / HTTP/1.1\r\n\r\n', 1_010_000),
      { type: 'half-close', flowId: 1, dir: 's2c', ts: 1_050_000 },
      { type: 'half-close', flowId: 1, dir: 'c2s', ts: 1_040_000 },
      { type: 'flow-end', flowId: 1, ts: 1_060_000, reason: 'fin', detail: undefined },
    ];
    expect(await replayed(storeOf(events))).toEqual(events);
  });

  it('cuts a big chunk into slices of at most sliceBytes, pausing between batches', async () => {
    const big = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
    const store = storeOf([start, { type: 'data', flowId: 1, dir: 's2c', offset: 0, bytes: big, length: big.length, ts: 1_100_000, fileOffset: -1 }]);
    let pauses = 0;
    const out = await replayed(store, 1, { sliceBytes: 4096, pauseEveryBytes: 50_000, pause: () => { pauses++; } });
    const chunks = out.filter((e) => e.type === 'data');
    expect(Math.max(...chunks.map((e) => e.length))).toBe(4096);
    expect(chunks.length).toBe(Math.ceil(big.length / 4096));
    const joined = new Uint8Array(big.length);
    for (const e of chunks) joined.set(e.bytes, e.offset);
    expect(Buffer.from(joined).equals(big)).toBe(true);
    expect(pauses).toBeGreaterThanOrEqual(5);
    expect(out.map((e) => e.type).filter((t) => t !== 'data')).toEqual(['flow-start']); // open, nothing closed
  });

  it('pauses after many small events too (each weighs as 256 bytes)', async () => {
    const events: FlowEvent[] = [start];
    for (let i = 0; i < 3000; i++) events.push(data(i % 2 === 0 ? 'c2s' : 's2c', i >> 1, 'x', 1_100_000 + i));
    const store = storeOf(events);
    expect(store.getFlow(1)!.chunkCount).toBe(3000);
    let pauses = 0;
    const out = await replayed(store, 1, { pause: () => { pauses++; } });
    expect(out.length).toBe(3001);
    // 3,001 events weigh about 770 KB: two pauses on the way (one per 256 KiB), one at the end.
    expect(pauses).toBe(3);
  });

  it('replays an open flow as it is: a half-close where it came, no flow-end', async () => {
    const store = storeOf([start, data('c2s', 0, 'hello\n', 1_100_000), { type: 'half-close', flowId: 1, dir: 'c2s', ts: 1_200_000 }, data('s2c', 0, 'hi\n', 1_300_000)]);
    const out = await replayed(store);
    expect(out.map((e) => e.type)).toEqual(['flow-start', 'data', 'half-close', 'data']);
    expect(out[2]).toEqual({ type: 'half-close', flowId: 1, dir: 'c2s', ts: 1_200_000 });
  });

  it('joins the chunks a sink only counts into one event with the last one\'s time, stopping at a gap, the other direction, a mark or the limit (cut there)', async () => {
    // Chunks 2 ms apart stay apart in the store (it joins only within 1 ms).
    const events: FlowEvent[] = [start, data('c2s', 0, 'GET\n', 1_000_000)];
    for (let i = 0; i < 6; i++) events.push(data('s2c', i * 10, '0123456789', 1_010_000 + i * 2000));
    events.push({ type: 'gap', flowId: 1, dir: 's2c', offset: 60, length: 10, ts: 1_030_000 });
    for (let i = 0; i < 3; i++) events.push(data('s2c', 70 + i * 10, '0123456789', 1_040_000 + i * 2000));
    events.push(data('c2s', 4, 'next\n', 1_050_000));
    events.push(data('s2c', 100, '0123456789', 1_060_000));
    events.push({ type: 'half-close', flowId: 1, dir: 'c2s', ts: 1_061_000 });
    events.push(data('s2c', 110, '0123456789', 1_062_000));
    events.push(data('s2c', 120, '0123456789', 1_064_000));
    const store = storeOf(events);
    expect(store.getFlow(1)!.chunkCount).toBe(15);
    // The sink counts s2c bytes up to offset 95 (then reads), and from 100 on; c2s it reads.
    const skippable = (dir: 'c2s' | 's2c', at: number): number => (dir === 'c2s' ? 0 : at < 95 ? 95 - at : at >= 100 ? Infinity : 0);
    const out: FlowEvent[] = [];
    let next = { c2s: 0, s2c: 0 };
    await replayFlow(store, 1, (e) => {
      out.push({ ...e }); // a data event is one object, refilled
      if (e.type === 'data' || e.type === 'gap') next = { ...next, [e.dir]: e.offset + e.length };
    }, { skippable: (dir) => skippable(dir, next[dir]) });
    const spans = out.filter((e) => e.type !== 'flow-start').map((e) => (e.type === 'data' || e.type === 'gap' ? `${e.type} ${e.dir} ${e.offset}+${e.length} @${e.ts - 1_000_000}` : `${e.type} @${e.ts - 1_000_000}`));
    expect(spans).toEqual([
      'data c2s 0+4 @0',
      'data s2c 0+60 @20000', // six chunks joined: the last one's time
      'gap s2c 60+10 @30000',
      'data s2c 70+20 @42000', // two joined; the third would pass offset 95: it is cut there
      'data s2c 90+5 @44000',
      'data s2c 95+5 @44000',
      'data c2s 4+5 @50000',
      'data s2c 100+10 @60000', // a half-close comes before the next chunk
      'half-close @61000',
      'data s2c 110+20 @64000',
    ]);
  });

  it('joins no further than the snapshot: bytes that grew its last chunk afterwards are left out', async () => {
    const store = storeOf([start, data('c2s', 0, 'GET\n', 1_000_000), data('s2c', 0, '0123456789', 1_010_000)]);
    const asOf = snapshotFlow(store.getFlow(1)!);
    store.apply(data('s2c', 10, 'abcdefghij', 1_010_500)); // within 1 ms: the store grows the last chunk
    expect(store.getFlow(1)!.chunkCount).toBe(2);
    const out: string[] = [];
    await replayFlow(store, 1, (e) => { if (e.type === 'data') out.push(`${e.dir} ${e.offset}+${e.length}`); }, { asOf, skippable: () => Infinity });
    expect(out).toEqual(['c2s 0+4', 's2c 0+10']);
  });

  it('a proxied flow that connected replays connecting, then connected with the address; one that never did, connecting alone', async () => {
    const named = { ...key, server: { addr: 'localhost', port: 8080 } };
    const proxied = (flowId: number): FlowEvent => ({ type: 'flow-start', flowId, key: named, ts: 1_000_000, origin: 'proxy', sawHandshake: true, connecting: true });
    const store = storeOf([proxied(1), { type: 'connected', flowId: 1, ts: 1_200_000, server: { addr: '127.0.0.1', port: 8080 } }, proxied(2)]);
    const starts = async (flowId: number) => (await replayed(store, flowId)).filter((e) => e.type !== 'data').map((e) => (e.type === 'connected' ? `connected ${e.server.addr} @${e.ts}` : e.type === 'flow-start' ? `start${e.connecting ? ' connecting' : ''}` : e.type));
    expect(await starts(1)).toEqual(['start connecting', 'connected 127.0.0.1 @1000000']);
    expect(await starts(2)).toEqual(['start connecting']);
  });

  it('rejects with one line when the flow is not held, or is evicted during the replay', async () => {
    const store = storeOf([start, { type: 'data', flowId: 1, dir: 'c2s', offset: 0, bytes: new Uint8Array(10_000), length: 10_000, ts: 1_100_000, fileOffset: -1 }], { maxFlows: 1 });
    await expect(replayFlow(store, 9, () => undefined)).rejects.toThrow(/^flow 9 is no longer held \(evicted\)$/);
    const evict = (): void => store.apply({ type: 'flow-start', flowId: 2, key, ts: 2_000_000, origin: 'capture', sawHandshake: true });
    await expect(replayFlow(store, 1, () => undefined, { sliceBytes: 1000, pauseEveryBytes: 1000, pause: evict })).rejects.toThrow('flow 1 is no longer held (evicted)');
  });
});
