/**
 * Text with combining marks in the real app: decomposed (NFD) Japanese, as macOS writes file
 * names, and Hangul tone marks. Terminals and blessed disagree on these marks' width (blessed
 * draws them as two columns and shifts the row), so they are shown escaped: every row keeps its
 * columns, on the first frame and after redraws.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPcap } from '../../../src/capture/pcapWriter.js';
import { TcpConversation } from '../../../src/synth/tcpScript.js';
import { conversationRows, hintRow, openCapture, toRawText } from './support.js';

/** Client lines: が and ぐ decomposed (U+3099 voiced sound mark), Hangul with tone marks (U+302E, U+302F). */
const LINES = ['STOR か\u3099くせい.txt', 'NAME く\u3099ら ok', 'NOTE 나\u302e랏\u302f 말 end', 'QUIT'];

let dir = '';
let capture = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowspy-marks-'));
  capture = join(dir, 'marks.pcap');
  writeFileSync(capture, collectPcap((writer) => {
    const flow = new TcpConversation(writer, { client: { addr: '10.2.0.1', port: 50000 }, server: { addr: '10.2.0.2', port: 21 } });
    let t = flow.handshake(1_000_000);
    t = flow.send('c2s', LINES.join('\r\n') + '\r\n', t + 1000);
    t = flow.fin('c2s', t + 1000);
    flow.fin('s2c', t + 1000);
  }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('combining marks', () => {
  it('whose width terminals disagree on are escaped, on the first frame and after a redraw', async () => {
    const screen = await openCapture(capture, 1);
    screen.press('Enter');
    await toRawText(screen);
    const expected = ['> STOR か\\u{3099}くせい.txt', '> NAME く\\u{3099}ら ok', '> NOTE 나\\u{302e}랏\\u{302f} 말 end', '> QUIT'];
    expect(conversationRows(screen).slice(1, 5)).toEqual(expected);
    // Redraws: the focus to the list and back (the hint row changes each time).
    screen.press('Tab');
    await screen.waitFor((s) => hintRow(s).startsWith(' Enter open'));
    screen.press('Tab');
    await screen.waitFor((s) => hintRow(s).startsWith(' x hex'));
    expect(conversationRows(screen).slice(1, 5)).toEqual(expected);
  });
});
