import { brotliCompressSync, constants as zlibConstants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formatCount } from '../../src/core/count.js';
import { decodeBody, dechunk, messageBody } from '../../src/messages/httpBody.js';
import { exchangeTimings } from '../../src/messages/http.js';
import type { HttpResponse } from '../../src/messages/types.js';
import { c2s, play, s2c } from './httpScript.js';

const enc = new TextEncoder();
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const BODY = '{"chickens":[' + Array.from({ length: 200 }, (_, i) => `{"id":${i},"name":"hen ${i}"}`).join(',') + ']}';

/** A response with `headers` and wire body `body`, parsed; returns it and its body's wire bytes. */
function respond(headers: string, body: Uint8Array): { response: HttpResponse; wire: Uint8Array } {
  const head = enc.encode(`HTTP/1.1 200 OK\r\n${headers}\r\n`);
  const stream = new Uint8Array(head.length + body.length);
  stream.set(head);
  stream.set(body, head.length);
  const http = play([c2s('GET / HTTP/1.1\r\n\r\n'), s2c(stream), { dir: 's2c', end: true }]);
  const response = http.exchanges[0].response!;
  return { response, wire: stream.subarray(response.body.offset, response.body.offset + response.body.length) };
}

function chunked(bytes: Uint8Array, size: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    const piece = bytes.subarray(i, i + size);
    parts.push(enc.encode(`${piece.length.toString(16)};ext=1\r\n`), piece, enc.encode('\r\n'));
  }
  parts.push(enc.encode('0\r\nX-Trailer: t\r\n\r\n'));
  return Buffer.concat(parts);
}

describe('decodeBody', () => {
  it.each([
    ['gzip', gzipSync(BODY)],
    ['x-gzip', gzipSync(BODY)],
    ['deflate', deflateSync(BODY)],
    ['deflate', deflateRawSync(BODY)],
    ['br', brotliCompressSync(BODY)],
  ])('undoes Content-Encoding %s', (coding, compressed) => {
    const { response, wire } = respond(`Content-Encoding: ${coding}\r\nContent-Length: ${compressed.length}\r\n`, compressed);
    const decoded = decodeBody(response, wire);
    expect(text(decoded.bytes)).toBe(BODY);
    expect(decoded).toMatchObject({ decoded: [coding], cut: false });
    expect(decoded.notes).toEqual([]);
    expect(decoded.decoded).toEqual([coding]);
  });

  it('removes chunked framing, then undoes gzip', () => {
    const compressed = gzipSync(BODY);
    const { response, wire } = respond('Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n', chunked(compressed, 100));
    expect(response.body.dataLength).toBe(compressed.length);
    const decoded = decodeBody(response, wire);
    expect(text(decoded.bytes)).toBe(BODY);
    expect(decoded.cut).toBe(false);
  });

  it('undoes several codings, the last listed first', () => {
    const compressed = brotliCompressSync(gzipSync(BODY));
    const { response, wire } = respond(`Content-Encoding: gzip, br\r\nContent-Length: ${compressed.length}\r\n`, compressed);
    const decoded = decodeBody(response, wire);
    expect(text(decoded.bytes)).toBe(BODY);
    expect(decoded.decoded).toEqual(['gzip', 'br']);
  });

  it('caps a decompression bomb, saying it was cut', () => {
    const cap = 1024 * 1024;
    const bomb = gzipSync(Buffer.alloc(64 * cap));
    const { response, wire } = respond(`Content-Encoding: gzip\r\nContent-Length: ${bomb.length}\r\n`, bomb);
    const decoded = decodeBody(response, wire, cap);
    expect(decoded.cut).toBe(true);
    expect(decoded.bytes.length).toBeLessThanOrEqual(cap);
    expect(decoded.bytes.length).toBeGreaterThan(cap * 0.9);
    expect(decoded.notes.at(-1)).toBe(`cut at ${formatCount(decoded.bytes.length)} decoded bytes (cap ${formatCount(cap)})`);
  });

  it('says a brotli bomb whose first bytes alone pass the cap is not decoded, and shows it as sent', () => {
    const cap = 1024 * 1024;
    // Quality 5 makes it in 0.07 s rather than 2 s (quality 11), as small: 102 bytes against 106.
    const bomb = brotliCompressSync(Buffer.alloc(64 * cap), { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } });
    const { response, wire } = respond(`Content-Encoding: br\r\nContent-Length: ${bomb.length}\r\n`, bomb);
    const decoded = decodeBody(response, wire, cap);
    expect([decoded.cut, decoded.decoded, decoded.bytes.length]).toEqual([true, [], bomb.length]);
    expect(decoded.notes).toEqual([`br not decoded: its first bytes alone decode to over ${formatCount(cap)} bytes (a decompression bomb?)`]);
  });

  it('decodes what there is of a body cut short', () => {
    const compressed = gzipSync(BODY);
    const half = compressed.subarray(0, compressed.length >> 1);
    const { response, wire } = respond(`Content-Encoding: gzip\r\nContent-Length: ${compressed.length}\r\n`, half);
    expect(response.complete).toBe(false);
    const decoded = decodeBody(response, wire);
    expect(decoded.cut).toBe(true);
    expect(decoded.bytes.length).toBeGreaterThan(0);
    expect(BODY.startsWith(text(decoded.bytes))).toBe(true);
  });

  it('shows data that does not decode, or an unknown coding, as sent, with a note', () => {
    const junk = enc.encode('not gzip at all');
    const bad = decodeBody(respond(`Content-Encoding: gzip\r\nContent-Length: ${junk.length}\r\n`, junk).response, junk);
    expect(text(bad.bytes)).toBe('not gzip at all');
    expect(bad.decoded).toEqual([]);
    expect(bad.notes[0]).toMatch(/^gzip does not decode \(.+\): shown as sent$/);
    const odd = decodeBody(respond(`Content-Encoding: zstd\r\nContent-Length: ${junk.length}\r\n`, junk).response, junk);
    expect(odd.notes).toEqual(['content coding zstd not decoded']);
  });

  it('says how much of the wire body the store could not give', () => {
    const { response, wire } = respond('Content-Length: 10\r\n', enc.encode('0123456789'));
    const decoded = decodeBody(response, wire.subarray(0, 4));
    expect(text(decoded.bytes)).toBe('0123');
    expect(decoded).toMatchObject({ cut: true, notes: ['6 of 10 wire bytes from a capture gap on'] });
  });
});

describe('dechunk', () => {
  it('joins the chunks and says whether the last chunk was seen', () => {
    expect(dechunk(chunked(enc.encode('hello world'), 3))).toEqual({ data: enc.encode('hello world'), complete: true });
    const cut = dechunk(chunked(enc.encode('hello world'), 3).subarray(0, 20));
    expect(cut.complete).toBe(false);
    expect('hello world'.startsWith(text(cut.data))).toBe(true);
  });
});

describe('messageBody', () => {
  it('reads the body by its range through a store reader, at most the cap', () => {
    const { response } = respond('Content-Length: 10\r\n', enc.encode('0123456789'));
    const stream = enc.encode('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789');
    const reads: string[] = [];
    const read = (dir: string, offset: number, length: number): Uint8Array => {
      reads.push(`${dir} ${offset}+${length}`);
      return stream.subarray(offset, offset + length);
    };
    expect(text(messageBody(read, response).bytes)).toBe('0123456789');
    const capped = messageBody(read, response, 4);
    expect([text(capped.bytes), capped.cut, capped.notes.at(-1)]).toEqual(['0123', true, 'only the first 4 of 10 wire bytes read']);
    expect(reads).toEqual([`s2c ${response.body.offset}+10`, `s2c ${response.body.offset}+4`]);
  });
});

describe('exchangeTimings', () => {
  it('gives send, wait and receive in milliseconds, -1 for a missing side', () => {
    const http = play([c2s('GET / HTTP/1.1\r\n'), c2s('\r\n'), s2c('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\na'), s2c('b'), c2s('GET /x HTTP/1.1\r\n\r\n')]);
    expect(exchangeTimings(http.exchanges[0])).toEqual({ send: 0.001, wait: 0.001, receive: 0.001 });
    expect(exchangeTimings(http.exchanges[1])).toEqual({ send: 0, wait: -1, receive: -1 });
  });
});
