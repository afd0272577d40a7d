import { describe, expect, it } from 'vitest';
import { QueryBytesMemo, queryBytes } from '../../../src/tui/conversation/queryBytes.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('a / query read as the conversation shows bytes', () => {
  it('its escapes are the bytes they stand for; the rest is text in the encoding', () => {
    expect(hex(queryBytes('\\r\\n\\r\\n', 'utf-8').bytes)).toBe('0d0a0d0a');
    expect(hex(queryBytes('\\x1b[31m', 'utf-8').bytes)).toBe('1b5b33316d');
    expect(hex(queryBytes('a\\tb\\\\', 'utf-8').bytes)).toBe('6109625c');
    expect(hex(queryBytes('\\u{202e}é', 'utf-8').bytes)).toBe('e280aec3a9');
    expect(hex(queryBytes('é\\x00', 'latin1').bytes)).toBe('e900');
  });

  it('a backslash that starts no escape leaves the whole query text as typed', () => {
    expect(Buffer.from(queryBytes('C:\\Windows\\x41', 'utf-8').bytes).toString('latin1')).toBe('C:\\Windows\\x41');
    expect(Buffer.from(queryBytes('\\u{110000}', 'utf-8').bytes).toString('latin1')).toBe('\\u{110000}');
  });

  it('smart case looks at the text, not at the escapes; shown is how the raw modes show the bytes', () => {
    expect(queryBytes('\\x1Bhost', 'utf-8')).toMatchObject({ cased: false, shown: '\\x1bhost' });
    expect(hex(queryBytes('\\x1Bhost', 'utf-8').upper)).toBe('1b484f5354');
    expect(queryBytes('\\r\\nHost', 'utf-8').cased).toBe(true);
    expect(queryBytes('say \\\\ hi', 'utf-8').shown).toBe('say \\\\ hi');
  });
});

describe('QueryBytesMemo', () => {
  it('reads a query again only when it or the encoding changed', () => {
    const memo = new QueryBytesMemo();
    const first = memo.get('caf\u00e9', 'utf-8');
    expect(first).toEqual(queryBytes('caf\u00e9', 'utf-8'));
    expect(memo.get('caf\u00e9', 'utf-8')).toBe(first);
    const latin1 = memo.get('caf\u00e9', 'latin1');
    expect(hex(latin1.bytes)).toBe('636166e9');
    expect(memo.get('caf\u00e9', 'latin1')).toBe(latin1);
    expect(memo.get('cafe', 'latin1')).not.toBe(latin1);
  });
});
