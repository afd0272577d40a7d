/**
 * The lines of an exchange's stray bytes (see `StrayBytes`): what arrived of a message a capture
 * gap took the start of (or cut), that no parsed message holds, shown as the raw text mode shows
 * it: each gap as its `=` row, the bytes as escaped lines of their side, cut after
 * {@link BODY_LINES} lines as a body is (Enter shows all of what a body's read reaches).
 */
import type { StrayBytes } from '../../messages/types.js';
import { formatCount } from '../../core/count.js';
import { escapeText } from '../../render/escape.js';
import { BODY_LINES, BODY_READ_BYTES, PREVIEW_READ_BYTES, type BodyReader } from './bodyLines.js';
import type { Side } from './lineText.js';
import type { MessageLine } from './messageLines.js';
import { pushText, type FlowChunks } from './rawLines.js';
import { gapText } from './renderUnit.js';

/** Most chunks walked for one stray range (a range of tiny segments costs its chunks, not its bytes). */
const MOST_CHUNKS = 4096;

/**
 * Pushes to `out` the lines of `stray`, of side `side`: walked through `chunks` (gaps said as
 * gaps, but the first when `gapSaid`: a parser's note just said it), or without them the bytes
 * that arrived, read from the range's end. `key` names the Enter that shows them all (in `expanded`).
 */
export function pushStrayLines(stray: StrayBytes, side: Side, read: BodyReader, chunks: FlowChunks | undefined, gapSaid: boolean, expanded: ReadonlySet<string>, key: string, out: MessageLine[]): void {
  const whole = expanded.has(key);
  const room = whole ? Infinity : BODY_LINES;
  const lines: MessageLine[] = [];
  let left = whole ? BODY_READ_BYTES : PREVIEW_READ_BYTES;
  let unmade = 0;
  const end = stray.offset + stray.length;
  // A run of data chunks is joined, as the text mode joins them: a line may span segments.
  let run: { parts: Uint8Array[]; ts: number | undefined } = { parts: [], ts: undefined };
  const flush = (): void => {
    if (run.parts.length > 0) unmade += pushText(Buffer.concat(run.parts), false, side, run.ts, lines, room).unmade;
    run = { parts: [], ts: undefined };
  };
  try {
    if (!chunks) run.parts.push(read(stray.dir, end - stray.received, Math.min(stray.received, left)));
    else {
      let at = stray.offset;
      for (let walked = 0; at < end && left > 0 && walked < MOST_CHUNKS; walked++) {
        const chunk = chunks.chunk(chunks.chunkAt(stray.dir, at));
        if (!chunk || chunk.offset >= end) break;
        const to = Math.min(end, chunk.offset + chunk.length);
        const from = Math.max(at, chunk.offset);
        if (chunk.kind === 'gap') {
          flush();
          // The first gap, when said by the parser's note just before, is not said twice.
          const said = gapSaid && from === stray.offset;
          if (!said && lines.length < room) lines.push({ side: 'event', kind: 'gap', text: gapText(to - from, side, chunk.notCaptured), ts: chunk.ts, of: side });
          else if (!said) unmade++;
        } else {
          const bytes = read(stray.dir, from, Math.min(to - from, left));
          left -= bytes.length;
          run.ts ??= chunk.ts;
          run.parts.push(bytes);
        }
        at = to;
      }
    }
    flush();
  } catch (error) {
    out.push({ side: 'event', kind: 'event', text: `bytes unreadable: ${escapeText(error instanceof Error ? error.message : String(error))}`, of: side });
    return;
  }
  out.push(...lines);
  if (unmade > 0) out.push({ side: 'event', kind: 'note', expand: key, text: `... ${formatCount(unmade)} more lines (Enter shows them)`, of: side });
}
