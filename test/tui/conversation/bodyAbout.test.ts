/**
 * What the messages mode says of a body beside its lines: an empty one is `body: 0 bytes`, with
 * or without a Content-Type (no `[binary, 0 bytes]`); JSON pretty-printed says so; a message
 * with both Content-Length and Transfer-Encoding gets an alert (RFC 9112 6.3), and its exchange a flag.
 */
import { describe, expect, it } from 'vitest';
import { messageLines } from '../../../src/tui/conversation/messageLines.js';
import { liveFlow } from '../../support/liveFlow.js';

/** The messages mode's lines (`marker text`) of an HTTP flow of `sends`. */
function linesOf(sends: [dir: 'c2s' | 's2c', text: string | Uint8Array][]): string[] {
  const flow = liveFlow();
  for (const [dir, text] of sends) flow.send(dir, text);
  flow.end();
  return messageLines(flow.messages, flow.read, new Set()).map((line) => `${line.side === 'client' ? '>' : line.side === 'server' ? '<' : '='} ${line.text}`);
}

describe('a body\'s about line', () => {
  it('an empty chunked body without Content-Type is `body: 0 bytes`, as with one', () => {
    const request = (type: string) => linesOf([['c2s', `POST /x HTTP/1.1\r\nHost: h\r\n${type}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`], ['s2c', 'HTTP/1.1 204 No Content\r\n\r\n']]);
    for (const lines of [request(''), request('Content-Type: text/plain\r\n')]) {
      expect(lines.some((l) => l.includes('[binary'))).toBe(false);
      expect(lines).toContain('= body: 0 bytes');
    }
  });

  it('a JSON body pretty-printed says so', () => {
    const json = '{"a":1,"b":[1,2]}';
    const lines = linesOf([['c2s', 'GET /j HTTP/1.1\r\nHost: h\r\n\r\n'], ['s2c', `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`]]);
    expect(lines).toContain('<   "a": 1,');
    expect(lines).toContain(`= body: ${json.length} bytes, JSON pretty-printed`);
  });

  it('a JSON body after a byte order mark is laid out too, the mark shown escaped on its first line', () => {
    const json = '\ufeff{"a":1}';
    const size = Buffer.byteLength(json);
    const lines = linesOf([['c2s', 'GET /j HTTP/1.1\r\nHost: h\r\n\r\n'], ['s2c', Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n${json}`)]]);
    expect(lines).toContain(`= body: ${size} bytes, JSON pretty-printed`);
    expect(lines).toContain('< \\u{feff}{');
    expect(lines).toContain('<   "a": 1');
  });

  it('a request with both Content-Length and Transfer-Encoding gets an alert; one with either does not', () => {
    const both = linesOf([['c2s', 'POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'], ['s2c', 'HTTP/1.1 204 No Content\r\n\r\n']]);
    expect(both[1]).toBe('= ! request has both Content-Length and Transfer-Encoding: a request-smuggling sign (RFC 9112 6.3: Transfer-Encoding wins)');
    // Told once, not again as the exchange's flag.
    expect(both.filter((l) => l.includes('smuggling'))).toHaveLength(1);
    const one = linesOf([['c2s', 'POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi'], ['s2c', 'HTTP/1.1 204 No Content\r\n\r\n']]);
    expect(one.some((l) => l.includes('smuggling'))).toBe(false);
  });

  it('the exchange is flagged, so the lists mark it: `! POST /x → 501 (CL+TE)`', () => {
    const flow = liveFlow();
    flow.send('c2s', 'POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n');
    flow.end();
    expect(flow.messages.http!.exchanges[0].flags).toEqual(['both-lengths']);
    expect(flow.messages.summary()).toBe('! POST /x → 501 (CL+TE)');
    const plain = liveFlow();
    plain.send('c2s', 'POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi');
    plain.send('s2c', 'HTTP/1.1 204 No Content\r\n\r\n');
    plain.end();
    expect(plain.messages.summary()).toBe('POST /x → 204');
  });
});
