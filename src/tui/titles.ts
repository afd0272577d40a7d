/**
 * Short texts of the screen that are not rows of a pane: the conversation's title and what the
 * list says when it has no row. Pure; addresses are escaped here.
 */
import { countOf, formatCount } from '../core/count.js';
import { escapeText } from '../render/escape.js';
import type { Endpoint, FlowKey } from '../core/types.js';
import { noMatchText } from './flowList/noMatchText.js';
import { fitEndpoint, humanBytes } from './flowList/units.js';
import type { SearchProgress } from './flowList/contentSearch.js';
import { flowState, type ListedFlow } from './flowList/source.js';
import type { Glyphs } from './glyphs.js';
import type { SourceCounters } from '../engine/counters.js';
import { fitHead, stringColumns } from './width.js';

/**
 * ` #3 10.0.0.1:5555 → 10.0.0.2:80  closed  text UTF-8` in `width` columns: on a narrow row the
 * addresses are shortened (ports and the ends of addresses kept) to leave room for the state, and what is
 * cut at the end shows an ellipsis. ` conversation` without a flow.
 */
export function conversationTitle(flow: (ListedFlow & { key: FlowKey }) | undefined, display: string, glyphs: Glyphs, width: number): string {
  if (!flow) return ' conversation';
  const lead = ` #${flow.id} `;
  const arrow = ` ${glyphs.right} `;
  const state = `  ${flowState(flow)}`;
  const each = Math.min(40, Math.floor((width - stringColumns(lead + arrow + state) - 2) / 2));
  const endpoint = (e: Endpoint): string => fitEndpoint(escapeText(e.addr.includes(':') ? `[${e.addr}]` : e.addr), `:${e.port}`, Math.max(8, each), glyphs.ellipsis);
  const guessed = flow.sawHandshake ? '' : ' (direction guessed)';
  return fitHead(`${lead}${endpoint(flow.key.client)}${arrow}${endpoint(flow.key.server)}${state}${guessed}  ${display}`, width, glyphs.ellipsis);
}

/**
 * The status row's word on a `~text` filter still reading the flows: `searching 1,234/2,000 flows`
 * (flows whose bytes were all read), and the bytes read once there are a megabyte of them (a few
 * big flows move the count seldom): `searching 0/1 flows, 412MB read`.
 */
export function contentSearchNote(progress: Pick<SearchProgress, 'flowsDone' | 'flowsQueued' | 'bytesSearched'>): string {
  const read = progress.bytesSearched >= 1 << 20 ? `, ${humanBytes(progress.bytesSearched)}B read` : '';
  return `searching ${formatCount(progress.flowsDone)}/${formatCount(progress.flowsQueued)} flows${read}`;
}

/** What the packets read so far came to, for {@link emptyListText}: read in all, left out by the capture filter, flows started. */
export type PacketsRead = Pick<SourceCounters, 'packets' | 'filtered' | 'flows'>;

/**
 * What the empty list says: why there is no row; `searching`: a `~text` filter is still reading
 * the flows; `read`: the packets so far, when no flow came of them (a capture filter that selects
 * UDP, say, or none of the file) says so rather than waiting in silence; `filter`: the filter as
 * typed and the row's columns, for what a filter that matches no flow held says (see noMatchText).
 */
export function emptyListText(
  flowsHeld: number,
  running: boolean,
  kind: 'file' | 'live' | 'proxy',
  searching: boolean,
  read?: PacketsRead,
  filter: { readonly text: string; readonly width: number } = { text: '', width: Infinity },
): string {
  if (flowsHeld > 0 && searching) return ' searching the flows: none has matched yet (f to change the filter)';
  if (flowsHeld > 0) return noMatchText('flow', filter.text, filter.width);
  if (running && kind === 'proxy') return ' waiting for connections…';
  const why = read === undefined || read.flows > 0 || read.packets === 0 ? '' : packetsWithoutFlows(read);
  if (running) return why ? ` waiting for flows… (${why})` : ' waiting for flows…';
  return why ? ` no TCP flows in this capture (${why})` : ' no TCP flows in this capture';
}

/** `3 packets, none TCP: flowspy follows TCP only`, `5,000 packets, all left out by the capture filter`. */
function packetsWithoutFlows(read: PacketsRead): string {
  const packets = countOf(read.packets, 'packet');
  if (read.filtered >= read.packets) return `${packets}, all left out by the capture filter`;
  return `${packets}, none TCP: flowspy follows TCP only`;
}
