import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Direction, FlowEvent, FlowKey } from '../../src/core/types.js';
import { DirectoryOutput } from '../../src/outputs/dir.js';
import { mulberry32 } from '../support/prng.js';

const enc = (s: string) => new TextEncoder().encode(s);
const T0 = Date.UTC(2020, 0, 2, 3, 4, 5) * 1000;

const KEY: FlowKey = { client: { addr: '10.0.0.1', port: 20000 }, server: { addr: '10.0.0.2', port: 80 } };
const C2S = '010.000.000.001.20000-010.000.000.002.00080';
const S2C = '010.000.000.002.00080-010.000.000.001.20000';

const start = (flowId: number, key: FlowKey = KEY, ts = T0): FlowEvent => ({ type: 'flow-start', flowId, key, ts, origin: 'capture', sawHandshake: true });
const data = (flowId: number, dir: Direction, offset: number, text: Uint8Array | string, ts = T0): FlowEvent => {
  const bytes = typeof text === 'string' ? enc(text) : text;
  return { type: 'data', flowId, dir, offset, bytes, length: bytes.length, ts, fileOffset: -1 };
};
const gap = (flowId: number, dir: Direction, offset: number, length: number): FlowEvent => ({ type: 'gap', flowId, dir, offset, length, ts: T0 });
const end = (flowId: number): FlowEvent => ({ type: 'flow-end', flowId, ts: T0, reason: 'fin', detail: undefined });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowspy-dir-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('DirectoryOutput', async () => {
  it('writes each direction at its offsets, tcpflow names, no file for a silent direction', async () => {
    const out = new DirectoryOutput({ dir: join(dir, 'sub', 'out') });
    for (const e of [start(1), data(1, 'c2s', 0, 'GET / HTTP/1.1\r\n'), data(1, 'c2s', 16, '\r\n'), end(1)]) out.handle(e);
    await out.close();
    const outDir = join(dir, 'sub', 'out');
    expect(readdirSync(outDir)).toEqual([C2S]);
    expect(readFileSync(join(outDir, C2S), 'utf8')).toBe('GET / HTTP/1.1\r\n\r\n');
    // file time = flow start, like tcpflow
    expect(statSync(join(outDir, C2S)).mtimeMs).toBe(T0 / 1000);
  });

  it('leaves gaps as sparse holes that read as zeros, and extends the file over a trailing gap', async () => {
    const out = new DirectoryOutput({ dir });
    const hole = 8 * 1024 * 1024;
    out.handle(start(1));
    out.handle(data(1, 'c2s', 0, 'hello'));
    out.handle(gap(1, 'c2s', 5, hole));
    out.handle(data(1, 'c2s', 5 + hole, 'world'));
    out.handle(data(1, 's2c', 0, 'abc'));
    out.handle(gap(1, 's2c', 3, 1000)); // trailing gap
    out.handle(end(1));
    await out.close();
    const c2s = readFileSync(join(dir, C2S));
    expect(c2s.length).toBe(10 + hole);
    expect(c2s.subarray(0, 5).toString()).toBe('hello');
    expect(c2s.subarray(5 + hole).toString()).toBe('world');
    expect(c2s.subarray(5, 5 + hole).every((b) => b === 0)).toBe(true);
    // sparse: far fewer blocks allocated than the size (holes are not written)
    const st = statSync(join(dir, C2S));
    expect(st.blocks * 512).toBeLessThan(hole / 2);
    const s2c = readFileSync(join(dir, S2C));
    expect(s2c.length).toBe(1003);
    expect(s2c.subarray(0, 3).toString()).toBe('abc');
    expect(s2c.subarray(3).every((b) => b === 0)).toBe(true);
  });

  it('tells once, at close, of the big gaps its files hold as sparse holes', async () => {
    const reports: string[] = [];
    const out = new DirectoryOutput({ dir, report: (line) => reports.push(line) });
    const big = 16 << 20;
    for (const e of [start(1), data(1, 'c2s', 0, 'a'), gap(1, 'c2s', 1, big), data(1, 'c2s', big + 1, 'b'), gap(1, 'c2s', big + 2, big), gap(1, 's2c', 0, 1000), end(1)]) out.handle(e);
    for (const e of [start(2, { ...KEY, client: { addr: '10.0.0.3', port: 20000 } }), gap(2, 's2c', 0, 3 * big), end(2)]) out.handle(e);
    await out.close();
    expect(statSync(join(dir, C2S)).size).toBe(2 * big + 2);
    expect(reports).toEqual(['-o: 2 files hold 83,886,080 bytes of capture gaps as sparse holes, read as zeros (tcpflow starts a new c1, c2… file at a jump over 16 MiB)']);
    // Smaller gaps are not told.
    const quiet: string[] = [];
    const small = new DirectoryOutput({ dir: join(dir, 'small'), report: (line) => quiet.push(line) });
    for (const e of [start(1), data(1, 'c2s', 0, 'a'), gap(1, 'c2s', 1, big - 1), end(1)]) small.handle(e);
    await small.close();
    expect(quiet).toEqual([]);
  });

  it('writes a file for a direction that only had a gap (data start missed)', async () => {
    const out = new DirectoryOutput({ dir });
    out.handle(start(1));
    out.handle(gap(1, 's2c', 0, 10));
    out.handle(end(1));
    await out.close();
    expect(readdirSync(dir)).toEqual([S2C]);
    expect(readFileSync(join(dir, S2C))).toEqual(Buffer.alloc(10));
  });

  it('names a reused 4-tuple with c1, c2 (per direction, like tcpflow) and never overwrites', async () => {
    writeFileSync(join(dir, S2C + 'c1'), 'from an earlier run');
    const out = new DirectoryOutput({ dir });
    // flow 1 and 2 on the same tuple; flow 3 too but while flow 2 is still open; flow 4 differs by VLAN
    out.handle(start(1));
    out.handle(data(1, 'c2s', 0, 'one'));
    out.handle(data(1, 's2c', 0, 'ONE'));
    out.handle(end(1));
    out.handle(start(2));
    out.handle(data(2, 'c2s', 0, 'two'));
    out.handle(data(2, 's2c', 0, 'TWO'));
    out.handle(start(3));
    out.handle(data(3, 'c2s', 0, 'three'));
    out.handle(start(4, { ...KEY, vlan: 7 }));
    out.handle(data(4, 'c2s', 0, 'vlan'));
    out.handle(end(2));
    await out.close();
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    expect(read(C2S)).toBe('one');
    expect(read(S2C)).toBe('ONE');
    expect(read(C2S + 'c1')).toBe('two');
    expect(read(S2C + 'c1')).toBe('from an earlier run');
    expect(read(S2C + 'c2')).toBe('TWO');
    expect(read(C2S + 'c2')).toBe('three');
    expect(read(C2S + '--7')).toBe('vlan');
    expect(readdirSync(dir).length).toBe(7);
  });

  it('sets the flow-start time also on files closed to keep under the descriptor cap', async () => {
    const out = new DirectoryOutput({ dir, maxOpenFiles: 2, bufferBytes: 4 });
    const keyOf = (i: number): FlowKey => ({ client: { addr: '10.2.0.1', port: 3000 + i }, server: { addr: '192.168.0.1', port: 80 } });
    const startOf = (i: number) => T0 + i * 1_000_000;
    for (let i = 1; i <= 6; i++) {
      out.handle(start(i, keyOf(i), startOf(i)));
      out.handle(data(i, 'c2s', 0, `flow ${i}`));
    }
    for (let i = 1; i <= 6; i++) out.handle(end(i));
    await out.close();
    for (let i = 1; i <= 6; i++) {
      const name = `010.002.000.001.${String(3000 + i).padStart(5, '0')}-192.168.000.001.00080`;
      expect(readFileSync(join(dir, name), 'utf8')).toBe(`flow ${i}`);
      expect(statSync(join(dir, name)).mtimeMs).toBe(startOf(i) / 1000);
    }
  });

  it('handles many interleaved flows beyond the descriptor cap with a small buffer pool', async () => {
    const flows = 60;
    const out = new DirectoryOutput({ dir, maxOpenFiles: 7, bufferBytes: 64, maxBuffers: 3, setFileTimes: false });
    const expected = new Map<string, Buffer[]>();
    const offsets = new Map<string, number>();
    const keyOf = (i: number): FlowKey => ({ client: { addr: `10.1.${i >> 8}.${i & 255}`, port: 1000 + i }, server: { addr: '192.168.0.1', port: 80 } });
    for (let i = 1; i <= flows; i++) out.handle(start(i, keyOf(i)));
    const rnd = mulberry32(1);
    for (let round = 0; round < 40; round++) {
      for (let i = 1; i <= flows; i++) {
        if (rnd() < 0.3) continue;
        const d: Direction = rnd() < 0.5 ? 'c2s' : 's2c';
        const id = `${i}/${d}`;
        const len = 1 + Math.floor(rnd() * 100); // some larger than half the buffer: direct writes
        const bytes = Buffer.alloc(len, `${id}@${round};`);
        const off = offsets.get(id) ?? 0;
        out.handle(data(i, d, off, bytes));
        offsets.set(id, off + len);
        (expected.get(id) ?? expected.set(id, []).get(id)!).push(bytes);
      }
      if (round === 20) for (let i = 1; i <= flows; i += 3) out.handle(end(i)); // end some flows midway
    }
    await out.close();
    expect(out.peakOpenFiles).toBeGreaterThan(1);
    expect(out.peakOpenFiles).toBeLessThanOrEqual(7);
    let files = 0;
    for (let i = 1; i <= flows; i++) {
      const key = keyOf(i);
      for (const d of ['c2s', 's2c'] as const) {
        const chunks = expected.get(`${i}/${d}`);
        if (!chunks) continue;
        // flows ended at round 20 stop receiving file writes afterwards (events ignored)
        const src = d === 'c2s' ? key.client : key.server;
        const dst = d === 'c2s' ? key.server : key.client;
        const pad = (a: string) => a.split('.').map((o) => o.padStart(3, '0')).join('.');
        const name = `${pad(src.addr)}.${String(src.port).padStart(5, '0')}-${pad(dst.addr)}.${String(dst.port).padStart(5, '0')}`;
        const content = readFileSync(join(dir, name));
        const want = Buffer.concat(chunks);
        if ((i - 1) % 3 === 0) expect(want.subarray(0, content.length)).toEqual(content);
        else expect(content).toEqual(want);
        files++;
      }
    }
    expect(readdirSync(dir).length).toBe(files);
    expect(out.fileCount).toBe(files);
  });

  it('coalesces contiguous writes and writes large chunks directly (content is what counts)', async () => {
    const out = new DirectoryOutput({ dir, bufferBytes: 1024, maxBuffers: 1 });
    out.handle(start(1));
    const big = Buffer.alloc(5000, 'x');
    out.handle(data(1, 'c2s', 0, 'a'.repeat(100)));
    out.handle(data(1, 'c2s', 100, big));
    out.handle(data(1, 'c2s', 5100, 'b'.repeat(100)));
    out.handle(data(1, 's2c', 0, 'c'.repeat(100))); // takes the only buffer from c2s
    out.handle(data(1, 'c2s', 5200, 'd'.repeat(10)));
    await out.close(); // no flow-end: close() finishes the flow
    expect(readFileSync(join(dir, C2S), 'utf8')).toBe('a'.repeat(100) + 'x'.repeat(5000) + 'b'.repeat(100) + 'd'.repeat(10));
    expect(readFileSync(join(dir, S2C), 'utf8')).toBe('c'.repeat(100));
  });

  it('writes long flows whole, in order and out, interleaved, with a file time set after the last byte', async () => {
    // Long in-order files go to the disk directly (O_DIRECT) where the file system allows it.
    const out = new DirectoryOutput({ dir, maxOpenFiles: 64 });
    const random = mulberry32(7);
    const length = 20 << 20;
    const content = (dir: Direction): Buffer => {
      const bytes = Buffer.alloc(length);
      for (let i = 0; i < length; i += 4) bytes.writeUInt32LE((i * 2654435761 + (dir === 'c2s' ? 1 : 2)) >>> 0, i);
      return bytes;
    };
    const expected = { c2s: content('c2s'), s2c: content('s2c') };
    out.handle(start(1));
    const at = { c2s: 0, s2c: 0 };
    while (at.c2s < length || at.s2c < length) {
      const dir: Direction = at.c2s < length && (at.s2c >= length || random() < 0.5) ? 'c2s' : 's2c';
      const n = Math.min(length - at[dir], 1 + Math.floor(random() * 70_000));
      out.handle(data(1, dir, at[dir], expected[dir].subarray(at[dir], at[dir] + n)));
      at[dir] += n;
      if (random() < 0.01) await out.backlog?.(); // batches go to the writer
    }
    // a byte written again out of order, where it already is (as a retransmission's overlap would)
    out.handle(data(1, 'c2s', 12_345, expected.c2s.subarray(12_345, 12_346)));
    out.handle(end(1));
    await out.close();
    expect(Buffer.compare(readFileSync(join(dir, C2S)), expected.c2s)).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, S2C)), expected.s2c)).toBe(0);
    expect(statSync(join(dir, C2S)).mtimeMs).toBe(T0 / 1000);
  });

  it('ignores events of flows it never saw start, and empty data', async () => {
    const out = new DirectoryOutput({ dir });
    out.handle(data(9, 'c2s', 0, 'x'));
    out.handle(start(1));
    out.handle(data(1, 'c2s', 0, new Uint8Array(0)));
    out.handle(end(1));
    await out.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('does not keep event bytes: the caller may reuse its buffer', async () => {
    const out = new DirectoryOutput({ dir });
    out.handle(start(1));
    const shared = Buffer.from('first');
    out.handle(data(1, 'c2s', 0, shared));
    shared.write('XXXXX');
    out.handle(data(1, 'c2s', 5, Buffer.from('second')));
    await out.close();
    expect(readFileSync(join(dir, C2S), 'utf8')).toBe('firstsecond');
  });
});

describe('DirectoryOutput off the event loop', () => {
  it('asks the producer to wait while too many slots are queued, then lets it go on', async () => {
    const out = new DirectoryOutput({ dir, maxPendingBytes: 1000, bufferBytes: 64 });
    out.handle(start(1));
    expect(out.backlog()).toBeUndefined();
    out.handle(data(1, 'c2s', 0, Buffer.alloc(5000, 'a'))); // large: queued at once
    expect(out.pendingWriteBytes).toBe(5000);
    const wait = out.backlog();
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    expect(out.pendingWriteBytes).toBeLessThanOrEqual(500);
    out.handle(end(1));
    await out.close();
    expect(out.pendingWriteBytes).toBe(0);
    expect(readFileSync(join(dir, C2S)).length).toBe(5000);
  });

  it('reports a file-system failure as one UserError from close(), and from handle() after it', async () => {
    const gone = join(dir, 'gone');
    const out = new DirectoryOutput({ dir: gone });
    rmSync(gone, { recursive: true });
    out.handle(start(1));
    out.handle(data(1, 'c2s', 0, 'x'));
    await expect(out.close()).rejects.toThrow(/^cannot create .*gone.*: no such directory \(was it removed\?\)$/);
    expect(() => out.handle(start(2))).toThrow(/^cannot create /);
  });

  it('tells its failure listener as soon as the writer thread reports it, without another handle() or close()', async () => {
    const gone = join(dir, 'gone');
    const out = new DirectoryOutput({ dir: gone });
    rmSync(gone, { recursive: true });
    const failed = new Promise<Error>((resolve) => out.onFailure(resolve));
    out.handle(start(1));
    out.handle(data(1, 'c2s', 0, 'x'));
    expect((await failed).message).toMatch(/^cannot create .*gone.*: no such directory/);
    let late: Error | undefined;
    out.onFailure((err) => (late = err));
    expect(late?.message).toMatch(/^cannot create /);
    await out.close().catch(() => undefined);
  });
});

describe('DirectoryOutput with every slot taken', () => {
  it('waits for the writer inside handle() when a producer never awaits backlog(), and loses nothing', async () => {
    // 1 filling slot + 2 with the writer, 64-byte slots: ~300 KB through it forces many waits
    const out = new DirectoryOutput({ dir, bufferBytes: 64, maxBuffers: 1, maxPendingBytes: 128 });
    out.handle(start(1));
    const sent: Record<Direction, Buffer[]> = { c2s: [], s2c: [] };
    const offsets: Record<Direction, number> = { c2s: 0, s2c: 0 };
    for (let i = 0; i < 4000; i++) {
      const d: Direction = i % 3 ? 'c2s' : 's2c';
      const chunk = Buffer.alloc(1 + (i % 150), String.fromCharCode(97 + (i % 26)));
      out.handle(data(1, d, offsets[d], chunk));
      offsets[d] += chunk.length;
      sent[d].push(chunk);
    }
    out.handle(end(1));
    await out.close();
    expect(readFileSync(join(dir, C2S))).toEqual(Buffer.concat(sent.c2s));
    expect(readFileSync(join(dir, S2C))).toEqual(Buffer.concat(sent.s2c));
  });
});

describe('DirectoryOutput output directory', () => {
  it('says in one line when a file is in the way, and creates missing parents', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => new DirectoryOutput({ dir: join(dir, 'file') })).toThrow(/^cannot create output directory .*file: a file is in the way$/);
    expect(() => new DirectoryOutput({ dir: join(dir, 'file', 'sub') })).toThrow(/: a file is in the way$/);
    const out = new DirectoryOutput({ dir: join(dir, 'a', 'b', 'c') });
    await out.close();
    expect(statSync(join(dir, 'a', 'b', 'c')).isDirectory()).toBe(true);
  });
});
