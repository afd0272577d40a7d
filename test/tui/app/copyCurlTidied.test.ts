/**
 * `y` on a request whose head broke HTTP's syntax (a space before a colon, bare LF line ends):
 * curl sends headers well formed, so the saved command comes after comment lines saying how the
 * request differed, escaped, and the status row says first that the head was tidied.
 */
import { describe, expect, it } from 'vitest';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';
import { liveFlow } from '../../support/liveFlow.js';

const FILE: TuiSource = { kind: 'file', label: () => 'x.pcap', counters: () => undefined, running: () => false, problem: () => undefined };

async function copied(request: string): Promise<{ file: string; status: string }> {
  const flow = liveFlow();
  flow.send('c2s', request);
  flow.send('s2c', 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
  flow.end();
  const files: string[] = [];
  const actions = {
    saveFiles: async (names: readonly string[], contentsOf: (paths: readonly string[]) => readonly unknown[]) => {
      files.push(...contentsOf(names).map(String));
      return names;
    },
    stem: 'flowspy',
  } as unknown as TuiActions;
  const { terminal, screen } = openInProcessScreen({ cols: 120, rows: 24 });
  const app = new TuiApp({ terminal, store: flow.store, source: FILE, actions, follow: false, messages: () => flow.messages });
  const status = (): string => screen.line(screen.rows - 2);
  await screen.waitFor(() => status().includes('1 flow'));
  screen.press('y');
  await screen.waitFor(() => files.length > 0 && status().includes('saved'));
  const result = { file: files[0], status: status() };
  app.dispose();
  return result;
}

describe('y on a request whose head broke HTTP syntax', () => {
  it('the file says how, before the command, escaped; the status row says the head was tidied', async () => {
    const { file, status } = await copied('GET /lf HTTP/1.1\nHost: api.test\nUser-Agent\x1b[31m : evil\n\n');
    const lines = file.split('\n');
    expect(lines[0]).toBe("# ! this request's head broke HTTP/1.1's syntax; curl sends it well formed, so not as it was:");
    expect(lines[1]).toBe("#   whitespace before a field's colon: `User-Agent\\x1b[31m :` (RFC 9112 5.1: a server answers 400)");
    expect(lines[2]).toBe('#   lines ended by LF alone, not CR LF (RFC 9112 2.2)');
    expect(lines[3]).toMatch(/^curl /);
    expect(status).toContain('! head tidied (see the file), curl sent to clipboard');
  });

  it('a well-formed request: the command alone', async () => {
    const { file, status } = await copied('GET /ok HTTP/1.1\r\nHost: api.test\r\n\r\n');
    expect(file).toMatch(/^curl /);
    expect(status).not.toContain('tidied');
  });
});
