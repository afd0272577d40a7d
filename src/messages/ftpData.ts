/**
 * FTP data connections (RFC 959 `PORT` and `227`, RFC 2428 `EPRT` and `229`): a control
 * connection says where the next data connection will go; the connection that then opens there
 * is that control connection's data channel, and the transfer command the client sent after the
 * announcement (`LIST`, `RETR rand.txt`) says what it carries. Pure parsing, and a bounded
 * registry the message table shares between flows.
 */
import type { Endpoint, FlowKey } from '../core/types.js';
import type { LineItem } from './lineItem.js';
import type { LineConversation } from './lines.js';

/** Endpoints with announcements waiting for their data connection, at most; the oldest is forgotten first. */
const MAX_ENDPOINTS = 256;
/** Announcements of one endpoint waiting, at most; later ones are not kept. */
const MAX_PER_ENDPOINT = 64;
/** Control items looked at after an announcement for its transfer command. */
const MAX_LOOK_AHEAD = 64;

/** Where the control connection said a data connection will go: `addr` undefined means the control connection's own (229). */
interface Announced {
  readonly addr: string | undefined;
  readonly port: number;
}

const PASSIVE = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/;
const EXTENDED_PASSIVE = /\((.)\1\1(\d{1,5})\1\)/;
const EXTENDED_PORT = /^EPRT\s+(.)([12])\1([^|\s]+)\1(\d{1,5})\1/i;
const TRANSFER = /^(RETR|STOR|STOU|APPE|LIST|NLST|MLSD)\b/i;

/** The data endpoint a control line announces (a client's PORT or EPRT, a server's 227 or 229), or undefined. */
export function announcedEndpoint(text: string, fromClient: boolean): Announced | undefined {
  if (fromClient) {
    if (/^PORT\s/i.test(text)) return hostPort(PASSIVE.exec(text));
    const extended = EXTENDED_PORT.exec(text);
    if (!extended) return undefined;
    const addr = extended[2] === '2' ? ipv6Text(extended[3]) : extended[3];
    return addr === undefined ? undefined : checked(addr, Number(extended[4]));
  }
  if (text.startsWith('227')) return hostPort(PASSIVE.exec(text));
  if (text.startsWith('229')) {
    const extended = EXTENDED_PASSIVE.exec(text);
    return extended ? checked(undefined, Number(extended[2])) : undefined;
  }
  return undefined;
}

function hostPort(match: RegExpExecArray | null): Announced | undefined {
  if (!match) return undefined;
  const n = match.slice(1).map(Number);
  if (n.some((x) => x > 255)) return undefined;
  return checked(n.slice(0, 4).join('.'), n[4] * 256 + n[5]);
}

function checked(addr: string | undefined, port: number): Announced | undefined {
  return port > 0 && port < 65536 ? { addr, port } : undefined;
}

/** RFC 5952 text of an IPv6 address (as the decoder writes them), or undefined when it is not one. */
function ipv6Text(addr: string): string | undefined {
  try {
    return new URL(`http://[${addr}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

/** The transfer command (`RETR rand.txt`, `LIST`) the client sent at or after item `from` of a control conversation, or undefined. */
export function transferCommand(control: LineConversation, from: number): string | undefined {
  const { items, clientDir } = control;
  for (let i = from; i < items.length && i < from + MAX_LOOK_AHEAD; i++) {
    const item = items[i];
    if (item.dir === clientDir && item.kind === 'line' && TRANSFER.test(item.text)) return item.text;
  }
  return undefined;
}

/**
 * The transfer command of `channel` ({@link transferCommand}), looked for until found or until
 * the control connection is past the items it may be in; then the channel lets the control
 * connection's lines go (a data flow does not keep them alive, and the list asks at every frame).
 */
export function channelCommand(channel: DataChannel): string | undefined {
  const control = channel.control;
  if (control === undefined) return channel.command;
  channel.command = transferCommand(control, channel.announcement);
  if (channel.command !== undefined || control.items.length >= channel.announcement + MAX_LOOK_AHEAD) channel.control = undefined;
  return channel.command;
}

/**
 * A data connection's control connection: its flow id, its lines (until the transfer command is
 * known: see {@link channelCommand}), and the item that announced the data connection.
 */
export interface DataChannel {
  readonly controlFlowId: number;
  control: LineConversation | undefined;
  readonly announcement: number;
  /** The transfer command, once found. */
  command: string | undefined;
  /** The data connection's flow, once one opened to the announced endpoint. */
  dataFlowId: number | undefined;
}

interface Waiting {
  readonly channel: DataChannel;
  claimed: boolean;
}

/**
 * Announced data endpoints waiting for their connection, shared by the flows of one message
 * table. Each endpoint keeps its announcements in order, so that connections to an endpoint a
 * server announces again and again pair in order, also when a stored capture is parsed flow
 * after flow (every announcement of a control flow before its first data flow).
 */
export class DataChannels {
  private readonly waiting = new Map<string, Waiting[]>();

  /**
   * Control flow `controlFlowId` (key `control`) completed line `item` of `lines`: when it
   * announces a data endpoint, the next flow to it is that flow's data channel (returned, so the
   * control flow can name its data connection once it opens).
   */
  heard(controlFlowId: number, control: FlowKey, lines: LineConversation, item: LineItem): DataChannel | undefined {
    const fromClient = item.dir === lines.clientDir;
    const first = item.text.charCodeAt(0) | 0x20;
    if (fromClient ? first !== 0x70 && first !== 0x65 : first !== 0x32) return undefined;
    const announced = announcedEndpoint(item.text, fromClient);
    if (!announced) return undefined;
    const entry: Waiting = { channel: { controlFlowId, control: lines, announcement: lines.items.lastIndexOf(item), command: undefined, dataFlowId: undefined }, claimed: false };
    // Behind NAT the announced address is not the one captured: the control connection's own peer address stands for it too.
    const own = fromClient ? control.client.addr : control.server.addr;
    for (const addr of new Set([announced.addr ?? own, own])) this.wait(`${addr}|${announced.port}`, entry);
    return entry.channel;
  }

  /** The data channel new flow `flowId` to `server` is, if one was announced (it is then no longer waiting). */
  claim(server: Endpoint, flowId: number): DataChannel | undefined {
    const key = `${server.addr}|${server.port}`;
    const queue = this.waiting.get(key);
    if (!queue) return undefined;
    let entry: Waiting | undefined;
    while (entry === undefined && queue.length > 0) {
      const next = queue.shift()!;
      if (!next.claimed) entry = next;
    }
    if (queue.length === 0) this.waiting.delete(key);
    if (!entry) return undefined;
    entry.claimed = true;
    entry.channel.dataFlowId = flowId;
    return entry.channel;
  }

  private wait(key: string, entry: Waiting): void {
    const queue = this.waiting.get(key);
    if (queue) {
      if (queue.length < MAX_PER_ENDPOINT) queue.push(entry);
      return;
    }
    this.waiting.set(key, [entry]);
    if (this.waiting.size > MAX_ENDPOINTS) this.waiting.delete(this.waiting.keys().next().value!);
  }
}
