// Load generator of bench/proxy.mjs and test/proxy/load.test.ts: an echo server and, once told a port on stdin, COUNT clients
// that write to that port as fast as they can and discard what comes back.
//   node busyLoad.mjs COUNT
// Prints `echo PORT` when the echo server listens, `busy N` once all N clients are connected,
// and `flowing N` once each of them got echoed bytes back (so all of them are relaying). Every socket reads and writes at most one chunk per loop turn, so this process never keeps
// its own accepts waiting: whatever delays a connection is in the process under test.
// Exits when its stdin closes.
import net from 'node:net';

const count = Number(process.argv[2]);
const block = Buffer.alloc(64 * 1024, 0x62);

/** One chunk per turn: pause after each and resume after the poll phase, unless waiting for drain. */
function fairReader(socket, onChunk) {
  let waitingForDrain = false;
  socket.on('data', (chunk) => {
    onChunk(chunk, () => {
      waitingForDrain = true;
      socket.pause();
    });
    socket.pause();
    setImmediate(() => { if (!waitingForDrain) socket.resume(); });
  });
  return () => { waitingForDrain = false; socket.resume(); };
}

const echo = net.createServer({ allowHalfOpen: true }, (socket) => {
  socket.on('error', () => undefined);
  const resume = fairReader(socket, (chunk, stall) => { if (!socket.write(chunk)) stall(); });
  socket.on('drain', resume);
  socket.on('end', () => socket.end());
});
echo.listen({ host: '127.0.0.1', port: 0, backlog: 1024 }, () => {
  process.stdout.write(`echo ${echo.address().port}\n`);
});

let input = '';
process.stdin.on('data', (chunk) => {
  input += chunk;
  const match = /^(\d+)\n/.exec(input);
  if (match && input.length === match[0].length) startClients(Number(match[1]));
});
process.stdin.on('end', () => process.exit(0));

function startClients(port) {
  let connected = 0;
  let flowing = 0;
  for (let i = 0; i < count; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    let echoed = false;
    fairReader(socket, () => {
      if (echoed) return;
      echoed = true;
      if (++flowing === count) process.stdout.write(`flowing ${count}\n`);
    });
    const pump = () => { // one block per turn, or wait for drain
      if (!socket.writable) return;
      if (socket.write(block)) setImmediate(pump);
      else socket.once('drain', pump);
    };
    socket.once('connect', () => {
      if (++connected === count) process.stdout.write(`busy ${count}\n`);
      pump();
    });
  }
}
