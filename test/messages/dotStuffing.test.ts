import { describe, expect, it } from 'vitest';
import { undoDotStuffing } from '../../src/messages/dotStuffing.js';

const undo = (text: string, lineStart = true) => Buffer.from(undoDotStuffing(Buffer.from(text, 'latin1'), lineStart)).toString('latin1');

describe('undoDotStuffing', () => {
  it('drops the first dot of each line that begins with one, and only at a line start', () => {
    expect(undo('..a\r\nb.c\r\n.\r\n...d\n.')).toBe('.a\r\nb.c\r\n\r\n..d\n');
    expect(undo('.not a line start', false)).toBe('.not a line start');
  });

  it('returns the bytes given when no line begins with a dot', () => {
    const bytes = Buffer.from('plain\r\nmail\r\n');
    expect(undoDotStuffing(bytes, true)).toBe(bytes);
  });
});
