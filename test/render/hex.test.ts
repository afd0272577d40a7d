import { describe, expect, it } from 'vitest';
import { hexBytesFitting, hexDumpLines, hexLayoutFitting, hexLineColumns, hexRowLines } from '../../src/render/hex.js';

const BYTES = Uint8Array.from(Buffer.from('GIF89a\x04\x00\x04\x00\xb3\x00\x00\xbd\xd8\xe2|\\ok', 'latin1'));

describe('narrow hex dump rows', () => {
  it('8 and 4 bytes a row keep the layout, their widths as hexLineColumns says', () => {
    expect(hexDumpLines(BYTES, 0x10, 8)).toEqual([
      '00000010  47 49 46 38 39 61 04 00  |GIF89a..|',
      '00000018  04 00 b3 00 00 bd d8 e2  |........|',
      '00000020  7c 5c 6f 6b              ||\\ok|',
    ]);
    expect(hexDumpLines(BYTES, 0, 4)[0]).toBe('00000000  47 49 46 38  |GIF8|');
    for (const n of [16, 8, 4]) expect(hexDumpLines(BYTES, 0, n)[0]).toHaveLength(hexLineColumns(n));
    expect([80, 78, 77, 45, 44].map(hexBytesFitting)).toEqual([16, 16, 8, 8, 4]);
  });

  it('the rows of a 16-byte line made again from its bytes, 8 or 4 a row, labelled from its offset', () => {
    const rows = [0, 16].map((offset) => hexRowLines({ bytes: BYTES, offset }, 8));
    expect(rows.flat()).toEqual(hexDumpLines(BYTES, 0, 8));
    expect(hexRowLines({ bytes: BYTES, offset: 16 }, 4)).toEqual(['00000010  7c 5c 6f 6b  ||\\ok|']);
  });

  it('past 4 GiB the offset takes 9 digits: every label of a dump as wide, and fewer bytes fit a width', () => {
    const lines = hexDumpLines(BYTES, 0xffff_fff0);
    expect(lines.map((line) => line.slice(0, 10))).toEqual(['0fffffff0 ', '100000000 ']);
    expect(new Set(lines.map((line) => line.indexOf('|'))).size).toBe(1);
    expect(hexDumpLines(BYTES, 0x1_4000_0000)[0]).toHaveLength(hexLineColumns(16, 9));
    expect(hexBytesFitting(78, 0x1_0000_0000)).toBe(8);
    expect(hexBytesFitting(79, 0x1_0000_0000)).toBe(16);
    expect(hexBytesFitting(45, 0x1_0000_0000)).toBe(4);
  });

  it('past 4 GiB a pane of 78 columns keeps 16 bytes a row: one space after the offset, not two', () => {
    expect(hexLayoutFitting(78, 0x1_0000_0000)).toEqual({ bytesPerRow: 16, tight: true });
    expect(hexLayoutFitting(79, 0x1_0000_0000)).toEqual({ bytesPerRow: 16, tight: false });
    expect(hexLayoutFitting(78, 0xffff_ffff)).toEqual({ bytesPerRow: 16, tight: false });
    expect(hexLayoutFitting(45, 0x1_0000_0000)).toEqual({ bytesPerRow: 8, tight: true });
    expect(hexLayoutFitting(44, 0x1_0000_0000)).toEqual({ bytesPerRow: 4, tight: false });
    expect(hexLayoutFitting(29, 0x1_0000_0000)).toEqual({ bytesPerRow: 4, tight: true });
    const [line] = hexDumpLines(BYTES, 0x1_4000_0000, 16, true);
    expect(line).toHaveLength(78);
    expect(line.startsWith('140000000 47 49 46 38 39 61 04 00  04 00 ')).toBe(true);
  });
});
