import { describe, expect, it } from 'vitest';
import { loopsBack } from '../../src/proxy/selfLoop.js';

describe('loopsBack', () => {
  it('finds a target that is a listener: its address, localhost for loopback, any local address for a wildcard', () => {
    const loopback = [{ address: '127.0.0.1', port: 8080 }];
    expect(loopsBack('127.0.0.1', 8080, loopback)).toBe(true);
    expect(loopsBack('localhost', 8080, loopback)).toBe(true);
    expect(loopsBack('::ffff:127.0.0.1', 8080, loopback)).toBe(true);
    expect(loopsBack('127.0.0.1', 8081, loopback)).toBe(false);
    expect(loopsBack('127.0.0.2', 8080, loopback)).toBe(false);
    expect(loopsBack('example.com', 8080, loopback)).toBe(false);
    // Other spellings of this machine: a wildcard target, upper case, inet_aton's short forms.
    expect(loopsBack('0.0.0.0', 8080, loopback)).toBe(true);
    expect(loopsBack('LOCALHOST', 8080, loopback)).toBe(true);
    expect(loopsBack('127.1', 8080, loopback)).toBe(true);
    expect(loopsBack('2130706433', 8080, loopback)).toBe(true);
    expect(loopsBack('127.0.1', 8080, loopback)).toBe(true);
    expect(loopsBack('127.0.2', 8080, loopback)).toBe(false);
    const everywhere = [{ address: '::', port: 9000 }];
    expect(loopsBack('127.0.0.1', 9000, everywhere)).toBe(true);
    expect(loopsBack('0.0.0.0', 9000, everywhere)).toBe(true);
    expect(loopsBack('::1', 9000, everywhere)).toBe(true);
    expect(loopsBack('192.0.2.7', 9000, everywhere)).toBe(false);
  });
});
