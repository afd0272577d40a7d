import { describe, expect, it } from 'vitest';
import { DirectionState, Flow } from '../../src/reassembly/flowState.js';

describe('DirectionState', () => {
  it('reads the rare fields as their initial values and makes no rare state for them', () => {
    const d = new DirectionState('c2s');
    d.peerCloseOffset = -1;
    d.ackLossArmedAt = -1;
    d.lastGapEnd = 0;
    d.tentativeUntil = -1;
    d.conflictNotes = 0;
    expect([d.peerCloseOffset, d.ackLossArmedAt, d.lastGapEnd, d.tentativeUntil, d.conflictNotes]).toEqual([-1, -1, 0, -1, 0]);
    expect(d.rare).toBeNull();
  });

  it('makes the rare state at the first other value, and keeps each field', () => {
    const d = new DirectionState('s2c');
    d.tentativeUntil = 9;
    expect(d.rare).not.toBeNull();
    d.conflictNotes++;
    d.lastGapEnd = 100;
    d.ackLossArmedAt = 4;
    d.peerCloseOffset = 7;
    d.tentativeUntil = -1;
    expect([d.peerCloseOffset, d.ackLossArmedAt, d.lastGapEnd, d.tentativeUntil, d.conflictNotes]).toEqual([7, 4, 100, -1, 1]);
  });

  it('keeps its flags apart', () => {
    const d = new DirectionState('c2s');
    expect([d.started, d.synSeen, d.halfClosed]).toEqual([false, false, false]);
    d.sawSyn();
    expect([d.started, d.synSeen, d.halfClosed]).toEqual([false, true, false]);
    d.start(1);
    d.closeHalf();
    expect([d.started, d.synSeen, d.halfClosed]).toEqual([true, true, true]);
  });

  it('holds the next sequence number as a small integer, with the same arithmetic across 2^31 and 2^32', () => {
    const d = new DirectionState('c2s');
    d.start(0xffff_fff0);
    expect(d.nextSeq).toBe(-16);
    expect(d.isn).toBe(0xffff_ffef);
    expect(d.offsetOf(0xffff_fff0)).toBe(0);
    expect(d.offsetOf(0x10)).toBe(0x20);
    d.start(0x7fff_ffff);
    expect(d.offsetOf(0x8000_0004)).toBe(5);
    expect(d.isn).toBe(0x7fff_fffe);
  });
});

describe('Flow', () => {
  const key = { client: { addr: '10.0.0.1', port: 1 }, server: { addr: '10.0.0.2', port: 2 } };
  it('keeps the first packet time only of a flow without a SYN', () => {
    expect(new Flow(1, key, 0, true, 1_000, 1_000).guessedStart).toBeNull();
    const guessed = new Flow(2, key, 0, false, 2_000, 2_000);
    expect(guessed.guessedStart).toBe(2_000);
    expect(guessed.handshake).toBe(false);
  });
});
