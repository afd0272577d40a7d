import { describe, expect, it } from 'vitest';
import { Prompt } from '../../src/tui/prompt.js';
import { stringColumns, tailFitting } from '../../src/tui/width.js';

/** Types `text` one key at a time, as blessed reports printable keys (name = the character, lower case for letters). */
function type(prompt: Prompt, text: string): void {
  for (const ch of text) prompt.key(/^[A-Z]$/.test(ch) ? `S-${ch.toLowerCase()}` : ch, ch);
}

describe('Prompt', () => {
  it('ctrl-w deletes the word before the cursor and the blanks after it, as a shell does', () => {
    const prompt = new Prompt('filter: ', 'method:POST  status:5xx');
    expect(prompt.key('C-w')).toBe('edit');
    expect(prompt.text).toBe('method:POST  ');
    expect(prompt.key('C-w')).toBe('edit');
    expect([prompt.text, prompt.cursor]).toEqual(['', 0]);
    expect(prompt.key('C-w')).toBe('ignored');
  });

  it('joins an emoji blessed hands over as two keys (its UTF-16 halves): Left and Backspace take it whole', () => {
    const prompt = new Prompt('filter: ');
    for (const unit of ['a', '\ud83d', '\ude00', 'b']) prompt.key(unit, unit);
    expect([prompt.text, prompt.cursor]).toEqual(['a😀b', 3]);
    prompt.key('left');
    prompt.key('left');
    prompt.key('S-x', 'X');
    expect(prompt.text).toBe('aX😀b');
    prompt.key('right');
    prompt.key('backspace');
    expect([prompt.text, prompt.cursor]).toEqual(['aXb', 2]);
    expect(prompt.render(40).line).toBe('filter: aXb');
  });

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

  it('scrolls so the cursor stays visible in a narrow row, marking the cuts with an ellipsis', () => {
    const prompt = new Prompt('/', 'abcdefghijklmnopqrstuvwxyz');
    const end = prompt.render(10);
    expect(end).toEqual({ line: '/…tuvwxyz', cursor: 9 });
    expect(prompt.render(10, '~').line).toBe('/~tuvwxyz');
    for (let i = 0; i < 26; i++) prompt.key('left');
    const start = prompt.render(10);
    expect(start).toEqual({ line: '/abcdefgh…', cursor: 1 });
    expect(stringColumns(start.line)).toBeLessThanOrEqual(10);
  });

  it('counts wide characters as two columns', () => {
    const prompt = new Prompt('> ', '日本語');
    expect(prompt.render(80)).toEqual({ line: '> 日本語', cursor: 8 });
    expect(prompt.render(7)).toEqual({ line: '> …語', cursor: 5 });
    prompt.key('home');
    expect(prompt.render(7)).toEqual({ line: '> 日本…', cursor: 2 });
    expect(tailFitting('e\u0301x', 1)).toBe('x');
    expect(tailFitting('e\u0301x', 2)).toBe('e\u0301x');
  });
});

describe('Prompt render of a long text', () => {
  /** `text` in a `filter: ` prompt, the cursor moved `left` code points from its end, rendered `width` wide. */
  function rendered(text: string, left: number, width: number) {
    const prompt = new Prompt('filter: ');
    prompt.insert(text);
    for (let i = 0; i < left; i++) prompt.key('left');
    return prompt.render(width);
  }

  it.each([
    ['plain text, the cursor at the end', 'a'.repeat(1000), 0, 20, 'filter: …aaaaaaaaaa', 19],
    ['the cursor inside: the text after it, cut, is marked', 'a'.repeat(100) + 'b'.repeat(100), 100, 20, 'filter: …aaaaaaaaab…', 18],
    ['wide characters before the cursor', '漢'.repeat(100), 0, 20, 'filter: …漢漢漢漢漢', 19],
    ['wide characters after the cursor', '漢'.repeat(100), 100, 20, 'filter: 漢漢漢漢漢…', 8],
    ['C1 controls, escaped, cut from the left', 'x' + '\u009b'.repeat(100), 0, 20, 'filter: …{9b}\\u{9b}', 19],
    ['bidi controls before the cursor', '\u202e'.repeat(100) + 'y', 1, 20, 'filter: …e}\\u{202e}y', 19],
    ['a letter with a hundred combining marks', 'e' + '\u0301'.repeat(100), 0, 20, 'filter: …01}\\u{301}', 19],
    ['marks with no letter', '\u0301'.repeat(100) + 'z', 0, 20, 'filter: …1}\\u{301}z', 19],
    ['emoji each side of the cursor', '😀'.repeat(100), 50, 20, 'filter: …\\u{1f600}\\…', 18],
    ['no room for the label', 'a'.repeat(100), 50, 1, 'a', 0],
    ['room for the label only', 'a'.repeat(100), 50, 9, 'filter: a', 8],
  ])('%s', (_name, text, left, width, line, cursor) => {
    expect(rendered(text, left, width)).toEqual({ line, cursor });
  });
});
