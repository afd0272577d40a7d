import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIRECT_AFTER_BYTES, DirectAppends, IDLE_SETTLE_MS, STAGE_BYTES, type AppendFile, type OpenDirect } from '../../src/outputs/directAppends.js';
import { lazyTempDir } from '../support/tempDir.js';

const work = lazyTempDir('flowspy-direct-');
let files = 0;

function newFile(): AppendFile {
  const path = join(work(), `flow${files++}`);
  return { path, fd: openSync(path, 'w+'), nextPosition: 0, inOrderBytes: 0, direct: undefined };
}

const opened: number[] = [];
/** Opens for direct writes where the file system allows it (else as the writer would be refused). */
const openDirect: OpenDirect = (path) => {
  const fd = openSync(path, constants.O_WRONLY | (constants.O_DIRECT ?? 0));
  opened.push(fd);
  return fd;
};

/** Bytes whose value tells their position, so that a byte out of place shows. */
function bytesAt(position: number, length: number): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(length));
  for (let i = 0; i < length; i++) out[i] = ((position + i) * 7 + ((position + i) >> 12)) & 0xff;
  return out;
}

/** Writes [from, to) in pieces of `piece` bytes, as the writer thread would. */
function writeRange(appends: DirectAppends, file: AppendFile, from: number, to: number, piece: number, written: (bytes: Uint8Array, at: number) => void): void {
  for (let at = from; at < to; at += piece) {
    const bytes = bytesAt(at, Math.min(piece, to - at));
    if (!appends.write(file, bytes, at)) written(bytes, at);
  }
}

function expectContent(file: AppendFile, length: number): void {
  const content = readFileSync(file.path);
  expect(content.length).toBe(length);
  expect(Buffer.compare(content, Buffer.from(bytesAt(0, length)))).toBe(0);
}

const direct = directWritesWork();

describe('DirectAppends', () => {
  it.skipIf(!direct)('(needs a temp dir that takes O_DIRECT) writes a long in-order file whole: direct stages, then the staged rest when it settles', () => {
    const appends = new DirectAppends(openDirect, 8);
    const file = newFile();
    const end = DIRECT_AFTER_BYTES + 2 * STAGE_BYTES + 12_345; // goes direct mid-sector, ends mid-stage
    let buffered = 0;
    writeRange(appends, file, 0, end, 65_000, (bytes, at) => {
      buffered += bytes.length;
      writeFileAt(file.fd, bytes, at);
    });
    expect(buffered).toBeLessThan(DIRECT_AFTER_BYTES + 65_000); // the rest was taken
    expect(appends.openCount).toBe(1);
    appends.settle(file);
    expect(appends.openCount).toBe(0);
    expectContent(file, end);
    closeSync(file.fd);
  });

  it.skipIf(!direct)('(needs a temp dir that takes O_DIRECT) settles a file at a write out of order, and a file left unwritten a while', async () => {
    const appends = new DirectAppends(openDirect, 8);
    const file = newFile();
    const write = (bytes: Uint8Array, at: number): void => writeFileAt(file.fd, bytes, at);
    writeRange(appends, file, 0, DIRECT_AFTER_BYTES + 100_000, 50_000, write);
    expect(file.direct).toBeDefined();
    // a write elsewhere (a retransmission's place, say): the staged bytes go first
    expect(appends.write(file, bytesAt(5, 10), 5)).toBe(false);
    write(bytesAt(5, 10), 5);
    expect(file.direct).toBeUndefined();
    expectContent(file, DIRECT_AFTER_BYTES + 100_000);
    // back in order for long enough: direct again, until it is left alone a while
    writeRange(appends, file, DIRECT_AFTER_BYTES + 100_000, 2 * DIRECT_AFTER_BYTES + 200_000, 50_000, write);
    expect(file.direct).toBeDefined();
    appends.settleIdle(() => expect.fail('no error'));
    expect(file.direct).toBeDefined(); // just written
    await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS + 20));
    appends.settleIdle(() => expect.fail('no error'));
    expect(file.direct).toBeUndefined();
    expectContent(file, 2 * DIRECT_AFTER_BYTES + 200_000);
    closeSync(file.fd);
  });

  it('leaves everything to the caller where direct writes are refused, or no descriptor is to be had', () => {
    const refusing = new DirectAppends(() => {
      throw Object.assign(new Error('EINVAL'), { code: 'EINVAL' });
    }, 8);
    const noDescriptor = new DirectAppends(() => -1, 8);
    const none = new DirectAppends(openDirect, 0);
    for (const appends of [refusing, noDescriptor, none]) {
      const file = newFile();
      let buffered = 0;
      writeRange(appends, file, 0, DIRECT_AFTER_BYTES + STAGE_BYTES, 1 << 20, (bytes, at) => {
        buffered += bytes.length;
        writeFileAt(file.fd, bytes, at);
      });
      expect(buffered).toBe(DIRECT_AFTER_BYTES + STAGE_BYTES);
      expectContent(file, buffered);
      closeSync(file.fd);
    }
  });
});

function writeFileAt(fd: number, bytes: Uint8Array, at: number): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, at + done);
}

/** Whether the temp directory's file system takes direct writes (tmpfs does not). */
function directWritesWork(): boolean {
  try {
    closeSync(openSync(join(work(), 'probe'), constants.O_WRONLY | constants.O_CREAT | (constants.O_DIRECT ?? 0)));
    return constants.O_DIRECT !== undefined;
  } catch {
    return false;
  }
}
