/**
 * Which side of a TCP conversation is the server, when the handshake was not seen.
 * A stated guess: a port below 1024 or a well-known service port marks the server.
 */

/** Service ports at or above 1024 that are common enough to mark the server side. */
const WELL_KNOWN_HIGH_PORTS: ReadonlySet<number> = new Set([
  1080, // socks
  1433, // mssql
  1521, // oracle
  1883, // mqtt
  2049, // nfs
  2181, // zookeeper
  2375, 2376, // docker
  3000, // dev http
  3128, // squid
  3306, // mysql
  3389, // rdp
  5000, // dev http
  5060, 5061, // sip
  5222, // xmpp
  5432, // postgres
  5672, // amqp
  5900, // vnc
  6379, // redis
  6443, // kubernetes api
  6667, // irc
  8000, 8008, 8080, 8081, 8443, 8888, // http alternates
  9000, // dev http
  9042, // cassandra
  9092, // kafka
  9200, 9300, // elasticsearch
  11211, // memcached
  27017, // mongodb
]);

/** X11 displays :0 to :63. */
const X11_FIRST = 6000;
const X11_LAST = 6063;

/** Where the ephemeral (client) ports of common systems begin (Linux 32768, IANA 49152). */
const EPHEMERAL_FIRST = 32768;

/** True when `port` is below 1024 or a well-known service port (80, 443, 3306, 8080, X11 6000-6063, ...). */
export function isServicePort(port: number): boolean {
  return port < 1024 || WELL_KNOWN_HIGH_PORTS.has(port) || (port >= X11_FIRST && port <= X11_LAST);
}

/**
 * Guess whether the sender of the first packet seen (without SYN) is the client.
 * If exactly one of the two ports is a service port, that side is the server; else, if exactly
 * one is in the ephemeral range (>= 32768), that side is the client; otherwise the sender of
 * the first packet is taken to be the client.
 */
export function guessSenderIsClient(srcPort: number, dstPort: number): boolean {
  const srcIsService = isServicePort(srcPort);
  const dstIsService = isServicePort(dstPort);
  if (srcIsService !== dstIsService) return dstIsService;
  if (!srcIsService) {
    const srcIsEphemeral = srcPort >= EPHEMERAL_FIRST;
    if (srcIsEphemeral !== dstPort >= EPHEMERAL_FIRST) return srcIsEphemeral;
  }
  return true;
}
