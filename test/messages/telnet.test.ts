import { describe, expect, it } from 'vitest';
import type { Direction } from '../../src/core/types.js';
import { detectProtocol } from '../../src/messages/detect.js';
import { LineConversation } from '../../src/messages/lines.js';
import { lineProtocolName, lineSummary } from '../../src/messages/lineSummary.js';
import { startsTelnet, TelnetReader } from '../../src/messages/telnet.js';

const bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');

/** What a reader makes of `text` fed in pieces cut at `cuts`: data as text, commands as `[names]` (their bytes counted). */
function split(text: string, cuts: number[] = []): { parts: string[]; covered: number } {
  const reader = new TelnetReader();
  const parts: string[] = [];
  let covered = 0;
  const all = bytes(text);
  let prev = 0;
  for (const cut of [...cuts, all.length]) {
    const piece = all.subarray(prev, cut);
    reader.split(piece, {
      data: (start, end, replacement) => {
        covered += end - start;
        const text = Buffer.from(replacement ?? piece.subarray(start, end)).toString('latin1');
        if (parts.length > 0 && !parts[parts.length - 1].startsWith('[')) parts[parts.length - 1] += text;
        else parts.push(text);
      },
      command: (start, end, names) => {
        covered += end - start;
        if (names.length > 0) parts.push(`[${names.join(', ')}]`);
      },
    });
    prev = cut;
  }
  return { parts, covered };
}

const NEGOTIATION = '\xff\xfd\x03\xff\xfb\x18\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0\xff\xfa\x18\x00xterm\xff\xf0login: \xff\xf4\xff\xfd\x06ab\xff\xffc\r\x00d\r\n';

describe('TelnetReader', () => {
  it('names negotiation, subnegotiation and commands, and keeps the data between them', () => {
    expect(split(NEGOTIATION).parts).toEqual([
      '[DO SUPPRESS-GO-AHEAD, WILL TERMINAL-TYPE, SB NAWS 80x24, SB TERMINAL-TYPE IS xterm]',
      'login: ',
      '[IP, DO TIMING-MARK]',
      'ab\xffc\r\nd\r\n',
    ]);
  });

  it('gives the same result and covers every byte whatever the segments', () => {
    const whole = split(NEGOTIATION);
    expect(whole.covered).toBe(NEGOTIATION.length);
    for (let cut = 1; cut < NEGOTIATION.length; cut++) {
      for (const second of [cut + 1, cut + 3]) {
        const cuts = second < NEGOTIATION.length ? [cut, second] : [cut];
        const got = split(NEGOTIATION, cuts);
        expect(got.covered, `cut at ${cuts}`).toBe(NEGOTIATION.length);
        // Names are whole whatever the cut; data runs are joined back.
        expect(got.parts.filter((p) => p.startsWith('[')).join('').replace(/\]\[/g, ', '), `cut at ${cuts}`).toBe(whole.parts.filter((p) => p.startsWith('[')).join('').replace(/\]\[/g, ', '));
        expect(got.parts.filter((p) => !p.startsWith('[')).join(''), `cut at ${cuts}`).toBe('login: ab\xffc\r\nd\r\n');
      }
    }
  });

  it('names every RFC 854 command, an SE outside a subnegotiation too', () => {
    const commands = '\xff\xf1\xff\xf2\xff\xf3\xff\xf4\xff\xf5\xff\xf6\xff\xf7\xff\xf8\xff\xf9\xff\xf0\xff\xfa\xff\xf0';
    expect(split(commands).parts).toEqual(['[NOP, DM, BRK, IP, AO, AYT, EC, EL, GA, SE, SB]']);
    expect(split('\xff\xfb\x01\xff\xfc\x01\xff\xfd\x01\xff\xfe\x01').parts).toEqual(['[WILL ECHO, WONT ECHO, DO ECHO, DONT ECHO]']);
  });

  it('names unknown options and commands by number, and cuts a long subnegotiation', () => {
    expect(split('\xff\xfb\xc8\xff\xe0').parts).toEqual(['[WILL option 200, command 224]']);
    expect(split(`\xff\xfa\x22${'\x01'.repeat(100)}\xff\xf0`).parts).toEqual(['[SB LINEMODE (63 bytes)]']);
    expect(split('\xff\xfa\x27\x01\xff\xf0').parts).toEqual(['[SB NEW-ENVIRON (1 byte)]']);
  });

  it('ends a subnegotiation with no IAC SE after 1,024 bytes: what follows is data again', () => {
    const text = `\xff\xfa\x1f${'x'.repeat(1023)}login: ${'y'.repeat(1000)}`;
    for (const cuts of [[], [5, 700, 1030, 1500]]) {
      const { parts, covered } = split(text, cuts);
      expect(parts).toEqual(['[SB NAWS (63 bytes) (no IAC SE in 1,024 bytes)]', `login: ${'y'.repeat(1000)}`]);
      expect(covered).toBe(bytes(text).length);
    }
  });

  it('takes prompts with no line end (a login with no Telnet negotiation) as a line protocol once nothing more comes', () => {
    expect(detectProtocol(bytes('login: '), 's2c', false)).toBeUndefined();
    expect(detectProtocol(bytes('login: Password: $ '), 's2c', true)).toEqual({ protocol: 'lines', clientDir: 'c2s', prompts: true });
    expect(detectProtocol(bytes('READY'), 's2c', true)).toEqual({ protocol: 'raw', clientDir: 'c2s' });
  });

  it('tells a stream that opens with a negotiation', () => {
    expect(startsTelnet(bytes('\xff\xfd\x03'))).toBe(true);
    expect(startsTelnet(bytes('\xff\xfa\x18'))).toBe(true);
    expect(startsTelnet(bytes('\xff\xf4'))).toBe(false);
    expect(startsTelnet(bytes('\xff'))).toBe(false);
    expect(detectProtocol(bytes('\xff\xfd\x03\xff\xfb\x18'), 's2c', false)).toEqual({ protocol: 'lines', clientDir: 'c2s', telnet: true });
    expect(detectProtocol(bytes('\xff\xf4'), 'c2s', true)?.protocol).toBe('raw');
  });
});

describe('LineConversation, Telnet', () => {
  type Step = [Direction, string];
  const SESSION: Step[] = [
    ['s2c', '\xff\xfd\x18\xff\xfd\x1f'],
    ['c2s', '\xff\xfb\x18\xff\xfb\x1f\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0'],
    ['s2c', '\r\nOpenBSD/i386 (oof) (ttyp2)\r\n\r\nlogin: '],
    ['c2s', 'fake\r\n'],
    ['s2c', '\xff\xfb\x01Password:'],
    ['c2s', '\xff\xfd\x01user\r\n'],
    ['s2c', '\r\n\xff\xfc\x01$ '],
    ['c2s', 'ls\r\x00'],
    ['s2c', '\x1b[1mbin\x1b[0m\x07\r\n$ '],
    ['c2s', 'exit\r\n'],
  ];

  function play(steps: readonly Step[], cut: number): LineConversation {
    const lines = new LineConversation('c2s', { telnet: true });
    const offsets = { c2s: 0, s2c: 0 };
    for (const [dir, text] of steps) {
      const all = bytes(text);
      for (let at = 0; at < all.length; at += cut) lines.feed(dir, offsets[dir] + at, all.subarray(at, Math.min(all.length, at + cut)), 1);
      offsets[dir] += all.length;
    }
    lines.end('c2s');
    lines.end('s2c');
    return lines;
  }

  const shape = (lines: LineConversation): string[] => lines.items.map((i) => `${i.dir} ${i.offset}+${i.length} ${i.kind === 'telnet' ? `[${i.text}]` : i.text}`);

  it('shows commands as items, lines without them, a prompt ended by the command typed at it, control bytes kept', () => {
    const lines = play(SESSION, 1000);
    expect(shape(lines)).toEqual([
      's2c 0+6 [DO TERMINAL-TYPE, DO NAWS]',
      'c2s 0+15 [WILL TERMINAL-TYPE, WILL NAWS, SB NAWS 80x24]',
      's2c 6+2 ',
      's2c 8+28 OpenBSD/i386 (oof) (ttyp2)',
      's2c 36+2 ',
      's2c 38+7 login: ',
      'c2s 15+6 fake',
      's2c 45+3 [WILL ECHO]',
      's2c 48+9 Password:',
      'c2s 21+3 [DO ECHO]',
      'c2s 24+6 user',
      's2c 57+2 ',
      's2c 59+3 [WONT ECHO]',
      's2c 62+2 $ ',
      'c2s 30+4 ls',
      's2c 64+14 \x1b[1mbin\x1b[0m\x07',
      's2c 78+2 $ ',
      'c2s 34+6 exit',
    ]);
    expect(lines.rawFrom('c2s')).toBeUndefined();
    expect(lines.rawFrom('s2c')).toBeUndefined();
    expect(lineProtocolName(lines)).toBe('TELNET');
    expect(lineSummary(lines)).toBe('TELNET OpenBSD/i386 (oof) (ttyp2) (4 cmds)');
  });

  it('shows the line typed at a Password: prompt by its size only, and no other', () => {
    const lines = play(SESSION, 1000);
    const secrets = lines.items.flatMap((i) => (i.kind === 'line' && i.auth?.kind === 'secret' ? [`${i.dir} ${i.offset} ${i.auth.secret} ${i.auth.secretBytes}`] : []));
    expect(secrets).toEqual(['c2s 24 password 4']);
    // typed a key at a time, the prompt still not ended
    expect(play(SESSION, 1).items.filter((i) => i.kind === 'line' && i.auth !== undefined).length).toBe(1);
  });

  it('gives the same items fed a byte at a time', () => {
    expect(shape(play(SESSION, 1))).toEqual(shape(play(SESSION, 1000)));
  });

  it('takes a gap inside a command: the bytes after it are data until the next IAC', () => {
    const lines = new LineConversation('c2s', { telnet: true });
    lines.feed('s2c', 0, bytes('\xff\xfa\x18'), 1);
    lines.gap('s2c', 3, 5, 2);
    lines.feed('s2c', 8, bytes('hello\r\n\xff\xfb\x01'), 3);
    expect(shape(lines)).toEqual(['s2c 0+3 []', 's2c 8+7 hello', 's2c 15+3 [WILL ECHO]']);
    expect(lines.notes.map((n) => n.gap)).toEqual([5]);
  });
});

describe('Telnet, random bytes', () => {
  it('never throws, and gives the same items at any segmentation', async () => {
    const { mulberry32, randomInt } = await import('../support/prng.js');
    const random = mulberry32(23);
    const alphabet = [0xff, 0xff, 0xfa, 0xf0, 0xfb, 0xfd, 0xf4, 0x0d, 0x0a, 0x00, 0x18, 0x1f, 0x41, 0x42, 0x20, 0x16, 0x03];
    for (let round = 0; round < 200; round++) {
      const stream = Uint8Array.from({ length: randomInt(random, 1, 120) }, () => alphabet[randomInt(random, 0, alphabet.length - 1)]);
      const feed = (cut: number): string[] => {
        const lines = new LineConversation('c2s', { telnet: true });
        for (let at = 0; at < stream.length; at += cut) lines.feed('c2s', at, stream.subarray(at, at + cut), at);
        lines.end('c2s');
        let end = 0;
        for (const item of lines.items) {
          expect(item.offset).toBeGreaterThanOrEqual(end);
          end = item.offset + item.length;
        }
        expect(end).toBeLessThanOrEqual(stream.length);
        return lines.items.map((i) => `${i.kind} ${i.offset}+${i.length} ${i.text}`);
      };
      const whole = feed(stream.length);
      expect(feed(1), `stream ${Buffer.from(stream).toString('hex')}`).toEqual(whole);
      expect(feed(randomInt(random, 2, 7))).toEqual(whole);
    }
  });
});
