import { describe, expect, it } from 'vitest';
import { MAX_TLS_BUFFER, TlsHellos } from '../../src/messages/tls.js';
import { serverChoice } from '../../src/messages/tlsText.js';
import { cipherSuiteName, isGrease, tlsVersionName } from '../../src/messages/tlsNames.js';
import { mulberry32, randomInt } from '../support/prng.js';
import { clientHello, records, serverHello, u24 } from './tlsBuild.js';

function feedSplit(hellos: TlsHellos, dir: 'c2s' | 's2c', bytes: Uint8Array, cuts: number[], start = 0): void {
  let prev = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > prev) hellos.feed(dir, start + prev, bytes.slice(prev, cut), 100 + prev);
    prev = Math.max(prev, cut);
  }
}

describe('TLS hellos', () => {
  const hello = records(clientHello('api.example.com', ['h2', 'http/1.1'], [0x0304, 0x0303]), 100);
  const answer = records(serverHello(0x0304, 0x1301));

  it('reads a name that is UTF-8 as UTF-8 (views then escape its controls and bidi overrides), else as Latin-1', () => {
    const name = (bytes: string): string | undefined => {
      const hellos = new TlsHellos();
      hellos.feed('c2s', 0, records(clientHello(bytes, ['h2'], [0x0304]), 100), 100);
      return hellos.client?.sni;
    };
    expect(name('a\x1b]0;T\x07.\xe2\x80\xaeexample.com')).toBe('a\x1b]0;T\x07.\u202eexample.com');
    expect(name('\xff\xfe')).toBe('\xff\xfe');
  });

  it('reads SNI, ALPN and versions from a ClientHello split across records and segments', () => {
    const random = mulberry32(5);
    for (let round = 0; round < 200; round++) {
      const cuts = Array.from({ length: randomInt(random, 0, 6) }, () => randomInt(random, 1, hello.length - 1)).sort((a, b) => a - b);
      const hellos = new TlsHellos();
      feedSplit(hellos, 'c2s', hello, round === 0 ? [] : cuts);
      expect(hellos.client).toMatchObject({ offset: 0, ts: 100, sni: 'api.example.com', alpn: ['h2', 'http/1.1'], versions: [0x0304, 0x0303], cipherSuites: [0x1301, 0x1302, 0xc02f] });
      expect(hellos.isDone('c2s')).toBe(true);
    }
  });

  it('reads a ClientHello sent as records of one byte each, fed byte by byte (the header spans four records)', () => {
    const tiny = records(clientHello('api.example.com', ['h2'], [0x0304]), 1);
    const hellos = new TlsHellos();
    feedSplit(hellos, 'c2s', tiny, Array.from({ length: tiny.length - 1 }, (_, i) => i + 1));
    expect(hellos.client).toMatchObject({ sni: 'api.example.com', alpn: ['h2'], versions: [0x0304] });
  });

  it('reads the chosen version and cipher suite from a ServerHello', () => {
    const hellos = new TlsHellos();
    for (let k = 1; k < answer.length; k++) feedSplit(hellos, 's2c', answer, [k]);
    feedSplit(hellos, 'c2s', hello, []);
    expect(hellos.server).toMatchObject({ version: 0x0304, cipherSuite: 0x1301, alpn: undefined, helloRetry: false });
  });

  it('reads a TLS 1.2 server\'s ALPN choice', () => {
    const hellos = new TlsHellos();
    hellos.feed('c2s', 0, hello, 1);
    hellos.feed('s2c', 0, records(serverHello(0x0303, 0xc02f, 'h2')), 2);
    expect(hellos.server).toMatchObject({ version: 0x0303, cipherSuite: 0xc02f, alpn: 'h2' });
  });

  it('recognises a HelloRetryRequest', () => {
    const hrr = [...Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex')];
    const hellos = new TlsHellos();
    hellos.feed('s2c', 0, records(serverHello(0x0304, 0x1302, undefined, hrr)), 1);
    expect(serverChoice(hellos.server!, undefined)).toBe('TLS 1.3 TLS_AES_256_GCM_SHA384 (HelloRetryRequest)');
  });

  it('starts where TLS starts (after a STARTTLS)', () => {
    const hellos = new TlsHellos();
    feedSplit(hellos, 'c2s', hello, [3, 50], 1234);
    expect(hellos.client).toMatchObject({ offset: 1234, sni: 'api.example.com' });
  });

  it('gives up with a note on other data, a gap, a malformed hello, or nothing within the cap', () => {
    const notes = (feed: (h: TlsHellos) => void): string[] => {
      const hellos = new TlsHellos();
      feed(hellos);
      expect(hellos.client).toBeUndefined();
      return hellos.notes.map((n) => `${n.offset}: ${n.text}`);
    };
    expect(notes((h) => h.feed('c2s', 0, new Uint8Array([23, 3, 3, 0, 1, 0]), 1))).toEqual(['0: TLS record of type 23 before the hello']);
    expect(notes((h) => { h.feed('c2s', 0, hello.slice(0, 10), 1); h.gap('c2s', 10, 5, 2); })).toEqual(['10: gap before the hello']);
    const broken = clientHello('x', [], [0x0304]);
    broken.splice(6, 40);
    broken.splice(1, 3, ...u24(broken.length - 4));
    expect(notes((h) => h.feed('c2s', 0, records(broken), 1))).toEqual(['0: malformed ClientHello']);
    const huge = records([1, ...u24(40000), ...new Array(40000).fill(0)]);
    expect(notes((h) => h.feed('c2s', 0, huge, 1))).toEqual([`0: no hello in the first 16,384 bytes`]);
    expect(notes((h) => { h.feed('c2s', 0, hello.slice(0, 30), 1); h.end('c2s'); })).toEqual(['30: stream ended before the hello']);
  });

  it('never throws on random or mutated input', () => {
    const random = mulberry32(77);
    for (let round = 0; round < 2000; round++) {
      const bytes = round % 2 ? hello.slice() : new Uint8Array(randomInt(random, 0, 300)).map(() => randomInt(random, 0, 255));
      for (let k = randomInt(random, 1, 8); k > 0 && bytes.length; k--) bytes[randomInt(random, 0, bytes.length - 1)] = randomInt(random, 0, 255);
      const hellos = new TlsHellos();
      expect(() => feedSplit(hellos, 'c2s', bytes, [randomInt(random, 1, Math.max(1, bytes.length - 1))])).not.toThrow();
    }
  });
});

describe('TLS names', () => {
  it('names versions and suites, hex otherwise', () => {
    expect([0x0300, 0x0301, 0x0303, 0x0304, 0x7f17, 0x1234].map(tlsVersionName)).toEqual(['SSL 3.0', 'TLS 1.0', 'TLS 1.2', 'TLS 1.3', 'TLS 1.3 draft 23', '0x1234']);
    expect([0x1303, 0xc030, 0xabcd].map(cipherSuiteName)).toEqual(['TLS_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', '0xabcd']);
    expect([0x0a0a, 0xfafa, 0x0a1a, 0x1301].map(isGrease)).toEqual([true, true, false, false]);
  });
});
