/**
 * `y` end to end through bash: the command the app writes, run with `curl` replaced by a shell
 * function that prints its `--data-raw` argument, or its `--data-binary` one (reading `@file` as curl does), gives back
 * the request's body byte for byte. (bash is an external tool: a system test.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { curlCommand } from '../../../src/tui/actions/curl.js';
import type { HttpRequest } from '../../../src/messages/types.js';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';
import { FLOW, liveFlow } from '../../support/liveFlow.js';

/** Prints the word after `--data-raw`, or the file `--data-binary @file` names, as curl would send them. */
const PRINTER = 'curl() { local prev=; for a; do if [ "$prev" = --data-raw ]; then printf %s "$a"; elif [ "$prev" = --data-binary ]; then case $a in @*) cat -- "${a#@}";; *) return 1;; esac; fi; prev=$a; done; }';

/** The bytes `command` (a line of bash) would make curl send. */
function sentBody(command: string): Buffer {
  return execFileSync('bash', ['-c', `${PRINTER}\n${command}`]);
}

const FILE: TuiSource = { kind: 'file', label: () => 'x.pcap', counters: () => undefined, running: () => false, problem: () => undefined };
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('y: the curl command, run by bash, sends the exact body', () => {
  it('any byte, NUL included (the review case: $(...), quotes, \\x00\\x01\\xff)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowspy-curl-'));
    const body = Buffer.from("it's $(touch /tmp/PWNED) `id` \x00\x01\xff end", 'latin1');
    const flow = liveFlow();
    flow.send('c2s', `POST /q?x='a'&y=$(id) HTTP/1.1\r\nHost: h.example\r\nX-Q: it's; $(id)\r\nContent-Length: ${body.length}\r\n\r\n`);
    flow.send('c2s', body);
    flow.send('s2c', 'HTTP/1.1 204 No Content\r\n\r\n');
    flow.end();
    const saved = new Map<string, string | Uint8Array>();
    const saveFiles: TuiActions['saveFiles'] = async (names, contentsOf) => {
        const paths = names.map((name) => join(dir, name));
        contentsOf(paths).forEach((content, i) => {
          saved.set(names[i], content);
          writeFileSync(paths[i], content);
        });
        return paths;
    };
    const actions = { saveFiles, stem: 'x' } as unknown as TuiActions;
    const { terminal, screen } = openInProcessScreen({ cols: 100, rows: 24 });
    const app = new TuiApp({ terminal, store: flow.store, source: FILE, actions, follow: false, messages: () => flow.messages });
    await screen.waitFor(() => screen.text().join('\n').includes('h.example') || screen.text().join('\n').includes('10.0.0.2'));
    screen.press('y');
    await screen.waitFor(() => screen.line(screen.rows - 2).includes(`/x-${FLOW}-1{.body,.curl}`));
    expect([...saved.keys()]).toEqual([`x-${FLOW}-1.body`, `x-${FLOW}-1.curl`]);
    const command = readFileSync(join(dir, `x-${FLOW}-1.curl`), 'utf8');
    expect(command).not.toMatch(/\\x00/);
    expect(sentBody(command)).toEqual(body);
    app.dispose();
  });

  it('every byte but NUL stays on the command line, exactly', () => {
    dir = mkdtempSync(join(tmpdir(), 'flowspy-curl-'));
    const body = Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1).concat([0x27, 0x5c, 0x78, 0x31]));
    const post = { method: 'POST', target: '/', headers: [{ name: 'Host', value: 'h' }], body: { dataLength: body.length } } as unknown as HttpRequest;
    const command = curlCommand(post, body);
    expect(command).toMatch(/--data-raw \$'/);
    expect(sentBody(command)).toEqual(body);
  });
});
