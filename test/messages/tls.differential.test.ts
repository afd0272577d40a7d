/**
 * The TLS hellos against tshark on the corpus: for every flow where either finds a ClientHello,
 * the server name, the ALPN offered and chosen (in clear: the ServerHello's), the server's
 * version and the number of cipher suites offered (GREASE left out) are tshark's; and the flow
 * list's summary names the chosen ALPN bare and an offer only as `(offers ...)`.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { FlowKey } from '../../src/core/types.js';
import { runCapture } from '../../src/engine/captureRun.js';
import { MessageTable } from '../../src/messages/messageTable.js';
import { isGrease } from '../../src/messages/tlsNames.js';
import { tlsSummary } from '../../src/messages/tlsText.js';
import { corpusFiles, corpusMissingReason, corpusPath } from '../support/corpus.js';
import { cannotRun, missingTool } from '../support/requirements.js';

/** What a flow's hellos say, keyed by `client addr:port > server addr:port` (the TLS client's). */
interface Hellos {
  sni: string;
  offered: string;
  chosen: string;
  serverVersion: number | undefined;
  suites: number;
  summary?: string;
}

async function ours(file: string): Promise<Map<string, Hellos>> {
  const keys = new Map<number, FlowKey>();
  const table = new MessageTable();
  await runCapture({ source: corpusPath(file), sinks: [(e) => { if (e.type === 'flow-start') keys.set(e.flowId, e.key); table.apply(e); }] });
  const out = new Map<string, Hellos>();
  for (const flow of table.values()) {
    const tls = flow.tls;
    if (!tls?.client) continue;
    const { client, server } = keys.get(flow.flowId)!;
    const [from, to] = tls.clientDir === 'c2s' ? [client, server] : [server, client];
    out.set(`${from.addr}:${from.port} > ${to.addr}:${to.port}`, {
      sni: tls.client.sni ?? '', offered: tls.client.alpn.join(','), chosen: tls.server?.alpn ?? '',
      serverVersion: tls.server?.version, suites: tls.client.cipherSuites.length, summary: tlsSummary(tls),
    });
  }
  return out;
}

const FIELDS = ['tls.handshake.type', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'tls.handshake.extensions_server_name',
  'tls.handshake.extensions_alpn_str', 'tls.handshake.ciphersuite', 'tls.handshake.version', 'tls.handshake.extensions.supported_version'];

/** tshark's first ClientHello and ServerHello of each flow. */
function tshark(file: string): Map<string, Hellos> {
  const args = ['-r', corpusPath(file), '-Y', 'tls.handshake.type == 1 || tls.handshake.type == 2', '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])];
  const result = spawnSync('tshark', args, { encoding: 'utf8' });
  // A capture cut or damaged inside a packet makes tshark exit with 2 after printing everything before.
  if (result.error || (result.status !== 0 && !/cut short|damaged or corrupt/.test(result.stderr))) throw new Error(`tshark failed on ${file}: ${result.error?.message ?? result.stderr}`);
  const out = new Map<string, Hellos>();
  const servers = new Map<string, { chosen: string; version: number }>();
  const last = (list: string): string => list.split(',').at(-1)!;
  for (const line of result.stdout.split('\n')) {
    if (!line) continue;
    const [types, ip, ip6, sport, dip, dip6, dport, sni, alpn, suites, version, supported] = line.split('\t');
    const src = `${last(ip || ip6)}:${sport}`;
    const dst = `${last(dip || dip6)}:${dport}`;
    const kinds = types.split(',');
    if (kinds.includes('1') && !out.has(`${src} > ${dst}`)) {
      const offered = suites.split(',').filter((s) => s && !isGrease(Number(s)));
      out.set(`${src} > ${dst}`, { sni, offered: alpn, chosen: '', serverVersion: undefined, suites: offered.length });
    }
    if (kinds.includes('2') && !servers.has(`${dst} > ${src}`)) {
      servers.set(`${dst} > ${src}`, { chosen: alpn, version: Number(supported ? last(supported) : version.split(',')[0]) });
    }
  }
  for (const [key, server] of servers) {
    const client = out.get(key);
    if (client) Object.assign(client, { chosen: server.chosen, serverVersion: server.version });
  }
  return out;
}

/** Flows whose hellos tshark reads and flowspy does not, file by file, and why. */
const TSHARK_ONLY: Record<string, { flows: string[]; why: string }> = {
  'pcapplusplus__pcapng-example.pcapng': {
    flows: ['127.0.0.1:40304 > 127.0.0.1:3306'],
    why: 'MySQL switches to TLS after a binary SSL request packet (in the ClientHello\'s segment): tshark\'s MySQL dissector follows it; flowspy reads MySQL as binary bytes and never looks for TLS there',
  },
};

/** The summary a flow's hellos call for: the chosen ALPN bare, an offer in `(offers ...)`. */
function expectedSummary(h: Hellos): string {
  const alpn = h.chosen || (h.offered && `(offers ${h.offered})`);
  return ['TLS', h.sni, alpn].filter(Boolean).join(' ');
}

describe.skipIf(cannotRun(corpusMissingReason ?? missingTool('tshark'), 'TLS corpus comparison'))('TLS hellos against tshark on the corpus', () => {
  it('reads the server name, the ALPN offered and chosen, the version and the suites tshark reads', async () => {
    const compared: string[] = [];
    let flows = 0;
    for (const file of corpusFiles()) {
      const theirs = tshark(file);
      const mine = await ours(file);
      if (theirs.size === 0 && mine.size === 0) continue;
      compared.push(file);
      flows += theirs.size;
      for (const h of theirs.values()) h.summary = expectedSummary(h);
      for (const key of TSHARK_ONLY[file]?.flows ?? []) {
        expect({ file, key, tshark: theirs.has(key), ours: mine.has(key) }).toEqual({ file, key, tshark: true, ours: false });
        theirs.delete(key);
      }
      expect({ file, hellos: Object.fromEntries(mine) }).toEqual({ file, hellos: Object.fromEntries(theirs) });
    }
    expect(compared).toEqual(expect.arrayContaining(['pcapplusplus__example2.pcap', 'zeek__tls_openjdk-25.0.2-zeek.org.pcap', 'zeek__http_connect-with-header.pcap', 'zeek__tls_pop3-starttls.pcap', ...Object.keys(TSHARK_ONLY)]));
    expect(flows).toBeGreaterThanOrEqual(25);
  });
});
