import { describe, expect, it } from 'vitest';
import type { ProxyControl } from '../../src/engine/proxyRun.js';
import { ProxyListeners, retargetPrompt } from '../../src/cli/proxyListeners.js';

describe('the r prompt', () => {
  it('says how to name a listener when there are several, and fits an 80-column row with room to type', () => {
    expect(retargetPrompt(1)).toBe('new upstream host:port: ');
    expect(retargetPrompt(3)).toBe('new upstream host:port (N=host:port: listener N of 3): ');
    expect(retargetPrompt(3).length).toBeLessThan(60);
  });
});

/** A control of `listeners` listeners that records what it was asked. */
function control(listeners: number): ProxyControl & { calls: [number, string][] } {
  const calls: [number, string][] = [];
  return { listeners, calls, retarget: (index, target) => (calls.push([index, target]), target) };
}

describe('the proxy listeners as the status row shows them', () => {
  it('one listener on the default address: its port, then the upstream', () => {
    const one = new ProxyListeners(['8933:127.0.0.1:8941']);
    expect(one.label()).toBe('8933:127.0.0.1:8941');
    one.listening('127.0.0.1:8933', '127.0.0.1:8941');
    expect(one.bound).toBe(true);
    expect(one.label()).toBe(':8933 → 127.0.0.1:8941');
    expect(one.shorter()).toEqual([]);
    expect(one.currentTarget()).toBe('127.0.0.1:8941');
  });

  it('an address other than the default stays; several listeners have a brief form', () => {
    const two = new ProxyListeners(['*:8933:127.0.0.1:8941', '8934:[::1]:8941']);
    two.listening('0.0.0.0:8933', '127.0.0.1:8941');
    expect(two.bound).toBe(false);
    two.listening('127.0.0.1:8934', '[::1]:8941');
    expect(two.label()).toBe('0.0.0.0:8933 → 127.0.0.1:8941, :8934 → [::1]:8941');
    expect(two.shorter()).toEqual(['0.0.0.0:8933 → 127.0.0.1:8941, +1 more', '2 listeners']);
    expect(two.currentTarget()).toBe('1=127.0.0.1:8941');
    expect(new ProxyListeners(['1:h:2', '3:h:4', '5:h:6']).shorter()).toEqual(['1:h:2, 3:h:4, +1 more', '1:h:2, +2 more', '3 listeners']);
  });
});

describe('r with several listeners', () => {
  it('a bare host:port is refused, saying how to name one; N=host:port retargets listener N', () => {
    const two = new ProxyListeners(['8933:127.0.0.1:8941', '8934:127.0.0.1:8941']);
    two.listening('127.0.0.1:8933', '127.0.0.1:8941');
    two.listening('127.0.0.1:8934', '127.0.0.1:8941');
    const proxy = control(2);
    expect(() => two.retarget(proxy, 'example.com:80')).toThrow('which listener? N=host:port, N from 1 to 2');
    expect(proxy.calls).toEqual([]);
    expect(two.retarget(proxy, '2=example.com:80')).toBe('new connections to :8934 go to example.com:80');
    expect(proxy.calls).toEqual([[1, 'example.com:80']]);
    expect(two.label()).toBe(':8933 → 127.0.0.1:8941, :8934 → example.com:80');
  });

  it('with one listener a bare host:port retargets it', () => {
    const one = new ProxyListeners(['8933:127.0.0.1:8941']);
    one.listening('127.0.0.1:8933', '127.0.0.1:8941');
    expect(one.retarget(control(1), 'example.com:80')).toBe('new connections go to example.com:80');
    expect(one.label()).toBe(':8933 → example.com:80');
  });
});
