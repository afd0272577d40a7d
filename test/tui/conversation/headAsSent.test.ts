/**
 * The messages mode shows a head as it was sent, not as parsed: a space before a colon, a folded
 * line, a value's padding and bare LF line ends stay visible, and a head that breaks HTTP's syntax
 * gets an alert saying how (what makes a server answer 400).
 */
import { describe, expect, it } from 'vitest';
import { messageLines } from '../../../src/tui/conversation/messageLines.js';
import { liveFlow } from '../../support/liveFlow.js';

/** The messages mode's lines (`marker text`) of an HTTP flow of `sends`. */
function linesOf(sends: [dir: 'c2s' | 's2c', text: string][]): string[] {
  const flow = liveFlow();
  for (const [dir, text] of sends) flow.send(dir, text);
  flow.end();
  return messageLines(flow.messages, flow.read, new Set()).map((line) => `${line.side === 'client' ? '>' : line.side === 'server' ? '<' : '='} ${line.text}`);
}

const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n';

describe('a head as sent', () => {
  it('a space before a colon and bare LF line ends: shown as sent, with an alert for each', () => {
    const lines = linesOf([['c2s', 'GET /lf HTTP/1.1\nHost: api.test\nUser-Agent : evil\n\n'], ['s2c', BAD_REQUEST]]);
    expect(lines).toContain('> User-Agent : evil');
    expect(lines).toContain("= ! request head: whitespace before a field's colon: `User-Agent :` (RFC 9112 5.1: a server answers 400)");
    expect(lines).toContain('= ! request head: lines ended by LF alone, not CR LF (RFC 9112 2.2)');
    // The alerts come with the exchange's other alerts, before its messages.
    expect(lines.findIndex((l) => l.includes('whitespace before'))).toBeLessThan(lines.indexOf('> GET /lf HTTP/1.1'));
  });

  it('a folded line stays a line of its own; a value keeps its padding', () => {
    const lines = linesOf([['c2s', 'GET / HTTP/1.1\r\nHost: a\r\nX-Folded: first\r\n  second part\r\nX-Spaces:   padded\r\n\r\n'], ['s2c', BAD_REQUEST]]);
    expect(lines.slice(lines.indexOf('> GET / HTTP/1.1'), lines.indexOf('> GET / HTTP/1.1') + 5)).toEqual(['> GET / HTTP/1.1', '> Host: a', '> X-Folded: first', '>   second part', '> X-Spaces:   padded']);
    expect(lines).toContain('= ! request head: a folded field line: `second part` (obsolete, RFC 9112 5.2: rejected, or read as a space)');
  });

  it('a well-formed head gets no alert; its lines read as before', () => {
    const lines = linesOf([['c2s', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'], ['s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']]);
    expect(lines.filter((l) => l.startsWith('= !'))).toEqual([]);
    expect(lines).toEqual(expect.arrayContaining(['> GET / HTTP/1.1', '> Host: a', '< HTTP/1.1 200 OK', '< Content-Length: 2']));
  });
});
