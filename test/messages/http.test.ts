import { describe, expect, it } from 'vitest';
import { HttpConversation, MAX_EXCHANGES, MAX_PENDING } from '../../src/messages/http.js';
import { headerValue } from '../../src/messages/httpHead.js';
import { c2s, describeConversation, fin, gap, mulberry32, play, randomCuts, s2c, type Step } from './httpScript.js';

interface Case {
  name: string;
  steps: Step[];
  /** One line per exchange (see describeExchange). */
  exchanges: string[];
  /** The notes, when the case is about them. */
  notes?: string[];
}

const get = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: example.com\r\n${extra}\r\n`;
const ok = (body: string, extra = ''): string => `HTTP/1.1 200 OK\r\n${extra}Content-Length: ${body.length}\r\n\r\n${body}`;
const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n7 ; x="y"\r\n, world\r\n0\r\nX-Checksum: 1234\r\nX-Other: 5\r\n\r\n';
const BINARY = new Uint8Array([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00]);

/** The spec: conversations and the exchanges they must give, however the bytes are cut. */
const CASES: Case[] = [
  { name: 'one GET with a Content-Length body', steps: [c2s(get('/a')), s2c(ok('hello'))], exchanges: ['GET /a → 200 length:5'] },
  {
    name: 'chunked body with chunk extensions and trailers',
    steps: [c2s(get('/c')), s2c(CHUNKED), c2s(get('/d')), s2c(ok('x'))],
    exchanges: ['GET /c → 200 chunked:12', 'GET /d → 200 length:1'],
  },
  {
    name: 'chunked request body',
    steps: [c2s('POST /up HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'), s2c(ok(''))],
    exchanges: ['POST /up chunked:3 → 200'],
  },
  {
    name: 'pipelined requests answered in order, HEAD without a body',
    steps: [
      c2s(get('/1') + get('/2') + 'HEAD /3 HTTP/1.1\r\nHost: example.com\r\n\r\n'),
      s2c(ok('ab') + 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n' + 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n'),
    ],
    exchanges: ['GET /1 → 200 length:2', 'GET /2 → 200 chunked:3', 'HEAD /3 → 200'],
  },
  {
    name: '100 Continue kept with its request; 204 and 304 have no body',
    steps: [
      c2s('POST /up HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n'),
      s2c('HTTP/1.1 100 Continue\r\n\r\n'),
      c2s('abcd'),
      s2c('HTTP/1.1 204 No Content\r\n\r\n'),
      c2s(get('/b')),
      s2c('HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n'),
      c2s(get('/c')),
      s2c(ok('z')),
    ],
    exchanges: ['POST /up length:4 → [100] 204', 'GET /b → [103] 304', 'GET /c → 200 length:1'],
  },
  {
    name: 'a response delimited by the close of the connection',
    steps: [c2s('GET / HTTP/1.0\r\n\r\n'), s2c('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall the rest'), s2c(' and more'), fin('s2c'), fin('c2s')],
    exchanges: ['GET / → 200 close:21'],
  },
  {
    name: 'empty lines before a request line are skipped',
    steps: [c2s(`\r\n\r\n${get('/a')}\r\n${get('/b')}`), s2c(ok('1') + ok('2'))],
    exchanges: ['GET /a → 200 length:1', 'GET /b → 200 length:1'],
  },
  {
    name: 'a gap in a header: the request is cut, the next one is found',
    steps: [c2s('GET /a HTTP/1.1\r\nHost: exa'), gap('c2s', 10), c2s(`\r\nAccept: */*\r\n\r\n${get('/b')}`), s2c(ok('1') + ok('2'))],
    exchanges: ['GET /a (cut at 26: gap in the header) → 200 length:1 !head-lost +c2s@26:27/17', 'GET /b → 200 length:1'],
    notes: ['c2s@26: gap of 10 bytes: looking for the next message start', 'c2s@53: resumed at this message start'],
  },
  {
    name: 'a gap in a Content-Length body keeps the framing',
    steps: [c2s(get('/a') + get('/b')), s2c('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'), gap('s2c', 4), s2c('def' + ok('2'))],
    exchanges: ['GET /a → 200 length:10 (cut at 42: gap in the body)', 'GET /b → 200 length:1'],
    notes: [],
  },
  {
    name: 'a gap running past the end of a body: the next response is found after it',
    steps: [c2s(get('/a') + get('/b') + get('/c')), s2c('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'), gap('s2c', 40), s2c('garbage\r\n' + ok('3'))],
    exchanges: ['GET /a → 200 length:10 (cut at 42: gap in the body)', 'GET /b → - !lost +s2c@49:42/9', 'GET /c → 200 length:1'],
    notes: ['s2c@42: gap of 40 bytes: looking for the next message start', 's2c@91: resumed at this message start'],
  },
  {
    name: 'a response lost in a gap: its request is flagged, the next responses pair right',
    steps: [c2s(get('/1') + get('/2') + get('/3')), gap('s2c', 30), s2c('lo world' + ok('2') + ok('3'))],
    exchanges: ['GET /1 → - !lost +s2c@0:38/8', 'GET /2 → 200 length:1', 'GET /3 → 200 length:1'],
  },
  {
    name: 'a response head lost in a gap, the rest of its body up to the end: the request is lost, not unanswered',
    steps: [c2s(get('/1')), gap('s2c', 1460), s2c('\xff\xd8\xff\xe0 the rest of a JPEG'), fin('s2c')],
    exchanges: ['GET /1 → - !lost +s2c@0:1487/27'],
  },
  {
    name: 'a gap right after a status line, before its line end: the response is cut in its head, paired with its request',
    steps: [c2s(get('/1')), s2c('HTTP/1.0 302 MOVED'), gap('s2c', 1460), s2c('; path=/\r\nLocation: http://x/\r\nContent-Length: 5\r\n\r\nhello'), fin('s2c')],
    exchanges: ['GET /1 → 302 (cut at 18: gap in the header) !head-lost +s2c@18:1517/57'],
    notes: ['s2c@18: gap of 1,460 bytes: looking for the next message start'],
  },
  {
    name: 'a gap right after a request line, before its line end: the request is cut in its head',
    steps: [c2s('GET /a HTTP/1.1'), gap('c2s', 30), c2s('\r\n\r\n' + get('/b')), s2c(ok('1') + ok('2'))],
    exchanges: ['GET /a (cut at 15: gap in the header) → 200 length:1 !head-lost +c2s@15:34/4', 'GET /b → 200 length:1'],
  },
  {
    name: 'a gap inside a status line: the response is lost',
    steps: [c2s(get('/1')), s2c('HTTP/1.0 30'), gap('s2c', 100), s2c('the rest'), fin('s2c')],
    exchanges: ['GET /1 → - !lost +s2c@11:108/8'],
  },
  {
    name: 'a gap at the very end of the responses: what the server sent there is lost, the request was not unanswered',
    steps: [c2s(get('/1') + get('/2')), gap('s2c', 10), fin('s2c')],
    exchanges: ['GET /1 → - !lost', 'GET /2 → - !unanswered'],
  },
  {
    name: 'a gap that ends right at a message start loses nothing',
    steps: [c2s(get('/1') + get('/2')), s2c(ok('1')), gap('s2c', 39), s2c(ok('3'))],
    exchanges: ['GET /1 → 200 length:1', 'GET /2 → 200 length:1'],
    notes: ['s2c@39: gap of 39 bytes: looking for the next message start'],
  },
  {
    name: 'a request lost in a gap: a placeholder takes its response',
    steps: [gap('c2s', 20), c2s('ample.com\r\n\r\n' + get('/2')), s2c(ok('1') + ok('2'))],
    exchanges: ['- → 200 length:1 !lost +c2s@0:33/13', 'GET /2 → 200 length:1'],
  },
  {
    name: 'a gap in a chunked body',
    steps: [c2s(get('/a') + get('/b')), s2c('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123'), gap('s2c', 30), s2c('456789abcdef\r\n0\r\n\r\n' + ok('2'))],
    exchanges: ['GET /a → 200 chunked:4 (cut at 55: gap in the chunked body) +s2c@55:49/19', 'GET /b → 200 length:1'],
  },
  {
    name: 'a body cut by the end of the stream',
    steps: [c2s(get('/a')), s2c('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcd'), fin('s2c')],
    exchanges: ['GET /a → 200 length:4 (cut at 43: stream ended 6 bytes before the end of the body) !cut-short'],
  },
  {
    name: 'a long body cut by the end of the stream: the count grouped by thousands',
    steps: [c2s(get('/a')), s2c('HTTP/1.1 200 OK\r\nContent-Length: 97004\r\n\r\nabcd'), fin('s2c')],
    exchanges: ['GET /a → 200 length:4 (cut at 46: stream ended 97,000 bytes before the end of the body) !cut-short'],
  },
  {
    name: 'garbage from the client: raw from the start',
    steps: [c2s(BINARY), s2c('SSH-2.0-OpenSSH_9.6\r\n')],
    exchanges: [],
    notes: ['c2s@0: not an HTTP request line: raw bytes from here', 's2c@0: not an HTTP status line: raw bytes from here'],
  },
  {
    name: 'garbage after a valid response: raw from there, the request stays unanswered',
    steps: [c2s(get('/a') + get('/b')), s2c(ok('1') + 'HTTP/2 200\r\n\r\n')],
    exchanges: ['GET /a → 200 length:1', 'GET /b → - !unanswered'],
    notes: ['s2c@39: not an HTTP status line: raw bytes from here'],
  },
  {
    name: 'a bad Content-Length stops the direction',
    steps: [c2s('POST /x HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\nhello'), s2c(ok('1'))],
    exchanges: ['POST /x (cut at 42: bad Content-Length "5, 6") → 200 length:1'],
  },
  {
    // tshark takes the target up to the next SP whatever its bytes; views escape them.
    name: 'request targets with control bytes, DEL, NBSP, an escape sequence',
    steps: [c2s(get('/a\x01b') + get('/t\tx') + get('/d\x7fx') + get('/n\u00a0b') + get('/e\x1b[31mr')), s2c(ok('1') + ok('2') + ok('3') + ok('4') + ok('5'))],
    exchanges: ['GET /a\x01b → 200 length:1', 'GET /t\tx → 200 length:1', 'GET /d\x7fx → 200 length:1', 'GET /n\u00a0b → 200 length:1', 'GET /e\x1b[31mr → 200 length:1'],
  },
  {
    name: 'a CR inside a request line is no target byte: raw bytes from there',
    steps: [c2s('GET /a\rb HTTP/1.1\r\n\r\n')],
    exchanges: [],
    notes: ['c2s@0: not an HTTP request line: raw bytes from here'],
  },
  {
    // Binary (zeek tcp_reassembly.pcap: an exploit's SEARCH line, later cut by a gap): raw, shown whole.
    name: 'nor is a NUL',
    steps: [c2s('SEARCH /AAAA\x00\x00WKUFIND HTTP/1.1\r\n\r\n')],
    exchanges: [],
    notes: ['c2s@0: not an HTTP request line: raw bytes from here'],
  },
  { name: 'a response without a request', steps: [s2c(ok('hi'))], exchanges: ['- → 200 length:2 !no-request'] },
  {
    name: 'a stream that ends inside a request line: no request, its bytes raw, a note',
    steps: [c2s('GET /abc HT'), fin('c2s')],
    exchanges: [],
    notes: ['c2s@0: the stream ended inside this request line: raw bytes from here'],
  },
  {
    name: 'a second request line cut by the end of the stream, after an exchange',
    steps: [c2s(get('/a') + 'GET /abc HT'), s2c(ok('hi')), fin('c2s'), fin('s2c')],
    exchanges: ['GET /a → 200 length:2'],
    notes: ['c2s@38: the stream ended inside this request line: raw bytes from here'],
  },
  {
    name: 'a stream that ends inside a status line: the request unanswered, the bytes raw',
    steps: [c2s(get('/a')), s2c('HTTP/1.1 20'), fin('s2c'), fin('c2s')],
    exchanges: ['GET /a → - !unanswered'],
    notes: ['s2c@0: the stream ended inside this status line: raw bytes from here'],
  },
  { name: 'a request never answered', steps: [c2s(get('/a')), fin('c2s')], exchanges: ['GET /a → - !unanswered'] },
  {
    name: 'a request sent after Connection: close',
    steps: [c2s(get('/a')), s2c(ok('hi', 'Connection: close\r\n')), c2s(get('/api/v2/chickens.json')), fin('s2c')],
    exchanges: ['GET /a → 200 length:2', 'GET /api/v2/chickens.json → - !after-close,unanswered'],
  },
  {
    name: 'a request sent after the server FIN',
    steps: [c2s(get('/a')), s2c(ok('hi')), fin('s2c'), c2s(get('/b'))],
    exchanges: ['GET /a → 200 length:2', 'GET /b → - !after-close,unanswered'],
  },
  {
    name: 'a request pipelined before Connection: close is only unanswered',
    steps: [c2s(get('/a') + get('/b')), s2c(ok('hi', 'Connection: close\r\n')), fin('s2c')],
    exchanges: ['GET /a → 200 length:2', 'GET /b → - !unanswered'],
  },
  {
    name: 'CONNECT: a 2xx makes both directions a tunnel',
    steps: [c2s('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'), s2c('HTTP/1.1 200 Connection established\r\n\r\n'), c2s(BINARY), s2c(BINARY)],
    exchanges: ['CONNECT example.com:443 → 200'],
    notes: ['c2s@59: tunnel after CONNECT', 's2c@39: tunnel after CONNECT'],
  },
  {
    name: 'Upgrade: 101 Switching Protocols makes both directions raw',
    steps: [
      c2s('GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
      s2c('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
      s2c(BINARY), c2s(BINARY),
    ],
    exchanges: ['GET /chat → 101'],
    notes: ['c2s@63: switched protocols (websocket)', 's2c@77: switched protocols (websocket)'],
  },
];

/** Cuts every data step at the same position `k`. */
const cutAt = (k: number) => (data: Uint8Array): number[] => (k > 0 && k < data.length ? [k] : []);
const everyByte = (data: Uint8Array): number[] => Array.from({ length: Math.max(0, data.length - 1) }, (_, i) => i + 1);

describe('HTTP/1.x parser: the table of cases', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const whole = describeConversation(play(c.steps));

      it('gives the expected exchanges', () => {
        expect(whole.exchanges).toEqual(c.exchanges);
        if (c.notes) expect(whole.notes).toEqual(c.notes);
      });

      it('gives the same whatever the cut: at every byte boundary, byte by byte, and at random', () => {
        const longest = Math.max(...c.steps.map((s) => ('data' in s ? s.data.length : 0)));
        for (let k = 1; k < longest; k++) expect(describeConversation(play(c.steps, cutAt(k))), `cut at ${k}`).toEqual(whole);
        expect(describeConversation(play(c.steps, everyByte))).toEqual(whole);
        const random = mulberry32(13);
        for (let round = 0; round < 50; round++) expect(describeConversation(play(c.steps, randomCuts(random))), `round ${round}`).toEqual(whole);
      });
    });
  }
});

describe('HTTP/1.x parser: what a message holds', () => {
  it('keeps the start line, headers (folded lines joined), sizes, ranges and times', () => {
    const head = 'GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nX-Long: one\r\n  two\r\nno colon here\r\n\r\n';
    const http = play([c2s(head), s2c(CHUNKED)]);
    const [exchange] = http.exchanges;
    const request = exchange.request!;
    expect(request).toMatchObject({ method: 'GET', target: '/a?b=1', version: '1.1', offset: 0, headLength: head.length, malformedHeaderLines: 1, complete: true });
    expect(request.headers).toEqual([{ name: 'Host', value: 'example.com' }, { name: 'X-Long', value: 'one two' }]);
    const response = exchange.response!;
    const headLength = CHUNKED.indexOf('\r\n\r\n') + 4;
    expect(response).toMatchObject({ status: 200, reason: 'OK', headLength });
    expect(response.body).toMatchObject({ framing: 'chunked', offset: headLength, length: CHUNKED.length - headLength, dataLength: 12, chunks: 2 });
    expect(response.body.trailers).toEqual([{ name: 'X-Checksum', value: '1234' }, { name: 'X-Other', value: '5' }]);
    expect(headerValue(response.headers, 'transfer-encoding')).toBe('chunked');
    expect(request.firstTs).toBeLessThanOrEqual(request.lastTs);
    expect(request.lastTs).toBeLessThan(response.firstTs);
  });

  it('times a message from the event of its first byte to that of its last', () => {
    const http = play([c2s(get('/a')), s2c('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabc'), s2c('def')]);
    const { request, response } = http.exchanges[0];
    expect([request!.firstTs, request!.lastTs, response!.firstTs, response!.lastTs]).toEqual([1_000_000, 1_000_000, 1_000_001, 1_000_002]);
  });
});

describe('HTTP/1.x parser: body bytes are counted, not read', () => {
  it('reads a data event only where a head starts, not for a body up to its last byte', () => {
    const http = new HttpConversation();
    const read: string[] = [];
    const at = { c2s: 0, s2c: 0 };
    const send = (dir: 'c2s' | 's2c', text: string): void => {
      const bytes = Buffer.from(text);
      const offset = at[dir];
      at[dir] += bytes.length;
      http.feedData({ dir, offset, length: bytes.length, ts: offset, get bytes() { read.push(text.slice(0, 12)); return bytes; } });
    };
    send('c2s', get('/a'));
    send('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n');
    send('s2c', 'hello');
    send('s2c', 'world');
    send('c2s', get('/b'));
    send('s2c', ok('x'));
    expect(read).toEqual(['GET /a HTTP/', 'HTTP/1.1 200', 'GET /b HTTP/', 'HTTP/1.1 200']);
    expect(describeConversation(http).exchanges).toEqual(['GET /a → 200 length:10', 'GET /b → 200 length:1']);
    expect(http.exchanges[0].response!.complete).toBe(true);
  });
});

describe('HTTP/1.x parser: no message start after a gap', () => {
  it('the bytes skipped looking for one go with the exchange whose message they end (tcpflow jpegs.cap)', () => {
    const http = new HttpConversation();
    const request = Buffer.from(get('/a'));
    http.feed('c2s', 0, request, 1);
    http.feed('s2c', 0, Buffer.from('HTTP/1.0 302 MOVED'), 2);
    http.gap('s2c', 18, 100, 3);
    http.feed('s2c', 118, Buffer.from('Location: /b\r\nContent-Length: 2\r\n\r\nok'), 4);
    expect(http.exchanges[0].stray).toBeUndefined();
    http.finish(5);
    expect(http.rawFrom('s2c')).toBeUndefined();
    expect(http.exchanges[0].response?.status).toBe(302);
    expect(http.exchanges[0].stray).toEqual([{ dir: 's2c', offset: 18, length: 137, received: 37, lastTs: 4 }]);
  });

  it('with no exchange to keep them, they are raw from the gap on once the direction ends', () => {
    const http = new HttpConversation();
    http.gap('s2c', 0, 100, 3);
    http.feed('s2c', 100, Buffer.from('the rest of a body'), 4);
    http.finish(5);
    expect(http.rawFrom('s2c')).toBe(100);
    expect(http.notes.map((n) => n.text)).toContain('no message start after the gap: raw bytes from here');
  });

  it('a response whose head fell in a gap: its request keeps the body bytes that came (zeek dropped response)', () => {
    const http = new HttpConversation();
    http.feed('c2s', 0, Buffer.from(get('/') + get('/')), 1);
    http.gap('s2c', 0, 238, 2);
    http.feed('s2c', 238, Buffer.from('<!DOCTYPE html>\n' + 'x'.repeat(599)), 3);
    http.feed('s2c', 853, Buffer.from(ok('hi')), 4);
    expect(describeConversation(http).exchanges).toEqual(['GET / → - !lost +s2c@0:853/615', 'GET / → 200 length:2']);
  });
});

describe('HTTP/1.x parser: bounds', () => {
  it('keeps at most MAX_EXCHANGES exchanges and MAX_PENDING waiting requests, counting the rest', () => {
    const http = new HttpConversation();
    const request = new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n');
    const total = MAX_EXCHANGES + 5;
    for (let i = 0; i < total; i++) http.feed('c2s', i * request.length, request, i);
    http.feed('s2c', 0, new TextEncoder().encode('HTTP/1.1 204 No Content\r\n\r\n'), total);
    expect([http.exchanges.length, http.exchangeCount, http.requestCount]).toEqual([MAX_EXCHANGES, total, total]);
    // The oldest requests are given up once MAX_PENDING wait: the response pairs with the oldest still waiting.
    expect(http.exchanges.filter((e) => e.flags.includes('unanswered')).length).toBe(total - MAX_PENDING);
    expect(http.exchanges[total - MAX_PENDING].response?.status).toBe(204);
    expect(http.exchanges[total - MAX_PENDING - 1].response).toBeUndefined();
  });
});

describe('HTTP/1.x parser: messages the connection cut short', () => {
  const cutResponse = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part';
  const conversation = (response: string): HttpConversation => {
    const http = new HttpConversation();
    http.feed('c2s', 0, Buffer.from(get('/a')), 1);
    http.feed('s2c', 0, Buffer.from(response), 2);
    return http;
  };

  it('a body shorter than announced when the server closes or resets is flagged cut-short', () => {
    const fin = conversation(cutResponse);
    fin.end('s2c', 3);
    expect(fin.exchanges[0].flags).toEqual(['cut-short']);
    const reset = conversation(cutResponse);
    reset.finish(3, true);
    expect(reset.exchanges[0].flags).toEqual(['cut-short']);
    const chunked = conversation('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel');
    chunked.finish(3, true);
    expect(chunked.exchanges[0].flags).toEqual(['cut-short']);
    const head = conversation('HTTP/1.1 200 OK\r\nContent-Len');
    head.finish(3, true);
    expect(head.exchanges[0].flags).toEqual(['cut-short']);
  });

  it('the flag is known when the message is told over (as --json writes it)', () => {
    const told: string[][] = [];
    const http = new HttpConversation('c2s', (_message, exchange) => told.push([...exchange.flags]));
    http.feed('c2s', 0, Buffer.from(get('/a')), 1);
    http.feed('s2c', 0, Buffer.from(cutResponse), 2);
    http.end('s2c', 3);
    expect(told).toEqual([[], ['cut-short']]);
  });

  it('a request still waiting when the capture stopped is not unanswered; at a close or an idle timeout it is', () => {
    const waiting = (): HttpConversation => {
      const http = new HttpConversation('c2s');
      http.feed('c2s', 0, Buffer.from(get('/a')), 1);
      return http;
    };
    const stopped = waiting();
    stopped.finish(3, false, true);
    expect(stopped.exchanges[0].flags).toEqual([]);
    const idle = waiting();
    idle.finish(3, false);
    expect(idle.exchanges[0].flags).toEqual(['unanswered']);
    const closed = waiting();
    closed.finish(3, true);
    expect(closed.exchanges[0].flags).toEqual(['unanswered']);
  });

  it('not when the capture stopped inside it, nor for whole messages and bodies read until close', () => {
    const capture = conversation(cutResponse);
    capture.finish(3, false);
    expect(capture.exchanges[0].flags).toEqual([]);
    const whole = conversation(ok('hello'));
    whole.end('s2c', 3);
    whole.finish(4, true);
    expect(whole.exchanges[0].flags).toEqual([]);
    const untilClose = conversation('HTTP/1.0 200 OK\r\n\r\nall of it');
    untilClose.end('s2c', 3);
    expect(untilClose.exchanges[0].flags).toEqual([]);
  });
});
