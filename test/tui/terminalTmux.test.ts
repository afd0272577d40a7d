/**
 * The box demo inside a real tmux (where blessed's own terminfo reading falls back to 8
 * colours): for each default-terminal tmux may set, 256 colours reach tmux, no error text is
 * shown, and `q` leaves tmux's pane on the normal screen with exit 0. Skipped where tmux is
 * not installed. Each run uses its own tmux server socket and kills it afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleFixture } from '../support/screenBuild.js';
import { cannotRun, missingTool } from '../support/requirements.js';

const socket = `flowspy-test-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
let demo = '';
let dir = '';

beforeAll(async () => {
  demo = await bundleFixture(fileURLToPath(new URL('../support/fixtures/boxDemo.ts', import.meta.url)));
  dir = mkdtempSync(join(tmpdir(), 'flowspy-tmux-'));
});

function killServer(): void {
  try {
    execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // No server left.
  }
}

afterAll(() => {
  killServer();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 5000) throw new Error(`tmux: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(cannotRun(missingTool('tmux'), 'tmux screen tests'))('terminal screen in real tmux', () => {
  it.each(['tmux-256color', 'screen-256color', 'screen'])('default-terminal %s: 256 colours, no error text, q restores', async (term) => {
    const session = `demo-${term}`;
    const config = join(dir, `${term}.conf`);
    writeFileSync(config, `set -g default-terminal ${term}\nset -sg escape-time 10\n`);
    const command = `LANG=C.UTF-8 ${JSON.stringify(process.execPath)} ${JSON.stringify(demo)}; echo "EXIT=$?"; sleep 30`;
    killServer();
    tmux('-f', config, 'new-session', '-d', '-s', session, '-x', '80', '-y', '24', command);
    expect(tmux('show', '-gv', 'default-terminal').trim()).toBe(term);
    const pane = (...flags: string[]): string => tmux('capture-pane', '-p', ...flags, '-t', session);
    await until(() => pane().includes('flowspy box demo'), 'the demo');
    expect(pane()).toContain('terminfo xterm-256color unicode true');
    expect(pane('-e')).toContain('\x1b[38;5;214mserver');
    expect(pane()).not.toMatch(/Error on|WARNING|Setulc|plab_norm/);
    expect(tmux('display', '-p', '-t', session, '#{alternate_on} #{mouse_standard_flag} #{mouse_sgr_flag} #{mouse_button_flag} #{mouse_all_flag}').trim()).toBe('1 1 1 0 0');
    tmux('send-keys', '-t', session, 'q');
    await until(() => pane().includes('EXIT='), 'the exit');
    expect(pane().trim()).toBe('EXIT=0');
    expect(tmux('display', '-p', '-t', session, '#{alternate_on} #{cursor_flag} #{keypad_cursor_flag} #{mouse_standard_flag} #{mouse_sgr_flag}').trim()).toBe('0 1 0 0 0');
    killServer();
  });
});
