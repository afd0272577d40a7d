import { closeSync, constants, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpillWriter } from '../../src/store/spillWriter.js';
import { lazyTempDir } from '../support/tempDir.js';

const work = lazyTempDir('flowspy-spill-writer-');
let files = 0;

function tempFile(): string {
  return join(work(), `spill${files++}`);
}

const sharedBlock = (bytes: number, fill: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(bytes)).fill(fill);

describe('SpillWriter', () => {
  it('writes the blocks at their places, counts them, and waits for them when asked', () => {
    const path = tempFile();
    const fd = openSync(path, 'w+');
    const writer = new SpillWriter(fd);
    const size = 300 * 1024; // more than one write call
    for (let i = 0; i < 4; i++) writer.write(sharedBlock(size, i + 1), i * size);
    writer.waitBeyond(3);
    expect(writer.written).toBe(4);
    const file = readFileSync(path);
    expect(file.length).toBe(4 * size);
    for (let i = 0; i < 4; i++) expect(file.subarray(i * size, (i + 1) * size).every((b) => b === i + 1)).toBe(true);
    expect(writer.close()).toBe(true);
    closeSync(fd);
  });

  it('says why a write failed, at once, at the next write and while waiting, and writes nothing after it', () => {
    const path = tempFile();
    writeFileSync(path, '');
    const fd = openSync(path, 'r'); // writes fail: EBADF
    const writer = new SpillWriter(fd);
    writer.write(sharedBlock(16, 1), 0);
    expect(() => writer.waitBeyond(0)).toThrow(/^spill file: write failed \(EBADF\)$/);
    expect(() => writer.write(sharedBlock(16, 2), 16)).toThrow(/^spill file: write failed \(EBADF\)$/);
    expect(writer.written).toBe(0);
    expect(writer.close()).toBe(true);
    closeSync(fd);
  });

  it('refuses to wait for a block it was never given', () => {
    const fd = openSync(tempFile(), 'w+');
    const writer = new SpillWriter(fd);
    expect(() => writer.waitBeyond(0)).toThrow(/never sent/);
    expect(writer.close()).toBe(true);
    closeSync(fd);
  });

  it('stops at close: nothing is written after it returns, so the descriptor may be closed', async () => {
    const path = tempFile();
    const fd = openSync(path, 'w+');
    const writer = new SpillWriter(fd);
    const size = 1 << 20;
    for (let i = 0; i < 16; i++) writer.write(sharedBlock(size, 1), i * size);
    expect(writer.close()).toBe(true);
    const written = writer.written;
    const length = readFileSync(path).length;
    // Whole blocks written, and at most the one cut short by the stop.
    expect(length).toBeGreaterThanOrEqual(written * size);
    expect(length).toBeLessThanOrEqual(Math.min(16, written + 1) * size);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writer.written).toBe(written);
    expect(readFileSync(path).length).toBe(length);
    closeSync(fd);
  });

  it('writes through a direct descriptor what the disk takes directly, the rest through the other', () => {
    const path = tempFile();
    const fd = openSync(path, 'w+');
    let directFd = -1;
    try {
      directFd = openSync(path, constants.O_WRONLY | (constants.O_DIRECT ?? 0));
    } catch {
      // a file system without direct I/O (tmpfs): every block goes through fd, as tested here too
    }
    const writer = new SpillWriter(fd, directFd);
    const blocks = [sharedBlock(1 << 20, 1), sharedBlock(1 << 20, 2), sharedBlock(4096 + 16, 3), sharedBlock(8192, 4)];
    const positions = [0, 1 << 20, 2 << 20, (2 << 20) + 4096 + 16]; // the last is not sector-aligned
    blocks.forEach((block, i) => writer.write(block, positions[i]));
    writer.waitBeyond(3);
    const file = readFileSync(path);
    expect(file.length).toBe(positions[3] + 8192);
    blocks.forEach((block, i) => expect(file.subarray(positions[i], positions[i] + block.length).every((b) => b === i + 1)).toBe(true));
    expect(writer.close()).toBe(true);
    closeSync(fd);
    if (directFd >= 0) closeSync(directFd);
  });
});
