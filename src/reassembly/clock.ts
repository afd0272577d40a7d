/**
 * The reassembler's clock (R12, R16, R18): the highest capture time fed, the activity list of
 * open flows (idle expiry, eviction, finish order) and the queue of flows lingering after a RST
 * or a close that crossed data (R11).
 * It orders flows; the core ends them (through the callbacks given here).
 */
import type { Micros } from '../core/types.js';
import type { Flow } from './flowState.js';

/** Upper bound of the activity-list granularity (capture time); smaller for short idle timeouts. */
const MAX_ACTIVITY_STEP = 1_000_000;

/** Time, activity order and linger deadlines (after a RST or a close) of one reassembler's open flows. */
export class FlowClock {
  /** Highest capture time fed so far (capture timestamps may step back a little). */
  now: Micros = Number.NEGATIVE_INFINITY;
  /** Linger deadline of the first lingering flow, +Infinity when none is lingering. */
  nextLingerDeadline: Micros = Number.POSITIVE_INFINITY;
  /**
   * A flow moves to the newest end of the activity list only when its packet comes this long or
   * more after its last move: the list is ordered by last activity to within one step.
   */
  readonly activityStep: number;
  /** Open flows in order of `touchedAt`, oldest first (linked through `older`/`newer`). */
  oldest: Flow | null = null;
  private newest: Flow | null = null;
  /** Flows waiting for their linger deadline (reset, or closing), in deadline order (ended ones are skipped). */
  private lingering: Flow[] = [];
  private lingeringHead = 0;
  /** `now` of the last idle scan, and the least advance of `now` that makes another scan worth it. */
  private lastIdleScan: Micros = Number.NEGATIVE_INFINITY;
  private readonly idleScanStep: number;

  constructor(private readonly idleTimeout: Micros) {
    this.activityStep = Math.max(1, Math.min(MAX_ACTIVITY_STEP, idleTimeout / 8));
    this.idleScanStep = this.activityStep / 4;
  }

  /** Appends a new flow at the newest end of the activity list. */
  append(flow: Flow): void {
    const newest = this.newest;
    flow.older = newest;
    flow.newer = null;
    if (newest === null) this.oldest = flow;
    else newest.newer = flow;
    this.newest = flow;
  }

  /** Takes a flow out of the activity list. */
  unlink(flow: Flow): void {
    const older = flow.older;
    const newer = flow.newer;
    if (older === null) this.oldest = newer;
    else older.newer = newer;
    if (newer === null) this.newest = older;
    else newer.older = older;
    flow.older = null;
    flow.newer = null;
  }

  /** Moves a flow to the newest end of the activity list, at `clock` (the highest time fed). */
  touch(flow: Flow, clock: Micros): void {
    flow.touchedAt = clock;
    if (this.newest === flow) return;
    this.unlink(flow);
    this.append(flow);
  }

  /** Queues a reset or closing flow until its linger deadline (deadlines come in increasing order). */
  addLingering(flow: Flow): void {
    if (this.lingeringHead === this.lingering.length) this.nextLingerDeadline = lingerDeadline(flow);
    this.lingering.push(flow);
  }

  /** Calls `end` for each lingering flow whose deadline is before `now`, oldest first. */
  endLingering(now: Micros, end: (flow: Flow) => void): void {
    const queue = this.lingering;
    let head = this.lingeringHead;
    while (head < queue.length) {
      const flow = queue[head];
      if (!flow.ended) {
        if (lingerDeadline(flow) >= now) break;
        end(flow);
      }
      head++;
    }
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head >= 1024 && head * 2 >= queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    this.lingeringHead = head;
    this.nextLingerDeadline = head < queue.length ? lingerDeadline(queue[head]) : Number.POSITIVE_INFINITY;
  }

  /**
   * Calls `end` for every flow idle longer than the idle timeout at `now` (R16). Scans only when
   * `now` advanced by a quarter activity step since the last scan; stops at the first flow
   * touched at or after the cutoff.
   */
  endIdle(now: Micros, end: (flow: Flow) => void): void {
    if (now >= this.lastIdleScan && now - this.lastIdleScan < this.idleScanStep) return;
    this.lastIdleScan = now;
    const cutoff = now - this.idleTimeout;
    // touchedAt <= lastActive: nothing after the first flow touched at or after the cutoff is idle.
    let flow = this.oldest;
    while (flow !== null && flow.touchedAt < cutoff) {
      const newer = flow.newer;
      if (flow.lastActive < cutoff) end(flow);
      flow = newer;
    }
  }

  /**
   * Calls `end` for the open flows, oldest first, at most `max` of them (`end` must take each
   * off the activity list); once none is left, empties the linger queue (R17). Returns true then.
   */
  endAll(end: (flow: Flow) => void, max = Number.POSITIVE_INFINITY): boolean {
    let flow = this.oldest;
    for (let ended = 0; flow !== null && ended < max; ended++) {
      const newer = flow.newer;
      end(flow);
      flow = newer;
    }
    if (flow !== null) return false;
    this.lingering = [];
    this.lingeringHead = 0;
    this.nextLingerDeadline = Number.POSITIVE_INFINITY;
    return true;
  }
}

/** The linger deadline of a queued flow: its RST's, else its close's. */
function lingerDeadline(flow: Flow): Micros {
  return (flow.reset ?? flow.closing)!.lingerDeadline;
}
