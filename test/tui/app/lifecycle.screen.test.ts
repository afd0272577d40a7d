/**
 * The real app's help screen and its exit, in an 80x24 pseudo-terminal: `?` shows the help
 * generated from the keymap, `q` restores the terminal and then prints the summary line, and a
 * capture piped on stdin (`-r -`) opens the app with keys read from the terminal.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helpLines } from '../../../src/tui/keymap.js';
import { cli, conversationRows, demoPcap, expectRestored, hintRow, lines, listRows, openDemo, openFlowspy, openShell, quit, statusRow, toRawText } from './support.js';

const SUMMARY = /^flowspy: 5 flows, 82 packets, 4,084 payload bytes, 0 gaps/;

describe('help and exit', () => {
  it('? shows the help generated from the keymap; j, G, g scroll it; any other key closes it and does nothing else', async () => {
    const screen = await openDemo();
    const help = helpLines(true).map((line) => ` ${line}`.trimEnd());
    screen.press('?');
    await screen.waitFor((s) => lines(s)[21] === help[19]);
    expect(lines(screen)[0]).toBe(' flowspy keys');
    expect(lines(screen).slice(2, 22)).toEqual(help.slice(0, 20));
    expect(lines(screen)).toContain('   /            search (lower case: any case; hex: 0d0a; list: whole rows)');

    screen.press('j');
    await screen.waitFor((s) => lines(s)[0] === '');
    expect(lines(screen)[1]).toBe(help[0]);
    // The scroll keys of any pane work in the help too: G shows its end, g its start.
    screen.press('G');
    await screen.waitFor((s) => lines(s)[21] === help.at(-1));
    screen.press('g');
    await screen.waitFor((s) => lines(s)[0] === ' flowspy keys');

    screen.press('f');
    await screen.waitFor((s) => hintRow(s).startsWith(' Enter open'));
    expect(listRows(screen)).toHaveLength(5);
    expect(statusRow(screen)).toMatch(/^ demo\.pcap · 5 flows/);
    await quit(screen);
  });

  it('at 40 columns the conversation title shows where it is cut; the help wraps under its column', async () => {
    const screen = await openDemo({ cols: 40, rows: 12 });
    screen.press('j', 'j');
    await screen.waitFor((s) => lines(s).some((line) => line.startsWith(' #3 ')));
    expect(lines(screen).find((line) => line.startsWith(' #3 '))).toBe(' #3 …1.23:51002 → …100.10:80  reset  me…');
    screen.press('?', 'j', 'j', 'j');
    await screen.waitFor((s) => lines(s).some((line) => line.includes('Space')));
    const at = lines(screen).findIndex((line) => line.includes('Space'));
    expect(lines(screen).slice(at, at + 2)).toEqual(['   Space        down one page, as in', '                less']);
    // At 12 rows there is no hint row: the status row says how to leave the help.
    expect(lines(screen)[11]).toBe(' any other key closes the help  j/k PgD…');
    screen.press('Esc');
    await screen.waitFor((s) => lines(s)[0].startsWith('  # '));
    screen.press('q');
    expect((await screen.waitForExit()).exitCode).toBe(0);
  });

  it('ctrl-c quits at once with 130, as an interrupt; q with 0', async () => {
    const screen = await openDemo();
    screen.press('Enter', 'C-c');
    expect((await screen.waitForExit()).exitCode).toBe(130);
    expectRestored(screen);
  });

  it('ctrl-l repaints the whole screen over what another program wrote on it', async () => {
    const screen = await openDemo();
    const before = lines(screen);
    // Over a list row, and on the blank rows below the list (cells blessed believes empty).
    screen.scribble('\x1b[5;3HGARBAGE-GARBAGE\x1b[8;1HXX-GARBAGE');
    await screen.waitFor((s) => lines(s).filter((line) => line.includes('GARBAGE')).length === 2);
    screen.press('C-l');
    await screen.waitFor((s) => !lines(s).some((line) => line.includes('GARBAGE')));
    expect(lines(screen)).toEqual(before);
    await quit(screen);
  });

  it('ctrl-l over the help repaints it and keeps it open', async () => {
    const screen = await openDemo();
    screen.press('?');
    // The whole frame: its first row and its last (the hint row is drawn last).
    await screen.waitFor((s) => lines(s)[0] === ' flowspy keys' && hintRow(s).includes('any other key closes the help'));
    const before = lines(screen);
    screen.scribble('\x1b[5;3HGARBAGE-GARBAGE');
    await screen.waitFor((s) => lines(s).some((line) => line.includes('GARBAGE')));
    screen.press('C-l');
    await screen.waitFor((s) => !lines(s).some((line) => line.includes('GARBAGE')));
    expect(lines(screen)).toEqual(before);
    screen.press('Esc');
    await screen.waitFor((s) => lines(s)[0].startsWith('  # '));
    await quit(screen);
  });

  it('q leaves the alternate screen, shows the cursor, then prints the summary line; exit 0', async () => {
    const screen = await openDemo();
    expect(screen.alternateScreen).toBe(true);
    await quit(screen);
    expect(screen.line(0)).toMatch(SUMMARY);
    const left = screen.output.lastIndexOf('\x1b[?1049l');
    expect(left).toBeGreaterThan(0);
    expect(screen.output.indexOf('flowspy: 5 flows')).toBeGreaterThan(left);
    expect(lines(screen).slice(2).join('')).toBe('');
  });

  it('-r - reads the capture from stdin and the keys from the terminal', async () => {
    const screen = openShell(`cat demo/demo.pcap | exec "${process.execPath}" "${cli}" -r -`);
    await screen.waitFor((s) => statusRow(s).startsWith(' stdin · 5 flows') && / SMTP EHLO laptop\.example… → 250 \(5 cmds\)$/.test(listRows(s)[1] ?? ''));
    screen.press('j', 'Enter');
    await toRawText(screen);
    expect(lines(screen)).toContain('< 220 mail.example.org ESMTP Postfix (Debian/GNU)');
    // q leaves the conversation for the list, then quits.
    screen.press('q');
    await screen.waitFor((s) => hintRow(s).startsWith(' Enter open'));
    expect(screen.exitStatus).toBeUndefined();
    screen.press('q');
    expect((await screen.waitForExit()).exitCode).toBe(0);
    expectRestored(screen);
    expect(screen.line(0)).toMatch(SUMMARY);
  });

  it('-r - with no terminal to read keys from: one line, exit 2, before anything is drawn', async () => {
    // setsid: a new session without a controlling terminal, so /dev/tty cannot be opened; stdout is still the pty.
    const screen = openShell(`cat demo/demo.pcap | setsid -w "${process.execPath}" "${cli}" -r -`);
    expect((await screen.waitForExit()).exitCode).toBe(2);
    expect(lines(screen).filter((line) => line !== '')).toEqual(['flowspy: no terminal to read keys from (/dev/tty: ENXIO)']);
  });

  it('-r - from a pipe whose writer stalls: messages are parsed as the bytes come; the end moves nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-pipe-'));
    const fifo = join(dir, 'capture');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const screen = openShell(`exec "${process.execPath}" "${cli}" -r - < "${fifo}"`);
    const writer = await open(fifo, 'w');
    try {
      await writer.write(readFileSync(demoPcap));
      // Still loading (the writer holds the pipe open), and the summaries are there.
      await screen.waitFor((s) => / GET \/ → 200 \(2 re/.test(listRows(s)[0] ?? '') && / SMTP EHLO laptop\.example… → 250 \(5 cmds\)$/.test(listRows(s)[1] ?? ''));
      expect(statusRow(screen)).toMatch(/^ stdin · 5 flows .*· loading/);
      screen.press('j', 'Enter');
      await screen.waitFor((s) => statusRow(s).includes('· messages ·'));
      screen.press('m');
      await screen.waitFor((s) => statusRow(s).includes('· text '));
      const second = conversationRows(screen)[1];
      screen.press('j');
      await screen.waitFor((s) => conversationRows(s)[0] === second);
      const reading = conversationRows(screen);
      await writer.close();
      await screen.waitFor((s) => !statusRow(s).includes('loading'));
      expect(statusRow(screen)).toMatch(/^ stdin · 5 flows .*· text UTF-8 ·/);
      expect(conversationRows(screen)).toEqual(reading);
      await quit(screen);
    } finally {
      await writer.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a damaged capture', () => {
  it('cut short: the flows before the cut are listed, the status row names the file and where; exit 2 after q, the path on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-cut-'));
    try {
      const whole = readFileSync(demoPcap);
      const cut = join(dir, 'cut.pcap');
      writeFileSync(cut, whole.subarray(0, whole.length - 100));
      const screen = openFlowspy(['-r', cut]);
      await screen.waitFor((s) => statusRow(s).startsWith(` capture cut.pcap cut short at byte ${whole.length - 100}, after packet 80: record`));
      expect(listRows(screen)[0]).toMatch(/GET \/ → 200/);
      screen.press('q');
      expect((await screen.waitForExit()).exitCode).toBe(2);
      expectRestored(screen);
      expect(lines(screen).join('')).toContain(`flowspy: capture ${cut} cut short at byte ${whole.length - 100}, after packet 80: `);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cut before any packet: one line naming the file, exit 2, no screen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-cut-'));
    try {
      const cut = join(dir, 'cut.pcap');
      writeFileSync(cut, readFileSync(demoPcap).subarray(0, 30));
      const screen = openFlowspy(['-r', cut]);
      expect((await screen.waitForExit()).exitCode).toBe(2);
      expect(screen.output).not.toContain('\x1b[?1049h');
      expect(lines(screen).join('').trimEnd()).toBe(`flowspy: capture ${cut} cut short at byte 30, before any packet: record header of 16 bytes has only 6`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an output that fails while the screen is open', () => {
  it('--har /dev/full: written at the end, it fails after q; stderr says why, exit 1', async () => {
    const screen = openFlowspy(['-r', demoPcap, '--har', '/dev/full']);
    await screen.waitFor((s) => statusRow(s).includes('5 flows'));
    screen.press('q');
    expect((await screen.waitForExit()).exitCode).toBe(1);
    expectRestored(screen);
    expect(lines(screen).join('\n')).toContain('flowspy: cannot write /dev/full: no space left on device');
  });
});

describe('-r - with no pipe', () => {
  it('stdin is the terminal: one line and exit 2, never the keys read as a capture', async () => {
    const screen = openFlowspy(['-r', '-']);
    expect(await screen.waitForExit()).toEqual({ exitCode: 2, signal: undefined });
    expect(lines(screen).join('\n')).toContain('flowspy: -r -: standard input is the terminal: pipe a capture in');
  });
});
