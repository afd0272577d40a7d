import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { hostPortProblem, parseForwardSpec, parseHostPort } from '../../src/proxy/forwardSpec.js';

describe('parseForwardSpec', () => {
  const good: Array<[string, string, number, string, number]> = [
    ['8080:example.com:80', '127.0.0.1', 8080, 'example.com', 80],
    ['8080:10.0.0.1:80', '127.0.0.1', 8080, '10.0.0.1', 80],
    ['127.0.0.1:8080:localhost:80', '127.0.0.1', 8080, 'localhost', 80],
    ['localhost:8080:db:5432', 'localhost', 8080, 'db', 5432],
    ['0.0.0.0:8080:db:5432', '0.0.0.0', 8080, 'db', 5432],
    ['*:8080:db:5432', '0.0.0.0', 8080, 'db', 5432],
    ['[::1]:8080:[::1]:80', '::1', 8080, '::1', 80],
    ['[::]:8080:db:80', '::', 8080, 'db', 80],
    ['8080:[2001:db8::1]:443', '127.0.0.1', 8080, '2001:db8::1', 443],
    ['[fe80::1]:1:[::ffff:10.0.0.1]:65535', 'fe80::1', 1, '::ffff:10.0.0.1', 65535],
    ['0:127.0.0.1:9', '127.0.0.1', 0, '127.0.0.1', 9],
    ['65535:my_host.internal.:22', '127.0.0.1', 65535, 'my_host.internal.', 22],
    ['08080:h:080', '127.0.0.1', 8080, 'h', 80],
  ];
  for (const [text, bindAddress, bindPort, targetHost, targetPort] of good) {
    it(`parses ${text}`, () => {
      expect(parseForwardSpec(text)).toEqual({ bindAddress, bindPort, targetHost, targetPort });
    });
  }

  const bad: Array<[string, RegExp]> = [
    ['80:x', /^bad -L "80:x": expected \[bind:\]port:host:hostport$/],
    ['', /expected \[bind:\]port:host:hostport/],
    ['80', /expected/],
    ['a:b:c:d:e', /expected/],
    ['8080:::1:80', /expected|bad target host/], // unbracketed IPv6
    ['8080:2001:db8::1:443', /expected/],
    ['x:example.com:80', /listen port "x"/],
    ['65536:h:80', /listen port "65536"/],
    ['-1:h:80', /listen port "-1"/],
    ['8080:h:0', /target port "0" is not a number in 1\.\.65535/],
    ['8080:h:70000', /target port "70000"/],
    ['8080:h:', /target port ""/],
    ['8080::80', /bad target host ""/],
    [':8080:h:80', /empty bind address: give 0\.0\.0\.0 \(or \*\) to listen on all interfaces/],
    ['8080:[::1:80', /unbalanced brackets/],
    ['8080:::1]:80', /unbalanced brackets/],
    ['8080:[[::1]]:80', /unbalanced brackets/],
    ['8080:[example.com]:80', /bad target host "\[example.com\]"/],
    ['8080:[1.2.3.4]:80', /bad target host/],
    ['8080:999.1.1.1:80', /bad target host "999.1.1.1"/],
    ['8080:bad host:80', /bad target host/],
    ['8080:-h:80', /bad target host/],
    ['8080:h:80 ', /target port "80 "/],
    ['1.2.3.4.5:8080:h:80', /bad bind address/],
    ['8080:h:1e3', /target port/],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      let caught: unknown;
      try {
        parseForwardSpec(text);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(UserError);
      const msg = (caught as UserError).message;
      expect(msg).toMatch(message);
      expect(msg.startsWith(`bad -L "${text}": `)).toBe(true);
      expect(msg).not.toContain('\n');
    });
  }
});

describe('parseHostPort (the r key\'s retarget)', () => {
  it('takes what an -L target takes, brackets removed', () => {
    expect(parseHostPort('example.com:443')).toEqual({ host: 'example.com', port: 443 });
    expect(parseHostPort('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseHostPort('10.0.0.1:65535')).toEqual({ host: '10.0.0.1', port: 65535 });
  });

  it('refuses what an -L target refuses', () => {
    for (const text of ['[abc]:80', '[:::]:80', '999.1.1.1:80', '-foo:80', 'host:0', 'host:70000', '::1:80', 'host', 'a:b:c']) {
      expect(parseHostPort(text), text).toBeUndefined();
    }
  });

  it('says why in -L\'s words: the port, the host, or the shape', () => {
    expect(hostPortProblem('127.0.0.1:99999')).toBe('port "99999" is not a number in 1..65535');
    expect(hostPortProblem('host:0')).toBe('port "0" is not a number in 1..65535');
    expect(hostPortProblem('-foo:80')).toBe('bad host "-foo", expected host:port');
    expect(hostPortProblem('host')).toBe('expected host:port');
    expect(hostPortProblem('a:b:c')).toBe('expected host:port');
  });
});
