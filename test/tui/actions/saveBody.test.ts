import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bodyTargetName, saveBody, savedBodyMessage, type BodySource } from '../../../src/tui/actions/saveBody.js';
import { mulberry32 } from '../../support/prng.js';
import { KEY, liveFlow } from '../../support/liveFlow.js';
import { fitMiddle, stringColumns } from '../../../src/tui/width.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'flowspy-body-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let dirCount = 0;
function freshDir(): string {
  const dir = join(tmp, `d${dirCount++}`);
  mkdirSync(dir);
  return dir;
}

const RESPONSE_NAME = '010.000.000.002.00080-010.000.000.001.40000-HTTPBODY-001-response';

/** A flow of one GET answered with `head` lines and `body` (sent in `pieces` data events). */
function answered(head: string[], body: Uint8Array | string, pieces = 1, finish = true) {
  const flow = liveFlow();
  flow.send('c2s', 'GET /x HTTP/1.1\r\nHost: farm.example\r\n\r\n');
  flow.send('s2c', `HTTP/1.1 200 OK\r\n${head.map((h) => `${h}\r\n`).join('')}\r\n`);
  flow.send('s2c', body, pieces);
  if (finish) flow.end();
  return flow;
}

/** A body of `size` letters that compresses to about three quarters. */
function payloadOf(size: number): Buffer {
  const random = mulberry32(size);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = 0x40 + Math.floor(random() * 64);
  return out;
}

/** `data` in chunked framing, chunks of `size` bytes, a trailer at the end. */
function chunked(data: Uint8Array, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) {
    const chunk = data.subarray(i, i + size);
    parts.push(Buffer.from(`${chunk.length.toString(16)};ext=1\r\n`), Buffer.from(chunk), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\nX-Checksum: 1\r\n\r\n'));
  return Buffer.concat(parts);
}

describe('saveBody', () => {
  it('a plain body split across many store chunks, read in small slices, under tcpflow\'s name and the type\'s extension', async () => {
    const payload = payloadOf(50_000);
    const flow = answered(['Content-Type: application/json; charset=utf-8', `Content-Length: ${payload.length}`], payload, 37);
    const dir = freshDir();
    const target = flow.target(0, 'response');
    const saved = await saveBody(flow.store, 1, target, dir, { sliceBytes: 999 });
    expect(basename(saved.path)).toBe(`${RESPONSE_NAME}.json`);
    expect(readFileSync(saved.path).equals(payload)).toBe(true);
    expect(saved).toMatchObject({ bytes: 50_000, decoded: [], asSent: undefined, incomplete: undefined });
    expect(savedBodyMessage(target, saved, 200, '…')).toBe(`saved body of #1 response, 50,000 bytes: ${saved.path}`);
    // A narrow row keeps the name whole while it fits, else cuts it in its middle.
    expect(savedBodyMessage(target, saved, 90, '…')).toBe(`saved body of #…: …/${RESPONSE_NAME}.json`);
    const narrow = savedBodyMessage(target, saved, 60, '…');
    expect(narrow).toBe(fitMiddle(`${RESPONSE_NAME}.json`, 60, '…'));
    expect(stringColumns(narrow)).toBe(60);
    expect(Math.abs(statSync(saved.path).mtimeMs - target.message.lastTs / 1000)).toBeLessThan(1);
  });

  it('chunked framing removed (chunks cut across slices and store chunks), then gzip undone', async () => {
    const payload = payloadOf(200_000);
    const wire = chunked(gzipSync(payload), 1000);
    const flow = answered(['Content-Type: text/html', 'Transfer-Encoding: chunked', 'Content-Encoding: gzip'], wire, 23);
    const target = flow.target(0, 'response');
    const saved = await saveBody(flow.store, 1, target, freshDir(), { sliceBytes: 777 });
    expect(readFileSync(saved.path).equals(payload)).toBe(true);
    expect(basename(saved.path)).toBe(`${RESPONSE_NAME}.html`);
    expect(savedBodyMessage(target, saved, 200, '…')).toBe(`saved body of #1 response, 200,000 bytes (gzip decoded): ${saved.path}`);
  });

  it.each([
    ['deflate (zlib)', 'deflate', deflateSync],
    ['deflate (raw, as some servers send it)', 'deflate', deflateRawSync],
    ['br', 'br', brotliCompressSync],
    ['x-gzip', 'x-gzip', gzipSync],
  ] as const)('%s is undone', async (_name, coding, compress) => {
    const payload = payloadOf(30_000);
    const wire = compress(payload);
    const flow = answered([`Content-Encoding: ${coding}`, `Content-Length: ${wire.length}`, 'Content-Type: image/svg+xml'], wire, 5);
    const saved = await saveBody(flow.store, 1, flow.target(0, 'response'), freshDir(), { sliceBytes: 4096 });
    expect(readFileSync(saved.path).equals(payload)).toBe(true);
    expect(saved.decoded).toEqual([coding === 'x-gzip' ? 'gzip' : coding]);
    expect(basename(saved.path)).toBe(`${RESPONSE_NAME}.svg`);
  });

  it('two codings are undone in reverse order of the header', async () => {
    const payload = payloadOf(10_000);
    const wire = brotliCompressSync(gzipSync(payload));
    const flow = answered(['Content-Encoding: gzip, br', `Content-Length: ${wire.length}`], wire);
    const target = flow.target(0, 'response');
    const saved = await saveBody(flow.store, 1, target, freshDir());
    expect(readFileSync(saved.path).equals(payload)).toBe(true);
    expect(savedBodyMessage(target, saved, 200, '…')).toBe(`saved body of #1 response, 10,000 bytes (gzip decoded; br decoded): ${saved.path}`);
  });

  it('a decompression bomb is cut at the decoded cap, written that far and reported incomplete', async () => {
    const wire = gzipSync(Buffer.alloc(4 << 20));
    const flow = answered(['Content-Encoding: gzip', `Content-Length: ${wire.length}`], wire);
    const target = flow.target(0, 'response');
    const saved = await saveBody(flow.store, 1, target, freshDir(), { maxDecodedBytes: 100_000 });
    expect(statSync(saved.path).size).toBe(100_000);
    expect(saved.bytes).toBe(100_000);
    const name = basename(saved.path);
    const head = '! incomplete, saved body of #1 response, 100,000 bytes (gzip decoded; decoded size cut at 100,000 bytes (a decompression bomb?)): ';
    expect(savedBodyMessage(target, saved, 260, '…')).toMatch(new RegExp(`^${head.replace(/[()?]/g, '\\$&')}/.*/${name}$`));
    // On an 80-column row (79 for a message alone) the notes go; the warning stays whole, the name cut in its middle.
    const narrow = savedBodyMessage(target, saved, 79, '…');
    expect(narrow).toBe('! incomplete: …/010.000.000.002.0008…10.000.000.001.40000-HTTPBODY-001-response');
    expect(name).toBe('010.000.000.002.00080-010.000.000.001.40000-HTTPBODY-001-response');
    expect(stringColumns(narrow)).toBe(79);
  });

  it('a body that does not decode (gzip corrupt or cut short, br cut short, in a complete message) is written as sent, and says so', async () => {
    const good = gzipSync(payloadOf(20_000));
    const corrupt = Buffer.from(good);
    corrupt.fill(0x55, 100, 200);
    const short = good.subarray(0, good.length - 50);
    const brShort = brotliCompressSync(payloadOf(20_000)).subarray(0, 5000);
    for (const [coding, wire] of [['gzip', corrupt], ['gzip', short], ['br', brShort]] as const) {
      const flow = answered([`Content-Encoding: ${coding}`, `Content-Length: ${wire.length}`, 'Content-Type: text/plain'], wire, 3);
      const target = flow.target(0, 'response');
      const saved = await saveBody(flow.store, 1, target, freshDir(), { sliceBytes: 1000 });
      expect(readFileSync(saved.path).equals(wire)).toBe(true);
      expect(saved).toMatchObject({ decoded: [], asSent: `${coding} does not decode`, incomplete: undefined });
      expect(savedBodyMessage(target, saved, 200, '…')).toBe(`saved body of #1 response as sent, ${wire.length.toLocaleString('en-US')} bytes (${coding} does not decode): ${saved.path}`);
    }
  });

  it('a decoded write still under way when the decoder fails lands before the body is written again as sent', async () => {
    const wire = gzipSync(payloadOf(200_000)).fill(0x55, 60_000, 60_100);
    const flow = answered(['Content-Encoding: gzip', `Content-Length: ${wire.length}`], wire, 10);
    const dir = freshDir();
    const probe = await open(join(dir, 'probe'), 'w');
    const prototype = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    // A loaded machine: decoded writes are slow, the file is rewritten quickly, then closed late.
    let slow = true;
    const { write, truncate, utimes } = prototype;
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const spies = [
      vi.spyOn(prototype, 'write').mockImplementation(async function (this: FileHandle, ...args: unknown[]) {
        if (slow) await later(30);
        return (write as (...a: unknown[]) => Promise<never>).apply(this, args);
      }),
      vi.spyOn(prototype, 'truncate').mockImplementation(function (this: FileHandle, length?: number) {
        slow = false;
        return truncate.call(this, length);
      }),
      vi.spyOn(prototype, 'utimes').mockImplementation(async function (this: FileHandle, atime: string | number | Date, mtime: string | number | Date) {
        await later(100);
        return utimes.call(this, atime, mtime);
      }),
    ];
    try {
      const saved = await saveBody(flow.store, 1, flow.target(0, 'response'), dir, { sliceBytes: 1 << 20 });
      expect(saved.asSent).toBe('gzip does not decode');
      expect(readFileSync(saved.path).equals(wire)).toBe(true);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('an unknown coding is written as sent', async () => {
    const flow = answered(['Content-Encoding: zstd', 'Content-Length: 4'], '\x28\xb5\x2f\xfd');
    const saved = await saveBody(flow.store, 1, flow.target(0, 'response'), freshDir());
    expect(readFileSync(saved.path, 'latin1')).toBe('\x28\xb5\x2f\xfd');
    expect(saved.asSent).toBe('content coding zstd not decoded');
  });

  it('a body cut by a capture gap: what came before the gap, decoded as far as it goes, and incomplete', async () => {
    const payload = payloadOf(100_000);
    const wire = gzipSync(payload);
    const flow = liveFlow();
    flow.send('c2s', 'GET /x HTTP/1.1\r\nHost: h\r\n\r\n');
    flow.send('s2c', `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${wire.length}\r\n\r\n`);
    flow.send('s2c', wire.subarray(0, 20_000), 4);
    flow.gap('s2c', 1000);
    flow.send('s2c', wire.subarray(21_000));
    flow.end();
    const target = flow.target(0, 'response');
    const saved = await saveBody(flow.store, 1, target, freshDir(), { sliceBytes: 3000 });
    const written = readFileSync(saved.path);
    expect(written.length).toBeGreaterThan(10_000);
    expect(written.equals(payload.subarray(0, written.length))).toBe(true);
    expect(saved.incomplete).toBe(`capture gap after 20,000 of ${wire.length.toLocaleString('en-US')} wire bytes`);
    expect(savedBodyMessage(target, saved, 200, '…')).toMatch(/^! incomplete, saved body of #1 response, [\d,]+ bytes \(gzip decoded; capture gap after 20,000 of [\d,]+ wire bytes\): \S+$/);
  });

  it('a chunked body cut by a gap stops at the gap', async () => {
    const payload = payloadOf(5000);
    const wire = chunked(payload, 1000);
    const flow = liveFlow();
    flow.send('c2s', 'GET /x HTTP/1.1\r\nHost: h\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    flow.send('s2c', wire.subarray(0, 2500));
    flow.gap('s2c', 100);
    flow.send('s2c', wire.subarray(2600));
    flow.end();
    const saved = await saveBody(flow.store, 1, flow.target(0, 'response'), freshDir());
    const sizeLine = '3e8;ext=1\r\n'.length;
    const payloadBeforeGap = 2500 - 3 * sizeLine - 2 * 2; // three chunk-size lines, two CRLFs after data
    expect(readFileSync(saved.path).equals(payload.subarray(0, payloadBeforeGap))).toBe(true);
    expect(saved.incomplete).toBe('gap in the chunked body');
  });

  it('a message the capture ended inside is written and said incomplete', async () => {
    const flow = answered(['Content-Length: 1000', 'Content-Type: text/plain'], 'only this', 1, false);
    flow.end();
    const saved = await saveBody(flow.store, 1, flow.target(0, 'response'), freshDir());
    expect(readFileSync(saved.path, 'utf8')).toBe('only this');
    expect(saved.incomplete).toBe('stream ended 991 bytes before the end of the body');
    expect(basename(saved.path)).toBe(`${RESPONSE_NAME}.txt`);
  });

  it('b offers a body cut short (a gap, the capture\'s end, still arriving) its Content-Type\'s extension; a typed name is kept', async () => {
    const head = ['Content-Type: application/json; charset=utf-8', 'Content-Length: 3000'];
    const gap = answered(head, 'x'.repeat(1000), 1, false);
    gap.gap('s2c', 1000);
    gap.send('s2c', 'y'.repeat(1000));
    gap.end();
    const ended = answered(head, 'x'.repeat(1000));
    const arriving = answered(head, 'x'.repeat(1000), 1, false);
    for (const flow of [gap, ended, arriving]) {
      const target = flow.target(0, 'response');
      expect(target.message.complete && target.message.incomplete === undefined).toBe(false);
      expect(bodyTargetName(KEY, target)).toBe(`${RESPONSE_NAME}.json`);
      const saved = await saveBody(flow.store, 1, target, freshDir());
      expect(basename(saved.path)).toBe(`${RESPONSE_NAME}.json`);
    }
    const dir = freshDir();
    const named = await saveBody(ended.store, 1, ended.target(0, 'response'), dir, { name: 'mine.json' });
    expect(named.path).toBe(join(dir, 'mine.json'));
    await expect(saveBody(ended.store, 1, ended.target(0, 'response'), dir, { name: 'mine.json' })).rejects.toThrow(/mine\.json: it exists, give another name$/);
  });

  it('a request body gets its direction\'s name and `request`', async () => {
    const flow = liveFlow();
    flow.send('c2s', 'POST /up HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\na=1&b=2');
    flow.send('s2c', 'HTTP/1.1 204 No Content\r\n\r\n');
    flow.end();
    const saved = await saveBody(flow.store, 1, flow.target(0, 'request'), freshDir());
    expect(basename(saved.path)).toBe('010.000.000.001.40000-010.000.000.002.00080-HTTPBODY-001-request');
    expect(readFileSync(saved.path, 'utf8')).toBe('a=1&b=2');
  });

  it('never overwrites: a taken name moves to tcpflow\'s next free suffix', async () => {
    const flow = answered(['Content-Length: 5', 'Content-Type: image/png'], 'hello');
    const dir = freshDir();
    writeFileSync(join(dir, `${RESPONSE_NAME}.png`), 'mine');
    const target = flow.target(0, 'response');
    const first = await saveBody(flow.store, 1, target, dir);
    const second = await saveBody(flow.store, 1, target, dir);
    expect(basename(first.path)).toBe('010.000.000.002.00080-010.000.000.001.40000c1-HTTPBODY-001-response.png');
    expect(basename(second.path)).toBe('010.000.000.002.00080-010.000.000.001.40000c2-HTTPBODY-001-response.png');
    expect(readFileSync(join(dir, `${RESPONSE_NAME}.png`), 'utf8')).toBe('mine');
    expect(readFileSync(second.path, 'utf8')).toBe('hello');
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it('rejects with one line, leaving no file, when the flow is evicted during the save or the store cannot read', async () => {
    const payload = payloadOf(10_000);
    const flow = answered([`Content-Length: ${payload.length}`], payload, 10);
    const target = flow.target(0, 'response');
    await expect(saveBody(flow.store, 2, target, freshDir())).rejects.toThrow(/^cannot save the body: flow 2 is no longer held \(evicted\)$/);
    let calls = 0;
    const evicting: BodySource = {
      getFlow: (id) => (++calls > 3 ? undefined : flow.store.getFlow(id)),
      readInto: (...args) => flow.store.readInto(...args),
    };
    const dir = freshDir();
    await expect(saveBody(evicting, 1, target, dir, { sliceBytes: 1000 })).rejects.toThrow(/^cannot save the body: flow 1 is no longer held \(evicted\)$/);
    expect(readdirSync(dir)).toEqual([]);
    const failing: BodySource = {
      getFlow: (id) => flow.store.getFlow(id),
      readInto: () => { throw new Error('EIO: i/o error, read\n    at stack'); },
    };
    await expect(saveBody(failing, 1, target, dir)).rejects.toThrow(/^cannot save the body: EIO: i\/o error, read$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects with one line when the directory is unwritable (as root: with the effective uid of nobody)', async () => {
    const flow = answered(['Content-Length: 5'], 'hello');
    const dir = freshDir();
    chmodSync(dir, 0o555);
    chmodSync(tmp, 0o755);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) process.seteuid!(65534);
    let error: unknown;
    try {
      await saveBody(flow.store, 1, flow.target(0, 'response'), dir);
    } catch (err) {
      error = err;
    } finally {
      if (asRoot) process.seteuid!(0);
    }
    expect((error as Error).message).toBe(`cannot write ${join(dir, RESPONSE_NAME)}: permission denied`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a body of 64 MiB is written as it is read: the file never lags more than a few slices behind the reads', async () => {
    const size = 64 << 20;
    const slice = 256 << 10;
    const flow = answered([`Content-Length: ${size}`], Buffer.alloc(size, 0x41), 64);
    const dir = freshDir();
    let read = 0;
    let worstLag = 0;
    const watched: BodySource = {
      getFlow: (id) => flow.store.getFlow(id),
      readInto: (...args) => {
        const name = readdirSync(dir)[0];
        worstLag = Math.max(worstLag, read - (name === undefined ? 0 : statSync(join(dir, name)).size));
        const got = flow.store.readInto(...args);
        read += got;
        return got;
      },
    };
    const saved = await saveBody(watched, 1, flow.target(0, 'response'), dir, { sliceBytes: slice });
    expect(saved.bytes).toBe(size);
    expect(read).toBe(size);
    expect(worstLag).toBeLessThanOrEqual(4 * slice);
    const file = readFileSync(saved.path);
    expect(file.length).toBe(size);
    expect(file.indexOf(0x41 ^ 0xff)).toBe(-1);
    expect(file.subarray(size - 4).toString('latin1')).toBe('AAAA');
  });

  it('a gzip bomb (16 MiB from 16 KiB) inflates to the file in full', async () => {
    const size = 16 << 20;
    const wire = gzipSync(Buffer.alloc(size, 0x42));
    const flow = answered(['Content-Encoding: gzip', `Content-Length: ${wire.length}`], wire);
    const saved = await saveBody(flow.store, 1, flow.target(0, 'response'), freshDir());
    expect(saved).toMatchObject({ bytes: size, decoded: ['gzip'], asSent: undefined });
    const file = readFileSync(saved.path);
    expect(file.length).toBe(size);
    expect(file.subarray(0, 2).toString('latin1') + file.subarray(size - 2).toString('latin1')).toBe('BBBB');
  });
});
