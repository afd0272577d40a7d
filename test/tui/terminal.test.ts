import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { localeIsUtf8, openTerminal, TerminalError, terminfoFor, terminfoPath } from '../../src/tui/terminal.js';
import { noColorRequested, paletteFor } from '../../src/tui/color.js';
import { ASCII_GLYPHS, UNICODE_GLYPHS, glyphsFor, type Glyphs } from '../../src/tui/glyphs.js';
import { codePointColumns } from '../../src/tui/width.js';

describe('terminfoFor', () => {
  it.each([
    [{ TERM: 'xterm-256color' }, 'xterm-256color'],
    [{ TERM: 'screen-256color' }, 'xterm-256color'],
    [{ TERM: 'tmux-256color' }, 'xterm-256color'],
    [{ TERM: 'tmux' }, 'xterm-256color'],
    [{ TERM: 'screen', TMUX: '/tmp/tmux-0/default,1,0' }, 'xterm-256color'],
    [{ TERM: 'xterm', COLORTERM: 'truecolor' }, 'xterm-256color'],
    [{ TERM: 'screen' }, 'xterm'],
    [{ TERM: 'xterm' }, 'xterm'],
    [{ TERM: 'vt100' }, 'xterm'],
    [{}, 'xterm'],
    [{ TERM: 'linux' }, 'linux'],
    [{ TERM: 'linux', TMUX: '' }, 'linux'],
  ] as const)('%o -> %s', (env, name) => {
    expect(terminfoFor(env)).toBe(name);
  });

  it('points at files blessed ships', () => {
    for (const name of ['xterm-256color', 'xterm', 'linux'] as const) expect(existsSync(terminfoPath(name))).toBe(true);
  });
});

describe('localeIsUtf8', () => {
  it('follows LC_ALL, then LC_CTYPE, then LANG', () => {
    expect(localeIsUtf8({ LANG: 'C.UTF-8' })).toBe(true);
    expect(localeIsUtf8({ LANG: 'en_US.utf8' })).toBe(true);
    expect(localeIsUtf8({ LANG: 'C.UTF-8', LC_ALL: 'C' })).toBe(false);
    expect(localeIsUtf8({ LANG: 'C', LC_CTYPE: 'de_DE.UTF-8' })).toBe(true);
    expect(localeIsUtf8({ LANG: 'de_DE.UTF-8', LC_CTYPE: 'POSIX' })).toBe(false);
    expect(localeIsUtf8({ LANG: 'en_US.ISO-8859-1' })).toBe(false);
    expect(localeIsUtf8({})).toBe(false);
  });
});

describe('palette', () => {
  it('gives SGR colours, or empty strings under NO_COLOR', () => {
    const colour = paletteFor({});
    expect(colour.fg('cyan')).toBe('\x1b[36m');
    expect(colour.bg(214)).toBe('\x1b[48;5;214m');
    expect(colour.paint('red', 'x')).toBe('\x1b[31mx\x1b[39;49m');
    expect(colour.style({ fg: 'green' })).toEqual({ fg: 'green' });
    const none = paletteFor({ NO_COLOR: '1' });
    expect([none.enabled, none.fg('cyan'), none.bg(214), none.reset, none.paint('red', 'x')]).toEqual([false, '', '', '', 'x']);
    expect(none.style({ fg: 'green', bg: 'blue' })).toEqual({});
    expect(noColorRequested({ NO_COLOR: '' })).toBe(false);
  });
});

describe('glyphs', () => {
  const all = (glyphs: Glyphs): string[] => Object.values(glyphs).flat() as string[];

  it('are one column each; the ASCII set is 7-bit', () => {
    for (const glyph of [...all(UNICODE_GLYPHS), ...all(ASCII_GLYPHS)]) {
      expect([...glyph].length, glyph).toBe(1);
      expect(codePointColumns(glyph.codePointAt(0)!), glyph).toBe(1);
    }
    expect(all(ASCII_GLYPHS).join('')).toMatch(/^[\x20-\x7e]+$/);
    expect(Object.keys(ASCII_GLYPHS)).toEqual(Object.keys(UNICODE_GLYPHS));
    expect(glyphsFor(false)).toBe(ASCII_GLYPHS);
    expect(glyphsFor(true)).toBe(UNICODE_GLYPHS);
  });
});

describe('openTerminal', () => {
  it('refuses an output that is not a terminal, with a one-line error', () => {
    const output = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
    expect(() => openTerminal({ output, guardProcess: false })).toThrow(TerminalError);
    expect(() => openTerminal({ output, guardProcess: false })).toThrow(/^the screen needs a terminal on stdout$/);
  });
});
