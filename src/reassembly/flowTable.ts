/**
 * The flow table (R1, R14): open flows by a seeded, direction-independent hash of the 4-tuple +
 * VLAN (chains through `Flow.hashNext`), a port-indexed cache checked first, and the bounded
 * table of recently closed flows. Owns no flow: the core adds a flow when it starts and removes
 * it when it ends.
 */
import type { Micros } from '../core/types.js';
import type { TcpSegment } from '../decode/types.js';
import type { Flow } from './flowState.js';

/** Slots of the port-indexed lookup cache (a power of two). */
const PORT_CACHE_SIZE = 4096;

/** Slots of the open-flow table when it is made (a power of two); it doubles as flows come. */
const MIN_FLOW_SLOTS = 1024;

/** `count` empty slots, in a packed array (`new Array(n)` of 100,000 or more makes a slow dictionary). */
function emptySlots(count: number): (Flow | null)[] {
  const slots: (Flow | null)[] = [];
  for (let i = 0; i < count; i++) slots.push(null);
  return slots;
}

/** Slot of a flow in the port-indexed lookup cache: the same for both directions. */
function portSlot(portA: number, portB: number): number {
  return (portA ^ portB) & (PORT_CACHE_SIZE - 1);
}

/** What is remembered of a closed flow for R14 (late packets). */
export interface ClosedFlow {
  readonly closedAt: Micros;
  readonly clientAddr: string;
  readonly clientPort: number;
  /** ISN of the client and server, or -1 when not seen. */
  readonly clientIsn: number;
  readonly serverIsn: number;
}

/** A remembered closed flow with its key in the table. */
interface ClosedEntry extends ClosedFlow {
  readonly key: string;
}

/**
 * Hash of one endpoint: address text and port (FNV-1a over the characters, then a murmur3
 * finalizer), seeded per reassembler so a crafted capture cannot aim at one chain.
 */
function endpointHash(seed: number, addr: string, port: number): number {
  let h = seed ^ port;
  for (let i = 0; i < addr.length; i++) h = Math.imul(h ^ addr.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Flow-table hash of a segment's 4-tuple + VLAN: the same for both directions (the endpoint
 * hashes are added), a non-negative integer within `mask`, whose low bits pick the table's
 * slot. Equal tuples give equal hashes; different ones may collide (the table chains them).
 */
function flowHash(seed: number, mask: number, segment: TcpSegment): number {
  let h = (endpointHash(seed, segment.srcAddr, segment.srcPort) + endpointHash(seed, segment.dstAddr, segment.dstPort)) | 0;
  const vlan = segment.vlan;
  if (vlan !== undefined) h = Math.imul(h ^ (vlan + 1), 0x9e3779b1);
  return h & mask;
}

/** Canonical text key of a 4-tuple + VLAN, the same for both directions (recently-closed table). */
export function flowMapKey(aAddr: string, aPort: number, bAddr: string, bPort: number, vlan: number | undefined): string {
  const aFirst = aAddr < bAddr || (aAddr === bAddr && aPort <= bPort);
  const v = vlan === undefined ? '' : String(vlan);
  return aFirst ? `${v}|${aAddr}|${aPort}|${bAddr}|${bPort}` : `${v}|${bAddr}|${bPort}|${aAddr}|${aPort}`;
}

/** The recently-closed table's key of a flow. */
export function closedKey(flow: Flow): string {
  return flowMapKey(flow.clientAddr, flow.clientPort, flow.serverAddr, flow.serverPort, flow.vlan);
}

/** True when `segment` belongs to `flow` (either direction). */
export function matches(flow: Flow, segment: TcpSegment): boolean {
  if (flow.vlan !== segment.vlan) return false;
  const srcPort = segment.srcPort;
  const dstPort = segment.dstPort;
  if (srcPort === flow.clientPort && dstPort === flow.serverPort && segment.srcAddr === flow.clientAddr && segment.dstAddr === flow.serverAddr) {
    return true;
  }
  return srcPort === flow.serverPort && dstPort === flow.clientPort && segment.srcAddr === flow.serverAddr && segment.dstAddr === flow.clientAddr;
}

/** True when `segment` (of `flow`) goes from client to server; a self-connection counts as such. */
export function isFromClient(flow: Flow, segment: TcpSegment): boolean {
  return segment.srcPort === flow.clientPort && segment.srcAddr === flow.clientAddr;
}

/** Open flows and recently closed ones, found by a segment's 4-tuple + VLAN. */
export class FlowTable {
  /**
   * Open flows by {@link flowHash}: slot `hash & (slots.length - 1)` holds the head of a chain
   * linked by `Flow.hashNext`, or null. Doubled when the flows outnumber the slots; never shrunk
   * (8 bytes a slot: an array costs less per flow than a Map's entries).
   */
  private slots: (Flow | null)[] = emptySlots(MIN_FLOW_SLOTS);
  private openFlows = 0;
  private readonly hashSeed = (Math.random() * 0x1_0000_0000) | 0;
  private readonly hashMask: number;
  /** flowHash of the segment of the last {@link lookup} that missed (for {@link add}). */
  missedHash = 0;
  /**
   * In each slot (see {@link portSlot}), the open flow last looked up or started there: a lookup
   * that hits here costs no hashing of address text. Never holds an ended flow.
   */
  private readonly byPorts: (Flow | null)[] = new Array<Flow | null>(PORT_CACHE_SIZE).fill(null);
  /** Recently closed flows by {@link flowMapKey}. */
  private readonly recentlyClosed = new Map<string, ClosedEntry>();
  /**
   * The entries in the order they closed, oldest at `closedHead`: a ring of `maxRecentlyClosed`
   * slots, so that the oldest is found without walking a Map's deleted entries (which V8 keeps
   * at its front until it rehashes: O(n) per eviction). A slot whose entry the map no longer
   * holds (forgotten, or remembered again later) is skipped.
   */
  private readonly closedOrder: (ClosedEntry | undefined)[];
  private closedHead = 0;
  private closedCount = 0;
  /** False once the capture is over: flows ended then are not remembered (nothing follows them). */
  private remembering = true;

  /** `hashBits`: 1..30 (only speed depends on it); `maxRecentlyClosed`: size of the closed table. */
  constructor(hashBits: number, private readonly maxRecentlyClosed: number) {
    this.hashMask = 2 ** Math.max(1, Math.min(30, Math.floor(hashBits))) - 1;
    this.closedOrder = new Array<ClosedEntry | undefined>(maxRecentlyClosed).fill(undefined);
  }

  /** The segment's open flow when the port cache holds it, else null. */
  cached(segment: TcpSegment): Flow | null {
    const recent = this.byPorts[portSlot(segment.srcPort, segment.dstPort)];
    return recent !== null && matches(recent, segment) ? recent : null;
  }

  /** The segment's open flow from the hashed table, or null (then {@link missedHash} is its hash); caches a hit. */
  lookup(segment: TcpSegment): Flow | null {
    const hash = flowHash(this.hashSeed, this.hashMask, segment);
    const slots = this.slots;
    let flow = slots[hash & (slots.length - 1)];
    while (flow !== null && !matches(flow, segment)) flow = flow.hashNext;
    if (flow !== null) {
      this.byPorts[portSlot(segment.srcPort, segment.dstPort)] = flow;
      return flow;
    }
    this.missedHash = hash;
    return null;
  }

  /** Adds a new open flow (its `hash` computed by {@link lookup}) and caches it. */
  add(flow: Flow): void {
    if (this.openFlows >= this.slots.length) this.grow();
    this.openFlows++;
    const slots = this.slots;
    const chain = flow.hash & (slots.length - 1);
    flow.hashNext = slots[chain];
    slots[chain] = flow;
    this.byPorts[portSlot(flow.clientPort, flow.serverPort)] = flow;
  }

  /** Takes an ending flow out of its hash chain and the port cache. */
  remove(flow: Flow): void {
    const slots = this.slots;
    const chain = flow.hash & (slots.length - 1);
    let before = slots[chain];
    if (before === flow) {
      slots[chain] = flow.hashNext;
      this.openFlows--;
    } else {
      while (before !== null && before.hashNext !== flow) before = before.hashNext;
      if (before !== null) {
        before.hashNext = flow.hashNext;
        this.openFlows--;
      }
    }
    flow.hashNext = null;
    const slot = portSlot(flow.clientPort, flow.serverPort);
    if (this.byPorts[slot] === flow) this.byPorts[slot] = null;
  }

  /** Doubles the slots and moves every chain's flows to their new slots. */
  private grow(): void {
    const old = this.slots;
    const slots = emptySlots(old.length * 2);
    const mask = slots.length - 1;
    for (let i = 0; i < old.length; i++) {
      let flow = old[i];
      while (flow !== null) {
        const next = flow.hashNext;
        const slot = flow.hash & mask;
        flow.hashNext = slots[slot];
        slots[slot] = flow;
        flow = next;
      }
    }
    this.slots = slots;
  }

  /** The closed flow remembered under `key` ({@link flowMapKey}), if any. */
  closed(key: string): ClosedFlow | undefined {
    return this.recentlyClosed.get(key);
  }

  /** Forgets the closed flow under `key`. */
  forgetClosed(key: string): void {
    this.recentlyClosed.delete(key);
  }

  /** Remembers an ended flow for R14 (the oldest entry goes when the table is full). */
  rememberClosed(flow: Flow, ts: Micros): void {
    const max = this.maxRecentlyClosed;
    if (max === 0 || !this.remembering) return;
    const entry: ClosedEntry = {
      key: closedKey(flow),
      closedAt: ts,
      clientAddr: flow.clientAddr,
      clientPort: flow.clientPort,
      clientIsn: flow.c2s.synSeen ? flow.c2s.isn : -1,
      serverIsn: flow.s2c.synSeen ? flow.s2c.isn : -1,
    };
    this.recentlyClosed.set(entry.key, entry);
    if (this.closedCount === max) this.dropOldestClosed();
    this.closedOrder[(this.closedHead + this.closedCount) % max] = entry;
    this.closedCount++;
  }

  /** The capture is over: flows ended from now on are not remembered. */
  stopRemembering(): void {
    this.remembering = false;
  }

  /** Forgets closed flows closed more than `linger` before `now`. */
  expireClosed(now: Micros, linger: Micros): void {
    while (this.closedCount > 0) {
      const oldest = this.closedOrder[this.closedHead]!;
      if (this.recentlyClosed.get(oldest.key) === oldest && now - oldest.closedAt <= linger) break;
      this.dropOldestClosed();
    }
  }

  /** Takes the oldest slot out of the ring, and its entry out of the map unless it was remembered again since. */
  private dropOldestClosed(): void {
    const oldest = this.closedOrder[this.closedHead]!;
    if (this.recentlyClosed.get(oldest.key) === oldest) this.recentlyClosed.delete(oldest.key);
    this.closedOrder[this.closedHead] = undefined;
    this.closedHead = (this.closedHead + 1) % this.maxRecentlyClosed;
    this.closedCount--;
  }
}
