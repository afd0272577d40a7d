import { describe, expect, it } from 'vitest';
import { PREVIEW_BYTES, PreviewCache } from '../../../src/tui/flowList/preview.js';
import { FakeStore } from './fakeStore.js';

describe('PreviewCache', () => {
  it.each([
    ['the client\'s first line', [['c2s', 'GET /api/v2/chickens.json HTTP/1.1\r\nHost: x\r\n'], ['s2c', 'HTTP/1.1 200 OK\r\n']], 'GET /api/v2/chickens.json HTTP/1.1'],
    ['the server\'s when it spoke first', [['s2c', '220 mail.example ESMTP\r\n'], ['c2s', 'EHLO me\r\n']], '220 mail.example ESMTP'],
    ['hostile bytes escaped', [['c2s', '\x1b]0;pwned\x07\x1b[31m{bold}\u009b31m\u202eevil\n']], '\\x1b]0;pwned\\x07\\x1b[31m{bold}\\u{9b}31m\\u{202e}evil'],
    ['a coloured text line with a control byte as text', [['c2s', '\x1b[31mcafé\x01\x1b[0m\n']], '\\x1b[31mcafé\\x01\\x1b[0m'],
    ['binary bytes that decode as letters (right-to-left ones too) as \\xNN', [['s2c', new Uint8Array([0x17, 0x03, 0x03, 0x00, 0x50, 0xa9, 0xd8, 0xbf, 0x5c])]], '\\x17\\x03\\x03\\x00P\\xa9\\xd8\\xbf\\\\'],
    // MySQL's greeting: its protocol version (10) is an LF, before the server's version; no line end in binary bytes.
    ['binary bytes past an LF among them', [['s2c', new Uint8Array([0x4a, 0x00, 0x00, 0x00, 0x0a, 0x35, 0x2e, 0x35, 0x00])]], 'J\\x00\\x00\\x00\\n5.5\\x00'],
    ['a UTF-8 text line as text', [['c2s', 'NOTE 나랏 말 café\r\n']], 'NOTE 나랏 말 café'],
    ['nothing yet', [], ''],
  ])('shows %s', (_name, parts, expected) => {
    const store = new FakeStore();
    const flow = store.add();
    for (const [dir, text] of parts) store.data(flow.id, dir as 'c2s' | 's2c', text as string | Uint8Array);
    expect(new PreviewCache(store).get(store.getFlow(flow.id)!)).toBe(expected);
  });

  it('starts after a leading gap and cuts a long first line', () => {
    const store = new FakeStore();
    store.add();
    store.data(1, 'c2s', new Uint8Array(100), true);
    store.data(1, 'c2s', 'x'.repeat(1000));
    expect(new PreviewCache(store).get(store.getFlow(1)!)).toBe('x'.repeat(PREVIEW_BYTES));
  });

  it('reads again only while the line is incomplete and the flow got bytes', () => {
    const store = new FakeStore();
    store.add();
    const cache = new PreviewCache(store);
    store.data(1, 'c2s', 'GET /pa');
    expect(cache.get(store.getFlow(1)!)).toBe('GET /pa');
    expect(cache.get(store.getFlow(1)!)).toBe('GET /pa');
    expect(cache.reads).toBe(1);
    store.data(1, 'c2s', 'th HTTP/1.1\r\nHost');
    expect(cache.get(store.getFlow(1)!)).toBe('GET /path HTTP/1.1');
    store.data(1, 'c2s', ': more\r\n');
    expect(cache.get(store.getFlow(1)!)).toBe('GET /path HTTP/1.1');
    expect(cache.reads).toBe(2);
  });

  it('gives an empty preview when the store cannot read', () => {
    const store = new FakeStore();
    store.add();
    store.data(1, 'c2s', 'abc');
    const failing = { getChunk: store.getChunk.bind(store), read: () => { throw new Error('EIO'); } };
    expect(new PreviewCache(failing).get(store.getFlow(1)!)).toBe('');
  });
});
