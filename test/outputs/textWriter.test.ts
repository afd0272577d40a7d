/**
 * The stdout writers: the non-blocking spooling writer of proxy mode (RAM budget, spill file,
 * order, EPIPE, bounded shutdown) against a controllable sink and against a real pipe whose
 * reader pauses; and the sinks themselves.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fdSink, streamSink, type ByteSink } from '../../src/outputs/byteSinks.js';
import { SpoolingTextWriter } from '../../src/outputs/spoolingTextWriter.js';

const work = mkdtempSync(join(tmpdir(), 'flowspy-textwriter-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const turn = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A sink that records every chunk and completes a write only when told to. */
function manualSink(): ByteSink & { received: Buffer[]; waiting: number; release: (err?: Error) => void } {
  let pending: ((err?: Error | null) => void) | undefined;
  const sink = {
    received: [] as Buffer[],
    get waiting() {
      return pending ? 1 : 0;
    },
    write(chunk: Buffer, done: (err?: Error | null) => void) {
      expect(pending).toBeUndefined(); // one write at a time
      sink.received.push(Buffer.from(chunk));
      pending = done;
    },
    release(err?: Error) {
      const done = pending;
      pending = undefined;
      done?.(err ?? null);
    },
  };
  return sink;
}

/** A child that copies its stdin to its stdout: a real pipe whose reader is this test. */
function catChild(): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)']);
}

function spoolDirs(parent: string): string[] {
  return readdirSync(parent).filter((name) => name.startsWith('flowspy-stdout-'));
}

describe('SpoolingTextWriter', () => {
  it('queues in RAM, spills beyond the budget, drains RAM then spill then new RAM, reuses the drained spill', async () => {
    const parent = mkdtempSync(join(work, 'order-'));
    const sink = manualSink();
    const spool = new SpoolingTextWriter({ sink, ramBudgetBytes: 30, chunkBytes: 10, spillParent: parent });
    // Each write fills a chunk (>= chunkBytes); three fit in RAM (30 bytes).
    spool.write('aaaaaaaaa\n');
    expect(sink.waiting).toBe(0); // handed on in the next turn, never inside write()
    await turn();
    expect(sink.waiting).toBe(1);
    spool.write('bbbbbbbbb\n');
    spool.write('ccccccccc\n');
    spool.write('ddddddddd\n');
    expect(spool.stats.ramBytes).toBe(30);
    expect(spool.stats.spilledTotalBytes).toBe(0);
    spool.write('eeeeeeeee\n'); // does not fit: spills
    expect(spool.stats.spillBytes).toBe(10);
    const spillPath = spool.stats.spillPath!;
    expect(existsSync(spillPath)).toBe(true);
    sink.release(); // a written; b goes out, RAM has room again but the spill is not drained:
    spool.write('fffffffff\n'); // ...so f goes to the spill too, after e
    expect(spool.stats.spillBytes).toBe(20);
    expect(spool.stats.ramBytes).toBe(20);
    for (let i = 0; i < 4; i++) sink.release(); // b, c, d, e written; f in flight: spill drained
    expect(spool.stats.spillBytes).toBe(0);
    expect(statSync(spillPath).size).toBe(0); // truncated for reuse
    spool.write('ggggggggg\n'); // back to RAM
    expect(spool.stats.ramBytes).toBe(10);
    expect(spool.stats.spilledTotalBytes).toBe(20);
    const ended = spool.end();
    sink.release();
    sink.release();
    expect(await ended).toBe(0);
    expect(Buffer.concat(sink.received).toString()).toBe('abcdefg'.split('').map((c) => c.repeat(9) + '\n').join(''));
    expect(spool.stats.peakRamBytes).toBeLessThanOrEqual(30 + 10 + 10);
    expect(existsSync(spillPath)).toBe(false);
    expect(spoolDirs(parent)).toEqual([]);
  });

  it('gathers small writes of one turn into one chunk and sends them on the next turn', async () => {
    const sink = manualSink();
    const spool = new SpoolingTextWriter({ sink, spillParent: work });
    spool.write('one\n');
    spool.write('two\n');
    expect(sink.received.length).toBe(0);
    await turn();
    expect(sink.received.map(String)).toEqual(['one\ntwo\n']);
    spool.write('three\n'); // gathered while the first write is in flight
    sink.release();
    expect(sink.received.map(String)).toEqual(['one\ntwo\n', 'three\n']);
    const ended = spool.end();
    sink.release();
    expect(await ended).toBe(0);
  });

  it('takes UTF-8 bytes as well as strings, in order, copying the bytes (the caller reuses its buffer)', async () => {
    const sink = manualSink();
    const spool = new SpoolingTextWriter({ sink, spillParent: work, chunkBytes: 8 });
    const reused = Buffer.from('é bytes\n');
    spool.write('one\n');
    spool.write(reused);
    reused.fill(0x21);
    spool.write('two\n');
    await turn();
    const ended = spool.end();
    while (sink.waiting > 0) sink.release();
    expect(await ended).toBe(0);
    expect(Buffer.concat(sink.received).toString('utf8')).toBe('one\né bytes\ntwo\n');
  });

  it('into a real pipe whose reader pauses: bounded RAM, spill used, every byte in order once the reader reads', async () => {
    const parent = mkdtempSync(join(work, 'pipe-'));
    const child = catChild();
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const ramBudget = 64 << 10;
    const chunk = 4 << 10;
    const spool = new SpoolingTextWriter({ sink: streamSink(child.stdin), ramBudgetBytes: ramBudget, chunkBytes: chunk, spillParent: parent });
    // Nobody reads child.stdout yet: once the pipes and the child's buffers are full, the writer must queue and spill.
    let expected = '';
    let maxRam = 0;
    for (let i = 0; i < 40_000; i++) {
      const line = `line ${i} ${'x'.repeat(i % 173)}\n`;
      expected += line;
      spool.write(line);
      maxRam = Math.max(maxRam, spool.stats.ramBytes);
      if (i % 500 === 0) await turn();
    }
    await sleep(200);
    const paused = spool.stats;
    expect(Buffer.byteLength(expected)).toBeGreaterThan(3_000_000);
    expect(paused.writtenBytes).toBeLessThan(1_500_000); // the reader really was paused
    expect(paused.spillBytes).toBeGreaterThan(1_000_000);
    expect(paused.spillPath).toBeDefined();
    expect(statSync(paused.spillPath!).size).toBeGreaterThanOrEqual(paused.spillBytes);
    expect(spoolDirs(parent).length).toBe(1);
    expect(maxRam).toBeLessThanOrEqual(ramBudget);
    // Now read.
    const got: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => got.push(d));
    expect(await spool.end({ stallTimeoutMs: 10_000 })).toBe(0);
    child.stdin.end();
    await exited;
    const out = Buffer.concat(got).toString();
    expect(out.length).toBe(expected.length);
    expect(out === expected).toBe(true);
    const stats = spool.stats;
    expect(stats.writtenBytes).toBe(Buffer.byteLength(expected));
    expect(stats.spilledTotalBytes).toBeGreaterThan(1_000_000);
    expect(stats.droppedBytes).toBe(0);
    expect(stats.peakRamBytes).toBeLessThanOrEqual(ramBudget + 2 * (chunk + 200));
    expect(spoolDirs(parent)).toEqual([]);
  });

  it('a reader that went away (EPIPE): onClosed once, the rest dropped, end resolves at once', async () => {
    const parent = mkdtempSync(join(work, 'epipe-'));
    // The reader closes its end of the pipe but stays alive (like `head` after its lines).
    const child = spawn(process.execPath, ['-e', 'require("fs").closeSync(0); process.stdout.write("closed"); setTimeout(() => {}, 30000)']);
    child.stdin.on('error', () => undefined);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    const closes: string[] = [];
    const spool = new SpoolingTextWriter({
      sink: streamSink(child.stdin), ramBudgetBytes: 1024, chunkBytes: 256, spillParent: parent,
      onClosed: (err) => closes.push(err.code ?? err.message),
    });
    for (let i = 0; i < 100; i++) spool.write(`${'y'.repeat(100)}\n`);
    for (let i = 0; i < 1000 && closes.length === 0; i++) await sleep(10);
    expect(closes).toEqual(['EPIPE']);
    expect(spool.closedBy?.code).toBe('EPIPE');
    spool.write('ignored\n');
    expect(spool.pendingBytes).toBe(0);
    expect(await spool.end()).toBe(0);
    expect(closes.length).toBe(1);
    expect(spoolDirs(parent)).toEqual([]);
    child.kill('SIGKILL');
  });

  it('shutdown with a reader that never reads again: gives up after the stall timeout, says how much is left, removes the spill', async () => {
    const parent = mkdtempSync(join(work, 'stall-'));
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    child.stdin.on('error', () => undefined);
    try {
      const spool = new SpoolingTextWriter({ sink: streamSink(child.stdin), ramBudgetBytes: 16 << 10, chunkBytes: 4 << 10, spillParent: parent });
      const text = `${'z'.repeat(99)}\n`;
      for (let i = 0; i < 10_000; i++) spool.write(text); // 1 MB, far more than the pipe holds
      await sleep(100);
      expect(spool.stats.spillBytes).toBeGreaterThan(0);
      const started = Date.now();
      const unwritten = await spool.end({ stallTimeoutMs: 300 });
      const took = Date.now() - started;
      expect(unwritten).toBeGreaterThan(500_000);
      expect(unwritten + spool.stats.writtenBytes).toBe(1_000_000);
      expect(took).toBeGreaterThanOrEqual(250);
      expect(took).toBeLessThan(3000);
      expect(spoolDirs(parent)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('end() gives up at once when its signal aborts', async () => {
    const sink = manualSink();
    const spool = new SpoolingTextWriter({ sink, spillParent: work });
    spool.write('stuck\n');
    await turn();
    const abort = new AbortController();
    const ended = spool.end({ stallTimeoutMs: 60_000, signal: abort.signal });
    abort.abort();
    expect(await ended).toBe(6);
  });

  it('a spill directory that cannot be made: one warning, overflow dropped and counted, order of the rest kept', async () => {
    const sink = manualSink();
    const warnings: string[] = [];
    const spool = new SpoolingTextWriter({
      sink, ramBudgetBytes: 10, chunkBytes: 10, spillParent: join(work, 'no', 'such', 'dir'),
      warn: (line) => warnings.push(line),
    });
    spool.write('aaaaaaaaa\n');
    await turn(); // in flight
    spool.write('bbbbbbbbb\n'); // RAM
    spool.write('ccccccccc\n'); // cannot spill: dropped
    spool.write('ddddddddd\n'); // dropped
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/cannot spill standard output/);
    expect(spool.stats.droppedBytes).toBe(20);
    const ended = spool.end();
    sink.release();
    sink.release();
    expect(await ended).toBe(0);
    expect(Buffer.concat(sink.received).toString()).toBe('aaaaaaaaa\nbbbbbbbbb\n');
  });
});

describe('fdSink', () => {
  it('writes chunks in order to a regular file', async () => {
    const path = join(work, 'out.txt');
    const fd = openSync(path, 'w');
    try {
      const spool = new SpoolingTextWriter({ sink: fdSink(fd), ramBudgetBytes: 1000, chunkBytes: 100, spillParent: work });
      let expected = '';
      for (let i = 0; i < 2000; i++) {
        const line = `row ${i}\n`;
        expected += line;
        spool.write(line);
      }
      expect(await spool.end()).toBe(0);
      expect(readFileSync(path, 'utf8')).toBe(expected);
    } finally {
      closeSync(fd);
    }
  });
});
