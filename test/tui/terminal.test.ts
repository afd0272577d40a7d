import { describe, expect, it, onTestFinished } from 'vitest';
import { existsSync } from 'node:fs';
import { checkTerminal, fullScreenProblem, localeIsUtf8, openTerminal, TerminalError, terminfoFor, terminfoPath } from '../../src/tui/terminal.js';
import { parseTerminfo, terminalCaps } from '../../src/tui/terminfoCaps.js';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noColorRequested, paletteFor } from '../../src/tui/color.js';
import { ASCII_GLYPHS, UNICODE_GLYPHS, glyphsFor, type Glyphs } from '../../src/tui/glyphs.js';
import { codePointColumns } from '../../src/tui/width.js';
import { cannotRun } from '../support/requirements.js';

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
    [{ TERM: 'vt100', TMUX: '/tmp/tmux-0/default,1,0' }, 'xterm'],
    [{ TERM: 'xterm', TMUX: '/tmp/tmux-0/default,1,0' }, 'xterm'],
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

  it('has no colour on a terminal below 8 colours, and only the attributes it has', () => {
    const mono = paletteFor({}, { colors: 0, bold: true, reverse: true, underline: true });
    expect([mono.enabled, mono.fg('cyan'), mono.bg(236), mono.inverse, mono.bold, mono.underline]).toEqual([false, '', '', '\x1b[7m', '\x1b[1m', '\x1b[4m']);
    const bare = paletteFor({}, { colors: 0, bold: false, reverse: false, underline: false });
    expect([bare.inverse, bare.noInverse, bare.bold, bare.noBold, bare.underline, bare.noUnderline]).toEqual(['', '', '', '', '', '']);
    expect(paletteFor({}, { colors: 8, bold: true, reverse: true, underline: true }).fg('cyan')).toBe('\x1b[36m');
  });
});

/** A compiled terminfo entry: legacy (16-bit numbers) or ncurses' 32-bit format. */
function terminfo(numbers: Record<number, number>, strings: readonly number[], wide = false): Uint8Array {
  const names = Buffer.from('test|a test terminal\0');
  const numCount = 15;
  const strCount = 40;
  const size = wide ? 4 : 2;
  const header = Buffer.alloc(12);
  [wide ? 0o1036 : 0o432, names.length, 1, numCount, strCount, 2].forEach((value, i) => header.writeUInt16LE(value, i * 2));
  const bools = Buffer.from([1, ...((names.length + 1) % 2 ? [0] : [])]);
  const nums = Buffer.alloc(numCount * size, 0xff);
  for (const [index, value] of Object.entries(numbers)) (wide ? nums.writeInt32LE(value, Number(index) * 4) : nums.writeInt16LE(value, Number(index) * 2));
  const offsets = Buffer.alloc(strCount * 2, 0xff);
  for (const index of strings) offsets.writeUInt16LE(0, index * 2);
  return Buffer.concat([header, names, bools, nums, offsets, Buffer.from('x\0')]);
}

describe('terminal caps', () => {
  it('reads colours, cursor addressing and attributes from both formats', () => {
    expect(parseTerminfo(terminfo({ 13: 256 }, [10, 27, 34], true))).toEqual({ colors: 256, addressable: true, bold: true, reverse: true, underline: false });
    expect(parseTerminfo(terminfo({ 13: 8 }, [10, 36]))).toEqual({ colors: 8, addressable: true, bold: false, reverse: false, underline: true });
    expect(parseTerminfo(terminfo({}, []))).toEqual({ colors: 0, addressable: false, bold: false, reverse: false, underline: false });
    expect(parseTerminfo(Buffer.from('not terminfo at all'))).toBeUndefined();
  });

  it('finds TERM under $TERMINFO, by first letter or its hex code; unknown names give undefined', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-terminfo-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'v'));
    mkdirSync(join(dir, '64'));
    writeFileSync(join(dir, 'v', 'vtest'), terminfo({}, [10, 27, 34, 36]));
    writeFileSync(join(dir, '64', 'dtest'), terminfo({}, []));
    const env = { TERMINFO: dir, HOME: dir, TERMINFO_DIRS: dir };
    expect(terminalCaps({ ...env, TERM: 'vtest' })).toMatchObject({ colors: 0, addressable: true });
    expect(terminalCaps({ ...env, TERM: 'dtest' })).toMatchObject({ addressable: false });
    expect(terminalCaps({ ...env, TERM: 'no-such-terminal' })).toBeUndefined();
    expect(terminalCaps({ ...env, TERM: '../v/vtest' })).toBeUndefined();
    expect(fullScreenProblem({ ...env, TERM: 'dtest' })).toBe('TERM=dtest cannot move the cursor for the screen: use --log or --no-tui');
    expect(fullScreenProblem({ ...env, TERM: 'vtest' })).toBeUndefined();
    expect(fullScreenProblem({ ...env, TERM: 'no-such-terminal' })).toBeUndefined();
  });

  const noTerminfo = !existsSync('/lib/terminfo/d/dumb') && !existsSync('/usr/share/terminfo/d/dumb') ? 'no system terminfo (Debian: ncurses-base)' : undefined;
  it.skipIf(cannotRun(noTerminfo, 'the system dumb and vt100'))('the system dumb and vt100', () => {
    expect(terminalCaps({ TERM: 'dumb' })).toMatchObject({ colors: 0, addressable: false });
    expect(terminalCaps({ TERM: 'vt100' })).toMatchObject({ colors: 0, addressable: true, reverse: true, bold: true, underline: true });
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

  it('decides on the terminfo the caller read (read once per start), not on a second read', () => {
    const output = { isTTY: true, write: () => true } as unknown as NodeJS.WriteStream;
    const env = { TERM: 'no-such-terminal', TERMINFO: '/nonexistent', HOME: '/nonexistent' };
    const caps = { colors: 0, addressable: false, bold: false, reverse: false, underline: false };
    expect(() => openTerminal({ output, env, caps, guardProcess: false })).toThrow(/^TERM=no-such-terminal cannot move the cursor/);
    expect(fullScreenProblem(env, caps)).toMatch(/cannot move the cursor/);
    expect(fullScreenProblem(env)).toBeUndefined();
  });
});

describe('checkTerminal', () => {
  it('refuses before anything is written, and passes without writing a byte', () => {
    const written: unknown[] = [];
    const output = { isTTY: true, write: (data: unknown) => written.push(data) } as unknown as NodeJS.WriteStream;
    const env = { TERM: 'no-such-terminal', TERMINFO: '/nonexistent', HOME: '/nonexistent' };
    const caps = { colors: 256, addressable: true, bold: true, reverse: true, underline: true };
    expect(() => checkTerminal({ output, env, caps: { ...caps, addressable: false } })).toThrow(TerminalError);
    // Keys from a given input: no /dev/tty to look for (the runner may have no terminal).
    const input = {} as NodeJS.ReadStream;
    expect(typeof checkTerminal({ output, input, env, caps }).open).toBe('function');
    expect(written).toEqual([]);
  });
});
