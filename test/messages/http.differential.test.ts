/**
 * The HTTP parser against tshark on the corpus: every capture where either finds an HTTP
 * message, parsed through the real pipeline (runCapture → MessageTable), with request and
 * response counts equal to tshark's (`-Y http.request` / `http.response` over TCP, each message
 * of a frame counted), or different in a way written down below, file by file.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCapture } from '../../src/engine/captureRun.js';
import { MessageTable } from '../../src/messages/messageTable.js';
import { corpusFiles, corpusMissingReason, corpusPath } from '../support/corpus.js';
import { cannotRun, missingTool } from '../support/requirements.js';

/** `requests/responses`. */
type Counts = `${number}/${number}`;

interface Explained {
  tshark: Counts;
  ours: Counts;
  /** Our counts of messages seen whole, when that is what matches tshark. */
  complete?: Counts;
  why: string;
}

/** tshark dissects a message only once its body is whole; flowspy counts it at its head and marks it cut. */
const CUT = 'tshark dissects a message only once its body is whole; flowspy counts it from its head and marks it cut, so its count of whole messages equals tshark\'s';
/** tshark's own reassembly gives up on segments that arrive out of order or again; flowspy's puts them in order. */
const ORDER = 'tshark takes out-of-order or repeated segments of these responses for retransmissions and never dissects them; the reassembler puts them in order and the responses are whole';

const EXPLAINED: Record<string, Explained> = {
  'derived__zeek_http_get_TRUNCATED-mid-record.pcap': { tshark: '1/0', ours: '1/1', complete: '1/0', why: `the capture ends inside the response body: ${CUT}` },
  'pcapplusplus__raw_ip.pcap': { tshark: '19/6', ours: '19/7', complete: '19/6', why: `the last response (/images/space23.jpg) is cut by the end of the capture: ${CUT}` },
  'pcapplusplus__unidirectional_tcp_stream_with_missing_packet.pcap': {
    tshark: '1/0', ours: '2/0', complete: '1/0',
    why: `a packet of the first POST's body is missing; its Content-Length still frames it, so the second POST is found: ${CUT}`,
  },
  'pcapplusplus__example2.pcap': { tshark: '153/153', ours: '153/155', why: `two responses (client ports 55282 and 55297): ${ORDER}` },
  'peafowl__http_ip_fragmented_out_of_order.pcap': { tshark: '2/1', ours: '2/2', why: `the 401 response's first segment comes after its second: ${ORDER}` },
  'peafowl__http_seq_num_wrapping_out_of_order.pcap': { tshark: '2/1', ours: '2/2', why: `the 401 response's first segment comes after its second: ${ORDER}` },
  'zeek__http_206_example_b.pcap': { tshark: '3/2', ours: '3/3', why: `the first 206 response (816896 bytes) has retransmitted stretches: ${ORDER}` },
  'tcpflow__test5-lines-randomized.pcap': { tshark: '0/0', ours: '1/1', why: `every packet is shuffled: ${ORDER}` },
  'zeek__tcp-http-with-padding.pcap': {
    tshark: '0/1', ours: '1/1',
    why: 'the request, on port 27272, is sent a byte or two per segment: tshark\'s heuristics find only the response there; flowspy detects HTTP from the bytes, not the port',
  },
  'tcpflow__jpegs.cap': {
    tshark: '19/10', ours: '19/18', complete: '19/10',
    why: 'eight responses (four 302, four 200) have their status line captured, then a gap before its line end: tshark never dissects them; flowspy pairs each with its request, marked cut in its head',
  },
  'zeek__http_get-to-ssh-server.pcap': {
    tshark: '0/0', ours: '1/0',
    why: 'a GET sent to port 22: tshark dissects the port as SSH; flowspy reads the request from its bytes (and the SSH banner in reply turns the response side raw)',
  },
};

interface Ours {
  requests: number;
  responses: number;
  completeRequests: number;
  completeResponses: number;
  table: MessageTable;
}

async function ours(file: string): Promise<Ours> {
  const table = new MessageTable();
  await runCapture({ source: corpusPath(file), sinks: [(e) => table.apply(e)] });
  const out = { requests: 0, responses: 0, completeRequests: 0, completeResponses: 0, table };
  for (const flow of table.values()) {
    for (const e of flow.http?.exchanges ?? []) {
      if (e.request) {
        out.requests++;
        if (e.request.complete) out.completeRequests++;
      }
      for (const r of e.response ? [...e.interim, e.response] : e.interim) {
        out.responses++;
        if (r.complete) out.completeResponses++;
      }
    }
  }
  return out;
}

/** tshark's HTTP requests and responses over TCP, each message of a frame counted. */
function tshark(file: string): Counts {
  const result = spawnSync('tshark', ['-r', corpusPath(file), '-Y', 'tcp && (http.request || http.response)', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.response.code'], { encoding: 'utf8' });
  // A capture cut or damaged inside a packet makes tshark exit with 2 after printing everything before.
  if (result.error || (result.status !== 0 && !/cut short|damaged or corrupt/.test(result.stderr))) throw new Error(`tshark failed on ${file}: ${result.error?.message ?? result.stderr}`);
  let requests = 0;
  let responses = 0;
  for (const line of result.stdout.split('\n')) {
    if (!line) continue;
    const [methods, codes] = line.split('\t');
    if (methods) requests += methods.split(',').length;
    if (codes) responses += codes.split(',').length;
  }
  return `${requests}/${responses}`;
}

describe.skipIf(cannotRun(corpusMissingReason ?? missingTool('tshark'), 'HTTP corpus comparison'))('HTTP messages against tshark on the corpus', () => {
  const files = corpusFiles();

  it('counts the requests and responses tshark counts, or differs as written down', async () => {
    const compared: string[] = [];
    for (const file of files) {
      const theirs = tshark(file);
      const mine = await ours(file);
      const counts: Counts = `${mine.requests}/${mine.responses}`;
      if (theirs === '0/0' && counts === '0/0') continue;
      compared.push(file);
      const explained = EXPLAINED[file];
      if (explained) {
        expect({ file, tshark: theirs, ours: counts }).toEqual({ file, tshark: explained.tshark, ours: explained.ours });
        if (explained.complete) expect({ file, complete: `${mine.completeRequests}/${mine.completeResponses}` }).toEqual({ file, complete: explained.complete });
      } else {
        expect({ file, ours: counts }).toEqual({ file, ours: theirs });
      }
    }
    expect(compared).toEqual(expect.arrayContaining([
      'zeek__http_pipelined-requests.pcap', 'zeek__http_1000-requests-one-dropped-response.pcap', 'pcapplusplus__four_ipv6_http_streams.pcap',
      ...Object.keys(EXPLAINED),
    ]));
    expect(compared.length).toBeGreaterThanOrEqual(25);
  });

  it('pairs the pipelined requests with their responses in order', async () => {
    const { table } = await ours('zeek__http_pipelined-requests.pcap');
    const exchanges = [...table.values()].flatMap((f) => f.http?.exchanges ?? []);
    expect(exchanges).toHaveLength(5);
    for (const e of exchanges) expect([e.request?.complete, e.response?.complete, e.flags]).toEqual([true, true, []]);
  });

  it('flags the one request whose response the capture dropped, and pairs every other one', async () => {
    const { table } = await ours('zeek__http_1000-requests-one-dropped-response.pcap');
    const exchanges = [...table.values()].flatMap((f) => f.http?.exchanges ?? []);
    expect(exchanges).toHaveLength(1000);
    const flagged = exchanges.filter((e) => e.flags.length > 0);
    expect(flagged.map((e) => [e.index, e.flags, e.response])).toEqual([[0, ['lost'], undefined]]);
    expect(exchanges.filter((e) => e.request && e.response).length).toBe(999);
  });
});
