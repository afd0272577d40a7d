/**
 * The blessed screen as opened by src/tui/terminal.ts, driven in a pseudo-terminal through the
 * box demo (test/support/fixtures/boxDemo.ts): terminal state on entry and exit, resize, TERM
 * variants, NO_COLOR, a non-UTF-8 locale, keys from /dev/tty, and the error and signal paths.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { spawnScreen, type Screen, type ScreenOptions } from '../support/screen.js';
import { bundleFixture } from '../support/screenBuild.js';

let demo = '';
beforeAll(async () => {
  demo = await bundleFixture(fileURLToPath(new URL('../support/fixtures/boxDemo.ts', import.meta.url)));
});

const BASE_ENV = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };

function startDemo(env: NodeJS.ProcessEnv = {}, options: ScreenOptions = {}): Screen {
  return spawnScreen(process.execPath, [demo], { ...options, env: { ...BASE_ENV, ...env } });
}

/** Asserts the terminal is back as it was before the demo: normal screen, cursor shown, modes off (SGR mouse reporting too). */
function expectRestored(screen: Screen): void {
  expect(screen.alternateScreen).toBe(false);
  expect(screen.cursorHidden).toBe(false);
  expect(screen.modes.applicationCursorKeysMode).toBe(false);
  expect(screen.modes.mouseTrackingMode).toBe('none');
  expect(screen.output).toContain('\x1b[?1000h\x1b[?1006h');
  expect(screen.output.lastIndexOf('\x1b[?1006l')).toBeGreaterThan(screen.output.lastIndexOf('\x1b[?1006h'));
}

describe('terminal screen', () => {
  it('enters the alternate screen, draws, and q restores the terminal with exit 0', async () => {
    const screen = startDemo({ TERM: 'xterm-256color' });
    await screen.waitFor('flowspy box demo');
    expect(screen.alternateScreen).toBe(true);
    expect(screen.cursorHidden).toBe(true);
    expect(screen.modes.mouseTrackingMode).toBe('vt200');
    expect(screen.line(0)).toMatch(/^┌─+┐$/);
    expect(screen.line(2)).toMatch(/^│terminfo xterm-256color unicode true size 80x24 +│$/);
    expect(screen.line(3)).toContain('glyphs client→server ▶ • ▁▂▃▄▅▆▇█');
    const colour = screen.line(4).indexOf('client');
    expect(screen.cell(colour, 4).fg).toBe(6);
    expect(screen.cell(colour + 7, 4).fg).toBe(214);
    screen.press('q');
    expect(await screen.waitForExit()).toEqual({ exitCode: 0, signal: undefined });
    expectRestored(screen);
    expect(screen.text().join('')).toBe('');
  });

  it('re-renders on resize', async () => {
    const screen = startDemo();
    await screen.waitFor('size 80x24');
    screen.resize(100, 30);
    await screen.waitFor('size 100x30');
    expect(screen.line(29)).toMatch(/^└─{98}┘$/);
    screen.resize(80, 24);
    await screen.waitFor('size 80x24');
    expect(screen.line(0)).toMatch(/^┌─{78}┐$/);
  });

  it.each([
    ['xterm', {}, 'xterm', true],
    ['xterm-256color', {}, 'xterm-256color', true],
    ['screen', {}, 'xterm', true],
    ['screen', { TMUX: '/tmp/tmux-0/default,1,0' }, 'xterm-256color', true],
    ['screen-256color', {}, 'xterm-256color', true],
    ['tmux-256color', {}, 'xterm-256color', true],
    ['linux', {}, 'linux', false],
  ] as const)('TERM=%s %o draws with terminfo %s and no error text', async (term, env, terminfo, alternate) => {
    const screen = startDemo(env, { term });
    await screen.waitFor('flowspy box demo');
    expect(screen.text().join('\n')).toContain(`terminfo ${terminfo} unicode true`);
    const server = screen.line(4).indexOf('server');
    if (terminfo === 'xterm-256color') expect(screen.cell(server, 4).fg).toBe(214);
    else expect(screen.cell(server, 4).fg).toBeLessThan(8);
    expect(screen.alternateScreen).toBe(alternate);
    screen.press('q');
    expect((await screen.waitForExit()).exitCode).toBe(0);
    expect(screen.output).not.toMatch(/Error on|WARNING|Setulc|plab_norm|Terminfo/);
    expectRestored(screen);
  });

  it('draws no colour under NO_COLOR, and colour without it', async () => {
    const plain = startDemo({ NO_COLOR: '1' });
    const coloured = startDemo();
    await plain.waitFor('flowspy box demo');
    await coloured.waitFor('flowspy box demo');
    expect(plain.line(4)).toContain('colour client server');
    expect(plain.coloredCells()).toEqual([]);
    expect(coloured.coloredCells().length).toBeGreaterThan(0);
  });

  it('uses ASCII glyphs when the locale is not UTF-8', async () => {
    const screen = startDemo({ LANG: 'C.UTF-8', LC_ALL: 'C' });
    await screen.waitFor('flowspy box demo');
    expect(screen.line(2)).toContain('unicode false');
    expect(screen.line(3)).toContain('glyphs client>server > * _.,-=+*#');
  });

  it('reads keys from the terminal when stdin carries data', async () => {
    const screen = spawnScreen('/bin/sh', ['-c', `echo 'capture bytes' | exec "${process.execPath}" "${demo}"`], { env: BASE_ENV });
    await screen.waitFor('stdin "capture bytes"');
    screen.press('q');
    expect((await screen.waitForExit()).exitCode).toBe(0);
    expectRestored(screen);
  });

  it.each([
    ['x', 'flowspy: internal error: demo failure on x'],
    ['r', 'flowspy: internal error: demo rejection on r'],
  ])('on an uncaught error (key %s) restores the terminal, then prints one line and exits 1', async (key, message) => {
    const screen = startDemo();
    await screen.waitFor('flowspy box demo');
    screen.press(key);
    expect((await screen.waitForExit()).exitCode).toBe(1);
    expectRestored(screen);
    expect(screen.text().filter((line) => line !== '')).toEqual([message]);
  });

  it('on SIGTERM restores the terminal, then prints one line and exits 143', async () => {
    const screen = startDemo();
    await screen.waitFor('flowspy box demo');
    process.kill(screen.pid, 'SIGTERM');
    expect((await screen.waitForExit()).exitCode).toBe(143);
    expectRestored(screen);
    expect(screen.text().filter((line) => line !== '')).toEqual(['flowspy: stopped by SIGTERM']);
  });

  it('on a signal with a caller\'s onSignal restores the terminal first, then lets the caller finish', async () => {
    const screen = startDemo({ DEMO_GRACEFUL: '1' });
    await screen.waitFor('flowspy box demo');
    process.kill(screen.pid, 'SIGINT');
    expect((await screen.waitForExit()).exitCode).toBe(0);
    expectRestored(screen);
    expect(screen.text().filter((line) => line !== '')).toEqual(['demo: finished recordings after SIGINT']);
  });
});
