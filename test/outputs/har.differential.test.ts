/**
 * `--har` on the corpus: every capture with an HTTP request (for tshark or for flowspy) written
 * as HAR through the real pipeline (runCapture → HarOutput), checked for HAR 1.2 structure (and
 * against the JSON Schema when ajv and har-schema are installed), read back by the test's HAR
 * reader, and its entries counted against `tshark -Y http.request`. The differences are the
 * message layer's, explained in test/messages/http.differential.test.ts; they are listed here.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCapture } from '../../src/engine/captureRun.js';
import { HarOutput } from '../../src/outputs/har.js';
import { corpusFiles, corpusMissingReason, corpusPath } from '../support/corpus.js';
import { harProblems, readHar, schemaValidator } from '../support/harCheck.js';
import { cannotRun, missingTool } from '../support/requirements.js';
import { lazyTempDir } from '../support/tempDir.js';

/** Captures where flowspy finds more requests than tshark: `[tshark, ours]`, and why (see the HTTP differential test). */
const MORE_THAN_TSHARK: Record<string, [number, number, string]> = {
  'pcapplusplus__unidirectional_tcp_stream_with_missing_packet.pcap': [1, 2, 'the second POST follows a body with a missing packet; tshark dissects neither past it'],
  'tcpflow__test5-lines-randomized.pcap': [0, 1, 'every packet is shuffled; the reassembler puts them in order'],
  'zeek__tcp-http-with-padding.pcap': [0, 1, 'a request on port 27272 sent a byte or two per segment: tshark does not take it for HTTP'],
  'zeek__http_get-to-ssh-server.pcap': [0, 1, 'a GET sent to port 22: tshark dissects SSH there'],
};

/** Responses left out for want of a request (the message layer pairs them with none). */
const LEFT_OUT: Record<string, number> = {
  'pcapplusplus__example2.pcap': 2,
  'suricata-verify__http-start-from-response.pcap': 1,
};

function tsharkRequests(file: string): number {
  const result = spawnSync('tshark', ['-r', corpusPath(file), '-Y', 'tcp && http.request', '-T', 'fields', '-e', 'http.request.method'], { encoding: 'utf8' });
  if (result.error || (result.status !== 0 && !/cut short|damaged or corrupt/.test(result.stderr))) throw new Error(`tshark failed on ${file}: ${result.error?.message ?? result.stderr}`);
  return result.stdout.split('\n').filter((line) => line !== '').reduce((n, line) => n + line.split(',').length, 0);
}

const dir = lazyTempDir('flowspy-har-corpus-');

async function harText(file: string): Promise<{ text: string; reports: string[] }> {
  const path = join(dir(), `${file}.har`);
  const reports: string[] = [];
  const output = new HarOutput({ path, creatorVersion: 'test', report: (line) => reports.push(line) });
  await runCapture({ source: corpusPath(file), sinks: [(e) => output.handle(e)] });
  output.close();
  return { text: readFileSync(path, 'utf8'), reports };
}

describe.skipIf(cannotRun(corpusMissingReason ?? missingTool('tshark'), 'HAR corpus comparison'))('--har on the corpus', () => {
  it('writes one well-formed entry per request tshark sees, or differs as written down', async () => {
    const validate = schemaValidator();
    const compared: string[] = [];
    for (const file of corpusFiles()) {
      const theirs = tsharkRequests(file);
      const { text, reports } = await harText(file);
      const reading = readHar(text);
      if (theirs === 0 && reading.entries.length === 0) continue;
      compared.push(file);
      const har = JSON.parse(text) as unknown;
      expect({ file, problems: harProblems(har) }).toEqual({ file, problems: [] });
      expect({ file, errors: validate(har) }).toEqual({ file, errors: [] });
      const [tshark, ours] = MORE_THAN_TSHARK[file] ?? [theirs, theirs];
      expect({ file, tshark: theirs, entries: reading.entries.length }).toEqual({ file, tshark, entries: ours });
      const leftOut = LEFT_OUT[file] ?? 0;
      expect({ file, reports }).toEqual({ file, reports: leftOut ? [expect.stringContaining(`${leftOut} response${leftOut === 1 ? '' : 's'} without a request`)] : [] });
      const started = reading.entries.map((e) => e.started);
      expect(started).toEqual([...started].sort((a, b) => a - b));
    }
    expect(compared).toEqual(expect.arrayContaining(['zeek__http_pipelined-requests.pcap', 'zeek__http_1000-requests-one-dropped-response.pcap', 'tcpflow__jpegs.cap', ...Object.keys(MORE_THAN_TSHARK), ...Object.keys(LEFT_OUT)]));
    expect(compared.length).toBeGreaterThanOrEqual(25);
  });

  it('pairs the pipelined requests with their responses, and flags the one whose response was dropped', async () => {
    const pipelined = readHar((await harText('zeek__http_pipelined-requests.pcap')).text);
    expect(pipelined.entries.map((e) => [e.status, e.flags])).toEqual(Array(5).fill([200, []]));
    const dropped = readHar((await harText('zeek__http_1000-requests-one-dropped-response.pcap')).text);
    expect(dropped.entries.filter((e) => e.status === 0).map((e) => e.flags)).toEqual([['lost']]);
    expect(dropped.entries.filter((e) => e.status !== 0)).toHaveLength(999);
  });

  it('keeps images as base64 that decodes to a JPEG', async () => {
    const jpegs = readHar((await harText('tcpflow__jpegs.cap')).text).entries.filter((e) => /\.jpe?g$/i.test(e.url) && e.status === 200);
    expect(jpegs.length).toBeGreaterThan(0);
    for (const e of jpegs) expect(e.bodyText?.startsWith('\xff\xd8\xff')).toBe(true);
  });
});
