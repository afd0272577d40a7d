/**
 * `--json`: one JSON object per line per event (JSON Lines), for programs.
 *
 * Every object has `type`, `flow` (the flow id), `ts` (ISO 8601 UTC with microseconds, or
 * null if not representable) and `tsMicros` (microseconds since the epoch, as the engine gave
 * it; null past ±2^53, where a JSON reader would round it). Then, by type:
 *   flow-start  `client`, `server` ({addr, port}), `vlan` (number or null), `origin`, `sawHandshake`,
 *               `connecting` (true: a proxied client whose upstream connect is under way)
 *   connected   `server` ({addr, port}: the address connected to; the upstream of a flow started `connecting` accepted)
 *   data        `dir` ("c2s" | "s2c"), `offset`, `length`, `data` (the bytes, base64)
 *   gap         `dir`, `offset`, `length`, `notCaptured` (the bytes were cut by the snap length, not lost)
 *   half-close  `dir`
 *   note        `text`
 *   flow-end    `reason`, `detail` (string or null), `handshake` (`syn`, `syn-ack`, `complete` or null)
 * Beside them, one line per parsed message once it is over (jsonMessages.ts): `http-request`,
 * `http-response`, `tls-hello`, after the byte event that ended it and before its flow's
 * `flow-end`. Keys come in that order. Every character outside printable ASCII is written as a `\uXXXX`
 * escape, so a line is pure ASCII and safe on a terminal too.
 */
import type { FlowEvent } from '../core/types.js';
import { MessageTable } from '../messages/messageTable.js';
import { exactMicros, formatIsoTimestamp } from '../render/time.js';
import { asciiOnly, httpMessageToJson, tlsHelloToJson, webSocketFrameToJson } from './jsonMessages.js';
import type { FlowOutput, TextSink } from './types.js';

/** Writes each event as one JSON line through `out`, and each parsed message as it is over. */
export class JsonOutput implements FlowOutput {
  private readonly messages: MessageTable;

  constructor(private readonly out: TextSink) {
    this.messages = new MessageTable({
      onHttpMessage: (flowId, message, exchange) => this.out(httpMessageToJson(flowId, message, exchange) + '\n'),
      onTlsHello: (flowId, hello, dir) => this.out(tlsHelloToJson(flowId, hello, dir) + '\n'),
      onWebSocketFrame: (flowId, frame) => this.out(webSocketFrameToJson(flowId, frame) + '\n'),
    });
  }

  handle(event: FlowEvent): void {
    if (event.type === 'flow-end') {
      // Messages the end of the flow finishes come before its flow-end line, the flow's last.
      this.messages.apply(event);
      this.messages.delete(event.flowId);
      this.out(eventToJson(event) + '\n');
      return;
    }
    this.out(eventToJson(event) + '\n');
    this.messages.apply(event);
  }

  /** Nothing is buffered. */
  close(): void {}
}

/** The JSON text (one ASCII line, no newline) of one event, as `JsonOutput` writes it. */
export function eventToJson(event: FlowEvent): string {
  if (event.type !== 'data') return asciiOnly(eventToJsonText(event));
  // The bytes, in base64, are most of the line and ASCII already: added after the rest is
  // made and escaped, rather than copied and scanned twice more.
  const b = event.bytes;
  const data = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  // The head is ASCII by construction (a type name, numbers, an ISO time): nothing to escape.
  return `${headFields(event)},"dir":"${event.dir}","offset":${event.offset},"length":${b.byteLength},"data":"${data}"}`;
}

const json = JSON.stringify;

/**
 * The fields every line starts with, `{"type":…,"flow":…,"ts":…,"tsMicros":…`, without the
 * closing brace. Lines are written as text rather than through objects and `JSON.stringify`:
 * that cost about 3 µs and 1.7 KB of garbage per line, which a million-flow scan paid twice per flow.
 */
function headFields(event: FlowEvent): string {
  return `{"type":"${event.type}","flow":${event.flowId},"ts":${json(formatIsoTimestamp(event.ts))},"tsMicros":${json(exactMicros(event.ts))}`;
}

function eventToJsonText(event: Exclude<FlowEvent, { type: 'data' }>): string {
  const head = headFields(event);
  switch (event.type) {
    case 'flow-start': {
      const { client, server, vlan } = event.key;
      return `${head},"client":{"addr":${json(client.addr)},"port":${client.port}},"server":{"addr":${json(server.addr)},"port":${server.port}},"vlan":${json(vlan ?? null)},"origin":${json(event.origin)},"sawHandshake":${event.sawHandshake},"connecting":${event.connecting === true}}`;
    }
    case 'connected':
      return `${head},"server":{"addr":${json(event.server.addr)},"port":${event.server.port}}}`;
    case 'gap':
      return `${head},"dir":"${event.dir}","offset":${event.offset},"length":${event.length},"notCaptured":${event.notCaptured === true}}`;
    case 'half-close':
      return `${head},"dir":"${event.dir}"}`;
    case 'note':
      return `${head},"text":${json(event.text)}}`;
    case 'flow-end':
      return `${head},"reason":${json(event.reason)},"detail":${json(event.detail ?? null)},"handshake":${json(event.handshake ?? null)}}`;
  }
}
