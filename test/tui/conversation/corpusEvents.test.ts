/**
 * The messages mode on real captures of ../shared/corpus: a side's FIN is placed among the
 * messages by its time, as the raw modes place it among the bytes; TLS after STARTTLS is counted,
 * not dumped.
 */
import { describe, expect, it } from 'vitest';
import { runCapture } from '../../../src/engine/captureRun.js';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { MessagesMode } from '../../../src/tui/conversation/messagesMode.js';
import { DEFAULT_SETTINGS } from '../../../src/tui/conversation/settings.js';
import { corpusMissingReason, corpusPath } from '../../support/corpus.js';
import { cannotRun } from '../../support/requirements.js';

/** The messages mode's lines of flow `flowId` of corpus capture `file`. */
async function messageTexts(file: string, flowId: number): Promise<string[]> {
  const store = new FlowStore();
  const table = new MessageTable();
  try {
    await runCapture({ source: corpusPath(file), sinks: [(e) => store.apply(e), (e) => table.apply(e)] });
    const mode = new MessagesMode(store, (id) => table.get(id));
    mode.show(flowId, true, 100, 100_000, DEFAULT_SETTINGS, false, undefined);
    return mode.view!.lines().map((line) => line.text);
  } finally {
    store.dispose();
  }
}

describe.skipIf(cannotRun(corpusMissingReason, 'messages mode corpus tests'))('messages mode events on the public corpus', () => {
  it('pcapplusplus example2 #28: the client closed its side before the 400 came, as the text mode tells', async () => {
    const texts = await messageTexts('pcapplusplus__example2.pcap', 28);
    const fin = texts.indexOf('= client closed its side (FIN)');
    const exchange = texts.findIndex((t) => t.startsWith('= #1 (no request) → 400'));
    expect(fin).toBeGreaterThan(0);
    expect(fin).toBeLessThan(exchange);
  });
});

describe.skipIf(cannotRun(corpusMissingReason, 'messages mode corpus tests'))('messages mode after STARTTLS on the public corpus', () => {
  it('zeek tls_pop3-starttls: one line counts the TLS bytes after the hellos (no note per side saying it again), no ciphertext dumped; the FINs and the server\'s RST after it', async () => {
    const texts = await messageTexts('zeek__tls_pop3-starttls.pcap', 1);
    const hello = texts.findIndex((t) => t.startsWith('< TLS ServerHello'));
    expect(texts.slice(hello + 1)).toEqual([
      '= TLS after STARTTLS: 845 bytes from the client and 2,452 from the server (x: hex, m: text)',
      '= server closed its side (FIN)',
      '= note: the client sent 37+ bytes after the server closed (FIN 0.2 ms before)',
      '= client closed its side (FIN)',
      // tshark: frames 32-33, the server's RST answering the client's 37 bytes.
      '= end: connection reset (RST): reset by server',
    ]);
  });
});
