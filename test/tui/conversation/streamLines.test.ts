import { describe, expect, test } from 'vitest';
import { ConversationView } from '../../../src/tui/conversation/view.js';
import { DEFAULT_SETTINGS } from '../../../src/tui/conversation/settings.js';
import { LINE_CAP, lineStartIfKnown, lineStartIn, linesIn } from '../../../src/tui/conversation/streamLines.js';
import { FakeSource, FLOW_ID } from './fakeSource.js';

/** Deterministic pseudo-random numbers. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Reference: the rule applied to the whole stream at once (one segment from offset 0). */
function wholeStreamLines(bytes: Uint8Array): string[] {
  const segment = { offset: 0, bytes, holeBefore: true };
  return linesIn(segment, 0, bytes.length, 'utf-8', true, true).map((l) => Buffer.from(bytes.subarray(l.start, l.textEnd)).toString('latin1'));
}

describe('line rule', () => {
  test('line starts found from any byte agree with splitting from the start', () => {
    const next = random(7);
    const parts: string[] = [];
    for (let i = 0; i < 300; i++) {
      const kind = next();
      parts.push(kind < 0.1 ? 'z'.repeat(Math.floor(next() * 10000)) : kind < 0.2 ? '\r\n' : 'word '.repeat(Math.floor(next() * 30)) + '\n');
    }
    const bytes = new Uint8Array(Buffer.from(parts.join(''), 'latin1'));
    const segment = { offset: 0, bytes, holeBefore: true };
    const lines = linesIn(segment, 0, bytes.length, 'utf-8', true, true);
    for (const line of lines) expect(line.end - line.start).toBeLessThan(2 * LINE_CAP);
    let decidedLate = 0;
    for (let k = 0; k < 2000; k++) {
      const x = Math.floor(next() * bytes.length);
      const owner = lines.find((l) => l.start <= x && x < l.end)!;
      // A segment that does not start at 0 and knows nothing before it, at the distance the rule needs.
      const from = Math.max(0, x - 2 * LINE_CAP - 1);
      const window = { offset: from, bytes: bytes.subarray(from), holeBefore: from === 0 };
      expect(lineStartIn(window, x, 'utf-8')).toBe(owner.start);
      // A short window decides only when it holds a terminator; then it agrees.
      const near = Math.max(0, x - 256);
      const short = { offset: near, bytes: bytes.subarray(near), holeBefore: near === 0 };
      const known = lineStartIfKnown(short, x, 'utf-8');
      if (known !== undefined) expect(known).toBe(owner.start);
      else decidedLate++;
    }
    expect(decidedLate).toBeGreaterThan(0);
  });

  test('any chunking of a stream shows the same lines, each once', () => {
    const next = random(11);
    for (let round = 0; round < 20; round++) {
      let text = '';
      while (text.length < 30000) {
        const r = next();
        text += r < 0.05 ? 'L'.repeat(Math.floor(next() * 12000)) : r < 0.1 ? '\r\n' : `${'abc '.repeat(Math.floor(next() * 20))}\r\n`;
      }
      const bytes = new Uint8Array(Buffer.from(text, 'latin1'));
      const source = new FakeSource();
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(next() * (next() < 0.1 ? 20000 : 300));
        source.data('c2s', bytes.slice(at, at + size));
        if (next() < 0.3) source.data('s2c', 'other\n');
        at += size;
      }
      const view = new ConversationView(source, FLOW_ID, { ...DEFAULT_SETTINGS, filter: 'c2s' }, 100000, 1_000_000);
      const shown = view.lines().filter((l) => l.kind === 'data').map((l) => l.text.slice(2).replace(/\\\+$/, ''));
      expect(shown).toEqual(wholeStreamLines(bytes));
    }
  });

  test('with both sides shown, any chunking shows each side\'s lines cut where the other side spoke, each once, in wire order', () => {
    const next = random(23);
    for (let round = 0; round < 20; round++) {
      const source = new FakeSource();
      // Per direction, the runs between two of the other side's chunks: each is cut into lines alone.
      const runs: { dir: 'c2s' | 's2c'; text: string }[] = [];
      let last: 'c2s' | 's2c' | undefined;
      for (let n = 0; n < 60; n++) {
        const dir = next() < 0.5 ? 'c2s' : 's2c';
        let text = '';
        for (let k = Math.floor(next() * 4); k >= 0; k--) text += next() < 0.3 ? 'no line end' : `line ${Math.floor(next() * 1000)}\r\n`;
        source.data(dir, text);
        if (dir === last) runs[runs.length - 1].text += text;
        else runs.push({ dir, text });
        last = dir;
      }
      const expected = runs.flatMap((run) => {
        const lines = run.text.split('\n').map((l) => l.replace(/\r$/, ''));
        if (lines.at(-1) === '') lines.pop();
        return lines.map((l) => `${run.dir === 'c2s' ? '>' : '<'} ${l}`);
      });
      const view = new ConversationView(source, FLOW_ID, DEFAULT_SETTINGS, 100000, 1_000_000);
      expect(view.lines().filter((l) => l.kind === 'data').map((l) => l.text)).toEqual(expected);
    }
  });
});
