// Bulk transfers over loopback for the TUI bench's proxy section: a sink that counts what it
// receives, and a client that uploads a given number of bytes to a port (through a proxy): plain
// bytes, or an HTTP POST of a CSV body (a text body the messages mode shows). They run in a
// worker thread (`loadGenerator`), so that the terminal emulator parsing the TUI's output on the
// bench's main thread does not hold the transfer back.
import net from 'node:net';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * Starts the sink and the client in a worker. Resolves { sinkPort, upload(port, http = false):
 * Promise<seconds>, close() }; `upload` sends `bytes` to `port` (with `http`, as one POST of a
 * CSV body) and rejects with the worker's error message.
 */
export function loadGenerator(bytes) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { bytes } });
  const pending = [];
  return new Promise((resolveStart, rejectStart) => {
    worker.once('error', rejectStart);
    worker.on('message', (message) => {
      if (message.sinkPort !== undefined) {
        resolveStart({
          sinkPort: message.sinkPort,
          upload: (port, http = false) => new Promise((resolveUpload, rejectUpload) => {
            pending.push({ resolveUpload, rejectUpload });
            worker.postMessage({ port, http });
          }),
          close: () => worker.terminate(),
        });
        return;
      }
      const waiter = pending.shift();
      if (message.error !== undefined) waiter?.rejectUpload(new Error(message.error));
      else waiter?.resolveUpload(message.seconds);
    });
  });
}

if (!isMainThread && workerData?.bytes !== undefined) {
  const sink = await sinkServer(workerData.bytes);
  parentPort.on('message', ({ port, http }) => {
    upload(port, sink, workerData.bytes, http).then(
      (seconds) => parentPort.postMessage({ seconds }),
      (error) => parentPort.postMessage({ error: String(error.message ?? error) }),
    );
  });
  parentPort.postMessage({ sinkPort: sink.port });
}

/**
 * Starts a sink on 127.0.0.1 (an ephemeral port). Resolves { port, server, done }: `done` (set
 * by `upload`) is called when a connection has delivered `bytes`. Close `server` when finished.
 */
export function sinkServer(bytes) {
  const sink = { port: 0, server: undefined, done: undefined };
  sink.server = net.createServer((socket) => {
    let received = 0;
    socket.on('data', (chunk) => {
      received += chunk.length;
      if (received >= bytes) sink.done?.();
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolveSink) => sink.server.listen(0, '127.0.0.1', () => {
    sink.port = sink.server.address().port;
    resolveSink(sink);
  }));
}

/**
 * Sends `bytes` to 127.0.0.1:`port` (with `http`, an HTTP POST head and a CSV body, `bytes` in
 * all), retrying the connect for up to 10 s while it is refused (the proxy starting); resolves
 * with the seconds from connected to all delivered at `sink`. Rejects on any other socket error.
 */
export async function upload(port, sink, bytes, http = false) {
  const deadline = performance.now() + 10_000;
  for (;;) {
    try {
      return await uploadOnce(port, sink, bytes, http);
    } catch (error) {
      if (error.code !== 'ECONNREFUSED' || performance.now() > deadline) throw error;
      await new Promise((resolveWait) => setTimeout(resolveWait, 20));
    }
  }
}

/** 1 MiB of CSV rows (the last one cut), for an HTTP body. */
function csvBlock() {
  const rows = [];
  for (let i = 0, size = 0; size < 1 << 20; i++) {
    const row = `${i},name${i % 9973},${(i * 7919) % 1000003}\n`;
    rows.push(row);
    size += row.length;
  }
  return Buffer.from(rows.join('')).subarray(0, 1 << 20);
}

/** The head of a POST of a CSV body, its Content-Length such that head and body are `bytes` long. */
function postHead(bytes) {
  let head = '';
  for (let length = bytes, i = 0; i < 3; i++, length = bytes - head.length) {
    head = `POST /upload HTTP/1.1\r\nHost: bench\r\nContent-Type: text/csv\r\nContent-Length: ${length}\r\n\r\n`;
  }
  return head;
}

function uploadOnce(port, sink, bytes, http) {
  return new Promise((resolveUpload, reject) => {
    const block = http ? csvBlock() : Buffer.alloc(1 << 20, 0x61);
    let sent = 0;
    let started;
    const socket = net.connect(port, '127.0.0.1');
    sink.done = () => {
      sink.done = undefined;
      socket.destroy();
      resolveUpload((performance.now() - started) / 1000);
    };
    socket.on('error', reject);
    const pump = () => {
      while (sent < bytes) {
        const n = Math.min(block.length, bytes - sent);
        sent += n;
        if (!socket.write(n === block.length ? block : block.subarray(0, n))) return;
      }
    };
    socket.on('connect', () => {
      started = performance.now();
      if (http) {
        const head = postHead(bytes);
        sent = head.length;
        socket.write(head);
      }
      pump();
    });
    socket.on('drain', pump);
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}
