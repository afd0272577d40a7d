import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFully, writeFully } from '../../src/io/files.js';

const work = mkdtempSync(join(tmpdir(), 'flowspy-io-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('readFully / writeFully', () => {
  it('write a slice at a position and read it back at an offset of the target', () => {
    const path = join(work, 'a');
    writeFileSync(path, 'xxxxxxxx');
    const fd = openSync(path, 'r+');
    try {
      writeFully(fd, new TextEncoder().encode('--abc--'), 2, 3, 4);
      const into = new Uint8Array(6);
      readFully(fd, into, 1, 5, 3);
      expect(readFileSync(path, 'latin1')).toBe('xxxxabcx');
      expect(Buffer.from(into).toString('latin1')).toBe('\0xabcx');
    } finally {
      closeSync(fd);
    }
  });

  it('a read past the end of the file throws, naming where it stopped', () => {
    const path = join(work, 'b');
    writeFileSync(path, '12345');
    const fd = openSync(path, 'r');
    try {
      expect(() => readFully(fd, new Uint8Array(10), 0, 10, 2)).toThrow('short read at 5');
    } finally {
      closeSync(fd);
    }
  });
});
