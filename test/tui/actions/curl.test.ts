import { describe, expect, it } from 'vitest';
import { curlCommand, quote, quoteBytes } from '../../../src/tui/actions/curl.js';
import type { HttpRequest } from '../../../src/messages/types.js';

function request(method: string, target: string, headers: [string, string][]): HttpRequest {
  return {
    kind: 'request', method, target, dir: 'c2s', version: '1.1', headers: headers.map(([name, value]) => ({ name, value })),
    offset: 0, headLength: 0, body: { framing: 'none', offset: 0, length: 0, dataLength: 0, chunks: 0, trailers: [] },
    firstTs: 0, lastTs: 0, complete: true, incomplete: undefined, malformedHeaderLines: 0,
  } as HttpRequest;
}

describe('curl command', () => {
  it('a GET: URL from Host and target, headers but Host, each word quoted', () => {
    const get = request('GET', '/api/v2/chickens.json?x=1&y=2', [['Host', 'api.example.com'], ['Accept', '*/*'], ['User-Agent', "it's me"]]);
    expect(curlCommand(get, undefined)).toBe("curl 'http://api.example.com/api/v2/chickens.json?x=1&y=2' -H 'Accept: */*' -H 'User-Agent: it'\\''s me'");
  });

  it('a POST with a body; a body too long is left out with a comment', () => {
    const post = request('POST', '/form', [['Host', 'h'], ['Content-Length', '7'], ['Content-Type', 'text/plain']]);
    expect(curlCommand(post, Buffer.from('a=1 b=2'))).toBe("curl -X POST http://h/form -H 'Content-Type: text/plain' --data-binary 'a=1 b=2'");
    expect(curlCommand(post, new Uint8Array(70_000))).toMatch(/^curl -X POST http:\/\/h\/form -H 'Content-Type: text\/plain'  # body of 70000 bytes left out$/);
  });

  it('hostile bytes never reach the shell raw: controls in $\'...\' escapes', () => {
    expect(quote('a\x1b]0;pwned\x07b')).toBe("$'a\\x1b]0;pwned\\x07b'");
    expect(quote('caf\u00e9')).toBe("$'caf\\xc3\\xa9'");
    expect(quoteBytes(Buffer.from("x'\\\n"))).toBe("$'x\\'\\\\\\x0a'");
    for (const word of [quote('\u009b31m'), quote('\u202e'), quoteBytes(new Uint8Array([0, 0x1b, 0x7f, 0x9b]))]) {
      expect(word).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});
