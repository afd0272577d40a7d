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
import { conversationRows, hintRow, listRows, openCapture, quit, toRawText } from './support.js';

/** Client lines: が and ぐ decomposed (U+3099 voiced sound mark), Hangul with tone marks (U+302E, U+302F). */
const LINES = ['STOR か\u3099くせい.txt', 'NAME く\u3099ら ok', 'NOTE 나\u302e랏\u302f 말 end', 'QUIT'];

/** HTTP with emoji (a 👍, three 🎉, a flag, a ZWJ family, a ❤️ with its variation selector). */
const JSON_BODY = '{"msg":"ok 👍 done","name":"東京都","emoji":"🎉🎉🎉","flag":"🇯🇵","family":"👨\u200d👩","love":"❤\ufe0f"}\n';
const EMOJI_REQUESTS = ['GET /plain HTTP/1.1\r\nHost: example.jp\r\n\r\n', `GET /${'🎉'.repeat(22)} HTTP/1.1\r\nHost: example.jp\r\n\r\n`];

let dir = '';
let capture = '';
let emoji = '';
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
  emoji = join(dir, 'emoji.pcap');
  const response = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(JSON_BODY)}\r\n\r\n${JSON_BODY}`;
  writeFileSync(emoji, collectPcap((writer) => {
    EMOJI_REQUESTS.forEach((request, i) => {
      const flow = new TcpConversation(writer, { client: { addr: '10.2.0.1', port: 43001 + i }, server: { addr: '10.2.0.2', port: 80 } });
      let t = flow.handshake(1_000_000 + i * 100_000);
      t = flow.send('c2s', request, t + 1000);
      t = flow.send('s2c', response, t + 1000);
      t = flow.fin('c2s', t + 1000);
      flow.fin('s2c', t + 1000);
    });
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

describe('emoji', () => {
  it('are escaped, and every row keeps its columns across redraws', async () => {
    const screen = await openCapture(emoji, 2, { rows: 40 });
    const listed = listRows(screen);
    // Cut between two escapes, never inside one; the row padded to its width.
    expect(listed[1]).toMatch(/ GET \/\\u\{1f389\}(\\u\{1f389\})*… → 200 *$/);
    expect(listed[1].length).toBeLessThanOrEqual(80);
    expect(listed[1].length).toBeGreaterThan(70);
    const body = ['<   "msg": "ok \\u{1f44d} done",', '<   "name": "東京都",', '<   "emoji": "\\u{1f389}\\u{1f389}\\u{1f389}",', '<   "flag": "\\u{1f1ef}\\u{1f1f5}",', '<   "family": "\\u{1f468}\\u{200d}\\u{1f469}",', '<   "love": "❤\\u{fe0f}"'];
    expect(conversationRows(screen).join('\n')).toContain(body.join('\n'));
    // To flow 2 (its long request line wraps) and back: rows are redrawn over each other.
    screen.press('j');
    await screen.waitFor((s) => conversationRows(s).some((row) => row.endsWith(' HTTP/1.1') && row.includes('1f389')));
    expect(conversationRows(screen).filter((row) => row.includes('1f389') && !row.startsWith('<'))).toEqual([
      // flowspy's own line wraps at spaces, but the path, wider than a row, is cut where the row ends.
      '= #1 GET /' + '\\u{1f389}'.repeat(7),
      '  ' + '\\u{1f389}'.repeat(8),
      '  ' + '\\u{1f389}'.repeat(7) + ' → 200 OK,',
      // The request line too: `> GET /`, then the rest of the path.
      '> GET /' + '\\u{1f389}'.repeat(8),
      '  ' + '\\u{1f389}'.repeat(8),
      '  ' + '\\u{1f389}'.repeat(6) + ' HTTP/1.1',
    ]);
    screen.press('k');
    await screen.waitFor((s) => conversationRows(s).some((row) => row.startsWith('> GET /plain')));
    expect(listRows(screen)).toEqual(listed);
    expect(conversationRows(screen).join('\n')).toContain(body.join('\n'));
    await quit(screen);
  });
});
