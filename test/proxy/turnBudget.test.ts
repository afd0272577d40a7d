import { describe, expect, it } from 'vitest';
import { TurnBudget } from '../../src/proxy/turnBudget.js';

/** A TurnBudget on a hand-moved clock whose end-of-turn callbacks run when the test says. */
function harness(budgetMs: number, releasePerTurn: number) {
  let now = 0;
  let pending: Array<() => void> = [];
  const budget = new TurnBudget({
    budgetMs, releasePerTurn, now: () => now, afterPoll: (callback) => { pending.push(callback); },
  });
  return {
    budget,
    advance: (ms: number) => { now += ms; },
    /** Runs the end-of-turn callbacks scheduled so far; returns how many ran. */
    endTurn: () => {
      const run = pending;
      pending = [];
      for (const callback of run) callback();
      return run.length;
    },
    scheduled: () => pending.length,
  };
}

describe('TurnBudget', () => {
  it('says a turn is used up once budgetMs passed since its first chunk, and renews it after the poll phase', () => {
    const h = harness(4, 2);
    expect(h.budget.exhausted).toBe(false);
    expect(h.budget.spend()).toBe(false);
    expect(h.scheduled()).toBe(1);
    h.advance(3);
    expect(h.budget.spend()).toBe(false);
    expect(h.budget.exhausted).toBe(false);
    h.advance(1);
    expect(h.budget.exhausted).toBe(true);
    expect(h.budget.spend()).toBe(true);
    expect(h.scheduled()).toBe(1); // one end-of-turn per turn
    expect(h.endTurn()).toBe(1);
    expect(h.budget.exhausted).toBe(false);
    h.advance(100); // idle time between turns does not count
    expect(h.budget.spend()).toBe(false);
  });

  it('resumes at most releasePerTurn parked readers per turn, oldest first, until none is left', () => {
    const h = harness(4, 2);
    const resumed: number[] = [];
    for (let i = 0; i < 5; i++) h.budget.park(() => resumed.push(i));
    expect(h.budget.parkedCount).toBe(5);
    expect(h.scheduled()).toBe(1);
    h.endTurn();
    expect(resumed).toEqual([0, 1]);
    expect(h.scheduled()).toBe(1); // more are waiting: the next turn releases again
    h.budget.park(() => resumed.push(5));
    h.endTurn();
    expect(resumed).toEqual([0, 1, 2, 3]);
    h.endTurn();
    expect(resumed).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.budget.parkedCount).toBe(0);
    expect(h.scheduled()).toBe(0); // nothing parked: no more turns scheduled
  });

  it('keeps its queue compact over many park and release rounds', () => {
    const h = harness(4, 1); // the queue grows: released ones are dropped from its front now and then
    let resumed = 0;
    for (let round = 0; round < 2000; round++) {
      h.budget.park(() => resumed++);
      h.budget.park(() => resumed++);
      h.endTurn();
    }
    while (h.endTurn() > 0);
    expect(resumed).toBe(4000);
    expect(h.budget.parkedCount).toBe(0);
  });
});
