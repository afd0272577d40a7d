/**
 * Proxy mode with a reader of stdout that stops reading (`flowspy -L ... --log | less`, nobody
 * scrolling): forwarding must go on at full speed, the log waits in RAM and a spill file, and
 * once the reader reads again the log comes out complete and in order.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../corpus/references.js';

const bin = join(repoRoot, 'bin', 'flowspy');
const work = mkdtempSync(join(tmpdir(), 'flowspy-proxy-stdout-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MiB = 1 << 20;

/** `count` text lines of about 100 bytes, numbered, tagged with `who`. */
function makeLines(who: string, bytes: number): string[] {
  const lines: string[] = [];
  let total = 0;
  for (let i = 0; total < bytes; i++) {
    const line = `${who} ${String(i).padStart(7, '0')} ${'abcdefghijklmnopqrstuvwxyz'.repeat(4).slice(0, 80 + (i % 7))}`;
    lines.push(line);
    total += line.length + 1;
  }
  return lines;
}

/** Writes `data` with backpressure, then half-closes. */
function sendAll(socket: net.Socket, data: Buffer): void {
  let at = 0;
  const step = 256 * 1024;
  const pump = (): void => {
    while (at < data.length) {
      const piece = data.subarray(at, at + step);
      at += piece.length;
      if (!socket.write(piece)) {
        socket.once('drain', pump);
        return;
      }
    }
    socket.end();
  };
  pump();
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

describe('flowspy -L with a stdout reader that stops reading', () => {
  it('relays 8 MB each way while stdout is not read; the log then comes out complete, in order; exit 0 on SIGINT', async () => {
    const clientLines = makeLines('c', 8 * MiB);
    const serverLines = makeLines('s', 8 * MiB);
    const clientData = Buffer.from(clientLines.join('\n') + '\n');
    const serverData = Buffer.from(serverLines.join('\n') + '\n');

    // Upstream: takes the whole request, then answers with its own 8 MB.
    let serverGotHash = '';
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      const got: Buffer[] = [];
      socket.on('data', (d) => got.push(d));
      socket.on('end', () => {
        serverGotHash = sha(Buffer.concat(got));
        sendAll(socket, serverData);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const serverPort = (server.address() as net.AddressInfo).port;

    const tmp = join(work, 'tmp');
    mkdirSync(tmp);
    const child = spawn(process.execPath, [bin, '-L', `0:127.0.0.1:${serverPort}`, '--log'], {
      env: { ...process.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause(); // nobody reads stdout for now
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const port = await within(10_000, 'flowspy start', new Promise<number>((resolve, reject) => {
        child.stderr.on('data', () => {
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', () => reject(new Error(`flowspy exited: ${err}`)));
      }));

      // The relay must complete although nothing reads flowspy's stdout.
      const reply = await within(30_000, 'relay with stdout not read', new Promise<Buffer>((resolve, reject) => {
        const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
        const got: Buffer[] = [];
        socket.on('connect', () => sendAll(socket, clientData));
        socket.on('data', (d) => got.push(d));
        socket.on('end', () => {
          socket.end();
          resolve(Buffer.concat(got));
        });
        socket.on('error', reject);
      }));
      expect(serverGotHash).toBe(sha(clientData));
      expect(sha(reply)).toBe(sha(serverData));

      // Meanwhile the log went to a spill file in a private temp directory.
      const dirs = readdirSync(tmp).filter((d) => d.startsWith('flowspy-stdout-'));
      expect(dirs.length).toBe(1);
      expect(statSync(join(tmp, dirs[0], 'spool')).size).toBeGreaterThan(1 * MiB);

      // Now read: the whole log arrives.
      const out: Buffer[] = [];
      let tail = '';
      const closed = new Promise<void>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          out.push(d);
          tail = (tail + d.toString('latin1')).slice(-200);
          if (tail.includes('=connection closed\n')) resolve();
        });
      });
      child.stdout.resume();
      await within(30_000, 'log drained', closed);
      child.kill('SIGINT');
      expect(await within(15_000, 'exit after SIGINT', exit)).toBe(0);
      expect(err).toMatch(/^flowspy: 1 connection; [\d,]+ bytes client to server, [\d,]+ bytes server to client$/m);

      const log = Buffer.concat(out).toString('utf8').split('\n');
      expect(log.pop()).toBe('');
      expect(log[0]).toMatch(/^=connect from 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+$/);
      const c2s = log.filter((l) => l.startsWith('>'));
      const s2c = log.filter((l) => l.startsWith('<'));
      expect(c2s.length).toBe(clientLines.length);
      expect(s2c.length).toBe(serverLines.length);
      expect(c2s.join('\n') === clientLines.map((l) => '>' + l).join('\n')).toBe(true);
      expect(s2c.join('\n') === serverLines.map((l) => '<' + l).join('\n')).toBe(true);
      expect(log.slice(-1)).toEqual(['=connection closed']);
      // The spill directory is gone.
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a reader that goes away (`| head -n 1`): the proxy stops by itself, exit 0, nothing on stderr but the listening line', async () => {
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('data', (d) => socket.write(d));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const serverPort = (server.address() as net.AddressInfo).port;
    const script = `{ "${process.execPath}" "${bin}" -L 0:127.0.0.1:${serverPort} --log; echo "flowspy exit $?" >&2; } | head -n 1`;
    const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const sockets: net.Socket[] = [];
    try {
      const port = await within(10_000, 'flowspy start', new Promise<number>((resolve) => {
        child.stderr.on('data', () => {
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
          if (m) resolve(Number(m[1]));
        });
      }));
      // Keep talking until flowspy stops (head exits after the first line; the next write fails).
      const talk = setInterval(() => {
        const socket = net.connect({ port, host: '127.0.0.1' });
        socket.on('error', () => undefined);
        socket.on('connect', () => socket.write('ping\n'));
        sockets.push(socket);
      }, 50);
      try {
        await within(15_000, 'flowspy stops after EPIPE', exit); // (the status is head's)
      } finally {
        clearInterval(talk);
      }
      expect(out).toMatch(/^=connect from 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+\n$/);
      expect(err.split('\n').filter((l) => l !== '')).toEqual([
        expect.stringMatching(/^flowspy: listening on /),
        'flowspy exit 0',
      ]);
    } finally {
      child.kill('SIGKILL');
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
