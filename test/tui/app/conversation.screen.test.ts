/**
 * The conversation pane of the real app on the demo capture (flow 1: two HTTP requests on one
 * keep-alive connection; flow 3: data after the server closed), in an 80x24 pseudo-terminal:
 * `>`/`<` lines and `=` events, the note bar, focus and zoom (`Tab`, `z`, `Esc`), the display
 * modes (`x`, `m`), encodings (`e`), timestamps (`t`), directions (`d`), `/` search with `n`.
 */
import { describe, expect, it } from 'vitest';
import type { Screen } from '../../support/screen.js';
import type { EmulatedScreen } from '../../support/screenEmulator.js';
import { conversationRows, hintRow, isInverse, lines, openDemo, quit, rowWith, statusRow, toRawText } from './support.js';

/** Opens the demo and focuses flow 1's conversation. */
async function openFlow1(): Promise<Screen> {
  const screen = await openDemo();
  screen.press('Enter');
  await toRawText(screen);
  return screen;
}

describe('conversation pane', () => {
  it('Enter focuses the conversation: > and < lines, = events, the end line', async () => {
    const screen = await openFlow1();
    const title = rowWith(screen, ' #1 ');
    expect(screen.line(title)).toContain('#1 192.168.1.23:51000 → 198.51.100.10:80  closed  text UTF-8');
    // The focused pane's title: bold white on blue; the other pane's light on a dark bar.
    expect(screen.cell(1, title)).toMatchObject({ bold: true, bg: 24, inverse: false });
    expect(screen.cell(1, 0)).toMatchObject({ bold: false, bg: 236, inverse: false });
    const rows = conversationRows(screen);
    expect(rows[0]).toBe('= 192.168.1.23:51000 → 198.51.100.10:80 connected (handshake seen)');
    expect(rows[1]).toBe('> GET / HTTP/1.1');
    expect(rows).toContain('> Host: shop.example');
    expect(rows).toContain('< HTTP/1.1 200 OK');
    // Every row starts with its side's marker, or two spaces where a long line wraps on.
    expect(rows.every((row) => /^([<>=] ?|  \S)/.test(row))).toBe(true);
    expect(rows).toContain('  33.0');

    screen.press('G');
    await screen.waitFor('= end: connection closed');
    expect(conversationRows(screen).slice(-3)).toEqual([
      '= client closed its side (FIN)',
      '= server closed its side (FIN)',
      '= end: connection closed',
    ]);
    screen.press('g');
    await screen.waitFor('connected (handshake seen)');
    await quit(screen);
  });

  it('Tab moves focus, z zooms the focused pane, Esc unzooms then goes back to the list', async () => {
    const screen = await openDemo();
    screen.press('Tab');
    await screen.waitFor((s) => hintRow(s).startsWith(' x hex'));
    screen.press('PgDn');
    await screen.waitFor((s) => conversationRows(s)[0] !== '= 192.168.1.23:51000 → 198.51.100.10:80 connected (handshake seen)');
    const scrolled = conversationRows(screen)[0];
    screen.press('z');
    await screen.waitFor((s) => lines(s)[0].startsWith(' #1 192.168.1.23:51000'));
    expect(lines(screen)[1]).toBe(scrolled);
    expect(rowWith(screen, 'summary')).toBe(-1);
    expect(conversationRows(screen)).toHaveLength(21);
    screen.press('Esc');
    await screen.waitFor((s) => rowWith(s, 'summary') === 0);
    expect(hintRow(screen)).toMatch(/^ x hex/);
    screen.press('Esc');
    await screen.waitFor((s) => hintRow(s).startsWith(' Enter open'));
    expect(conversationRows(screen)[0]).toBe(scrolled);
  });

  it('Esc and a key typed together (one Meta key under tmux\'s escape time) act as Esc, then the key', async () => {
    const screen = await openDemo();
    screen.press('Enter');
    await screen.waitFor((s) => hintRow(s).startsWith(' x hex') && rowWith(s, ' #1 ') > 0);
    screen.write('\x1bj');
    await screen.waitFor((s) => hintRow(s).startsWith(' Enter open') && rowWith(s, ' #2 192.168.1.50:40222') > 0);
    // In a prompt Alt-Backspace (a Meta key) is dropped: what is typed stays (see promptEsc.test.ts).
    screen.press('f', 'a', 'b');
    await screen.waitFor((s) => statusRow(s).startsWith('filter: ab'));
    screen.write('\x1b\x7f');
    screen.write('c');
    await screen.waitFor((s) => statusRow(s).startsWith('filter: abc'));
    screen.press('Esc');
    await screen.waitFor((s) => hintRow(s).startsWith(' Enter open'));
    await quit(screen);
  });

  it('data after the peer closed is a highlighted note line; the reset is the end line', async () => {
    const screen = await openDemo();
    screen.press('j', 'j', 'Enter');
    await toRawText(screen);
    screen.press('G');
    await screen.waitFor('= end: connection reset (RST): reset by server');
    const note = rowWith(screen, '= note: the client sent 297+ bytes after the server closed (FIN 300 ms before)');
    expect(note).toBeGreaterThan(0);
    expect(screen.cell(2, note)).toMatchObject({ fg: 7, bg: 1, bold: true });
    expect(screen.cell(79, note)).toMatchObject({ bg: 1 });
    // The FIN where it happened, then the alert, then the request sent after it.
    expect(lines(screen)[note - 1]).toBe('= server closed its side (FIN)');
    expect(lines(screen)[note + 1]).toBe('> GET /api/status?again=1 HTTP/1.1');

    const plain = await openDemo({ env: { NO_COLOR: '1' } });
    plain.press('j', 'j', 'Enter');
    await toRawText(plain);
    plain.press('G');
    await plain.waitFor('= end: connection reset (RST): reset by server');
    const y = rowWith(plain, '= note: the client sent 297+ bytes');
    expect(plain.cell(2, y)).toMatchObject({ fg: 'default', bg: 'default', bold: true, inverse: true });
  });

  it('x from the messages mode shows the hex dump, and x again the messages', async () => {
    const screen = await openDemo();
    screen.press('Enter');
    await screen.waitFor((s) => statusRow(s).includes('· messages ·'));
    screen.press('x');
    await screen.waitFor((s) => statusRow(s).includes('· hex ·'));
    screen.press('x');
    await screen.waitFor((s) => statusRow(s).includes('· messages ·'));
    expect(conversationRows(screen)[1]).toMatch(/^= #1 GET \/ → 200 OK/);
    await quit(screen);
  });

  it('x shows a hex dump, m cycles hex → escaped → messages → text', async () => {
    const screen = await openFlow1();
    screen.press('x');
    await screen.waitFor((s) => statusRow(s).includes('· hex ·'));
    expect(conversationRows(screen)[1]).toBe('> 00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|');
    expect(lines(screen)).toContain('> 00000010  48 6f 73 74 3a 20 73 68  6f 70 2e 65 78 61 6d 70  |Host: shop.examp|');

    screen.press('m');
    await screen.waitFor((s) => statusRow(s).includes('· escaped UTF-8 ·'));
    expect(conversationRows(screen)[1]).toBe('> GET / HTTP/1.1\\r\\nHost: shop.example\\r\\nUser-Agent: Mozilla/5.0 (X11; Linux x8');
    expect(rowWith(screen, '< HTTP/1.1 200 OK\\r\\nDate:')).toBeGreaterThan(0);

    screen.press('m');
    await screen.waitFor((s) => statusRow(s).includes('· messages ·'));
    expect(conversationRows(screen)[1]).toMatch(/^= #1 GET \/ → 200 OK, 279 B \/ 1,122 B, /);
    expect(conversationRows(screen)[2]).toBe('> GET / HTTP/1.1');

    screen.press('m');
    await screen.waitFor((s) => statusRow(s).includes('· text UTF-8 ·'));
    expect(conversationRows(screen)[1]).toBe('> GET / HTTP/1.1');
  });

  it('] and [ step from turn to turn in text mode, from exchange to exchange in messages mode', async () => {
    const screen = await openFlow1();
    screen.press(']');
    await screen.waitFor((s) => conversationRows(s)[0] === '> GET / HTTP/1.1');
    screen.press(']');
    await screen.waitFor((s) => conversationRows(s)[0] === '< HTTP/1.1 200 OK');
    screen.press(']');
    await screen.waitFor((s) => conversationRows(s)[0] === '> GET /style.css HTTP/1.1');
    screen.press('[');
    await screen.waitFor((s) => conversationRows(s)[0] === '< HTTP/1.1 200 OK');
    screen.press('m', 'm', 'm', 'g');
    await screen.waitFor((s) => statusRow(s).includes('· messages ·') && conversationRows(s)[0].startsWith('= 192.168.1.23:51000 → '));
    screen.press(']');
    await screen.waitFor((s) => conversationRows(s)[0].startsWith('= #1 GET / → 200 OK'));
    screen.press(']');
    await screen.waitFor((s) => conversationRows(s)[0].startsWith('= #2 GET /style.css → 200 OK'));
    screen.press(']');
    await screen.waitFor((s) => statusRow(s).includes(']: the last message is in view'));
    screen.press('[', '[', '[');
    await screen.waitFor((s) => conversationRows(s)[0].startsWith('= 192.168.1.23:51000 → '));
    await quit(screen);
  });

  it('e cycles the encodings: Latin-1, CP1252, UTF-16LE, Shift_JIS, EBCDIC, back to UTF-8', async () => {
    const screen = await openFlow1();
    for (const encoding of ['Latin-1', 'CP1252', 'UTF-16LE']) {
      screen.press('e');
      await screen.waitFor((s) => statusRow(s).includes(`· text ${encoding} ·`));
    }
    // ASCII read as UTF-16LE: CJK characters and escapes of unassigned code points.
    expect(conversationRows(screen)[1]).toMatch(/^> 䕇⁔\\u\{202f\}呈偔ㄯㄮ\\u\{a0d\}潈瑳/);
    expect(rowWith(screen, ' #1 ')).toBe(8);
    expect(lines(screen)[8]).toMatch(/ closed {2}text UTF-16LE$/);
    for (const encoding of ['Shift_JIS', 'EBCDIC CP037', 'UTF-8']) {
      screen.press('e');
      await screen.waitFor((s) => statusRow(s).includes(`· text ${encoding} ·`));
    }
    expect(conversationRows(screen)[1]).toBe('> GET / HTTP/1.1');
  });

  it('t shows timestamps (absolute, relative, off); d shows one direction at a time', async () => {
    const screen = await openFlow1();
    screen.press('t');
    await screen.waitFor('00:00:00.102450 > GET / HTTP/1.1');
    expect(conversationRows(screen)[0]).toMatch(/^00:00:00\.100000 = 192\.168\.1\.23:51000 → /);
    screen.press('t');
    await screen.waitFor('   +0.002450 > GET / HTTP/1.1');
    expect(conversationRows(screen)[0]).toMatch(/^ {3}\+0\.000000 = 192\.168\.1\.23:51000 → /);
    screen.press('t');
    await screen.waitFor((s) => conversationRows(s)[1] === '> GET / HTTP/1.1');

    screen.press('d');
    await screen.waitFor((s) => statusRow(s).includes('client only'));
    let rows = conversationRows(screen);
    expect(rows).toContain('> GET /style.css HTTP/1.1');
    expect(rows.filter((row) => row.startsWith('<'))).toEqual([]);
    screen.press('d');
    await screen.waitFor((s) => statusRow(s).includes('server only'));
    rows = conversationRows(screen);
    expect(rows).toContain('< HTTP/1.1 200 OK');
    expect(rows.filter((row) => row.startsWith('>'))).toEqual([]);
    screen.press('d');
    await screen.waitFor((s) => !statusRow(s).includes(' only'));
    expect(conversationRows(screen)).toContain('> GET / HTTP/1.1');
  });

  it('/ finds text, highlighted in inverse video and scrolled into view; n goes to the next match', async () => {
    const screen = await openFlow1();
    expect(rowWith(screen, 'Welcome')).toBe(-1);
    screen.press('/');
    await screen.waitFor((s) => statusRow(s).startsWith('/'));
    screen.press('Welcome', 'Enter');
    const welcome = (s: EmulatedScreen): number => rowWith(s, '<     <h2>Welcome back!</h2>');
    await screen.waitFor((s) => welcome(s) > 0 && isInverse(s, welcome(s), 'Welcome'));
    expect(isInverse(screen, welcome(screen), 'back!')).toBe(false);

    // From the top: the first Server: header is on the first page, the second one far below.
    screen.press('g');
    await screen.waitFor((s) => rowWith(s, 'Welcome') < 0);
    screen.press('/', 'Server:', 'Enter');
    const server = (s: EmulatedScreen): number => rowWith(s, '< Server: nginx/1.26.2');
    await screen.waitFor((s) => server(s) > 0 && isInverse(s, server(s), 'Server:'));
    expect(isInverse(screen, server(screen), ' nginx')).toBe(false);
    expect(rowWith(screen, 'text/css')).toBe(-1);
    await screen.waitFor((s) => statusRow(s).includes(' match 1 of 2 '));
    screen.press('n');
    await screen.waitFor('< Content-Type: text/css');
    await screen.waitFor((s) => statusRow(s).includes(' match 2 of 2 '));
    expect(screen.line(server(screen) + 1).trimEnd()).toBe('< Content-Type: text/css');
    expect(isInverse(screen, server(screen), 'Server:')).toBe(true);
  });

  it('/ in hex mode finds bytes written in hex, highlighted in the hex and ASCII columns', async () => {
    const screen = await openFlow1();
    screen.press('x');
    await screen.waitFor((s) => statusRow(s).includes('· hex ·'));
    /** True when byte `k` of the hex row `y` is in inverse video in both columns. */
    const marked = (y: number, k: number): boolean => {
      const hex = 12 + 3 * k + (k >= 8 ? 1 : 0);
      const ascii = screen.line(y).indexOf('|') + 1 + k;
      return screen.cell(hex, y).inverse && screen.cell(hex + 1, y).inverse && screen.cell(ascii, y).inverse;
    };
    const row = (offset: string): number => rowWith(screen, `> ${offset} `);
    screen.press('/', '0d0a', 'Enter');
    await screen.waitFor(() => row('00000000') > 0 && marked(row('00000000'), 14) && marked(row('00000000'), 15));
    expect(screen.line(row('00000000'))).toMatch(/ 2e 31 0d 0a {2}\|GET \/ HTTP\/1\.1\.\.\|$/);
    expect([13, 14, 15].map((k) => marked(row('00000000'), k))).toEqual([false, true, true]);
    expect(marked(row('00000020'), 2)).toBe(false);

    screen.press('n');
    await screen.waitFor(() => row('00000020') > 0 && marked(row('00000020'), 2) && marked(row('00000020'), 3));
    expect(screen.line(row('00000020'))).toContain('6c 65 0d 0a 55 73 65 72');
    expect([1, 2, 3, 4].map((k) => marked(row('00000020'), k))).toEqual([false, true, true, false]);
  });

  it('the current match stands apart (bold and underlined) from the other matches on screen, in the messages, text and hex modes', async () => {
    const screen = await openDemo();
    screen.press('Enter', 'z');
    await screen.waitFor((s) => statusRow(s).includes('· messages ·'));
    /** Whether each cell of `text` at its first place on row `y` is underlined; undefined when not there. */
    const underlined = (y: number, text: string): boolean | undefined => {
      const x = screen.line(y).indexOf(text);
      if (y < 0 || x < 0) return undefined;
      return [...text].every((_, i) => screen.cell(x + i, y).underline && screen.cell(x + i, y).bold && screen.cell(x + i, y).inverse);
    };
    const accept = (row: string): number => rowWith(screen, row);
    screen.press('/', 'accept', 'Enter');
    await screen.waitFor((s) => statusRow(s).includes('match 1 of 6'));
    // The request's three Accept headers are on screen, all inverse; only the first is the current match.
    expect(accept('> Accept-Language')).toBeGreaterThan(accept('> Accept: '));
    expect(['> Accept: ', '> Accept-Language', '> Accept-Encoding'].map((row) => isInverse(screen, accept(row), 'Accept'))).toEqual([true, true, true]);
    expect(['> Accept: ', '> Accept-Language', '> Accept-Encoding'].map((row) => underlined(accept(row), 'Accept'))).toEqual([true, false, false]);
    screen.press('n');
    await screen.waitFor((s) => statusRow(s).includes('match 2 of 6') && underlined(accept('> Accept-Language'), 'Accept') === true);
    expect(underlined(accept('> Accept-Encoding'), 'Accept')).toBe(false);

    screen.press('m');
    await screen.waitFor((s) => statusRow(s).includes('· text '));
    screen.press('/', 'accept', 'Enter');
    await screen.waitFor((s) => /match \d of 6/.test(statusRow(s)) && accept('> Accept-Encoding') > 0 && underlined(accept('> Accept-Language'), 'Accept') !== undefined);
    const marks = ['> Accept: ', '> Accept-Language', '> Accept-Encoding'].map((row) => underlined(accept(row), 'Accept'));
    expect(marks.filter((mark) => mark === true)).toHaveLength(1);
    expect(['> Accept: ', '> Accept-Language', '> Accept-Encoding'].map((row) => isInverse(screen, accept(row), 'Accept'))).toEqual([true, true, true]);

    // Hex marks only the current match's bytes (in both columns): each of them is underlined.
    screen.press('x', 'n');
    const cells = (s: EmulatedScreen, attribute: 'inverse' | 'underline'): number =>
      s.text().reduce((sum, line, y) => sum + (/^[<>] /.test(line) ? [...line].filter((_, x) => s.cell(x, y)[attribute]).length : 0), 0);
    await screen.waitFor((s) => statusRow(s).includes('· hex ·') && cells(s, 'underline') > 0);
    expect(cells(screen, 'underline')).toBe(cells(screen, 'inverse'));
    expect(cells(screen, 'underline')).toBeGreaterThanOrEqual(3 * 6);
  });
});
