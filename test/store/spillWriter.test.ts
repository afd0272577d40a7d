import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpillWriter } from '../../src/store/spillWriter.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowspy-spill-writer-'));
  dirs.push(dir);
  return join(dir, 'spill');
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
    writer.close();
    closeSync(fd);
  });

  it('says why a write failed at the next write and while waiting, and writes nothing after it', async () => {
    const path = tempFile();
    writeFileSync(path, '');
    const fd = openSync(path, 'r'); // writes fail: EBADF
    const writer = new SpillWriter(fd);
    writer.write(sharedBlock(16, 1), 0);
    expect(() => writer.waitBeyond(0)).toThrow(/^spill file: /);
    // The thread's message arrives with a turn of the event loop; then it is the one given.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(() => writer.write(sharedBlock(16, 2), 16)).toThrow(/^spill file: EBADF/);
    expect(writer.written).toBe(0);
    writer.close();
    closeSync(fd);
  });

  it('refuses to wait for a block it was never given', () => {
    const fd = openSync(tempFile(), 'w+');
    const writer = new SpillWriter(fd);
    expect(() => writer.waitBeyond(0)).toThrow(/never sent/);
    writer.close();
    closeSync(fd);
  });

  it('stops at close: nothing is written after it returns, so the descriptor may be closed', async () => {
    const path = tempFile();
    const fd = openSync(path, 'w+');
    const writer = new SpillWriter(fd);
    const size = 1 << 20;
    for (let i = 0; i < 16; i++) writer.write(sharedBlock(size, 1), i * size);
    writer.close();
    const length = readFileSync(path).length;
    expect(length).toBeLessThanOrEqual(16 * size);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readFileSync(path).length).toBe(length);
    closeSync(fd);
  });
});
