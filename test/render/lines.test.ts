import { describe, expect, it } from 'vitest';
import { escapeLine } from '../../src/render/escape.js';
import { LINE_CONTINUES_MARK, LineAssembler, renderTextLines, type LineEnd, type LineHandler } from '../../src/render/lines.js';
import { mulberry32 } from '../support/prng.js';

const enc = (s: string) => new TextEncoder().encode(s);

interface Line {
  readonly text: string;
  readonly end: LineEnd;
}

/** A taker that pushes each line, escaped, to `into`. */
const collect = (into: Line[]): LineHandler => (bytes, start, end, ended) => void into.push({ text: escapeLine(bytes, start, end), end: ended });

/** Feeds `data` cut at `cuts`, returns all lines incl. the flushed one. */
function assemble(data: Uint8Array, cuts: number[], cap?: number): Line[] {
  const a = new LineAssembler(cap);
  const out: Line[] = [];
  let prev = 0;
  for (const c of [...cuts, data.length]) {
    a.push(data.subarray(prev, c), collect(out));
    prev = c;
  }
  a.flush(collect(out));
  return out;
}

describe('LineAssembler', () => {
  it('splits on LF, drops the CR of CRLF, keeps a lone CR visible', () => {
    const lines = assemble(enc('GET / HTTP/1.1\r\nHost: x\r\n\r\nbody\rmore\nlast'), []);
    expect(lines.map((l) => [l.text, l.end])).toEqual([
      ['GET / HTTP/1.1', 'newline'],
      ['Host: x', 'newline'],
      ['', 'newline'],
      ['body\\rmore', 'newline'],
      ['last', 'flush'],
    ]);
  });

  it('gives the same lines however the stream is chunked (CRLF and UTF-8 split across chunks)', () => {
    const data = enc('héllo\r\nwörld 𠮷\r\n\r\nx\ny\r\n€€€\n\x1b[2J\ntail');
    const whole = assemble(data, []);
    const rand = mulberry32(7);
    for (let n = 0; n < 200; n++) {
      const cuts: number[] = [];
      for (let i = 1; i < data.length; i++) if (rand() < 0.3) cuts.push(i);
      expect(assemble(data, cuts)).toEqual(whole);
    }
    expect(whole.map((l) => l.text)).toEqual(['héllo', 'wörld 𠮷', '', 'x', 'y', '€€€', '\\x1b[2J', 'tail']);
  });

  it('cuts long lines at the cap, marks them, and keeps memory bounded', () => {
    const a = new LineAssembler(8);
    const out: Line[] = [];
    a.push(enc('0123456789abcdefXYZ'), collect(out));
    expect(out.map((l) => [l.text, l.end])).toEqual([
      ['01234567', 'cap'],
      ['89abcdef', 'cap'],
    ]);
    expect(a.pendingBytes).toBe(3);
    a.flush(collect(out));
    a.flush(collect(out));
    expect(out.slice(2)).toEqual([{ text: 'XYZ', end: 'flush' }]);
  });

  it('a line of exactly the cap followed by LF (or CRLF) is a normal line', () => {
    expect(assemble(enc('01234567\n'), [], 8).map((l) => [l.text, l.end])).toEqual([['01234567', 'newline']]);
    expect(assemble(enc('0123456\r\n'), [3], 8).map((l) => [l.text, l.end])).toEqual([['0123456', 'newline']]);
    // A CRLF right after a full line: wherever the chunks end, one line, no cut mark, no empty line.
    for (const cuts of [[], [8], [9], [8, 9]]) {
      expect(assemble(enc('01234567\r\nb'), cuts, 8).map((l) => [l.text, l.end])).toEqual([['01234567', 'newline'], ['b', 'flush']]);
      // A CR that does not end the line goes on with the next piece.
      expect(assemble(enc('01234567\rXY\n'), cuts, 8).map((l) => [l.text, l.end])).toEqual([['01234567', 'cap'], ['\\rXY', 'newline']]);
    }
    expect(assemble(enc('01234567\r'), [], 8).map((l) => [l.text, l.end])).toEqual([['01234567\\r', 'flush']]);
    const chunked = assemble(enc('01234567\n89'), [8], 8);
    expect(chunked.map((l) => [l.text, l.end])).toEqual([['01234567', 'newline'], ['89', 'flush']]);
  });

  it('does not cut inside a UTF-8 sequence at the cap', () => {
    // 'abcdef' + '€' (3 bytes) = 9 bytes with cap 8: cut before the euro sign
    const lines = assemble(enc('abcdef€gh\n'), [], 8);
    expect(lines.map((l) => [l.text, l.end])).toEqual([
      ['abcdef', 'cap'],
      ['€gh', 'newline'],
    ]);
  });

  it('handles a megabyte without newline in many chunks with bounded pending memory', () => {
    const a = new LineAssembler(4096);
    const chunk = new Uint8Array(1000).fill(0x41);
    const out: Line[] = [];
    for (let i = 0; i < 1000; i++) {
      a.push(chunk, collect(out));
      expect(a.pendingBytes).toBeLessThanOrEqual(4096);
    }
    expect(out.length).toBe(Math.floor((1_000_000 - 1) / 4096));
  });
});

describe('renderTextLines', () => {
  it('renders a buffer, no extra line for a final LF, marks cap pieces', () => {
    expect(renderTextLines(enc('a\r\nb\n'))).toEqual(['a', 'b']);
    expect(renderTextLines(enc('a\n\nb'))).toEqual(['a', '', 'b']);
    expect(renderTextLines(enc(''))).toEqual([]);
    expect(renderTextLines(enc('abcdefghij'), 4)).toEqual(['abcd' + LINE_CONTINUES_MARK, 'efgh' + LINE_CONTINUES_MARK, 'ij']);
    expect(renderTextLines(enc('{bold}\x1b[2J\u202e'))).toEqual(['{bold}\\x1b[2J\\u{202e}']);
  });
});
