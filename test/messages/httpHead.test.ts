import { describe, expect, it } from 'vitest';
import { c2s, play } from './httpScript.js';
import { framingOf, framingOfHead, headerValues, headLines, headSyntaxProblems, headText, parseHeaderLines } from '../../src/messages/httpHead.js';

/** The framing of a head's text read the long way: every field parsed, then framingOf. */
const framingByFields = (text: string) => framingOf(parseHeaderLines(text.split('\n'), 1).headers);

const HEADS = [
  'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\n',
  'HTTP/1.1 200 OK\r\ncontent-length : 7 \r\nCONTENT-LENGTH:7\r\ntransfer-encoding:  gzip\r\nTransfer-Encoding: chunked\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\nUpgrade: h2c\r\n\r\n',
  'HTTP/1.0 200 OK\nContent-Length: 3\nCookie-ish line without colon\n\n',
  'POST /x HTTP/1.1\r\nX-Folded: a\r\n Content-Length: 9\r\nContent-Length: 4\r\n\r\n',
  'POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\tgzip\r\n\r\n',
  'GET / HTTP/1.1\r\nconnection:\r\n: empty name\r\nC: short\r\nUpgrade\r\n\r\n',
  'GET / HTTP/1.1',
  'HTTP/1.1 204 No Content\r\nContent-Length: 1\r\nConnection: Close',
  // Blanks trim() takes off a name, other than SP and HT.
  'POST / HTTP/1.1\r\nContent-Length\r: 5\r\n\r\n',
  'POST / HTTP/1.1\r\nContent-Length\v: 5\r\n\r\n',
  'POST / HTTP/1.1\r\n\fContent-Length: 5\r\n\r\n',
  'POST / HTTP/1.1\r\n\u00a0Transfer-Encoding: chunked\r\n\r\n',
  'POST / HTTP/1.1\r\nConnection\u2028: close\r\n\r\n',
  // A framing name as the start of another name, or not followed by its colon.
  'POST / HTTP/1.1\r\nContent-Lengthy: 5\r\nUpgrades: h2c\r\nConnection close\r\nTransfer-Encoding\t : chunked\r\n\r\n',
];

/** Heads made of random lines from a few pieces (names near the framing ones, blanks, values with commas). */
function randomHeads(count: number): string[] {
  let seed = 13;
  const pick = <T>(xs: readonly T[]): T => xs[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % xs.length];
  const names = ['Content-Length', 'content-LENGTH', 'Content-Lengt', 'Transfer-Encoding', 'Connection', 'CONNECTION', 'Connectio', 'Upgrade', 'upgradeX', 'Host', 'C'];
  const gaps = ['', ' ', '\t', ' \t', '\r'];
  const values = ['5', ' 5 ', '5, 5', '5,6', 'close', 'Keep-Alive, Upgrade', 'chunked', 'gzip, chunked', '', ' x\r'];
  const ends = ['\r\n', '\n'];
  const heads: string[] = [];
  for (let h = 0; h < count; h++) {
    let text = pick(['GET / HTTP/1.1', 'HTTP/1.1 200 OK', 'HTTP/1.0 204 No Content']);
    const lines = 1 + (h % 6);
    for (let l = 0; l < lines; l++) text += pick(ends) + pick(names) + pick(gaps) + pick([':', ':', '']) + pick(values);
    heads.push(text + pick(ends) + pick(ends));
  }
  return heads;
}

describe('framingOfHead', () => {
  it('reads the framing fields of a head as parsing every field would (folding, case, blanks, lists)', () => {
    for (const text of HEADS) expect(framingOfHead(text), JSON.stringify(text)).toEqual(framingByFields(text));
  });

  it('agrees with parsing every field on random heads', () => {
    for (const text of randomHeads(2000)) expect(framingOfHead(text), JSON.stringify(text)).toEqual(framingByFields(text));
  });
});

describe('a head read in one segment or in pieces', () => {
  it('gives the same start line when a header is not UTF-8 (the start line is decoded on its own)', () => {
    const head = Buffer.concat([Buffer.from('GET /caf\xc3\xa9 HTTP/1.1\r\nX-Name: Jos', 'latin1'), Buffer.from([0xe9]), Buffer.from('\r\n\r\n')]);
    const targets = [() => [], () => [22]].map((cuts) => play([c2s(head)], cuts).exchanges[0]?.request?.target);
    expect(targets).toEqual(['/café', '/café']);
  });
});

describe('headerValues', () => {
  it('gives every value of a name in order, ASCII case ignored (a Kelvin sign K is not a k)', () => {
    const headers = [{ name: 'Set-Cookie', value: 'a=1' }, { name: 'X', value: 'y' }, { name: 'set-cookie', value: 'b=2' }, { name: 'Set-Coo\u212Aie', value: 'c=3' }];
    expect(headerValues(headers, 'set-cookie')).toEqual(['a=1', 'b=2']);
  });
});

describe('headText', () => {
  it('is Latin-1 for ASCII and for bytes that are not UTF-8, else UTF-8', () => {
    expect(headText(new TextEncoder().encode('Host: a'))).toBe('Host: a');
    expect(headText(new TextEncoder().encode('X: café'))).toBe('X: café');
    expect(headText(Uint8Array.of(0x58, 0x3a, 0x20, 0xe9))).toBe('X: é');
    // ISO-8859-1, not windows-1252: 0x80 is U+0080 (escaped when shown), not '€'.
    expect(headText(Uint8Array.of(0x80, 0xe9))).toBe('\u0080é');
  });
});

describe('a head as sent', () => {
  it('headLines: the start line and field lines without their line ends, the blank line left out', () => {
    expect(headLines('GET / HTTP/1.1\r\nHost: a\r\n\r\n')).toEqual(['GET / HTTP/1.1', 'Host: a']);
    expect(headLines('GET / HTTP/1.1\nX:  padded  \n  folded\n\n')).toEqual(['GET / HTTP/1.1', 'X:  padded  ', '  folded']);
    // A head a capture cut: what came.
    expect(headLines('GET / HTTP/1.1\r\nHo')).toEqual(['GET / HTTP/1.1', 'Ho']);
  });

  it('headSyntaxProblems: none for a well-formed head, each kind once, the first field concerned quoted', () => {
    expect(headSyntaxProblems('GET / HTTP/1.1\r\nHost: a\r\nX-Tab:\tt\r\nNo-Space:x\r\n\r\n', 'request')).toEqual([]);
    expect(headSyntaxProblems('GET / HTTP/1.1\r\nUser-Agent : evil\r\nX\t: y\r\n\r\n', 'request')).toEqual(["whitespace before a field's colon: `User-Agent :` (RFC 9112 5.1: a server answers 400)"]);
    expect(headSyntaxProblems('HTTP/1.1 200 OK\r\nServer : x\r\n\r\n', 'response')).toEqual(["whitespace before a field's colon: `Server :` (RFC 9112 5.1: a proxy takes it out)"]);
    expect(headSyntaxProblems('GET / HTTP/1.1\r\nX-Folded: first\r\n  second part\r\n\r\n', 'request')).toEqual(['a folded field line: `second part` (obsolete, RFC 9112 5.2: rejected, or read as a space)']);
    expect(headSyntaxProblems('GET / HTTP/1.1\nHost: a\n\n', 'request')).toEqual(['lines ended by LF alone, not CR LF (RFC 9112 2.2)']);
    expect(headSyntaxProblems('GET / HTTP/1.1\r\nHost: a\rb\r\nJunk\r\n\r\n', 'request')).toEqual(['a field line without a colon: `Junk` (skipped)', 'a CR inside a line (RFC 9112 2.2: invalid)']);
    // A value's colon after a space is no problem; a head cut by the capture ends in no line end.
    expect(headSyntaxProblems('GET / HTTP/1.1\r\nReferer: a : b\r\nHo', 'request')).toEqual([]);
  });
});
