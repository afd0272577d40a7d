/**
 * The mouse in the real app, in an 80x24 pseudo-terminal: raw SGR reports (`ESC[<b;x;yM`, `m`
 * for a release, 1-based cells) written as a terminal writes them. The wheel scrolls the pane
 * under the pointer; a click selects, a second click or a double click opens; a click focuses
 * the conversation; the status and hint rows, the help and the prompts take no click; a report
 * split across two reads types no key; reporting is off again after the exit. And through a real
 * tmux: tmux passes the reports on to the app, its mouse option off (the default) or on.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPcap } from '../../../src/capture/pcapWriter.js';
import { TcpConversation } from '../../../src/synth/tcpScript.js';
import { spawnScreen } from '../../support/screen.js';
import type { EmulatedScreen } from '../../support/screenEmulator.js';
import { cannotRun, missingTool } from '../../support/requirements.js';
import { BASE_ENV, cli, conversationRows, demoPcap, expectRestored, hintRow, isInverse, lines, listRows, openCapture, openDemo, openFlowspy, quit, root, statusRow } from './support.js';

/** A press and release of the left button on 1-based cell (x, y). */
const click = (x: number, y: number): string => `\x1b[<0;${x};${y}M\x1b[<0;${x};${y}m`;
const wheelDown = (x: number, y: number): string => `\x1b[<65;${x};${y}M`;
const wheelUp = (x: number, y: number): string => `\x1b[<64;${x};${y}M`;

// At 80x24: column titles on row 1 (1-based), list rows 2-8, the conversation's title on row 9,
// its rows 10-22, the status row 23, the hint row 24.
const LIST_ROW = (index: number): number => 2 + index;

let dir = '';
let manyFlows = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowspy-mouse-'));
  manyFlows = join(dir, 'many.pcap');
  writeFileSync(manyFlows, collectPcap((writer) => {
    for (let i = 0; i < 30; i++) {
      const flow = new TcpConversation(writer, { client: { addr: '10.2.0.1', port: 40000 + i }, server: { addr: '10.2.0.2', port: 7000 } });
      let t = flow.handshake(1_000_000 + i * 10_000);
      t = flow.send('c2s', `HELLO ${i}\r\n`, t + 100);
      flow.send('s2c', `OK ${i}\r\n`, t + 100);
    }
  }));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The flow number of the list's row `index` (0 = the first row under the column titles). */
function flowAt(screen: EmulatedScreen, index: number): number {
  return Number(/^ *(\d+) /.exec(listRows(screen)[index] ?? '')?.[1]);
}

/** The index of the list row in inverse video (the selection), or -1. */
function selectedRow(screen: EmulatedScreen): number {
  return listRows(screen).findIndex((_, index) => screen.cell(3, LIST_ROW(index) - 1).inverse);
}

const inConversation = (s: EmulatedScreen): boolean => hintRow(s).startsWith(' x hex');
const inList = (s: EmulatedScreen): boolean => hintRow(s).startsWith(' Enter open');

describe('mouse', () => {
  it('reports presses and the wheel in the SGR form while running, and turns every mode off at q', async () => {
    const screen = await openDemo();
    expect(screen.modes.mouseTrackingMode).toBe('vt200');
    expect(screen.output).toContain('\x1b[?1000h\x1b[?1006h');
    expect(screen.output).not.toMatch(/\x1b\[\?100[235]h/);
    await quit(screen);
    expect(screen.output.lastIndexOf('\x1b[?1006l')).toBeGreaterThan(screen.output.lastIndexOf('\x1b[?1006h'));
    expect(screen.output.lastIndexOf('\x1b[?1000l')).toBeGreaterThan(screen.output.lastIndexOf('\x1b[?1000h'));
  });

  it.each(['SIGTERM', 'SIGHUP', 'ctrl-c'])('turns reporting off on %s too', async (how) => {
    const screen = await openDemo();
    if (how === 'ctrl-c') screen.press('C-c');
    else process.kill(screen.pid, how);
    await screen.waitForExit();
    expectRestored(screen);
    expect(screen.output.lastIndexOf('\x1b[?1006l')).toBeGreaterThan(screen.output.lastIndexOf('\x1b[?1006h'));
  });

  it('--no-mouse leaves the mouse to the terminal', async () => {
    const plain = openFlowspy(['-r', demoPcap, '--no-mouse']);
    await plain.waitFor((s) => statusRow(s).includes('5 flows'));
    expect(plain.modes.mouseTrackingMode).toBe('none');
    expect(plain.output).not.toContain('\x1b[?1000h');
    plain.press('q');
    expect((await plain.waitForExit()).exitCode).toBe(0);
  });

  it('the wheel over the list moves the view and the selection 3 rows a notch, as far as the list goes', async () => {
    const screen = await openCapture(manyFlows, 30);
    expect([flowAt(screen, 0), selectedRow(screen)]).toEqual([1, 0]);
    screen.write(wheelDown(10, LIST_ROW(2)));
    await screen.waitFor((s) => flowAt(s, 0) === 4);
    expect(selectedRow(screen)).toBe(0);
    expect(isInverse(screen, LIST_ROW(0) - 1, 'HELLO 3')).toBe(true);
    // Two notches in one read (a wheel spun fast): both count.
    screen.write(wheelDown(10, LIST_ROW(2)) + wheelDown(10, LIST_ROW(2)));
    await screen.waitFor((s) => flowAt(s, 0) === 10);
    expect(selectedRow(screen)).toBe(0);
    screen.write(wheelUp(10, LIST_ROW(6)));
    await screen.waitFor((s) => flowAt(s, 0) === 7);
    // At the end the view stops and the selection goes on to the last row.
    for (let i = 0; i < 8; i++) screen.write(wheelDown(10, LIST_ROW(0)));
    await screen.waitFor((s) => flowAt(s, 6) === 30 && selectedRow(s) === 6);
    // The wheel over the column titles scrolls the list too; the list keeps the focus.
    screen.write(wheelUp(10, 1));
    await screen.waitFor((s) => flowAt(s, 0) === 21);
    expect(inList(screen)).toBe(true);
    // From the conversation, the wheel over the list gives the list the focus: the conversation
    // shows the selection it moves, never a flow the list no longer selects.
    screen.press('Enter');
    await screen.waitFor(inConversation);
    screen.write(wheelDown(10, LIST_ROW(2)));
    await screen.waitFor(inList);
    await quit(screen);
  });

  it('a click selects a row; a click on it again opens it; a click in the list from the conversation only selects', async () => {
    const screen = await openDemo();
    screen.write(click(20, LIST_ROW(2)));
    await screen.waitFor((s) => selectedRow(s) === 2);
    expect(inList(screen)).toBe(true);
    expect(screen.text().join('\n')).toContain(' #3 192.168.1.23:51002');
    screen.write(click(60, LIST_ROW(2)));
    await screen.waitFor(inConversation);
    expect(screen.text().join('\n')).toContain(' #3 192.168.1.23:51002');
    screen.write(click(5, LIST_ROW(1)));
    await screen.waitFor((s) => inList(s) && selectedRow(s) === 1);
    // A double click on the selected row of the focused list: the second click does not undo the first.
    await new Promise((resolve) => setTimeout(resolve, 450));
    screen.write(click(5, LIST_ROW(1)) + click(5, LIST_ROW(1)));
    await screen.waitFor(inConversation);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(inConversation(screen)).toBe(true);
    expect(screen.text().join('\n')).toContain(' #2 192.168.1.50:40222');
    await quit(screen);
  });

  it('a click past column 223 works (SGR reports; the X10 form cannot say such a column)', async () => {
    const screen = await openDemo({ cols: 300 });
    screen.write(click(280, LIST_ROW(3)));
    await screen.waitFor((s) => selectedRow(s) === 3);
    await quit(screen);
  });

  it('the wheel scrolls the conversation under the pointer, whichever pane has the focus; a click there focuses it', async () => {
    const screen = await openDemo();
    const before = conversationRows(screen);
    screen.write(wheelDown(40, 15));
    await screen.waitFor((s) => conversationRows(s)[0] === before[3]);
    expect(inList(screen)).toBe(true);
    screen.write(wheelUp(40, 15));
    await screen.waitFor((s) => conversationRows(s)[0] === before[0]);
    screen.write(click(40, 15));
    await screen.waitFor(inConversation);
    expect(selectedRow(screen)).toBe(0);
    await quit(screen);
  });

  it('clicks on the status and hint rows, and the middle and right buttons, do nothing', async () => {
    const screen = await openDemo();
    const shown = lines(screen);
    screen.write(click(3, 23) + click(3, 24) + click(70, 24) + '\x1b[<2;10;4M\x1b[<2;10;4m\x1b[<1;10;4M\x1b[<1;10;4m');
    screen.press('?');
    await screen.waitFor(' flowspy keys');
    screen.press('Esc');
    await screen.waitFor(inList);
    expect(lines(screen)).toEqual(shown);
    await quit(screen);
  });

  it('while the help is open a click does nothing behind it and the wheel scrolls the help', async () => {
    const screen = await openDemo();
    screen.press('?');
    await screen.waitFor((s) => s.line(0).startsWith(' flowspy keys'));
    screen.write(click(10, LIST_ROW(3)) + click(10, LIST_ROW(3)) + click(10, 15));
    screen.write(wheelDown(10, 5));
    await screen.waitFor((s) => s.line(0).startsWith('   j '));
    screen.write(wheelUp(10, 20));
    await screen.waitFor((s) => s.line(0).startsWith(' flowspy keys'));
    screen.press('Esc');
    await screen.waitFor((s) => inList(s) && s.line(1).includes(' 1 '));
    expect(selectedRow(screen)).toBe(0);
    await quit(screen);
  });

  it('while the filter prompt is open the mouse does nothing', async () => {
    const screen = await openDemo();
    screen.press('f');
    await screen.waitFor((s) => statusRow(s).startsWith('filter: '));
    const before = conversationRows(screen);
    screen.write(click(10, LIST_ROW(3)) + click(10, LIST_ROW(3)) + wheelDown(10, 15) + wheelDown(10, LIST_ROW(0)) + click(10, 15));
    screen.press(':80', 'Enter');
    await screen.waitFor((s) => statusRow(s).includes('2/5 flows'));
    expect(selectedRow(screen)).toBe(0);
    expect(conversationRows(screen)).toEqual(before);
    expect(inList(screen)).toBe(true);
    await quit(screen);
  });

  it('a report split across two reads types no key (the m of its release would change the mode); keys read with a report count', async () => {
    const screen = await openDemo();
    screen.write(click(40, 15));
    await screen.waitFor(inConversation);
    expect(statusRow(screen)).toContain('· messages ·');
    const before = conversationRows(screen);
    const pause = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 60));
    screen.write('\x1b[<0;40;15M\x1b[<0;40;1');
    await pause();
    screen.write('5m');
    await pause();
    // A key typed right after the rest of a report still counts: 3 rows for the wheel, 1 for j.
    screen.write('\x1b[<65;40;1');
    await pause();
    screen.write('5Mj');
    await screen.waitFor((s) => conversationRows(s)[0] === before[4]);
    await pause();
    expect(statusRow(screen)).toContain('· messages ·');
    expect(inConversation(screen)).toBe(true);
    // A key in the same read as a whole report (blessed drops such a read): both count.
    screen.write(wheelDown(40, 15) + 'j');
    await screen.waitFor((s) => conversationRows(s)[0] === before[8]);
    await quit(screen);
  });
  it('a report split after its ESC [, or inside, types nothing into a prompt', async () => {
    const screen = await openDemo();
    screen.press('f');
    await screen.waitFor((s) => statusRow(s).startsWith('filter:'));
    const pause = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 60));
    screen.write('ab\x1b[');
    await pause();
    screen.write('<65;40;15Mc\x1b[<64;4');
    await pause();
    screen.write('0;15Md');
    await screen.waitFor((s) => statusRow(s).includes('abcd'));
    expect(statusRow(screen)).toMatch(/^filter: abcd\s*$/);
    screen.press('Esc');
    await screen.waitFor((s) => !statusRow(s).startsWith('filter:'));
    await quit(screen);
  });
});

describe.skipIf(cannotRun(missingTool('tmux'), 'tmux mouse test'))('mouse through tmux', () => {
  const socket = `flowspy-mouse-${process.pid}`;
  const killServer = (): void => {
    try {
      execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // No server left.
    }
  };
  afterAll(killServer);

  it.each(['off', 'on'])('tmux (mouse option %s) turns reporting on in the outer terminal, passes clicks and the wheel on, and off after q', async (option) => {
    killServer();
    const config = join(dir, `tmux-${option}.conf`);
    writeFileSync(config, `set -g status off\nset -sg escape-time 10\nset -g mouse ${option}\n`);
    const command = `LANG=C.UTF-8 ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} -r ${JSON.stringify(demoPcap)}; sleep 30`;
    const screen = spawnScreen('tmux', ['-L', socket, '-f', config, 'new-session', command], { cwd: root, env: { ...BASE_ENV, TMUX: undefined } });
    await screen.waitFor((s) => hintRow(s).startsWith(' Enter open'));
    expect(screen.modes.mouseTrackingMode).not.toBe('none');
    screen.write(click(20, LIST_ROW(3)));
    await screen.waitFor((s) => selectedRow(s) === 3);
    screen.write(click(20, LIST_ROW(0)));
    await screen.waitFor((s) => selectedRow(s) === 0);
    screen.write(click(20, LIST_ROW(0)));
    await screen.waitFor(inConversation);
    const before = conversationRows(screen);
    screen.write(wheelDown(40, 15));
    await screen.waitFor((s) => conversationRows(s)[0] === before[3]);
    screen.press('q');
    await screen.waitFor(inList);
    screen.press('q');
    if (option === 'off') await screen.waitFor((s) => s.modes.mouseTrackingMode === 'none');
    killServer();
  });
});
