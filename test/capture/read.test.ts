import { execFileSync } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/read.js';
import { CaptureFormatError } from '../../src/capture/errors.js';
import { UserError } from '../../src/core/errors.js';
import type { CapturedPacket } from '../../src/core/packet.js';
import { ascii, concat, epb, hex, idb, pcapFile, shb, snapshot, type SeenPacket } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flowspy-capture-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const BIG = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff);
const SAMPLE = pcapFile({
  records: [
    { sec: 1, frac: 1, data: ascii('first') },
    { sec: 2, frac: 2, data: BIG },
    { sec: 3, frac: 3, data: ascii('third') },
  ],
});

/**
 * Runs `body` while counting turns of the event loop (a setImmediate that renews itself); the
 * counting stops when `body` ends, however it ends.
 */
async function withLoopTurns(body: (turns: () => number) => Promise<void>): Promise<void> {
  let turns = 0;
  let running = true;
  const spin = (): void => {
    turns++;
    if (running) setImmediate(spin);
  };
  setImmediate(spin);
  try {
    await body(() => turns);
  } finally {
    running = false;
  }
}

/** Holds the thread for `ms` (a packet that costs that much to handle). */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

async function collect(source: string, chunkSize?: number, stdin?: AsyncIterable<Uint8Array>) {
  const packets: SeenPacket[] = [];
  const result = await readCapture(source, {
    onPacket: (p: CapturedPacket) => packets.push(snapshot(p)),
    ...(chunkSize ? { chunkSize } : {}),
    ...(stdin ? { stdin } : {}),
  });
  return { packets, result };
}

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('readCapture from a file', () => {
  it('delivers every record with file offsets, whatever the chunk size', async () => {
    const path = file('sample.pcap', SAMPLE);
    const whole = await collect(path);
    expect(whole.result).toEqual({ format: 'pcap', packets: 3, bytes: SAMPLE.length });
    expect(whole.packets.map((p) => p.fileOffset)).toEqual([40, 40 + 5 + 16, 40 + 5 + 16 + BIG.length + 16]);
    for (const p of whole.packets) {
      expect(hex(SAMPLE.subarray(p.fileOffset, p.fileOffset + p.data.length / 2))).toBe(p.data);
    }
    expect(whole.packets[1].data).toBe(hex(BIG));
    for (const chunkSize of [1000, 4096, 65536]) {
      const split = await collect(path, chunkSize);
      expect(split.packets).toEqual(whole.packets);
    }
    // Chunks shorter than a record header, over the same three records with a 2,000-byte middle
    // one (the 200 kB one would take ~29,000 reads of 7 bytes).
    const short = file('short.pcap', pcapFile({ records: [
      { sec: 1, frac: 1, data: ascii('first') },
      { sec: 2, frac: 2, data: BIG.subarray(0, 2000) },
      { sec: 3, frac: 3, data: ascii('third') },
    ] }));
    const shortWhole = await collect(short);
    expect(shortWhole.packets).toHaveLength(3);
    expect((await collect(short, 7)).packets).toEqual(shortWhole.packets);
  });

  it('reads pcapng', async () => {
    const bytes = concat(shb(false), idb(false, 113), epb(false, 0, 5n, ascii('abc')));
    const { packets, result } = await collect(file('x.pcapng', bytes), 5);
    expect(result).toEqual({ format: 'pcapng', packets: 1, bytes: bytes.length });
    expect(packets[0]).toMatchObject({ ts: 5, linkType: 113, data: hex(ascii('abc')) });
  });

  it('reports progress with the file size', async () => {
    const path = file('progress.pcap', SAMPLE);
    const calls: [number, number | undefined][] = [];
    await readCapture(path, { onPacket: () => undefined, chunkSize: 50_000, onProgress: (a, b) => void calls.push([a, b]) });
    expect(calls.length).toBeGreaterThanOrEqual(Math.ceil(SAMPLE.length / 50_000));
    expect(calls.at(-1)).toEqual([SAMPLE.length, SAMPLE.length]);
    for (let i = 1; i < calls.length; i++) expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
  });

  it('gives the event loop a turn between chunks', async () => {
    const path = file('turns.pcap', SAMPLE);
    await withLoopTurns(async (turns) => {
      const turnsAtPacket: number[] = [];
      await readCapture(path, { onPacket: () => turnsAtPacket.push(turns()), chunkSize: 1024 });
      // The big second record spans ~200 chunks: the loop turned many times between packets 1 and 2.
      expect(turnsAtPacket.length).toBe(3);
      expect(turnsAtPacket[1] - turnsAtPacket[0]).toBeGreaterThan(50);
    });
  });

  it('gives the event loop a turn within a chunk that takes long to parse (a scan of small packets)', async () => {
    const records = Array.from({ length: 800 }, (_, i) => ({ sec: i, frac: 0, data: new Uint8Array(200) }));
    const path = file('slow.pcap', pcapFile({ records }));
    await withLoopTurns(async (turns) => {
      const turnsAtPacket: number[] = [];
      // One chunk holds the whole file (170 KB); each packet costs 0.25 ms, so the chunk costs 200 ms.
      await readCapture(path, { onPacket: () => { busy(0.25); turnsAtPacket.push(turns()); } });
      expect(turnsAtPacket.length).toBe(800);
      expect(turnsAtPacket[799] - turnsAtPacket[0]).toBeGreaterThanOrEqual(4);
    });
  });

  it('gives the event loop a turn between chunks parsed whole while the reads ahead are done', async () => {
    // 16 KiB chunks of 75 records, each costing 0.25 ms: a chunk is parsed whole in about 19 ms, and
    // the next read, issued ahead, has completed by then (awaiting it is no turn of the loop).
    const records = Array.from({ length: 600 }, (_, i) => ({ sec: i, frac: 0, data: new Uint8Array(200) }));
    const path = file('ahead.pcap', pcapFile({ records }));
    await withLoopTurns(async (turns) => {
      let sinceTurn = 0;
      let mostSinceTurn = 0;
      let turnsSeen = turns();
      await readCapture(path, {
        chunkSize: 16 * 1024,
        onPacket: () => {
          busy(0.25);
          sinceTurn = turns() === turnsSeen ? sinceTurn + 1 : 1;
          turnsSeen = turns();
          mostSinceTurn = Math.max(mostSinceTurn, sinceTurn);
        },
      });
      // About 20 ms (80 records) between two turns; three chunks back to back would be 225 records.
      expect(mostSinceTurn).toBeLessThanOrEqual(120);
    });
  });

  it('does not take the rate of full-size packets for the small ones that follow them in a chunk', async () => {
    // One chunk: 8 records of 64 KiB that cost nothing, then 1,600 of 200 bytes that cost 0.1 ms
    // each (320 KB, 160 ms). The rate learnt on the big ones would make the rest one portion.
    const big = Array.from({ length: 8 }, (_, i) => ({ sec: i, frac: 0, data: new Uint8Array(64 * 1024) }));
    const small = Array.from({ length: 1600 }, (_, i) => ({ sec: 8 + i, frac: 0, data: new Uint8Array(200) }));
    const path = file('mixed.pcap', pcapFile({ records: [...big, ...small] }));
    await withLoopTurns(async (turns) => {
      const turnsAtSmall: number[] = [];
      await readCapture(path, {
        onPacket: (p) => {
          if (p.end - p.start > 200) return;
          busy(0.1);
          turnsAtSmall.push(turns());
        },
      });
      expect(turnsAtSmall.length).toBe(1600);
      expect(turnsAtSmall[1599] - turnsAtSmall[0]).toBeGreaterThanOrEqual(1);
    });
  });

  it('stops when the signal aborts', async () => {
    const path = file('abort.pcap', SAMPLE);
    const controller = new AbortController();
    let packets = 0;
    const error = await rejection(
      readCapture(path, {
        onPacket: () => packets++,
        chunkSize: 1024,
        signal: controller.signal,
        onProgress: (done) => {
          if (done >= 2048) controller.abort();
        },
      }),
    );
    expect((error as Error).name).toBe('AbortError');
    expect(packets).toBe(1);
  });

  it('memory does not grow with the file size (48 MB file, 1 MiB chunks)', async () => {
    const path = join(dir, 'big.pcap');
    const record = pcapFile({ records: Array.from({ length: 700 }, (_, i) => ({ sec: i, frac: 0, data: BIG.subarray(0, 1400) })) }).subarray(24);
    const fd = openSync(path, 'w');
    writeSync(fd, pcapFile({ records: [] }));
    for (let i = 0; i < 48; i++) writeSync(fd, record);
    closeSync(fd);
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    let count = 0;
    const result = await readCapture(path, {
      onPacket: () => count++,
      onProgress: () => {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      },
    });
    expect(result.packets).toBe(700 * 48);
    expect(count).toBe(700 * 48);
    expect(result.bytes).toBe(24 + 48 * record.length);
    expect(peak - before).toBeLessThan(12 * 1024 * 1024);
  });
});

describe('readCapture from stdin', () => {
  it('reads "-" from the given stream with file offsets -1', async () => {
    const { packets, result } = await collect('-', undefined, chunksOf(SAMPLE, 333));
    expect(result).toEqual({ format: 'pcap', packets: 3, bytes: SAMPLE.length });
    expect(packets.map((p) => p.fileOffset)).toEqual([-1, -1, -1]);
    expect(packets[1].data).toBe(hex(BIG));
  });

  it('reports progress without a total', async () => {
    const totals = new Set<number | undefined>();
    await readCapture('-', { onPacket: () => undefined, stdin: chunksOf(SAMPLE, 100_000), onProgress: (_, t) => void totals.add(t) });
    expect([...totals]).toEqual([undefined]);
  });

  it('reports damage of a piped capture, naming stdin', async () => {
    const error = await rejection(collect('-', undefined, chunksOf(SAMPLE.subarray(0, 100), 10)));
    expect(error).toBeInstanceOf(CaptureFormatError);
    expect((error as CaptureFormatError).message).toBe('capture stdin cut short at byte 100, after packet 1: record of 200000 bytes has only 39');
  });

  it('reads a named pipe as a stream (offsets -1)', async () => {
    const fifo = join(dir, 'fifo');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return expect.fail('mkfifo is needed for this test');
    }
    const writer = createWriteStream(fifo);
    writer.end(SAMPLE);
    const { packets, result } = await collect(fifo, 4096);
    expect(result.packets).toBe(3);
    expect(packets.map((p) => p.fileOffset)).toEqual([-1, -1, -1]);
    expect(packets[1].data).toBe(hex(BIG));
  });
});

describe('readCapture errors', () => {
  it('missing file: one-line UserError', async () => {
    const path = join(dir, 'nope.pcap');
    const error = await rejection(collect(path));
    expect(error).toBeInstanceOf(UserError);
    expect(error).not.toBeInstanceOf(CaptureFormatError);
    expect((error as UserError).message).toBe(`cannot read capture ${path}: no such file`);
    expect((error as UserError).exitCode).toBe(2);
  });

  it('not a capture: the message names the file first, as other read errors do', async () => {
    const path = join(dir, 'foo.pcap');
    writeFileSync(path, 'root:x:0:0\n');
    const error = await rejection(collect(path));
    expect(error).toBeInstanceOf(CaptureFormatError);
    expect((error as CaptureFormatError).kind).toBe('not-a-capture');
    expect((error as UserError).message).toBe(`cannot read capture ${path}: not a pcap or pcapng capture (first bytes: 72 6f 6f 74)`);
    const piped = await rejection(collect('-', undefined, chunksOf(new TextEncoder().encode('root'), 2)));
    expect((piped as UserError).message).toBe('cannot read capture stdin: not a pcap or pcapng capture (first bytes: 72 6f 6f 74)');
  });

  it('a failing stdin stream is named stdin', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(0);
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    }
    const error = await rejection(collect('-', undefined, failing()));
    expect((error as UserError).message).toMatch(/^cannot read capture stdin: /);
  });

    it('directory: one-line UserError', async () => {
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    const error = await rejection(collect(sub));
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`cannot read capture ${sub}: is a directory`);
  });

  it('unreadable file: one-line UserError (as root, read with the effective uid of nobody)', async () => {
    const path = file('locked.pcap', SAMPLE);
    chmodSync(path, 0o000);
    // Root reads any file: drop the effective uid for the read (this test file runs in a process of its own).
    const asRoot = process.getuid?.() === 0;
    if (asRoot) process.seteuid!(65534);
    let error: unknown;
    try {
      error = await rejection(collect(path));
    } finally {
      if (asRoot) process.seteuid!(0);
    }
    expect((error as UserError).message).toBe(`cannot read capture ${path}: permission denied`);
  });

  it('empty file: not a capture', async () => {
    const error = await rejection(collect(file('empty.pcap', new Uint8Array(0))));
    expect(error).toBeInstanceOf(CaptureFormatError);
    expect((error as CaptureFormatError).kind).toBe('not-a-capture');
  });

  it('damaged file: packets before the damage, then the error naming the file, the offset and the packets read', async () => {
    const bad = new Uint8Array(16);
    new DataView(bad.buffer).setUint32(8, 0x7fffffff, true);
    const bytes = concat(SAMPLE, bad, new Uint8Array(64));
    const packets: SeenPacket[] = [];
    const path = file('bad.pcap', bytes);
    const error = await rejection(readCapture(path, { onPacket: (p) => packets.push(snapshot(p)), chunkSize: 4096 }));
    expect(packets.length).toBe(3);
    expect(error).toBeInstanceOf(CaptureFormatError);
    expect((error as CaptureFormatError).offset).toBe(SAMPLE.length);
    expect((error as CaptureFormatError).message).toBe(
      `damaged capture ${path} at byte ${SAMPLE.length}, after packet 3: record announces 2147483647 captured bytes (more than 262144)`,
    );
  });
});
