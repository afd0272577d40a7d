import { describe, expect, it } from 'vitest';
import { ChunkedReader, ChunkStep } from '../../src/messages/httpChunked.js';
import type { HttpBody } from '../../src/messages/types.js';

const newBody = (): HttpBody => ({ framing: 'chunked', offset: 0, length: 0, dataLength: 0, gapBytes: 0, chunks: 0, trailers: [] });

describe('chunked reader: the data it reads', () => {
  it('hands over every chunk\'s data, whatever the cuts, and only the data', () => {
    const wire = Buffer.from('5;name=v\r\nhello\r\n1\r\n \r\nb\r\nworld, wide\r\n0\r\nX-T: 1\r\n\r\n');
    for (let size = 1; size <= wire.length; size++) {
      const body = newBody();
      const data: string[] = [];
      const reader = new ChunkedReader(body, (bytes, from, to) => data.push(Buffer.from(bytes.subarray(from, to)).toString('latin1')));
      for (let at = 0; at < wire.length && reader.step === ChunkStep.More; at += size) reader.read(wire.subarray(at, at + size), 0, at);
      expect(reader.step, `pieces of ${size}`).toBe(ChunkStep.Done);
      expect(data.join(''), `pieces of ${size}`).toBe('hello world, wide');
      expect(body).toMatchObject({ length: wire.length, dataLength: 17, chunks: 3, trailers: [{ name: 'X-T', value: '1' }] });
    }
  });

  it('stops handing over data where the framing breaks', () => {
    const data: string[] = [];
    const reader = new ChunkedReader(newBody(), (bytes, from, to) => data.push(Buffer.from(bytes.subarray(from, to)).toString('latin1')));
    reader.read(Buffer.from('3\r\nabc\r\nzz\r\n4\r\nmore\r\n'), 0, 100);
    expect(reader.step).toBe(ChunkStep.Bad);
    expect(reader.badOffset).toBe(108);
    expect(data).toEqual(['abc']);
  });
});
