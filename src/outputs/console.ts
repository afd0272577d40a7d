/**
 * `-c`: every event on stdout, tcpflow -c style but reassembled and safe. For pipes: no color.
 *
 * Format. A line written by flowspy starts with a timestamp (`HH:MM:SS.uuuuuu`, UTC) and the
 * flow id; a line of data is indented by two spaces (an empty data line is empty), so data
 * can never pass for a flowspy line:
 *
 *   12:00:00.000000 #1 start 10.0.0.1:20000 > 10.0.0.2:80 (capture)
 *   12:00:00.000100 #1 010.000.000.001.20000-010.000.000.002.00080: 18 bytes at offset 0
 *     GET / HTTP/1.1
 *     Host: x
 *
 *   12:00:00.000200 #1 010.000.000.002.00080-010.000.000.001.20000: gap of 1,420 bytes at offset 8,528
 *   12:00:00.000300 #1 010.000.000.001.20000-010.000.000.002.00080: FIN (client closed)
 *   12:00:00.000400 #1 note: data after peer FIN  (a proxied flow also has `#1 connected (the server accepted)`)
 *   12:00:00.000500 #1 end: fin
 *
 * Each data event is rendered on its own (a line split across two events shows as two lines).
 * The flow name is tcpflow's name of that direction, sender first, without tcpflow's `cN`
 * suffix (the flow id tells reused ports apart). With `hex: true` data shows as hex dump lines
 * labelled with stream offsets.
 */
import { gapWords } from '../render/gapWords.js';
import { countOf, formatCount } from '../core/count.js';
import { CAPTURE_ENDED, endedWithCapture, type Direction, type FlowEvent, type FlowKey } from '../core/types.js';
import { escapeText } from '../render/escape.js';
import { formatEndpoint } from '../render/endpoint.js';
import { hexDumpLines } from '../render/hex.js';
import { DEFAULT_MAX_LINE_BYTES, renderTextLines } from '../render/lines.js';
import { formatTimestamp } from '../render/time.js';
import { tcpflowDirectionName } from './tcpflowNames.js';
import type { FlowOutput, TextSink } from './types.js';

/** Options of {@link ConsoleOutput}. */
export interface ConsoleOutputOptions {
  /** Show data as hex dump lines instead of text lines. Default false. */
  readonly hex?: boolean;
  /** Cap on one text line's bytes (longer lines are cut, marked `\+`). Default 4096. */
  readonly maxLineBytes?: number;
}

/** Prefix of every data line. */
const DATA_INDENT = '  ';

/** Renders each event as text lines, written through `out` (one call per event). */
export class ConsoleOutput implements FlowOutput {
  private readonly flows = new Map<number, { key: FlowKey; names: Record<Direction, string> }>();
  private readonly hex: boolean;
  private readonly maxLineBytes: number;

  constructor(private readonly out: TextSink, options: ConsoleOutputOptions = {}) {
    this.hex = options.hex ?? false;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  handle(event: FlowEvent): void {
    const head = `${formatTimestamp(event.ts)} #${event.flowId}`;
    switch (event.type) {
      case 'flow-start': {
        const key = event.key;
        this.flows.set(event.flowId, {
          key,
          names: { c2s: tcpflowDirectionName(key, 'c2s'), s2c: tcpflowDirectionName(key, 's2c') },
        });
        const vlan = key.vlan !== undefined ? ` vlan ${key.vlan}` : '';
        const guess = event.sawHandshake ? '' : ', no handshake seen; direction guessed';
        this.out(`${head} start ${formatEndpoint(key.client)} > ${formatEndpoint(key.server)}${vlan} (${event.origin}${guess})\n`);
        return;
      }
      case 'data': {
        if (event.length === 0) return;
        const bytes = event.bytes;
        const lines = this.hex ? hexDumpLines(bytes, event.offset) : renderTextLines(bytes, this.maxLineBytes);
        let text = `${head} ${this.name(event.flowId, event.dir)}: ${countOf(event.length, 'byte')} at offset ${formatCount(event.offset)}\n`;
        for (const line of lines) text += line === '' ? '\n' : DATA_INDENT + line + '\n';
        this.out(text);
        return;
      }
      case 'connected':
        this.out(`${head} connected (the server accepted)\n`);
        return;
      case 'gap':
        this.out(`${head} ${this.name(event.flowId, event.dir)}: ${gapWords(countOf(event.length, 'byte'), event.notCaptured)} at offset ${formatCount(event.offset)}\n`);
        return;
      case 'half-close':
        this.out(`${head} ${this.name(event.flowId, event.dir)}: FIN (${event.dir === 'c2s' ? 'client' : 'server'} closed)\n`);
        return;
      case 'note':
        this.out(`${head} note: ${escapeText(event.text)}\n`);
        return;
      case 'flow-end': {
        this.flows.delete(event.flowId);
        const detail = event.detail !== undefined ? ` (${escapeText(event.detail)})` : '';
        // A flow open when the capture ended did not time out: `open`, as the TUI and --log say.
        const ended = endedWithCapture(event) ? `open (${CAPTURE_ENDED})` : `${event.reason}${detail}`;
        this.out(`${head} end: ${ended}\n`);
        return;
      }
    }
  }

  /** Nothing is buffered. */
  close(): void {
    this.flows.clear();
  }

  private name(flowId: number, dir: Direction): string {
    const flow = this.flows.get(flowId);
    return flow ? flow.names[dir] : `(unknown flow) ${dir}`;
  }
}
