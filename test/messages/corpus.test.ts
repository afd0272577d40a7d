/** The message layer on captures of the corpus that no reference tool sums up the same way. */
import { describe, expect, it } from 'vitest';
import { runCapture } from '../../src/engine/captureRun.js';
import { MessageTable } from '../../src/messages/messageTable.js';
import { corpusMissingReason, corpusPath } from '../support/corpus.js';
import { cannotRun } from '../support/requirements.js';

describe.skipIf(cannotRun(corpusMissingReason, 'message corpus tests'))('messages on the corpus', () => {
  it('links an FTP session\'s data connections (EPSV) to its control connection and their transfers', async () => {
    const table = new MessageTable();
    await runCapture({ source: corpusPath('zeek__ftp_bigtransfer.pcap'), sinks: [(e) => table.apply(e)] });
    expect([...table.values()].map((f) => f.summary())).toEqual(['FTP USER ftp → 230 (12 cmds)', 'FTP data of #1: LIST', 'FTP data of #1: RETR rand.txt']);
  });

  it('reads the TLS hellos in a CONNECT tunnel', async () => {
    const table = new MessageTable();
    await runCapture({ source: corpusPath('zeek__http_connect-with-header.pcap'), sinks: [(e) => table.apply(e)] });
    const flow = [...table.values()][0];
    expect(flow.summary()).toBe('CONNECT secure.newegg.com:443 → 200 | TLS secure.newegg.com (offers h2,spdy/3.1,http/1.1)');
  });

  it('tells a TLS server\'s ALPN choice from a client\'s offer', async () => {
    const summaries = async (file: string): Promise<string[]> => {
      const table = new MessageTable();
      await runCapture({ source: corpusPath(file), sinks: [(e) => table.apply(e)] });
      return [...table.values()].map((f) => f.summary()).filter((s) => s.startsWith('TLS '));
    };
    const example2 = await summaries('pcapplusplus__example2.pcap');
    expect(example2).toContain('TLS www.google.com spdy/3.1');
    expect(example2).toContain('TLS www.facebook.com (offers spdy/3.1,spdy/3,http/1.1)');
    expect(await summaries('zeek__tls_openjdk-25.0.2-zeek.org.pcap')).toEqual(['TLS zeek.org (offers h2,http/1.1)']);
  });

  it('a request answered with bytes that are not HTTP (an SSH banner) says so', async () => {
    const table = new MessageTable();
    await runCapture({ source: corpusPath('zeek__http_get-to-ssh-server.pcap'), sinks: [(e) => table.apply(e)] });
    expect([...table.values()][0].summary()).toBe('! GET / → (not HTTP)');
  });
});
