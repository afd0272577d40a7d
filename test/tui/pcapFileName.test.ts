import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcapFileName, answeredPath } from '../../src/tui/actionKeys.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh directory, removed after the file's tests. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowspy-w-'));
  made.push(dir);
  return dir;
}

describe('the name w offers', () => {
  it('carries the capture\'s base name and the number of flows; a taken one gets tcpflow\'s suffix', () => {
    expect(pcapFileName('demo', 5)).toBe('demo-5-flows.pcap');
    expect(pcapFileName('proxy-8933', 1)).toBe('proxy-8933-1-flow.pcap');
    expect(pcapFileName('demo', 5, 2)).toBe('demo-5-flowsc2.pcap');
  });
});

describe('where w writes', () => {
  it('a directory as the answer: the offered name inside it, not a refusal', () => {
    const dir = tempDir();
    const offered = 'flowspy-20261202-090407-5-flows.pcap';
    expect(answeredPath(dir, offered)).toBe(join(dir, offered));
    expect(answeredPath(`${dir}/`, offered)).toBe(join(dir, offered));
    expect(answeredPath(join(dir, 'x.pcap'), offered)).toBe(join(dir, 'x.pcap'));
    // A directory that is not there yet: the offered name in it (the write fails, saying so), never a file named after it.
    expect(answeredPath(join(dir, 'new/'), offered)).toBe(join(dir, 'new', offered));
  });

  it('a path stat cannot look at (through a file, too long) is left to the write to refuse, never thrown here', () => {
    const dir = tempDir();
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    const offered = 'flowspy-20261202-090407-5-flows.pcap';
    expect(answeredPath(join(file, 'out.pcap'), offered)).toBe(join(file, 'out.pcap'));
    const long = join(dir, 'x'.repeat(5000));
    expect(answeredPath(long, offered)).toBe(long);
  });

  it('~ and ~/ are the home directory, as the status row writes it; ~user and a ~ further on are left alone', () => {
    const offered = 'demo-5-flows.pcap';
    expect(answeredPath('~/x.pcap', offered)).toBe(join(homedir(), 'x.pcap'));
    expect(answeredPath('~', offered)).toBe(join(homedir(), offered));
    expect(answeredPath('~/', offered)).toBe(join(homedir(), offered));
    expect(answeredPath('~x/y.pcap', offered)).toBe('~x/y.pcap');
    expect(answeredPath('a/~/y.pcap', offered)).toBe('a/~/y.pcap');
  });
});
