import { describe, expect, it } from 'vitest';
import { upstreamFailure } from '../../src/proxy/connectFailure.js';

const target = 'api.example:80';
const error = (code: string, extra: object = {}) => Object.assign(new Error(`connect ${code} 192.0.2.7:80`), { code, ...extra });

describe('upstreamFailure', () => {
  it('names the upstream, what happened and the error code', () => {
    expect(upstreamFailure(error('ECONNREFUSED'), target)).toBe('upstream api.example:80 refused: ECONNREFUSED');
    expect(upstreamFailure(error('ETIMEDOUT'), target)).toBe('upstream api.example:80 timed out: ETIMEDOUT');
    expect(upstreamFailure(error('ENOTFOUND', { syscall: 'getaddrinfo' }), target)).toBe('upstream api.example:80 not resolved: ENOTFOUND');
    expect(upstreamFailure(error('EHOSTUNREACH'), target)).toBe('upstream api.example:80 unreachable: EHOSTUNREACH');
    expect(upstreamFailure(error('EACCES'), target)).toBe('upstream api.example:80 failed: connect EACCES 192.0.2.7:80');
    expect(upstreamFailure(Object.assign(new Error('connect EMFILE 127.0.0.1:8080 - Local (undefined:undefined)'), { code: 'EMFILE', syscall: 'connect' }), target)).toBe('upstream api.example:80 failed: connect EMFILE 127.0.0.1:8080');
  });

  it('every address tried (happy eyeballs) must have failed alike to be named so', () => {
    const both = (a: string, b: string) => Object.assign(new AggregateError([error(a), error(b)], ''), { code: a });
    expect(upstreamFailure(both('ECONNREFUSED', 'ECONNREFUSED'), target)).toBe('upstream api.example:80 refused: ECONNREFUSED');
    expect(upstreamFailure(both('ECONNREFUSED', 'ENETUNREACH'), target)).toBe('upstream api.example:80 failed: ECONNREFUSED, ENETUNREACH');
  });
});
