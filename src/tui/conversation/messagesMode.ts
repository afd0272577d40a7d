/**
 * The conversation pane's messages mode for the flow shown: its {@link MessageView}, made when
 * the flow's protocol was recognised and the mode is wanted, and fed at each frame with what it
 * needs — a stamp that changes whenever the flow or its messages did, and the lines around the
 * messages (the flow's events, notes, the TLS byte counts), made again only when the stamp changed.
 */
import type { Direction } from '../../core/types.js';
import { formatCount } from '../../core/count.js';
import type { FlowMessages } from '../../messages/flowMessages.js';
import { escapeText } from '../../render/escape.js';
import type { MessagesOf } from '../flowList/filter.js';
import type { DisplayLine } from './displayRow.js';
import type { LogicalLine } from './lineText.js';
import type { MessageLine } from './messageLines.js';
import { MessageView } from './messageView.js';
import { rawStarts } from './rawLines.js';
import { flowMarks } from './marks.js';
import { markLines, renderUnit } from './renderUnit.js';
import type { ConversationSettings } from './settings.js';
import type { ConversationFlow, ConversationSource } from './source.js';
import { HEAD, TAIL, type UnitKey } from './units.js';

/** The messages mode of one pane. */
export class MessagesMode {
  private messageView: MessageView | undefined;
  /** The raw mode's top data row when `m` asked for the messages mode: its message goes to the top. */
  private anchor: Pick<DisplayLine, 'dir' | 'offset'> | undefined = undefined;
  /** The lines before and after the messages, for one flow state (see {@link show}). */
  private edgeLines: { readonly key: string; readonly head: MessageLine[]; readonly tail: MessageLine[]; readonly timed: MessageLine[] } | undefined = undefined;

  constructor(
    private readonly source: ConversationSource,
    private readonly messagesOf?: MessagesOf,
  ) {}

  /** The messages view of the flow shown, while it is in the messages mode. */
  get view(): MessageView | undefined {
    return this.messageView;
  }

  /** Whether flow `flowId` has a messages mode: its protocol (HTTP, a line protocol, TLS) was recognised. */
  offers(flowId: number | undefined): boolean {
    const protocol = flowId === undefined ? undefined : this.messagesOf?.(flowId)?.protocol;
    return protocol === 'http' || protocol === 'lines' || protocol === 'tls';
  }

  /** `m` from a raw mode whose reader is at `top` (see ConversationView.topPlace): that line, or its message, goes to the top once shown. */
  openAt(top: Pick<DisplayLine, 'dir' | 'offset'> | undefined): void {
    this.anchor = top?.dir !== undefined && top.offset !== undefined ? top : undefined;
  }

  /** Nothing shown: the view is dropped. */
  drop(): void {
    this.messageView = undefined;
  }

  /**
   * Keeps the messages view of `flowId` when it is `wanted` and offered, else drops it; fed for a
   * window of `width` x `height` with `settings` (timestamps, directions, arrow), following the
   * end when `follow`. `exchange`: the HTTP exchange Enter asked for, put at the top.
   */
  show(flowId: number, wanted: boolean, width: number, height: number, settings: ConversationSettings, follow: boolean, exchange: number | undefined): void {
    const messages = this.messagesOf?.(flowId);
    if (messages === undefined || !wanted || !this.offers(flowId)) {
      this.messageView = undefined;
      return;
    }
    if (this.messageView?.flowId !== flowId) {
      const source = this.source;
      const chunks = { chunk: (index: number) => source.getChunk(flowId, index), chunkAt: (dir: Direction, offset: number) => source.chunkAt(flowId, dir, offset) };
      this.messageView = new MessageView(flowId, messages, (dir, offset, length) => source.read(flowId, dir, offset, length), chunks, settings.arrow);
    }
    const flow = this.source.getFlow(flowId);
    const stamp = flowStamp(messages, flow);
    this.messageView.follow = follow;
    if (!flow) return this.messageView.update(width, height, stamp);
    // The lines around the messages change only with the flow (the stamp): made then, not per frame.
    const edgeKey = `${flowId}|${stamp}|${settings.timestamps}`;
    if (this.edgeLines?.key !== edgeKey) this.edgeLines = { key: edgeKey, ...this.edges(flowId, flow, messages, settings) };
    this.messageView.update(width, height, stamp, this.edgeLines.head, this.edgeLines.tail, { mode: settings.timestamps, startTs: flow.startTs, filter: settings.filter }, this.edgeLines.timed);
    const anchor = this.anchor;
    this.anchor = undefined;
    if (anchor) this.messageView.showOffset(anchor.dir!, anchor.offset!);
    // The first unit: the flow from its start, whose first lines say how it began.
    if (exchange === 0) this.messageView.home();
    else if (exchange !== undefined) this.messageView.showUnit(exchange);
  }

  /**
   * The lines before the messages (the flow's start; whose data an FTP data connection is), after
   * them (TLS byte counts, the end), and among them where they came (`timed`: each side's FIN and the
   * flow's notes, worded as the raw modes word them).
   */
  private edges(flowId: number, flow: ConversationFlow, messages: FlowMessages, settings: ConversationSettings): { head: MessageLine[]; tail: MessageLine[]; timed: MessageLine[] } {
    const events = (unit: UnitKey): MessageLine[] => renderUnit(this.source, flowId, flow, unit, settings).lines.map(asMessageLine);
    const timed = flowMarks(flow).flatMap((mark) => markLines(flow, mark).map((line) => ({ ...asMessageLine(line), chunk: mark.chunk })));
    // An FTP data connection says whose it is: `FTP data of #1: RETR rand.txt`.
    const dataOf: MessageLine[] = messages.dataChannel ? [{ side: 'event', kind: 'event', text: escapeText(messages.summary()) }] : [];
    // The flow's last lines (untimed FINs, the end) come after every chunk: a timed line goes before them, whatever the clock did.
    const last = events(TAIL).map((line) => ({ ...line, chunk: flow.chunkCount }));
    return { head: [...events(HEAD), ...dataOf], tail: [...encryptedLines(messages, flow), ...last], timed };
  }
}

function asMessageLine({ side, kind, text, ts }: LogicalLine): MessageLine {
  return { side, kind, text, ts };
}

/** A text that changes whenever the flow or its messages changed (the messages may grow without the flow changing: parsed after a file's load). */
function flowStamp(messages: FlowMessages, flow: ConversationFlow | undefined): string {
  // The last exchange's progress counts too (a body that ends changes no count).
  const last = messages.http?.exchanges.at(-1);
  const progress = last ? `${last.request?.body.length}.${last.request?.complete}.${last.response?.body.length}.${last.response?.complete}` : '';
  const raw = rawStarts(messages);
  // An FTP control connection's data connections open (and get linked) after its own lines.
  const linked = messages.announced.reduce((n, channel) => n + (channel.dataFlowId === undefined ? 0 : 1), 0);
  const parsed = `${messages.http?.exchangeCount ?? ''}|${messages.http?.responseCount ?? ''}|${progress}|${messages.lines?.items.length ?? ''}|${messages.tls?.client ? 1 : 0}${messages.tls?.server ? 1 : 0}|${raw.c2s},${raw.s2c}|${linked}|${messages.summary()}`;
  // The extents too: bytes joined to the last chunk (a head or a line still arriving) change no count.
  return flow ? `${flow.chunkCount}|${flow.extentC2s},${flow.extentS2c}|${flow.notes.length}|${flow.end?.ts ?? ''}|${flow.closedC2s}|${flow.closedS2c}|${parsed}` : parsed;
}

/**
 * For a TLS flow, a line protocol's after STARTTLS, or an HTTP CONNECT tunnel's, how many bytes
 * of TLS each side sent (the hellos show above; the rest is encrypted), and the keys of the modes
 * that show them.
 */
function encryptedLines(messages: FlowMessages, flow: ConversationFlow): MessageLine[] {
  const serverDir = messages.clientDir === 'c2s' ? 's2c' : 'c2s';
  const starts = [messages.tlsAfterAt(messages.clientDir), messages.tlsAfterAt(serverDir)];
  const after = starts.some((at) => at !== undefined);
  if (messages.protocol !== 'tls' && !after) return [];
  const extents = messages.clientDir === 'c2s' ? [flow.extentC2s, flow.extentS2c] : [flow.extentS2c, flow.extentC2s];
  const [client, server] = after ? extents.map((extent, i) => Math.max(0, extent - (starts[i] ?? extent))) : extents;
  const what = messages.tls?.midStream ? 'TLS joined mid-stream, no hellos' : !after ? 'TLS' : messages.protocol === 'http' ? 'TLS in the CONNECT tunnel' : 'TLS after STARTTLS';
  return [{ side: 'event', kind: 'event', text: `${what}: ${formatCount(client)} bytes from the client and ${formatCount(server)} from the server (x: hex, m: text)` }];
}
