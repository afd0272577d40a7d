import { describe, expect, it } from 'vitest';
import { LineText } from '../../src/messages/lineText.js';

describe('LineText.peek', () => {
  it('decodes a line so far once for the same bytes, again when more came', () => {
    const line = new LineText();
    const add = (text: string) => {
      const bytes = Buffer.from(text);
      line.append(bytes, 0, bytes.length);
    };
    add('Contrase\u00f1a');
    const first = line.peek();
    expect(first).toMatchObject({ text: 'Contrase\u00f1a', notUtf8: false });
    expect(line.peek()).toBe(first);
    add(':\r\n');
    expect(line.peek().text).toBe('Contrase\u00f1a:');
    expect(line.take().text).toBe('Contrase\u00f1a:');
    expect(line.peek()).toMatchObject({ text: '', notUtf8: false });
  });
});
