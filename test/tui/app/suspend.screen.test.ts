/**
 * ctrl-z, as in less or htop: from an interactive shell (job control), flowspy gives the terminal
 * back (normal screen, cursor shown, mouse reporting off) and stops; `fg` brings the whole screen
 * back and the keys work. Started straight in the terminal, where nothing could continue a
 * stopped process, it says so and goes on.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { spawnScreen } from '../../support/screen.js';
import { BASE_ENV, cli, demoPcap, listRows, openDemo, root, statusRow } from './support.js';

/** The process state letter (`T` stopped, `S` sleeping, ...) from /proc. */
function stateOf(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
}

/** The pids of `pid`'s children (Linux). */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/** An interactive shell (job control) that has run `command`, once flowspy shows the demo's 5 flows. */
async function flowspyFromShell(command: string): Promise<ReturnType<typeof spawnScreen>> {
  const shell = spawnScreen('bash', ['--norc', '--noprofile', '-i'], { cwd: root, env: { ...BASE_ENV, PS1: 'shell$ ' } });
  try {
    await shell.waitFor('shell$');
    shell.write(`${command}\r`);
    await shell.waitFor((s) => statusRow(s).includes('5 flows'));
    return shell;
  } catch (error) {
    shell.kill();
    throw error;
  }
}

describe('ctrl-z', () => {
  it('from a shell: the shell gets the terminal back, fg (at once) brings the screen back whole, at the size it has now', async () => {
    const shell = await flowspyFromShell(`${process.execPath} ${cli} -r ${demoPcap}`);
    try {
      shell.press('C-z');
      await shell.waitFor(/Stopped/);
      // The normal screen: the shell's prompt is back, the list is not.
      await shell.waitFor((s) => s.text().filter((line) => line.startsWith('shell$')).length >= 2);
      expect(shell.text().join('\n')).not.toContain('client');
      // Resized while stopped (no SIGWINCH reaches a stopped job), then fg at once (the stop was real).
      shell.resize(100, 30);
      shell.write('fg\r');
      await shell.waitFor((s) => statusRow(s).includes('5 flows') && listRows(s).length === 5 && listRows(s)[1].length > 80);
      expect(statusRow(shell)).toMatch(/^ demo\.pcap/);
      expect(shell.text().join('\n')).not.toContain('not suspended');
      shell.press('q');
      await shell.waitFor(/flowspy: 5 flows/);
    } finally {
      shell.kill();
    }
  });

  it('bg: it runs on in the background without touching the terminal (no stop by SIGTTOU), and fg brings it back', async () => {
    const shell = await flowspyFromShell(`${process.execPath} ${cli} -r ${demoPcap}`);
    try {
      const [flowspy] = childrenOf(shell.pid);
      shell.press('C-z');
      await shell.waitFor(/Stopped/);
      shell.write('bg\r');
      await shell.waitFor((s) => s.text().filter((line) => line.startsWith('shell$')).length >= 3); // the prompt after bg
      await new Promise((resolve) => setTimeout(resolve, 400)); // past its first looks at the terminal
      expect(stateOf(flowspy)).not.toBe('T');
      expect(shell.text().join('\n')).not.toMatch(/Stopped.*\(tty/);
      shell.write('fg\r');
      await shell.waitFor((s) => statusRow(s).includes('5 flows'));
      shell.press('q');
      await shell.waitFor(/flowspy: 5 flows/);
    } finally {
      shell.kill();
    }
  });

  it('a pipeline stops whole: its producer too, so the shell gets the terminal back', async () => {
    const shell = await flowspyFromShell(`(cat ${demoPcap}; sleep 30) | ${process.execPath} ${cli} -r -`);
    try {
      shell.press('C-z');
      await shell.waitFor(/Stopped/);
      shell.write('kill %1\r');
      await shell.waitFor(/Terminated|flowspy: /);
    } finally {
      shell.kill();
    }
  });

  it('with no job control: not suspended, said on the status row, and the keys still work', async () => {
    const screen = await openDemo();
    try {
      screen.press('C-z');
      await screen.waitFor((s) => s.text().join(' ').includes('not suspended'));
      expect(stateOf(screen.pid)).not.toBe('T');
      screen.press('q');
      expect(await screen.waitForExit()).toEqual({ exitCode: 0, signal: undefined });
    } finally {
      screen.kill();
    }
  });
});
