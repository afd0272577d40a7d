import { describe, expect, it } from 'vitest';
import { messageEnd } from '../../src/messages/httpMessage.js';
import { c2s, gap, play, s2c } from './httpScript.js';

const GET = 'GET /a HTTP/1.1\r\nHost: example.com\r\n\r\n';
const POST = 'POST /up HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello';
const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n';
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

describe('messageEnd: where an HTTP message ends on the wire', () => {
  it('is past the head and the body, chunk framing and trailers included, each message from its own offset', () => {
    const http = play([c2s(GET + POST), s2c(CHUNKED + OK)]);
    const [first, second] = http.exchanges;
    expect(messageEnd(first.request!)).toBe(GET.length);
    expect(messageEnd(second.request!)).toBe(GET.length + POST.length);
    expect(messageEnd(first.response!)).toBe(CHUNKED.length);
    expect(messageEnd(second.response!)).toBe(CHUNKED.length + OK.length);
  });

  it('for a message in progress or cut by a gap: the end of what was seen', () => {
    const seen = 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc';
    const partial = play([c2s(GET), s2c(seen)]);
    expect(partial.exchanges[0].response!.complete).toBe(false);
    expect(messageEnd(partial.exchanges[0].response!)).toBe(seen.length);
    // A gap inside the body counts as body bytes (the body's length includes gaps).
    const cut = play([c2s(POST.slice(0, -3)), gap('c2s', 3), c2s(GET)]);
    const request = cut.exchanges[0].request!;
    expect(request.complete).toBe(false);
    expect(messageEnd(request)).toBe(POST.length);
  });
});
