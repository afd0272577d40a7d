/**
 * Hostile bytes in the real app: a capture whose payloads carry terminal escapes (OSC title,
 * mode switches, colours, a full reset), C1 controls (U+009B and a raw 0x9b byte), bidi
 * controls, blessed tag syntax and invalid UTF-8, shown in the list preview, in text, hex and
 * escaped modes, and typed into the filter prompt. The emulator's title, screen mode and
 * colours must not change, and every escape must appear as visible text.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPcap } from '../../../src/capture/pcapWriter.js';
import { TcpConversation } from '../../../src/synth/tcpScript.js';
import type { Screen } from '../../support/screen.js';
import type { EmulatedScreen } from '../../support/screenEmulator.js';
import { conversationRows, hintRow, isInverse, lines, listRows, openCapture, openDemo, quit, rowWith, statusRow, toRawText } from './support.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'utf8')] : part)));

/** Client lines of flow 1, each with the text the app must show for it. */
const CLIENT_LINES: [Uint8Array, string][] = [
  [bytes('\x1b]0;pwned\x07 title'), '\\x1b]0;pwned\\x07 title'],
  [bytes('\x1b[?1049l\x1b[?25l\x1b[?1000h modes'), '\\x1b[?1049l\\x1b[?25l\\x1b[?1000h modes'],
  [bytes('\x1b[1;31;44mcolour\x1b[0m'), '\\x1b[1;31;44mcolour\\x1b[0m'],
  [bytes('\u009b31m c1 ', [0x9b], '32m raw'), '\\u{9b}31m c1 \\x9b32m raw'],
  [bytes('\u202eevil\u2066 bidi'), '\\u{202e}evil\\u{2066} bidi'],
  [bytes('{bold}{|}{/escape}{red-fg} tags'), '{bold}{|}{/escape}{red-fg} tags'],
  [bytes([0xff, 0xfe, 0xc3], '( bad utf8'), '\\xff\\xfe\\xc3( bad utf8'],
];
const SERVER_REPLY = bytes('200 \x1bc\x1b]2;server title\x07\x1b[2J ok\r\n');

let dir = '';
let capture = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowspy-hostile-'));
  capture = join(dir, 'hostile.pcap');
  writeFileSync(capture, collectPcap((writer) => {
    const hostile = new TcpConversation(writer, { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } });
    let t = hostile.handshake(1_000_000);
    const crlf = bytes('\r\n');
    t = hostile.send('c2s', Uint8Array.from(CLIENT_LINES.flatMap(([line]) => [...line, ...crlf])), t + 1000);
    t = hostile.send('s2c', SERVER_REPLY, t + 1000);
    hostile.fin('c2s', t + 1000);
    // A second flow whose first line starts with a bidi override, tags and a C1 CSI.
    const second = new TcpConversation(writer, { client: { addr: '10.0.0.1', port: 40001 }, server: { addr: '10.0.0.2', port: 80 } });
    t = second.handshake(t + 10_000);
    t = second.send('c2s', bytes('\u202e{bold}\u009b2J x\r\n'), t + 1000);
    second.fin('c2s', t + 1000);
  }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Asserts that nothing hostile reached the emulator: title, modes, raw controls in the output. */
function expectUntouched(screen: Screen): void {
  expect(screen.title).toBe('');
  expect(screen.alternateScreen).toBe(true);
  expect(screen.cursorHidden).toBe(true);
  // The app's own mouse mode (presses and the wheel), set once when it starts.
  expect(screen.modes.mouseTrackingMode).toBe('vt200');
  expect(screen.output.split('\x1b[?1000h').length - 1).toBe(1);
  // (blessed itself clears the screen with ESC[2J when it starts.)
  for (const raw of ['\x1b]0;', '\x1b]2;', '\x1bc', '\x1b[?1049l', '\x1b[1;31;44m', '\u009b', '\ufffd', '\u202e', '\u2066', '\x07']) {
    expect(screen.output, JSON.stringify(raw)).not.toContain(raw);
  }
}

describe('hostile payloads', () => {
  it('show as visible escapes in the preview and in text, escaped and hex modes, and change nothing', async () => {
    const screen = await openCapture(capture, 2, { cols: 120, rows: 30 });
    const rows = listRows(screen);
    expect(rows[0]).toContain('\\x1b]0;pwned\\x07 title');
    expect(rows[1]).toContain('\\u{202e}{bold}\\u{9b}2J x');
    expectUntouched(screen);

    screen.press('Enter');
    await toRawText(screen);
    const text = conversationRows(screen);
    for (const [, shown] of CLIENT_LINES) expect(text).toContain(`> ${shown}`);
    expect(text).toContain('< 200 \\x1bc\\x1b]2;server title\\x07\\x1b[2J ok');
    const colour = rowWith(screen, 'colour\\x1b');
    const cell = screen.cell(screen.line(colour).indexOf('colour'), colour);
    expect(cell).toMatchObject({ fg: 2, bg: 'default', bold: false, inverse: false, underline: false });
    expectUntouched(screen);

    screen.press('m');
    await screen.waitFor((s) => statusRow(s).includes('· hex ·'));
    expect(conversationRows(screen)[1]).toBe('> 00000000  1b 5d 30 3b 70 77 6e 65  64 07 20 74 69 74 6c 65  |.]0;pwned. title|');
    expect(lines(screen)).toContain('> 00000040  1b 5b 30 6d 0d 0a c2 9b  33 31 6d 20 63 31 20 9b  |.[0m....31m c1 .|');
    expectUntouched(screen);

    screen.press('m');
    await screen.waitFor((s) => statusRow(s).includes('· escaped'));
    expect(lines(screen).map((line) => line.replace(/^[<>] /, '')).join('')).toContain(
      '\\x1b]0;pwned\\x07 title\\r\\n\\x1b[?1049l\\x1b[?25l\\x1b[?1000h modes\\r\\n\\x1b[1;31;44mcolour',
    );
    expectUntouched(screen);
    await quit(screen);
    expect(screen.title).toBe('');
  });

  it('a pasted filter shows escaped in the prompt and the status row', async () => {
    const screen = await openCapture(capture, 2);
    screen.press('f');
    await screen.waitFor((s) => statusRow(s).startsWith('filter: '));
    // Quoted: one word of text (unquoted, `|` would split it into words either of which matches).
    screen.write('"{bold}\u202e\u009b31m{|}"');
    await screen.waitFor((s) => statusRow(s).startsWith('filter: "{bold}\\u{202e}\\u{9b}31m{|}"'));
    screen.press('Enter');
    await screen.waitFor((s) => statusRow(s).includes('0/2 flows'));
    expect(statusRow(screen)).toContain('filter "{bold}\\u{202e}\\u{9b}31m{|}"');
    expect(listRows(screen)).toEqual([' no flow matches the filter (f to change it)']);
    expectUntouched(screen);

    // An escape sequence typed into the prompt: ESC ] arrives as the key M-] (ignored), BEL is dropped.
    screen.press('f');
    await screen.waitFor((s) => statusRow(s).startsWith('filter: "{bold}'));
    screen.press('C-u');
    screen.write('~\x1b]0;typed\x07');
    await screen.waitFor((s) => statusRow(s).trimEnd() === 'filter: ~0;typed');
    expectUntouched(screen);
  });

  it('the demo mail\'s escape line (flow 2) shows escaped, found by /', async () => {
    const screen = await openDemo();
    screen.press('j', 'Enter');
    await screen.waitFor((s) => hintRow(s).startsWith(' x hex') && rowWith(s, ' #2 ') > 0);
    await toRawText(screen);
    screen.press('/', 'pwned', 'Enter');
    const row = (s: EmulatedScreen): number => rowWith(s, '> \\x1b[2J\\x1b]0;you have been pwned\\x07\\x1b[1;31mThis line tries');
    await screen.waitFor((s) => row(s) > 0 && isInverse(s, row(s), 'pwned'));
    expectUntouched(screen);
  });
});
