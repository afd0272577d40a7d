import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { spawnScreen, type Screen } from '../support/screen.js';

const fixture = fileURLToPath(new URL('../support/fixtures/keyEcho.mjs', import.meta.url));

describe('screen harness', () => {
  it('shows text, title, alternate screen, cursor and colours', async () => {
    const screen = spawnScreen(process.execPath, [fixture], { cols: 60, rows: 10 });
    await screen.waitFor('size 60x10');
    expect(screen.text()).toHaveLength(10);
    expect(screen.line(1)).toBe('red plain');
    expect(screen.title).toBe('fixture title');
    expect(screen.alternateScreen).toBe(true);
    expect(screen.cursorHidden).toBe(true);
    expect(screen.cell(0, 1)).toMatchObject({ char: 'r', fg: 1, bg: 'default' });
    expect(screen.cell(4, 1)).toMatchObject({ char: 'p', fg: 'default' });
    expect(screen.coloredCells().map(([x, y, cell]) => [x, y, cell.char])).toEqual([[0, 1, 'r'], [1, 1, 'e'], [2, 1, 'd']]);
  });

  it('sends named keys as a terminal would', async () => {
    const screen = spawnScreen(process.execPath, [fixture]);
    await screen.waitFor('keys:');
    expect(screen.modes.applicationCursorKeysMode).toBe(true);
    const cases: [string, string][] = [
      ['Up', '1b4f41'], ['End', '1b4f46'], ['PgDn', '1b5b367e'], ['Enter', '0d'], ['Tab', '09'],
      ['C-f', '06'], ['Backspace', '7f'], ['Esc', '1b'], ['G', '47'],
    ];
    for (const [key, hex] of cases) {
      screen.press(key);
      await screen.waitFor(`keys: ${hex}`);
    }
  });

  it('follows a resize and reports the exit code with the normal screen back', async () => {
    const screen = spawnScreen(process.execPath, [fixture]);
    await screen.waitFor('size 80x24');
    screen.resize(100, 30);
    await screen.waitFor(/size 100x30\nred plain\nkeys: resized/);
    expect(screen.text()).toHaveLength(30);
    screen.press('q');
    expect(await screen.waitForExit()).toEqual({ exitCode: 3, signal: undefined });
    expect(screen.alternateScreen).toBe(false);
    expect(screen.cursorHidden).toBe(false);
    expect(screen.modes.applicationCursorKeysMode).toBe(false);
    expect(screen.text().join('\n')).toContain('bye');
  });

  it('fails a wait with the screen in the message, at once when the program exits', async () => {
    const screen = spawnScreen(process.execPath, [fixture], { cols: 30, rows: 5 });
    await screen.waitFor('size 30x5');
    await expect(screen.waitFor('never shown', 200)).rejects.toThrow(/timed out after 200 ms .*\n\+-{30}\+\n\|size 30x5 +\|/);
    screen.press('q');
    await expect(screen.waitFor('never shown', 60_000)).rejects.toThrow(/exited \(\{"exitCode":3\}\) before "never shown"/);
  });

  it('kills a program that is still running', async () => {
    const screen = spawnScreen(process.execPath, [fixture]);
    await screen.waitFor('keys:');
    screen.kill();
    const status = await screen.waitForExit();
    expect(status.signal).toBe(9);
  });

  let leftRunning: Screen | undefined;
  it('(setup of the next test) leaves a program running at the end of a test', async () => {
    leftRunning = spawnScreen(process.execPath, [fixture]);
    await leftRunning.waitFor('keys:');
    expect(leftRunning.exitStatus).toBeUndefined();
  });

  it('killed the program the previous test left running', async () => {
    expect(leftRunning).toBeDefined();
    expect((await leftRunning!.waitForExit()).signal).toBe(9);
  });
});
