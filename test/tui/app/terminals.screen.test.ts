/**
 * The real app on the terminals users have: TERM variants (no terminfo error text, 256 colours
 * where the terminal has them), NO_COLOR (no colour, the selection still in inverse video) and
 * a locale that is not UTF-8 (ASCII borders, arrows and markers).
 */
import { describe, expect, it } from 'vitest';
import { demoPcap, expectRestored, isInverse, lines, listRows, openDemo, openFlowspy, quit, rowWith, statusRow } from './support.js';

const TERMINFO_ERRORS = /Error on|Setulc|plab_norm|Terminfo|WARNING/;

describe('terminals', () => {
  it.each([
    ['xterm', {}, false],
    ['xterm-256color', {}, true],
    ['screen', {}, false],
    ['screen', { TMUX: '/tmp/tmux-0/default,1,0' }, true],
    ['screen-256color', {}, true],
    ['tmux-256color', {}, true],
    ['linux', {}, false],
  ] as const)('TERM=%s %o: the demo opens with no terminfo error text (256 colours: %s)', async (term, env, colors256) => {
    const screen = await openDemo({ term, env });
    expect(listRows(screen)[0]).toMatch(/GET \/ → 200 \(2 req\)$/);
    expect(statusRow(screen)).toMatch(/^ demo\.pcap · 5 flows/);
    const title = rowWith(screen, ' #1 ');
    const background = screen.cell(1, title).bg;
    if (colors256) expect(background).toBe(236);
    else expect(background === 'default' || (typeof background === 'number' && background < 16)).toBe(true);
    expect(lines(screen).join('\n')).not.toMatch(TERMINFO_ERRORS);
    await quit(screen);
    expect(screen.output).not.toMatch(TERMINFO_ERRORS);
  });

  it.each([
    [{}],
    [{ TMUX: '/tmp/tmux-0/default,1,0' }],
  ])('TERM=vt100 %o: no colour (terminfo has none); selection and matches in inverse video', async (env) => {
    const screen = await openDemo({ term: 'vt100', env });
    expect(screen.coloredCells()).toEqual([]);
    expect(isInverse(screen, 1, 'GET / → 200')).toBe(true);
    screen.press('Enter');
    await screen.waitFor('x hex');
    expect(screen.coloredCells()).toEqual([]);
    expect(screen.output).not.toMatch(/\x1b\[[0-9;]*(3[0-9]|4[0-9]|38;5|48;5)[;m]/);
    await quit(screen);
  });

  it('TERM=dumb: one line saying why, exit 2, the screen never opened', async () => {
    const screen = openFlowspy(['-r', demoPcap], { term: 'dumb' });
    expect((await screen.waitForExit()).exitCode).toBe(2);
    expectRestored(screen);
    expect(screen.text().filter((line) => line !== '')).toEqual([
      'flowspy: TERM=dumb cannot move the cursor for the screen: use --log or --no-tui',
    ]);
    expect(screen.output).not.toContain('\x1b[?1049h');
  });

  it('NO_COLOR: no cell has a colour; the selected row is still in inverse video', async () => {
    const screen = await openDemo({ env: { NO_COLOR: '1' } });
    expect(screen.coloredCells()).toEqual([]);
    expect(isInverse(screen, 1, 'GET / → 200')).toBe(true);
    screen.press('Enter');
    await screen.waitFor('x hex');
    expect(screen.coloredCells()).toEqual([]);
    expect(isInverse(screen, rowWith(screen, ' #1 '), '#1 192.168.1.23:51000')).toBe(true);
    const coloured = await openDemo();
    expect(coloured.coloredCells().length).toBeGreaterThan(0);
  });

  it('LANG=C: arrows, ellipses, markers and separators are ASCII', async () => {
    const screen = await openDemo({ env: { LANG: 'C' } });
    const rows = listRows(screen);
    expect(rows[0]).toMatch(/^ +1 ~23:51000 > ~51\.100\.10:80 +closed +GET \/ -> 200 \(2 req\)$/);
    expect(rows[1]).toMatch(/SMTP EHLO laptop\.exampl~ -> 250 \(5 cmds\)$/);
    expect(rows[2]).toMatch(/ \* ! #2 GET \/api\/\S*~ -> after-close$/);
    expect(statusRow(screen)).toMatch(/^ demo\.pcap \| 5 flows \| .* \| \? help/);
    expect(lines(screen)[rowWith(screen, ' #1 ')]).toBe(' #1 192.168.1.23:51000 > 198.51.100.10:80  closed  messages');
    for (const line of lines(screen)) expect(line).toMatch(/^[\x20-\x7e]*$/);
    screen.press('?');
    await screen.waitFor('flowspy keys');
    await screen.waitFor('  j Down ');
    for (const line of lines(screen)) expect(line).toMatch(/^[\x20-\x7e]*$/);
    screen.press('Esc');
    await screen.waitFor((s) => listRows(s).length === 5);
    await quit(screen);
  });
});
