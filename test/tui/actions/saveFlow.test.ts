import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowEvent, FlowKey } from '../../../src/core/types.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { flowFileSizes, saveFlow as saveFlowFiles, savedFlowMessage, type SaveFlowOptions, type SaveSource } from '../../../src/tui/actions/saveFlow.js';

/** The paths saveFlow wrote, under the stem `demo-ID`. */
async function saveFlow(store: SaveSource, id: number, dir: string, options?: SaveFlowOptions): Promise<string[]> {
  return (await saveFlowFiles(store, id, dir, `demo-${id}`, options)).map((file) => file.path);
}
import { demoPcap, replayedLog, runIntoStore, type DemoRun } from './demoRun.js';

let tmp: string;
let run: DemoRun;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'flowspy-save-'));
  run = await runIntoStore(demoPcap, true);
});
afterAll(() => {
  run.store.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

let dirCount = 0;
/** A new empty directory. */
const freshDir = (): string => {
  const dir = join(tmp, `d${dirCount++}`);
  mkdirSync(dir);
  return dir;
};

/** Direction `dir` of a flow's events as `-o` writes it: bytes at their offsets, zeros for gaps, up to the last byte or gap. */
function streamOf(events: readonly FlowEvent[], dir: 'c2s' | 's2c'): Buffer {
  let end = 0;
  for (const e of events) if ((e.type === 'data' || e.type === 'gap') && e.dir === dir) end = Math.max(end, e.offset + e.length);
  const out = Buffer.alloc(end);
  for (const e of events) if (e.type === 'data' && e.dir === dir) out.set(e.bytes, e.offset);
  return out;
}


describe('saveFlow', () => {
  it('writes each demo flow\'s two streams as -o does, under the stem\'s names, and its --log --timestamps dialogue', async () => {
    for (const [id, events] of run.events) {
      const dir = freshDir();
      const paths = await saveFlow(run.store, id, dir);
      const key = run.store.getFlow(id)!.key;
      expect(paths.length, `flow ${id}`).toBe(3);
      const [c2s, s2c, log] = paths;
      expect(paths.map((p) => join(dir, basename(p)))).toEqual(paths);
      expect(readdirSync(dir).sort()).toEqual(paths.map((p) => basename(p)).sort());
      expect([basename(c2s), basename(s2c), basename(log)]).toEqual([`demo-${id}-c2s.bin`, `demo-${id}-s2c.bin`, `demo-${id}.log`]);
      expect(readFileSync(c2s).equals(streamOf(events, 'c2s')), `flow ${id} client bytes`).toBe(true);
      expect(readFileSync(s2c).equals(streamOf(events, 's2c')), `flow ${id} server bytes`).toBe(true);
      const dialogue = readFileSync(log, 'utf8');
      expect(dialogue).toBe(await replayedLog(run.store, id, { timestamps: true }));
      expect(dialogue, `flow ${id}`).toBe(run.timedLog.get(id)!);
      expect(Math.abs(statSync(c2s).mtimeMs - run.store.getFlow(id)!.startTs / 1000)).toBeLessThan(1);
    }
  });

  it('never overwrites: a taken name moves all three files to the next free tcpflow suffix of the stem', async () => {
    const dir = freshDir();
    const first = await saveFlow(run.store, 4, dir);
    const second = await saveFlow(run.store, 4, dir);
    const stem = join(dir, 'demo-4');
    expect(second).toEqual([`${stem}c1-c2s.bin`, `${stem}c1-s2c.bin`, `${stem}c1.log`]);
    writeFileSync(`${stem}c2.log`, 'mine');
    const third = await saveFlow(run.store, 4, dir);
    expect(third).toEqual([`${stem}c3-c2s.bin`, `${stem}c3-s2c.bin`, `${stem}c3.log`]);
    expect(readFileSync(`${stem}c2.log`, 'utf8')).toBe('mine');
    expect(readdirSync(dir).length).toBe(10);
    for (const paths of [second, third]) {
      paths.forEach((p, i) => expect(readFileSync(p).equals(readFileSync(first[i]))).toBe(true));
    }
  });

  it('zero-fills gaps (one at the end too) and writes no file for a side that sent nothing', async () => {
    const key: FlowKey = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } };
    const bytes = Buffer.from('hello');
    const events: FlowEvent[] = [
      { type: 'flow-start', flowId: 1, key, ts: 1_000_000, origin: 'proxy', sawHandshake: true },
      { type: 'data', flowId: 1, dir: 'c2s', offset: 0, bytes, length: 5, ts: 1_100_000, fileOffset: -1 },
      { type: 'gap', flowId: 1, dir: 'c2s', offset: 5, length: 3000, ts: 1_200_000 },
      { type: 'data', flowId: 1, dir: 'c2s', offset: 3005, bytes, length: 5, ts: 1_300_000, fileOffset: -1 },
      { type: 'gap', flowId: 1, dir: 'c2s', offset: 3010, length: 7, ts: 1_400_000 },
    ];
    const store = new FlowStore();
    for (const e of events) store.apply(e);
    const dir = freshDir();
    const files = await saveFlowFiles(store, 1, dir, 'x-1', { sliceBytes: 2, timestamps: false });
    const paths = files.map((file) => file.path);
    expect(paths.map((p) => basename(p))).toEqual(['x-1-c2s.bin', 'x-1.log']);
    const log = '=connect from 10.0.0.1:40000 to 10.0.0.2:80\n>hello\n=gap of 3,000 bytes from client at offset 5\n>hello\n=gap of 7 bytes from client at offset 3,010\n';
    expect(files.map(({ side, bytes, holes }) => ({ side, bytes, holes }))).toEqual([{ side: 'c2s', bytes: 3017, holes: 3007 }, { side: 'log', bytes: Buffer.byteLength(log), holes: 0 }]);
    expect(savedFlowMessage(files, 200, '…')).toBe(`saved 3,017 B (sparse: 3.0kB of gaps): ${dir}/x-1{-c2s.bin,.log}`);
    // s's prompt says the same before it writes.
    expect(flowFileSizes(store.getFlow(1)!)).toBe('3,017 + 0 B, 3.0kB gaps');
    const saved = readFileSync(paths[0]);
    expect(saved.length).toBe(3017);
    expect(saved.equals(streamOf(events, 'c2s'))).toBe(true);
    expect(readFileSync(paths[1], 'utf8')).toBe(log);
  });

  it('rejects with one line, leaving no file, when the directory is unwritable (as root: with the effective uid of nobody)', async () => {
    const dir = freshDir();
    chmodSync(dir, 0o555);
    chmodSync(tmp, 0o755); // mkdtemp's 0700 would keep nobody out before the directory itself
    const asRoot = process.getuid?.() === 0;
    if (asRoot) process.seteuid!(65534);
    let error: unknown;
    try {
      await saveFlow(run.store, 1, dir);
    } catch (err) {
      error = err;
    } finally {
      if (asRoot) process.seteuid!(0);
    }
    expect((error as Error).message).toBe(`cannot write ${join(dir, 'demo-1-c2s.bin')}: permission denied`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes a stem the user chose only when its names are free', async () => {
    const dir = freshDir();
    await saveFlowFiles(run.store, 1, dir, 'mine', { exact: true });
    await expect(saveFlowFiles(run.store, 1, dir, 'mine', { exact: true })).rejects.toThrow(`cannot write ${join(dir, 'mine-c2s.bin')}: it exists, give another name`);
    expect(readdirSync(dir).sort()).toEqual(['mine-c2s.bin', 'mine-s2c.bin', 'mine.log']);
  });

  it('writes into an existing directory only, as w and b do: a missing one or a file in the way is one line', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    await expect(saveFlow(run.store, 1, join(file, 'sub'))).rejects.toThrow(new RegExp(`^cannot write ${join(file, 'sub')}/[^:]+: no such directory$`));
    const parent = freshDir();
    await expect(saveFlow(run.store, 1, join(parent, 'typo'))).rejects.toThrow(new RegExp(`^cannot write ${join(parent, 'typo')}/[^:]+: no such directory$`));
    expect(readdirSync(parent)).toEqual([]);
    await saveFlow(run.store, 1, parent);
    expect(readdirSync(parent).length).toBeGreaterThan(0);
  });

  it('rejects with one line, removing what it wrote, when the flow is not held or is evicted during the save', async () => {
    await expect(saveFlow(run.store, 99, freshDir())).rejects.toThrow(/^cannot save flow 99: it is no longer held \(evicted\)$/);
    let calls = 0;
    const evicting: SaveSource = {
      getFlow: (id) => (++calls > 3 ? undefined : run.store.getFlow(id)),
      getChunk: (id, i) => run.store.getChunk(id, i),
      readInto: (...args) => run.store.readInto(...args),
      chunkAt: (...args) => run.store.chunkAt(...args),
      chunksOf: (id) => run.store.chunksOf(id),
    };
    const dir = freshDir();
    await expect(saveFlow(evicting, 1, dir)).rejects.toThrow(/^cannot save flow 1: it is no longer held \(evicted\)$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says the store could not read the flow back (not that a file could not be written)', async () => {
    const unreadable: SaveSource = {
      getFlow: (id) => run.store.getFlow(id),
      getChunk: (id, i) => run.store.getChunk(id, i),
      readInto: () => { throw new Error('short read at 1234'); },
      chunkAt: (...args) => run.store.chunkAt(...args),
      chunksOf: (id) => run.store.chunksOf(id),
    };
    const dir = freshDir();
    await expect(saveFlow(unreadable, 2, dir)).rejects.toThrow(/^cannot save flow 2: short read at 1234$/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
