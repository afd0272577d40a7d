import { describe, expect, it } from 'vitest';
import { Prompt } from '../../src/tui/prompt.js';
import { headFitting, stringColumns, tailFitting } from '../../src/tui/width.js';
import { escapeText } from '../../src/render/escape.js';

/** Types `text` one key at a time, as blessed reports printable keys (name = the character, lower case for letters). */
function type(prompt: Prompt, text: string): void {
  for (const ch of text) prompt.key(/^[A-Z]$/.test(ch) ? `S-${ch.toLowerCase()}` : ch, ch);
}

describe('Prompt', () => {
  it('recalls earlier answers with up and down, skipping the one already shown, and gives the typed text back', () => {
    const prompt = new Prompt('filter: ', ':80', ['host:a', ':80', 'status:lost']);
    type(prompt, ' x');
    expect(prompt.key('up')).toBe('edit');
    expect(prompt.text).toBe('status:lost');
    expect(prompt.key('up')).toBe('edit');
    expect([prompt.text, prompt.cursor]).toEqual([':80', 3]);
    expect(prompt.key('up')).toBe('edit');
    expect(prompt.text).toBe('host:a');
    expect(prompt.key('up')).toBe('ignored');
    expect(prompt.key('down')).toBe('edit');
    expect(prompt.key('down')).toBe('edit');
    expect(prompt.key('down')).toBe('edit');
    expect(prompt.text).toBe(':80 x');
    expect(prompt.key('down')).toBe('ignored');
    // The newest entry equal to the text opened with is skipped: up shows the one before.
    const again = new Prompt('filter: ', 'status:lost', ['host:a', 'status:lost']);
    again.key('up');
    expect(again.text).toBe('host:a');
    expect(new Prompt('/').key('up')).toBe('ignored');
  });

  it('edits with typing, Backspace, Del, arrows, Home/End and ctrl-u', () => {
    const prompt = new Prompt('search: ');
    type(prompt, 'GET /x');
    expect(prompt.text).toBe('GET /x');
    expect(prompt.key('backspace')).toBe('edit');
    expect(prompt.key('left')).toBe('edit');
    expect(prompt.key('left')).toBe('edit');
    type(prompt, 'Z');
    expect([prompt.text, prompt.cursor]).toEqual(['GETZ /', 4]);
    expect(prompt.key('delete')).toBe('edit');
    expect(prompt.text).toBe('GETZ/');
    expect(prompt.key('home')).toBe('edit');
    expect(prompt.key('backspace')).toBe('ignored');
    expect(prompt.key('left')).toBe('ignored');
    expect(prompt.key('C-e')).toBe('edit');
    expect(prompt.key('right')).toBe('ignored');
    expect(prompt.key('delete')).toBe('ignored');
    expect(prompt.key('C-u')).toBe('edit');
    expect([prompt.text, prompt.cursor]).toEqual(['', 0]);
    expect(prompt.key('C-u')).toBe('ignored');
  });

  it('applies on Enter, cancels on Esc, quits on ctrl-c, keeps q and j as text', () => {
    const prompt = new Prompt('filter: ', ':25');
    expect(prompt.cursor).toBe(3);
    expect(prompt.key('q', 'q')).toBe('edit');
    expect(prompt.key('j', 'j')).toBe('edit');
    expect(prompt.key('enter', '\r')).toBe('apply');
    expect(prompt.text).toBe(':25qj');
    expect(prompt.key('escape', '\x1b')).toBe('cancel');
    expect(prompt.key('C-c', '\x03')).toBe('quit');
    expect(prompt.key('return', '\r')).toBe('ignored');
    expect(prompt.text).toBe(':25qj');
  });

  it('drops C0 controls and DEL, keeps other pasted characters', () => {
    const prompt = new Prompt('');
    expect(prompt.key('C-k', '\x0b')).toBe('ignored');
    expect(prompt.insert('a\x1b[31mb\x7f\n')).toBe(true);
    expect(prompt.text).toBe('a[31mb');
    expect(prompt.insert('\x00\x1f')).toBe(false);
    expect(prompt.key('undefined-name', '\u009b')).toBe('edit');
    expect(prompt.text).toBe('a[31mb\u009b');
  });

  it('moves over a surrogate pair as one character', () => {
    const prompt = new Prompt('', 'a😀b');
    prompt.key('left');
    prompt.key('left');
    expect(prompt.cursor).toBe(1);
    prompt.key('delete');
    expect(prompt.text).toBe('ab');
  });

  it('renders hostile text only as visible escapes', () => {
    const hostile = '\u009b31m\u202e{|}{/escape}\\';
    const prompt = new Prompt('find: ', hostile);
    const view = prompt.render(80);
    expect(view.line).toBe('find: \\u{9b}31m\\u{202e}{|}{/escape}\\\\');
    expect(view.line).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    expect(view.cursor).toBe(view.line.length);
  });

  it('scrolls so the cursor stays visible in a narrow row', () => {
    const prompt = new Prompt('/', 'abcdefghijklmnopqrstuvwxyz');
    const end = prompt.render(10);
    expect(end).toEqual({ line: '/stuvwxyz', cursor: 9 });
    for (let i = 0; i < 26; i++) prompt.key('left');
    const start = prompt.render(10);
    expect(start).toEqual({ line: '/abcdefghi', cursor: 1 });
    expect(stringColumns(start.line)).toBeLessThanOrEqual(10);
  });

  it('counts wide characters as two columns', () => {
    const prompt = new Prompt('> ', '日本語');
    expect(prompt.render(80)).toEqual({ line: '> 日本語', cursor: 8 });
    expect(prompt.render(7)).toEqual({ line: '> 本語', cursor: 6 });
    prompt.key('home');
    expect(prompt.render(7)).toEqual({ line: '> 日本', cursor: 2 });
    expect(tailFitting('e\u0301x', 1)).toBe('x');
    expect(tailFitting('e\u0301x', 2)).toBe('e\u0301x');
  });
});

describe('Prompt render of a long text', () => {
  /** The render before it escaped only what can be seen: the whole text, each side of the cursor. */
  function wholeRender(prompt: Prompt, width: number) {
    const chars = [...prompt.text];
    const label = headFitting(escapeText(prompt.label), Math.max(0, width - 1));
    const room = Math.max(0, width - stringColumns(label) - 1);
    const before = tailFitting(escapeText(chars.slice(0, prompt.cursor).join('')), room);
    const cursor = stringColumns(label) + stringColumns(before);
    const after = headFitting(escapeText(chars.slice(prompt.cursor).join('')), width - cursor);
    return { line: label + before + after, cursor };
  }

  it('is the same as escaping the whole text, with marks, wide characters and controls', () => {
    const pieces = ['a', 'é', 'e\u0301', '\u0301', '\u0301\u0301\u0301\u0301\u0301', '漢', '😀', '\u009b', '\u202e', '\\', '{|}', ' '];
    let seed = 11;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let round = 0; round < 300; round++) {
      const prompt = new Prompt('filter: ');
      prompt.insert(Array.from({ length: random(400) }, () => pieces[random(pieces.length)]).join(''));
      for (let k = random(300); k > 0; k--) prompt.key('left');
      for (const width of [1, 9, 20, 80]) expect(prompt.render(width)).toEqual(wholeRender(prompt, width));
    }
  });
});
