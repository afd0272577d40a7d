import { describe, expect, it } from 'vitest';
import { guessSenderIsClient, isServicePort } from '../../src/reassembly/ports.js';

describe('guessing the client without a handshake', () => {
  it.each([
    // [sender port, receiver port, sender is the client]
    [51000, 80, true], // service port marks the server
    [80, 51000, false],
    [443, 8443, true], // both service ports: the first sender is the client
    [40211, 6000, true], // X11 display :0
    [6010, 40211, false], // ssh X forwarding display :10
    [40000, 12345, true], // neither a service port: the ephemeral side is the client
    [12345, 40000, false],
    [20000, 21000, true], // nothing to go by: the first sender
    [50000, 60000, true],
  ])('sender %i, receiver %i: sender is client = %s', (src, dst, expected) => {
    expect(guessSenderIsClient(src, dst)).toBe(expected);
  });

  it('knows service ports', () => {
    expect(isServicePort(22)).toBe(true);
    expect(isServicePort(5432)).toBe(true);
    expect(isServicePort(6063)).toBe(true);
    expect(isServicePort(6064)).toBe(false);
    expect(isServicePort(40000)).toBe(false);
  });
});
