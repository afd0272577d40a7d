import { describe, expect, it } from 'vitest';
import { ByteText } from '../../src/render/byteText.js';

describe('ByteText', () => {
  it('hands out room past the text to write in, keeping the text when it grows', () => {
    const out = new ByteText(16);
    out.text('0123456789abcdef');
    const room = out.room(40);
    expect(room.length).toBeGreaterThanOrEqual(out.length + 40);
    room.write('XY', out.length, 'latin1');
    out.wroteTo(out.length + 2);
    expect(out.view().toString('latin1')).toBe('0123456789abcdefXY');
    out.clear();
    expect(out.length).toBe(0);
    out.byte(0x41);
    expect(out.view().toString('latin1')).toBe('A');
  });

  it('reads back as a string, UTF-8 decoded, only what was appended since the last clear', () => {
    const out = new ByteText(16);
    out.text('stale');
    out.clear();
    out.text('café ✓');
    expect(out.toString()).toBe('café ✓');
  });
});
