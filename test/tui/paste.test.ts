import { describe, expect, it } from 'vitest';
import { PasteKeys } from '../../src/tui/paste.js';

/** Feeds keys as blessed reports them: [sequence, ch]. */
function feed(paste: PasteKeys, keys: [string, string | undefined][]) {
  return keys.map(([sequence, ch]) => paste.take(sequence, ch));
}

describe('PasteKeys', () => {
  it('takes the keys between the markers as text, line ends and tabs as spaces; keys outside stay keys', () => {
    const paste = new PasteKeys(() => 0);
    const steps = feed(paste, [['j', 'j'], ['\x1b[200~', undefined], ['a', 'a'], ['\r', '\r'], ['\n', '\n'], ['q', 'q'], ['\t', '\t'], ['\x1b[A', undefined], ['y', 'y'], ['\x1b[201~', undefined], ['k', 'k']]);
    expect(steps.map((step) => step.key)).toEqual([true, false, false, false, false, false, false, false, false, false, true]);
    expect(steps.filter((step) => step.pasted !== undefined).map((step) => step.pasted)).toEqual(['a q y']);
    expect(paste.pasting).toBe(false);
  });

  it('ends a paste whose end marker never came once keys stop coming, and the late key is a key', () => {
    const clock = { now: 0 };
    const paste = new PasteKeys(() => clock.now);
    feed(paste, [['\x1b[200~', undefined], ['x', 'x']]);
    expect(paste.pasting).toBe(true);
    clock.now = 1900;
    expect(paste.take('y', 'y')).toEqual({ key: false });
    clock.now = 4000;
    expect(paste.take('j', 'j')).toEqual({ key: true, pasted: 'xy' });
    expect(paste.take('\x1b[201~', undefined)).toEqual({ key: false, pasted: undefined });
  });

  it('ends a paste at an Esc typed alone (its end marker lost), which runs nothing', () => {
    const paste = new PasteKeys(() => 0);
    feed(paste, [['\x1b[200~', undefined], ['a', 'a']]);
    expect(paste.take('\x1b', '\x1b')).toEqual({ key: false, pasted: 'a' });
    expect(paste.take('q', 'q')).toEqual({ key: true });
  });

  it('drops the characters of meta keys (ESC and a character) and keeps at most 16 KiB', () => {
    const paste = new PasteKeys(() => 0);
    const steps = feed(paste, [['\x1b[200~', undefined], ['\x1bb', 'b'], ...Array.from({ length: 20000 }, (): [string, string] => ['z', 'z']), ['\x1b[201~', undefined]]);
    expect(steps.at(-1)!.pasted).toBe('z'.repeat(16 * 1024));
  });
});
