/**
 * Test support for the HTTP parser: a conversation written as steps (bytes of a direction, a
 * gap, an end), replayed whole or cut at chosen places, and the exchanges described as one line
 * each so a table of cases reads like a spec.
 */
import type { Direction } from '../../src/core/types.js';
import { HttpConversation } from '../../src/messages/http.js';
import type { HttpExchange, HttpMessage } from '../../src/messages/types.js';
import { mulberry32, randomInt } from '../support/prng.js';

/** One step: bytes sent in a direction, bytes lost, or the direction's FIN. */
export type Step =
  | { dir: Direction; data: Uint8Array }
  | { dir: Direction; gap: number }
  | { dir: Direction; end: true };

const enc = new TextEncoder();
export const c2s = (text: string | Uint8Array): Step => ({ dir: 'c2s', data: typeof text === 'string' ? enc.encode(text) : text });
export const s2c = (text: string | Uint8Array): Step => ({ dir: 's2c', data: typeof text === 'string' ? enc.encode(text) : text });
export const gap = (dir: Direction, length: number): Step => ({ dir, gap: length });
export const fin = (dir: Direction): Step => ({ dir, end: true });

/** Plays `steps` into a new conversation, each data step cut into pieces by `cutsOf`; finishes it. */
export function play(steps: readonly Step[], cutsOf: (data: Uint8Array) => number[] = () => []): HttpConversation {
  const http = new HttpConversation();
  const offsets: Record<Direction, number> = { c2s: 0, s2c: 0 };
  let ts = 1_000_000;
  for (const step of steps) {
    if ('data' in step) {
      let prev = 0;
      for (const cut of [...cutsOf(step.data), step.data.length]) {
        if (cut <= prev) continue;
        // A fresh copy: the parser must not keep the caller's bytes. Through feedData, which
        // counts body bytes without reading them.
        const bytes = step.data.slice(prev, cut);
        http.feedData({ dir: step.dir, offset: offsets[step.dir] + prev, length: bytes.length, bytes, ts: ts++ });
        prev = cut;
      }
      offsets[step.dir] += step.data.length;
    } else if ('gap' in step) {
      http.gap(step.dir, offsets[step.dir], step.gap, ts++);
      offsets[step.dir] += step.gap;
    } else {
      http.end(step.dir, ts++);
    }
  }
  http.finish(ts);
  return http;
}

function describeMessage(m: HttpMessage): string {
  const start = m.kind === 'request' ? `${m.method} ${m.target}` : `${m.status}`;
  const body = m.body.framing === 'none' ? '' : ` ${m.body.framing}:${m.body.dataLength}`;
  const cut = m.incomplete ? ` (cut at ${m.incomplete.offset}: ${m.incomplete.why})` : m.complete ? '' : ' (in progress)';
  return start + body + cut;
}

/** `GET /a → 200 length:5`, `POST /x chunked:12 → -  !unanswered`, interim statuses in brackets. */
export function describeExchange(e: HttpExchange): string {
  const interim = e.interim.length ? ` [${e.interim.map((r) => r.status).join(',')}]` : '';
  const flags = e.flags.length ? ` !${e.flags.join(',')}` : '';
  const stray = (e.stray ?? []).map((s) => ` +${s.dir}@${s.offset}:${s.length}/${s.received}`).join('');
  return `${e.request ? describeMessage(e.request) : '-'} →${interim} ${e.response ? describeMessage(e.response) : '-'}${flags}${stray}`;
}

/** The exchanges and notes of a conversation, as lines. */
export function describeConversation(http: HttpConversation): { exchanges: string[]; notes: string[] } {
  return {
    exchanges: http.exchanges.map(describeExchange),
    notes: http.notes.map((n) => `${n.dir}@${n.offset}: ${n.gap === undefined ? n.text : `gap of ${n.gap.toLocaleString('en-US')} bytes${n.text ? `: ${n.text}` : ''}`}`),
  };
}

/** Random cut points for `data`, drawn from `random`. */
export function randomCuts(random: () => number): (data: Uint8Array) => number[] {
  return (data) => {
    const count = randomInt(random, 0, Math.min(12, data.length));
    return Array.from({ length: count }, () => randomInt(random, 1, Math.max(1, data.length - 1))).sort((a, b) => a - b);
  };
}

export { mulberry32 };
