import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { bodyFitsCommandLine, curlCommand, MAX_INLINE_BODY, quote, quoteBytes, requestPayload } from '../../../src/tui/actions/curl.js';
import type { HttpRequest } from '../../../src/messages/types.js';

function request(method: string, target: string, headers: [string, string][]): HttpRequest {
  return {
    kind: 'request', method, target, dir: 'c2s', version: '1.1', headers: headers.map(([name, value]) => ({ name, value })),
    offset: 0, headLength: 0, body: { framing: 'none', offset: 0, length: 0, dataLength: 0, gapBytes: 0, chunks: 0, trailers: [] },
    firstTs: 0, lastTs: 0, complete: true, incomplete: undefined, malformedHeaderLines: 0,
  } as HttpRequest;
}

describe('curl command', () => {
  it('a GET: URL from Host and target, headers but Host, each word quoted', () => {
    const get = request('GET', '/api/v2/chickens.json?x=1&y=2', [['Host', 'api.example.com'], ['Accept', '*/*'], ['User-Agent', "it's me"]]);
    expect(curlCommand(get, undefined)).toBe("curl 'http://api.example.com/api/v2/chickens.json?x=1&y=2' -H 'Accept: */*' -H 'User-Agent: it'\\''s me'");
  });

  it('a POST with a body (curl\'s method for data: no -X POST); a body too long is left out with a comment, -X POST kept', () => {
    const post = request('POST', '/form', [['Host', 'h'], ['Content-Length', '7'], ['Content-Type', 'text/plain']]);
    expect(curlCommand(post, Buffer.from('a=1 b=2'))).toBe("curl http://h/form -H 'Content-Type: text/plain' --data-raw 'a=1 b=2'");
    expect(curlCommand(post, new Uint8Array(70_000))).toMatch(/^curl -X POST http:\/\/h\/form -H 'Content-Type: text\/plain'  # body of 70,000 bytes left out$/);
  });

  it('the body is sent as the client sent it: chunk framing removed, its gzip kept with its header', () => {
    const payload = gzipSync(Buffer.from('{"a":1}'));
    const half = payload.length >> 1;
    const wire = Buffer.concat([
      Buffer.from(`${half.toString(16)};ext=1\r\n`), payload.subarray(0, half), Buffer.from(`\r\n${(payload.length - half).toString(16)}\r\n`),
      payload.subarray(half), Buffer.from('\r\n0\r\nX-Trailer: t\r\n\r\n'),
    ]);
    const post = request('POST', '/up', [['Host', 'h'], ['Transfer-Encoding', 'chunked'], ['Content-Encoding', 'gzip']]);
    Object.assign(post.body, { framing: 'chunked', offset: 100, length: wire.length, dataLength: payload.length, chunks: 2 });
    const reads: [string, number, number][] = [];
    const body = requestPayload((dir, offset, length) => {
      reads.push([dir, offset, length]);
      return wire.subarray(0, length);
    }, post);
    expect(reads).toEqual([['c2s', 100, wire.length]]);
    expect(Buffer.from(body!)).toEqual(payload);
    // gzip's header holds NUL bytes: the body goes in a file.
    expect(curlCommand(post, body, { bodyFile: 'b' })).toBe("curl http://h/up -H 'Content-Encoding: gzip' --data-binary @b");
  });

  it('a body longer than what is inlined is not read at all', () => {
    const post = request('POST', '/big', [['Host', 'h']]);
    Object.assign(post.body, { framing: 'length', length: 10 << 20, dataLength: 10 << 20 });
    expect(requestPayload(() => { throw new Error('read'); }, post)).toBeUndefined();
    expect(curlCommand(post, undefined)).toBe('curl -X POST http://h/big  # body of 10,485,760 bytes left out');
    expect(MAX_INLINE_BODY).toBeLessThan(10 << 20);
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

describe('curl command: --compressed', () => {
  it('asks curl to decode when Accept-Encoding names gzip, deflate or br, as browsers do', () => {
    const get = (accept: string) => curlCommand(request('GET', '/', [['Host', 'h'], ['Accept-Encoding', accept]]), undefined);
    expect(get('gzip, deflate, br, zstd')).toBe("curl http://h/ --compressed -H 'Accept-Encoding: gzip, deflate, br, zstd'");
    expect(get('br;q=1.0')).toContain(' --compressed ');
    expect(get('identity')).not.toContain('--compressed');
    expect(get('brotli-ish, xgzip')).not.toContain('--compressed');
    // q=0 refuses a coding.
    expect(get('gzip;q=0, identity')).not.toContain('--compressed');
    expect(get('gzip ; q=0.0, br;q=0.5')).toContain(' --compressed ');
    expect(curlCommand(request('GET', '/', [['Host', 'h']]), undefined)).toBe('curl http://h/');
  });
});

describe('curl command: globbing characters', () => {
  it('adds -g when the URL holds [ ] { } (else curl would expand them), not otherwise', () => {
    const request = (target: string) => ({ kind: 'request', method: 'GET', target, version: '1.1', headers: [{ name: 'Host', value: 'h' }], body: { dataLength: 0 } }) as unknown as HttpRequest;
    expect(curlCommand(request('/q?a[]=1&b={x}'), undefined)).toBe("curl -g 'http://h/q?a[]=1&b={x}'");
    expect(curlCommand(request('/q?a=1'), undefined)).toBe("curl 'http://h/q?a=1'");
  });
});

describe('curl command: a body bash cannot quote', () => {
  const post = request('POST', '/q', [['Host', 'h'], ['Content-Length', '9']]);
  const body = Buffer.from("it's \x00\x01\xff end", 'latin1');

  it('a NUL byte: only a file keeps the body whole, so the body is sent as @file', () => {
    expect(bodyFitsCommandLine(body)).toBe(false);
    expect(bodyFitsCommandLine(Buffer.from('\x01\xff\n', 'latin1'))).toBe(true);
    expect(curlCommand(post, body, { bodyFile: '/tmp/a dir/flowspy-1-1.body' })).toBe("curl http://h/q --data-binary '@/tmp/a dir/flowspy-1-1.body'");
  });

  it('without a file for it, the body is left out and said so, never cut at the NUL', () => {
    const command = curlCommand(post, body);
    expect(command).toBe('curl -X POST http://h/q  # body of 12 bytes with a NUL byte left out');
    expect(command).not.toMatch(/\\x00/);
  });
});

describe('curl command: requests curl would not send again as they were', () => {
  it('a HEAD is -I: -X HEAD makes curl wait for the body its Content-Length announces', () => {
    expect(curlCommand(request('HEAD', '/big.iso', [['Host', 'h']]), undefined)).toBe('curl -I http://h/big.iso');
  });

  it('an HTTP/1.0 request is sent as HTTP/1.0; without Host, to the connection\'s server', () => {
    const old = { ...request('GET', '/nohost', []), version: '1.0' } as HttpRequest;
    expect(curlCommand(old, undefined, { server: '10.0.0.2:8080' })).toBe('curl --http1.0 http://10.0.0.2:8080/nohost');
    expect(curlCommand(request('GET', '/', []), undefined, { server: '[2001:db8::1]:80' })).toBe("curl -g 'http://[2001:db8::1]:80/'");
    // A Host header wins: it names the site, the address may be any of its servers'.
    expect(curlCommand(request('GET', '/', [['Host', 'shop.example']]), undefined, { server: '10.0.0.2:80' })).toBe('curl http://shop.example/');
  });

  it('OPTIONS * and CONNECT keep their target (--request-target); a CONNECT goes to its proxy, its Host kept', () => {
    expect(curlCommand(request('OPTIONS', '*', [['Host', 'h']]), undefined)).toBe("curl -X OPTIONS --request-target '*' http://h/");
    const connect = request('CONNECT', 'secure.example:443', [['Host', 'secure.example:443'], ['User-Agent', 'u']]);
    expect(curlCommand(connect, undefined, { server: '10.0.0.9:3128' })).toBe("curl -X CONNECT --request-target secure.example:443 http://10.0.0.9:3128/ -H 'Host: secure.example:443' -H 'User-Agent: u'");
  });

  it('a captured body starting with @ is sent as it was, never as a local file curl would upload; a PUT keeps its -X', () => {
    const post = request('POST', '/upload', [['Host', 'evil.example']]);
    expect(curlCommand(post, Buffer.from('@/etc/passwd'))).toBe('curl http://evil.example/upload --data-raw @/etc/passwd');
    expect(curlCommand({ ...post, method: 'PUT' } as HttpRequest, Buffer.from('x'))).toBe('curl -X PUT http://evil.example/upload --data-raw x');
  });

  it('a URL target is the URL for http and https only: another scheme is sent as it was, to the Host', () => {
    expect(curlCommand(request('GET', 'http://api.example/x?y=1', [['Host', 'api.example']]), undefined)).toBe("curl 'http://api.example/x?y=1'");
    expect(curlCommand(request('GET', 'HTTPS://api.example/', [['Host', 'api.example']]), undefined)).toBe('curl HTTPS://api.example/');
    expect(curlCommand(request('GET', 'file:///etc/passwd', [['Host', 'h']]), undefined)).toBe('curl --request-target file:///etc/passwd http://h/');
    expect(curlCommand(request('GET', 'gopher://10.0.0.1:25/x', []), undefined, { server: '10.0.0.2:80' })).toBe('curl --request-target gopher://10.0.0.1:25/x http://10.0.0.2:80/');
  });

  it('a header sent empty is -H \'Name;\': curl reads \'Name:\' as "leave it out"', () => {
    expect(curlCommand(request('GET', '/', [['Host', 'h'], ['X-Empty', ''], ['Accept', '*/*']]), undefined)).toBe("curl http://h/ -H 'X-Empty;' -H 'Accept: */*'");
  });
});
