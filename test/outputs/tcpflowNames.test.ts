import { describe, expect, it } from 'vitest';
import { glibcInet6Ntop, parseIPv6, tcpflowAddress, tcpflowFlowName } from '../../src/outputs/tcpflowNames.js';
import { CASES } from './tcpflowNames.cases.js';

describe('tcpflowFlowName', () => {
  for (const c of CASES) {
    it(`reproduces tcpflow 1.6.1's names for ${c.pcap}`, () => {
      expect([...c.names].sort()).toEqual([...c.observed].sort());
    });
  }

  it('builds IPv4 names with padding, VLAN and connection index in tcpflow order', () => {
    const a = { addr: '10.0.0.1', port: 20000 };
    const b = { addr: '10.0.0.2', port: 80 };
    expect(tcpflowFlowName(a, b, undefined, 0)).toBe('010.000.000.001.20000-010.000.000.002.00080');
    expect(tcpflowFlowName(a, b, 42, 0)).toBe('010.000.000.001.20000-010.000.000.002.00080--42');
    expect(tcpflowFlowName(a, b, 42, 2)).toBe('010.000.000.001.20000-010.000.000.002.00080--42c2');
    expect(tcpflowFlowName(a, b, undefined, 1)).toBe('010.000.000.001.20000-010.000.000.002.00080c1');
    expect(tcpflowFlowName(a, b, 0, 0)).toBe('010.000.000.001.20000-010.000.000.002.00080--0');
    expect(tcpflowFlowName({ addr: '255.255.255.255', port: 65535 }, { addr: '0.0.0.0', port: 0 }, undefined, 0)).toBe(
      '255.255.255.255.65535-000.000.000.000.00000',
    );
  });
});

describe('tcpflowAddress (glibc inet_ntop for IPv6)', () => {
  it('formats like glibc', () => {
    expect(tcpflowAddress('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(tcpflowAddress('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // one zero group: no ::
    expect(tcpflowAddress('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1'); // longest run wins
    expect(tcpflowAddress('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // first of equal runs
    expect(tcpflowAddress('::')).toBe('::');
    expect(tcpflowAddress('::1')).toBe('::1');
    expect(tcpflowAddress('fe80::')).toBe('fe80::');
    expect(tcpflowAddress('::ffff:1.2.3.4')).toBe('::ffff:1.2.3.4');
    expect(tcpflowAddress('::ffff:102:304')).toBe('::ffff:1.2.3.4');
    expect(tcpflowAddress('::102:304')).toBe('::1.2.3.4'); // IPv4-compatible, as glibc prints it
    expect(tcpflowAddress('64:ff9b::102:304')).toBe('64:ff9b::102:304');
  });

  it('keeps anything unparseable as one safe path component', () => {
    expect(tcpflowAddress('../../etc/passwd')).toBe('.._.._etc_passwd');
    expect(tcpflowAddress('fe80::1%eth0')).toBe('fe80::1%eth0');
    expect(tcpflowAddress('')).toBe('_');
    expect(tcpflowAddress('1.2.3.256')).toBe('1.2.3.256');
  });

  it('parses and re-formats', () => {
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6('1::2:3:4:5:6:7:8')).toBeUndefined();
    expect(parseIPv6('1:2')).toBeUndefined();
    expect(parseIPv6('1:::2')).toBeUndefined();
    expect(glibcInet6Ntop([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::');
  });
});
