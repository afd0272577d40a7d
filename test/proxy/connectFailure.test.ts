import { describe, expect, it } from 'vitest';
import { REFUSED, UNANSWERED, UNRESOLVED } from '../../src/core/types.js';
import { connectFailure } from '../../src/proxy/connectFailure.js';

const target = { addr: 'api.example', port: 80 };
const error = (code: string, extra: object = {}) => Object.assign(new Error(code), { code, ...extra });

describe('connectFailure', () => {
  it('names what a failed upstream connect means, and whom it was for', () => {
    expect(connectFailure(error('ECONNREFUSED', { address: '::ffff:192.0.2.7', port: 80 }), target, undefined)).toEqual({ server: { addr: '192.0.2.7', port: 80 }, reason: 'rst', detail: REFUSED });
    expect(connectFailure(error('ETIMEDOUT'), target, { addr: '192.0.2.7', port: 80 })).toEqual({ server: { addr: '192.0.2.7', port: 80 }, reason: 'timeout', detail: UNANSWERED });
    expect(connectFailure(error('ENOTFOUND', { syscall: 'getaddrinfo' }), target, undefined)).toEqual({ server: target, reason: 'error', detail: UNRESOLVED });
    expect(connectFailure(error('EHOSTUNREACH'), target, { addr: '192.0.2.7', port: 80 })).toBeUndefined();
  });

  it('a timeout before any address was tried is the name lookup\'s: no SYN was sent', () => {
    expect(connectFailure(error('ETIMEDOUT'), target, undefined)).toEqual({ server: target, reason: 'error', detail: UNRESOLVED });
  });
});
