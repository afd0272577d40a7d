/**
 * The real app stopped while its source still runs, in a pseudo-terminal: the terminal closed
 * under it (SSH dropped, tmux pane closed), SIGTERM while bytes are in flight, and SIGTERM while a
 * capture on a FIFO is still being written. Each time the recordings are finished, the summary
 * is printed and the exit status is 130, with no stack or assertion text. The headless proxy
 * (`--no-tui`) finishes its files on a hangup too. And `q` on that FIFO asks first, as for a live
 * capture.
 */
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, demoPcap, listRows, openShell, statusRow } from './support.js';

let work = '';
let server: http.Server;
let upstream = 0;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'flowspy-signals-'));
  server = http.createServer((request, response) => {
    if (request.url !== '/stream') return void response.end('hello\n');
    // A download that goes on until the client leaves: bytes always in flight.
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    const block = Buffer.alloc(64 << 10, 'x');
    const more = (): void => {
      while (!response.destroyed && response.write(block));
      if (!response.destroyed) response.once('drain', more);
    };
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
  rmSync(work, { recursive: true, force: true });
});

/** GET `path` through 127.0.0.1:`port`; resolves with the body (empty when cut). */
function get(port: number, path = '/'): Promise<string> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve(body));
        response.on('error', () => resolve(body));
      })
      .on('error', () => resolve(''));
  });
}

/** Starts `flowspy ARGS` as the terminal's own process (exec), stderr to a file; returns the screen and that file. */
function startFlowspy(name: string, args: string): { screen: ReturnType<typeof openShell>; stderr: () => string } {
  const errFile = join(work, `${name}.err`);
  const screen = openShell(`exec "${process.execPath}" "${cli}" ${args} 2>"${errFile}"`);
  const stderr = (): string => {
    try {
      return readFileSync(errFile, 'utf8');
    } catch {
      return '';
    }
  };
  return { screen, stderr };
}

/** Opens the proxy to the test server and waits for its listening port. */
async function startProxy(name: string, extra = ''): Promise<{ screen: ReturnType<typeof openShell>; stderr: () => string; listen: number }> {
  const started = startFlowspy(name, `-L 0:127.0.0.1:${upstream} ${extra}`);
  const label = new RegExp(`^ :(\\d+) → 127\\.0\\.0\\.1:${upstream} · `);
  await started.screen.waitFor((s) => label.test(statusRow(s)));
  return { ...started, listen: Number(label.exec(statusRow(started.screen))![1]) };
}

describe('stopping while the source runs', () => {
  it('the terminal closing under the proxy finishes the HAR file and exits 130 with the summary only', async () => {
    const har = join(work, 'hangup.har');
    const { screen, stderr, listen } = await startProxy('hangup', `--har "${har}"`);
    expect(await get(listen)).toBe('hello\n');
    expect(await get(listen)).toBe('hello\n');
    await screen.waitFor((s) => statusRow(s).includes('2 flows'));
    screen.hangUp();
    expect(await screen.waitForExit()).toEqual({ exitCode: 130, signal: undefined });
    expect(stderr()).toMatch(/^flowspy: 2 connections; [\d,]+ bytes client to server, [\d,]+ bytes server to client\n$/);
    const entries = (JSON.parse(readFileSync(har, 'utf8')) as { log: { entries: { response: { status: number } }[] } }).log.entries;
    expect(entries.map((entry) => entry.response.status)).toEqual([200, 200]);
  });

  it('the terminal closing under a headless proxy (--no-tui) finishes the HAR file too, exit 0 as for Ctrl-C', async () => {
    const har = join(work, 'headless.har');
    const { screen, stderr } = startFlowspy('headless', `--no-tui -L 0:127.0.0.1:${upstream} --har "${har}"`);
    await screen.waitFor(() => stderr().includes('listening on'));
    const listen = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(stderr())![1]);
    expect(await get(listen)).toBe('hello\n');
    screen.hangUp();
    expect(await screen.waitForExit()).toEqual({ exitCode: 0, signal: undefined });
    expect(stderr()).toMatch(/^flowspy: listening on .*\nflowspy: 1 connection; [\d,]+ bytes client to server, [\d,]+ bytes server to client\n$/);
    const entries = (JSON.parse(readFileSync(har, 'utf8')) as { log: { entries: unknown[] } }).log.entries;
    expect(entries).toHaveLength(1);
  });

  it('SIGTERM while a download runs through the proxy exits 130 with the summary', async () => {
    const { screen, stderr, listen } = await startProxy('download');
    const download = get(listen, '/stream');
    await screen.waitFor((s) => listRows(s).some((row) => row.includes('GET /stream')));
    // Bytes keep coming between two frames: the store changes while the app is torn down.
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(screen.pid, 'SIGTERM');
    expect(await screen.waitForExit()).toEqual({ exitCode: 130, signal: undefined });
    await download;
    expect(stderr()).toMatch(/^flowspy: 1 connection; [\d,]+ bytes client to server, [\d,]+ bytes server to client\n$/);
  });

  it('SIGTERM while a FIFO is still being written exits 130 with the summary of what was read', async () => {
    const { screen, stderr, writer } = startOnFifo('sigterm');
    try {
      await screen.waitFor((s) => statusRow(s).startsWith(' sigterm.fifo · 5 flows') && statusRow(s).includes('loading'));
      process.kill(screen.pid, 'SIGTERM');
      expect(await screen.waitForExit()).toEqual({ exitCode: 130, signal: undefined });
      expect(stderr()).toMatch(/^flowspy: 5 flows, 82 packets, 4,084 payload bytes, .*interrupted after [\d,]+ bytes\n$/);
    } finally {
      writer.destroy();
    }
  });

  it('q while a FIFO is still being written asks first, as for a live capture', async () => {
    const { screen, writer } = startOnFifo('quit');
    try {
      await screen.waitFor((s) => statusRow(s).startsWith(' quit.fifo · 5 flows') && statusRow(s).includes('loading'));
      screen.press('q');
      await screen.waitFor((s) => statusRow(s).startsWith('stop the capture and quit? (y/n)'));
      screen.press('y');
      expect(await screen.waitForExit()).toEqual({ exitCode: 0, signal: undefined });
    } finally {
      writer.destroy();
    }
  });
});

/**
 * `flowspy -r NAME.fifo` with the demo capture written into the FIFO, which is kept open: a
 * capture still being made (as `tcpdump -w - | flowspy -r -`).
 */
function startOnFifo(name: string): ReturnType<typeof startFlowspy> & { writer: WriteStream } {
  const fifo = join(work, `${name}.fifo`);
  execFileSync('mkfifo', [fifo]);
  const started = startFlowspy(name, `-r "${fifo}"`);
  const writer = createWriteStream(fifo);
  writer.on('error', () => undefined);
  writer.write(readFileSync(demoPcap));
  return { ...started, writer };
}
