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
    expect(flow.summary()).toBe('CONNECT secure.newegg.com:443 → 200 | TLS secure.newegg.com h2,spdy/3.1,http/1.1');
  });

  it('a request answered with bytes that are not HTTP (an SSH banner) says so', async () => {
    const table = new MessageTable();
    await runCapture({ source: corpusPath('zeek__http_get-to-ssh-server.pcap'), sinks: [(e) => table.apply(e)] });
    expect([...table.values()][0].summary()).toBe('! GET / → (not HTTP)');
  });
});
