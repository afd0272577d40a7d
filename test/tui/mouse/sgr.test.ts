import { describe, expect, it } from 'vitest';
import { decode, holdsReport, MOUSE_REPORTING_OFF, MOUSE_REPORTING_ON, SgrReader } from '../../../src/tui/mouse/sgr.js';

describe('decode', () => {
  it.each([
    [0, false, 'left'], [1, false, 'middle'], [2, false, 'right'], [0, true, 'left'],
    [64, false, 'wheelUp'], [65, false, 'wheelDown'], [66, false, 'other'], [67, false, 'other'],
    [128, false, 'other'], [3, false, 'other'],
    // Shift (4), Meta (8), Ctrl (16) do not change the button.
    [4, false, 'left'], [16 + 65, false, 'wheelDown'], [8 + 2, false, 'right'],
  ] as const)('code %i (release %s) is %s', (code, release, button) => {
    expect(decode(code, 10, 5, release)).toEqual({ x: 9, y: 4, button, release, motion: false });
  });

  it('reads a held button moving as motion, and columns past 223 (the X10 form stops there)', () => {
    expect(decode(32, 300, 70, false)).toMatchObject({ x: 299, y: 69, button: 'left', motion: true });
  });

  it('refuses cell 0 (SGR cells start at 1)', () => {
    expect(decode(0, 0, 5, false)).toBeUndefined();
    expect(decode(0, 5, 0, false)).toBeUndefined();
  });
});

describe('SgrReader', () => {
  it('reads every report of a read (blessed reads only the first), press and release', () => {
    const read = new SgrReader().read('\x1b[<65;10;15M\x1b[<65;10;15M\x1b[<0;3;4M\x1b[<0;3;4m');
    expect(read.reports.map((r) => [r.button, r.x, r.y, r.release])).toEqual([
      ['wheelDown', 9, 14, false], ['wheelDown', 9, 14, false], ['left', 2, 3, false], ['left', 2, 3, true],
    ]);
    expect(read).toMatchObject({ headPiece: 0, tailPiece: 0, keys: '' });
  });

  it('keeps a report split across reads until its end comes, and says the pieces are not keys', () => {
    const reader = new SgrReader();
    expect(reader.read('j\x1b[<0;12')).toEqual({ reports: [], headPiece: 0, tailPiece: 7, keys: 'j' });
    expect(reader.read(';7')).toEqual({ reports: [], headPiece: 0, tailPiece: 2, keys: '' });
    const end = reader.read('m');
    expect(end.reports).toEqual([{ x: 11, y: 6, button: 'left', release: true, motion: false }]);
    expect(end).toMatchObject({ headPiece: 1, tailPiece: 0, keys: '' });
    expect(reader.read('m')).toEqual({ reports: [], headPiece: 0, tailPiece: 0, keys: 'm' });
  });

  it('reads a report split right after its ESC, or its ESC [ (the Esc key, taken as typed, still acts)', () => {
    const reader = new SgrReader();
    reader.read('\x1b');
    expect(reader.read('[<65;1;2Mq')).toMatchObject({ reports: [{ button: 'wheelDown', y: 1 }], headPiece: 9, tailPiece: 0, keys: 'q' });
    reader.read('j\x1b[');
    expect(reader.read('<64;1;2Mq')).toMatchObject({ reports: [{ button: 'wheelUp', y: 1 }], headPiece: 8, tailPiece: 0, keys: 'q' });
    reader.read('\x1b');
    expect(reader.read('[A')).toEqual({ reports: [], headPiece: 0, tailPiece: 0, keys: '[A' });
  });

  it('says how many characters of a read are the end of a split report and the start of another', () => {
    const reader = new SgrReader();
    reader.read('\x1b[<0;1');
    expect(reader.read(';1Mm5\x1b[<64')).toMatchObject({ headPiece: 3, tailPiece: 5, keys: 'm5' });
  });

  it('leaves the keys typed with reports, and drops a piece whose rest never comes', () => {
    const reader = new SgrReader();
    expect(reader.read('a\x1b[<64;1;1Mb')).toMatchObject({ reports: [{ button: 'wheelUp' }], keys: 'ab' });
    expect(reader.read('\x1b[<64;1')).toMatchObject({ reports: [], tailPiece: 7 });
    expect(reader.read('q')).toEqual({ reports: [], headPiece: 0, tailPiece: 0, keys: 'q' });
    expect(reader.read(';1M')).toEqual({ reports: [], headPiece: 0, tailPiece: 0, keys: ';1M' });
  });

  it('does not hold Esc or other escape sequences (keys) back, though an ESC or ESC [ ending a read may begin a report', () => {
    const reader = new SgrReader();
    expect(reader.read('\x1b')).toEqual({ reports: [], headPiece: 0, tailPiece: 1, keys: '\x1b' });
    expect(reader.read('\x1b[')).toEqual({ reports: [], headPiece: 0, tailPiece: 2, keys: '\x1b[' });
    expect(reader.read('\x1b[A\x1b[5~')).toEqual({ reports: [], headPiece: 0, tailPiece: 0, keys: '\x1b[A\x1b[5~' });
  });
});

describe('modes', () => {
  it('asks for presses and the wheel in the SGR form, no motion; turns every mouse mode off', () => {
    expect(MOUSE_REPORTING_ON).toBe('\x1b[?1000h\x1b[?1006h');
    for (const mode of [1000, 1002, 1003, 1005, 1006, 1015]) expect(MOUSE_REPORTING_OFF).toContain(`\x1b[?${mode}l`);
  });

  it('holdsReport finds a whole report only', () => {
    expect(holdsReport('x\x1b[<0;1;1Mx')).toBe(true);
    expect(holdsReport('\x1b[<0;1;1')).toBe(false);
  });
});
