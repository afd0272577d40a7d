import { describe, expect, it } from 'vitest';
import { RedrawScheduler, type RedrawClock } from '../../src/tui/redraw.js';

/** A manual clock: time moves only in `advance`, which runs the timers that fall due. */
function fakeClock(): RedrawClock & { advance(ms: number): void; spend(ms: number): void; pending(): number } {
  let time = 1000;
  let nextId = 0;
  const timers = new Map<number, { due: number; callback: () => void }>();
  return {
    now: () => time,
    setTimeout(callback, ms) {
      timers.set(++nextId, { due: time + ms, callback });
      return nextId;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    pending: () => timers.size,
    /** Time a draw takes: moves the clock without running timers. */
    spend(ms) {
      time += ms;
    },
    advance(ms) {
      const end = time + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.due <= end).sort((a, b) => a[1].due - b[1].due)[0];
        if (!due) break;
        timers.delete(due[0]);
        time = due[1].due;
        due[1].callback();
      }
      time = Math.max(time, end);
    },
  };
}

function setup() {
  const clock = fakeClock();
  const draws: number[] = [];
  const scheduler = new RedrawScheduler(() => draws.push(clock.now()), 33, clock);
  return { clock, draws, scheduler };
}

describe('RedrawScheduler', () => {
  it('draws at once for a key', () => {
    const { draws, scheduler, clock } = setup();
    scheduler.now();
    scheduler.now();
    expect(draws).toEqual([1000, 1000]);
    expect(clock.pending()).toBe(0);
  });

  it('draws once for the keys of one read (a paste), after them and before any timer', async () => {
    const { draws, scheduler, clock } = setup();
    for (let i = 0; i < 8000; i++) scheduler.afterKeys();
    expect(draws).toEqual([]);
    await Promise.resolve();
    expect(draws).toEqual([1000]);
    expect(clock.pending()).toBe(0);
    scheduler.afterKeys();
    scheduler.now();
    await Promise.resolve();
    expect(draws).toEqual([1000, 1000]);
    scheduler.afterKeys();
    scheduler.cancel();
    await Promise.resolve();
    expect(draws).toHaveLength(2);
  });

  it('merges engine updates into one draw per interval', () => {
    const { draws, scheduler, clock } = setup();
    for (let i = 0; i < 100; i++) scheduler.soon();
    clock.advance(0);
    expect(draws).toEqual([1000]);
    for (let i = 0; i < 100; i++) {
      scheduler.soon();
      clock.advance(1);
    }
    // 100 updates over 100 ms after a draw at 1000: draws at 1033, 1066, 1099.
    expect(draws).toEqual([1000, 1033, 1066, 1099]);
    clock.advance(1000);
    expect(draws).toHaveLength(5);
    expect(clock.pending()).toBe(0);
  });

  it('sets no timer when nothing changes', () => {
    const { draws, clock } = setup();
    clock.advance(10_000);
    expect(draws).toEqual([]);
    expect(clock.pending()).toBe(0);
  });

  it('lets a key draw take a pending update with it', () => {
    const { draws, scheduler, clock } = setup();
    scheduler.now();
    scheduler.soon();
    clock.advance(5);
    scheduler.now();
    clock.advance(100);
    expect(draws).toEqual([1000, 1005]);
  });

  it('holds updates back while paused, draws one on resume, keys still draw', () => {
    const { draws, scheduler, clock } = setup();
    scheduler.soon();
    scheduler.pause();
    expect(scheduler.isPaused).toBe(true);
    scheduler.soon();
    clock.advance(500);
    expect(draws).toEqual([]);
    scheduler.now();
    expect(draws).toEqual([1500]);
    scheduler.soon();
    scheduler.resume();
    clock.advance(100);
    expect(draws).toEqual([1500, 1533]);
    scheduler.pause();
    scheduler.resume();
    clock.advance(100);
    expect(draws).toHaveLength(2);
  });

  it('after a slow draw, leaves the engines four times its duration before drawing their updates again', () => {
    const clock = fakeClock();
    const draws: number[] = [];
    let cost = 250;
    const scheduler = new RedrawScheduler(() => {
      draws.push(clock.now());
      clock.spend(cost);
    }, 33, clock);
    // An engine update every millisecond (a relayed download) until `end`.
    const busyUntil = (end: number) => {
      while (clock.now() < end) {
        scheduler.soon();
        clock.advance(1);
      }
    };
    busyUntil(5999);
    // Each draw takes 250 ms and is followed by 1 s without drawing: a fifth of the time draws.
    expect(draws).toEqual([1000, 2250, 3500, 4750]);
    // Cheap draws again: one per interval.
    cost = 1;
    busyUntil(6100);
    expect(draws.slice(4)).toEqual([6000, 6033, 6066, 6099]);
    // A key draws at once, whatever the last draw cost.
    cost = 500;
    scheduler.now();
    scheduler.now();
    expect(draws.slice(-2)).toEqual([clock.now() - 1000, clock.now() - 500]);
  });

  it('an update that comes during a slow draw waits for the spare after it too', () => {
    const clock = fakeClock();
    const draws: number[] = [];
    const scheduler = new RedrawScheduler(() => {
      draws.push(clock.now());
      scheduler.soon();
      clock.spend(100);
    }, 33, clock);
    scheduler.now();
    clock.advance(1000);
    // Each 100 ms draw asks for the next one: 400 ms without drawing after each.
    expect(draws).toEqual([1000, 1500, 2000]);
  });

  it('cancel drops a pending draw', () => {
    const { draws, scheduler, clock } = setup();
    scheduler.soon();
    scheduler.cancel();
    clock.advance(100);
    expect(draws).toEqual([]);
  });
});
