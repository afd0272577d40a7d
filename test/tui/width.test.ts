import { describe, expect, it } from 'vitest';
import { fitHead, fitMiddle, fitTail, stringColumns } from '../../src/tui/width.js';

const NAME = '192.168.001.023.51000-198.051.100.010.00080-2-response.html';

describe('fitHead', () => {
  it('keeps what fits; a cut ends with the ellipsis, in exactly the columns', () => {
    expect(fitHead('down one page, as in less', 25, '…')).toBe('down one page, as in less');
    expect(fitHead('down one page, as in less', 24, '…')).toBe('down one page, as in le…');
    expect(fitHead('down one page, as in less', 24, '...')).toBe('down one page, as in ...');
    expect(stringColumns(fitHead('日本語のテキスト', 7, '…'))).toBeLessThanOrEqual(7);
    expect(fitHead('abc', 0, '…')).toBe('');
  });
});

describe('fitTail', () => {
  it('keeps a name that fits whole', () => {
    expect(fitTail(NAME, NAME.length, '…')).toBe(NAME);
    expect(fitTail('', 0, '…')).toBe('');
  });

  it('else the ellipsis and the longest tail that fits beside it, in exactly the columns given', () => {
    const unicode = fitTail(NAME, 20, '…');
    expect(unicode).toBe(`…${NAME.slice(-19)}`);
    const ascii = fitTail(NAME, 20, '...');
    expect(ascii).toBe(`...${NAME.slice(-17)}`);
    expect(stringColumns(ascii)).toBe(20);
  });

  it('counts wide characters by their columns and cuts no mark from its base', () => {
    const wide = '報告書-最終版.html';
    const cut = fitTail(wide, 10, '…');
    expect(stringColumns(cut)).toBeLessThanOrEqual(10);
    expect(cut).toBe('…終版.html');
    expect(fitTail('abcde\u0301f', 3, '…')).toBe('…e\u0301f');
    expect(fitTail('abcde\u0301f', 2, '…')).toBe('…f');
  });

  it('with no room, the ellipsis alone', () => {
    expect(fitTail(NAME, 1, '…')).toBe('…');
    expect(fitTail(NAME, 0, '…')).toBe('…');
  });
});

describe('stringColumns', () => {
  it('counts wide characters 2, non-spacing marks 0, spacing marks and ambiguous symbols 1', () => {
    expect(stringColumns('東京 𠮷')).toBe(7);
    expect(stringColumns('e\u0301')).toBe(1);
    expect(stringColumns('\u0915\u093e')).toBe(2); // Devanagari ka + vowel sign aa (a spacing mark)
    expect(stringColumns('\u3248')).toBe(1); // circled number ten on a black square: ambiguous
    expect(stringColumns('\ua960\u2329\ufe10')).toBe(6);
  });
});

describe('fitMiddle', () => {
  it('keeps a line that fits, else its first third and its end (the reason) in exactly the columns given', () => {
    expect(fitMiddle('short', 10, '…')).toBe('short');
    const error = `cannot write /work/wt/review/${NAME}: no space left on device`;
    const cut = fitMiddle(error, 70, '…');
    expect(cut).toBe('cannot write /work/wt/r…00080-2-response.html: no space left on device');
    expect(stringColumns(cut)).toBe(70);
  });
});
