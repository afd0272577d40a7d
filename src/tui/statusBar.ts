/**
 * The status row as text: the source, what it records to, flow and traffic counts, the display settings, the
 * FOLLOW / PAUSED flags, loading progress, the active filter, a message and `? help`, fitted
 * to the width by dropping the least useful items first (never cutting `? help` or the
 * message; a source with shorter forms shows the longest that fits). It is one row: a message
 * too long to stand beside `? help` takes the whole row (cut with an ellipsis when longer
 * still), never the hint row. Pure; every string in it is display-safe (`source`, `filter` and
 * `message` must already be escaped by the caller: they may quote file names, hosts, typed text).
 */
import { countOf, formatCount } from '../core/count.js';
import type { SourceCounters } from '../engine/counters.js';
import type { Glyphs } from './glyphs.js';
import { humanBytes } from './flowList/units.js';
import { fitHead, fitMiddle, headFitting, stringColumns } from './width.js';

/** What the status row shows. */
export interface StatusInfo {
  /** `demo.pcap`, `lo tcp port 80`, `:8080 → example.com:80` (escaped). */
  readonly source: string;
  /**
   * Shorter forms of `source` for a row too narrow for it, longest first (escaped): the proxy's
   * `:8933 → h:80, +2 more`, …, `3 listeners`; the longest that fits is shown.
   */
  readonly sourceShorter?: readonly string[];
  /** `source` is a capture's name: when long it is cut in its middle before the counters give way. */
  readonly sourceIsName?: boolean;
  /** Where the run also records (`rec -o out/`, escaped), '' or absent when it does not. */
  readonly recording?: string;
  readonly counters: SourceCounters | undefined;
  /** Flows held, and shown after the filter (exchanges, with `noun` `exchange`). */
  readonly flows: number;
  readonly shown: number;
  /** Flows the store let go to make room for newer ones (said beside the flows, not the exchanges). */
  readonly evicted?: number;
  /** What the list's rows are: `flow` (default) or `exchange`. */
  readonly noun?: 'flow' | 'exchange';
  /** Active filter text (escaped), '' when none. */
  readonly filter: string;
  /** The flow list's order when not the arrival order (`bytes`, `duration`, `address`), else ''. */
  readonly sort?: string;
  /** `text utf-8`, `hex`, …; '' when no flow is shown. */
  readonly display: string;
  readonly follow: boolean;
  readonly paused: boolean;
  /** True while a file is still being read. */
  readonly loading: boolean;
  /** Background work after the load (`parsing 40%`), '' when none. */
  readonly activity?: string;
  /** A message (escaped): saved file names, an error, search progress; '' when none. */
  readonly message: string;
}

interface Item {
  readonly text: string;
  /** Lower is dropped first. */
  readonly keep: number;
  /** Instead of being dropped, cut once to fit (keeping at least `cut` columns) and ended with the ellipsis. */
  readonly cut?: number;
}

/**
 * Items below this `keep` may give way to a longer form of the source (packets, bytes, the
 * display mode, which the conversation's title shows too); gaps and drops do not.
 */
const GIVES_WAY_TO_SHORTER = 5;

/** Fewest columns a long source name is cut to before other items give way. */
const NAME_MIN_COLUMNS = 16;

/**
 * Columns a message keeps whole on a status row `width` columns wide (beyond them it is cut):
 * the row is ` MESSAGE · ? help` with room for one more column.
 */
export function messageColumns(width: number): number {
  return Math.max(0, width - 10);
}

/** Columns a message has alone on a status row `width` columns wide (no room for `? help`): all but the leading space. */
export function soleMessageColumns(width: number): number {
  return Math.max(0, width - 1);
}

/** The status row, exactly `width` columns (padded). */
export function statusLine(info: StatusInfo, width: number, glyphs: Glyphs): string {
  const c = info.counters;
  const items: Item[] = [];
  items.push({ text: info.source, keep: 6 });
  // Recording is said as long as the gaps are, and cut to `rec…` rather than dropped.
  if (info.recording) items.push({ text: info.recording, keep: 5, cut: 'rec'.length });
  const plural = (n: number): string => countOf(n, info.noun ?? 'flow');
  // While paused the list is a snapshot: shown/held would read like a filter.
  if (info.paused && info.filter === '' && info.shown < info.flows) items.push({ text: `${plural(info.shown)} (+${formatCount(info.flows - info.shown)} new)`, keep: 8 });
  // A fraction is of several flows, whatever its figures (`0/1 flows`, `1/1` is no fraction).
  else items.push({ text: info.shown === info.flows ? plural(info.flows) : `${formatCount(info.shown)}/${formatCount(info.flows)} ${info.noun ?? 'flow'}s`, keep: 8 });
  // Flows let go at the store's cap: without it the list reads as all there was.
  if (info.evicted && info.noun !== 'exchange') items.push({ text: `${formatCount(info.evicted)} evicted`, keep: 7 });
  // A filter stays in sight, its text cut: without it a filtered list reads as the whole.
  if (info.filter !== '') items.push({ text: `filter ${info.filter}`, keep: 7, cut: 'filter x'.length });
  // `sorted by duration` said just now: `by duration` beside it would repeat it.
  if (info.sort && !info.message.includes(`by ${info.sort}`)) items.push({ text: `by ${info.sort}`, keep: 4 });
  if (c && c.packets > 0) {
    // With a capture filter, the packets it kept of those read (the run's summary says the same).
    const kept = c.filtered > 0 ? `${humanBytes(c.packets - c.filtered)} of ` : '';
    items.push({ text: `${kept}${humanBytes(c.packets)} pkts`, keep: 2 });
  }
  if (c) items.push({ text: `${humanBytes(c.payloadBytes)}B`, keep: 3 });
  // Gaps outrank the display mode (the conversation's title shows it too): they are what a capture is read for.
  // Packets cut by the snap length make gaps of bytes sent, not lost: said in the same item, kept as long.
  const damaged = c ? damagedText(c) : '';
  if (c && (c.gaps > 0 || damaged !== '')) items.push({ text: [c.gaps > 0 ? countOf(c.gaps, 'gap') : '', damaged].filter(Boolean).join(', '), keep: 5 });
  if (c && (c.kernelDrops !== undefined || c.queueDrops)) {
    // One item for every packet lost (the kernel's and the queue's), so a narrow row keeps the total.
    const queued = c.queueDrops ?? 0;
    const lost = (c.kernelDrops ?? 0) + queued;
    items.push({ text: `${countOf(lost, 'drop')}${queued ? ` (${formatCount(queued)} by the queue)` : ''}`, keep: 6 });
  }
  if (info.loading) items.push({ text: loadingText(c), keep: 9 });
  if (info.activity) items.push({ text: info.activity, keep: 4 });
  if (info.display !== '') items.push({ text: info.display, keep: 4 });
  if (info.follow) items.push({ text: 'FOLLOW', keep: 9 });
  if (info.paused) items.push({ text: 'PAUSED', keep: 10 });
  const help = '? help';
  const message = info.message;
  const separator = ` ${glyphs.dot} `;
  // The message and `? help` always stay (the message cut if it must be).
  const fixed = message === '' ? help : `${message}${separator}${help}`;
  const joined = (list: Item[]): string => [...list.map((i) => i.text), fixed].join(separator);
  const fits = (list: Item[]): boolean => stringColumns(joined(list)) + 1 <= width;
  const dropUntil = (list: Item[], done: (list: Item[]) => boolean, below = Infinity): Item[] => {
    while (list.length > 0 && !done(list)) {
      let lowest = -1;
      for (let i = 0; i < list.length; i++) if (list[i].keep < below && (lowest < 0 || list[i].keep < list[lowest].keep)) lowest = i;
      if (lowest < 0) break;
      const over = stringColumns(joined(list)) + 1 - width;
      list = list.flatMap((item, i) => (i === lowest ? shortened(item, over, glyphs.ellipsis) : [item]));
    }
    return list;
  };
  let kept = items;
  const withSource = (text: string): Item[] => [{ text, keep: items[0].keep }, ...items.slice(1)];
  if (!fits(kept) && info.sourceShorter?.length) {
    // The source's forms, longest first, each with lesser items dropped: the first row that fits, else the shortest form.
    const forms = [info.source, ...info.sourceShorter];
    kept = forms.map((form) => dropUntil(withSource(form), fits, GIVES_WAY_TO_SHORTER)).find(fits) ?? withSource(forms[forms.length - 1]);
  } else if (!fits(kept) && info.sourceIsName) {
    // A long capture name is cut in its middle (its end tells captures apart) to the room left, before
    // the counters give way; when some must, to the room they leave.
    const cutName = (list: Item[], shown: string): Item[] => {
      const room = width - 1 - (stringColumns(joined(list)) - stringColumns(shown));
      const text = fitMiddle(info.source, Math.max(NAME_MIN_COLUMNS, room), glyphs.ellipsis);
      return list.map((item) => (item.text === shown ? { ...item, text } : item));
    };
    kept = cutName(kept, info.source);
    const cut = kept[0].text;
    kept = dropUntil(kept, fits);
    if (kept.some((item) => item.text === cut)) kept = cutName(kept, cut);
  }
  kept = dropUntil(kept, fits);
  let line = ' ' + joined(kept);
  if (stringColumns(line) > width && message !== '') line = ' ' + fitHead(message, soleMessageColumns(width), glyphs.ellipsis);
  line = headFitting(line, width);
  return line + ' '.repeat(Math.max(0, width - stringColumns(line)));
}

/** `item` cut by `over` columns and marked with `ellipsis` (its `cut` head kept at least), once; else nothing. */
function shortened(item: Item, over: number, ellipsis: string): Item[] {
  if (item.cut === undefined) return [];
  const columns = Math.max(item.cut, stringColumns(item.text) - over - stringColumns(ellipsis));
  if (columns >= stringColumns(item.text)) return [];
  return [{ text: headFitting(item.text, columns).trimEnd() + ellipsis, keep: item.keep }];
}

/** Named as the run's summary names them: `39 truncated` (snap length cut), `2 malformed`, or both (`41 bad`); '' for none. */
function damagedText(c: SourceCounters): string {
  if (c.malformed === 0 && c.truncated === 0) return '';
  const [count, word] = c.malformed === 0 ? [c.truncated, 'truncated'] : c.truncated === 0 ? [c.malformed, 'malformed'] : [c.malformed + c.truncated, 'bad'];
  return `${formatCount(count)} ${word}`;
}

function loadingText(c: SourceCounters | undefined): string {
  if (!c || !c.totalBytes) return 'loading';
  return `loading ${Math.min(99, Math.floor((100 * c.bytesRead) / c.totalBytes))}%`;
}
