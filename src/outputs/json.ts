/**
 * `--json`: one JSON object per line per event (JSON Lines), for programs.
 *
 * Every object has `type`, `flow` (the flow id), `ts` (ISO 8601 UTC with microseconds, or
 * null if not representable) and `tsMicros` (microseconds since the epoch, as the engine gave
 * it). Then, by type:
 *   flow-start  `client`, `server` ({addr, port}), `vlan` (number or null), `origin`, `sawHandshake`
 *   data        `dir` ("c2s" | "s2c"), `offset`, `length`, `data` (the bytes, base64)
 *   gap         `dir`, `offset`, `length`
 *   half-close  `dir`
 *   note        `text`
 *   flow-end    `reason`, `detail` (string or null)
 * Keys come in that order. Every character outside printable ASCII is written as a `\uXXXX`
 * escape, so a line is pure ASCII and safe on a terminal too.
 */
import type { FlowEvent } from '../core/types.js';
import { formatIsoTimestamp } from '../render/time.js';
import type { FlowOutput, TextSink } from './types.js';

/** Writes each event as one JSON line through `out`. */
export class JsonOutput implements FlowOutput {
  constructor(private readonly out: TextSink) {}

  handle(event: FlowEvent): void {
    this.out(eventToJson(event) + '\n');
  }

  /** Nothing is buffered. */
  close(): void {}
}

/** The JSON text (one ASCII line, no newline) of one event, as `JsonOutput` writes it. */
export function eventToJson(event: FlowEvent): string {
  return asciiOnly(eventToJsonText(event));
}

const NON_ASCII = /[^\x20-\x7e]/g;

/** JSON text with every character outside 0x20..0x7e as `\uXXXX` (still the same JSON value). */
function asciiOnly(json: string): string {
  NON_ASCII.lastIndex = 0;
  if (!NON_ASCII.test(json)) return json;
  return json.replace(NON_ASCII, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}

function eventToJsonText(event: FlowEvent): string {
  const head = { type: event.type, flow: event.flowId, ts: formatIsoTimestamp(event.ts), tsMicros: event.ts };
  switch (event.type) {
    case 'flow-start':
      return JSON.stringify({
        ...head,
        client: { addr: event.key.client.addr, port: event.key.client.port },
        server: { addr: event.key.server.addr, port: event.key.server.port },
        vlan: event.key.vlan ?? null,
        origin: event.origin,
        sawHandshake: event.sawHandshake,
      });
    case 'data': {
      const b = event.bytes;
      const data = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
      return JSON.stringify({ ...head, dir: event.dir, offset: event.offset, length: b.byteLength, data });
    }
    case 'gap':
      return JSON.stringify({ ...head, dir: event.dir, offset: event.offset, length: event.length });
    case 'half-close':
      return JSON.stringify({ ...head, dir: event.dir });
    case 'note':
      return JSON.stringify({ ...head, text: event.text });
    case 'flow-end':
      return JSON.stringify({ ...head, reason: event.reason, detail: event.detail ?? null });
  }
}
