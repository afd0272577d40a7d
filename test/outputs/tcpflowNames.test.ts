import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlowKey } from '../../src/core/types.js';
import { glibcInet6Ntop, parseIPv6, tcpflowAddress, tcpflowDirectionName, tcpflowFlowName } from '../../src/outputs/tcpflowNames.js';

const CORPUS = '/work/shared/corpus/pcaps';
// `tcpflow -V` prints its version but exits 1, so look at the output instead of the status.
const hasTcpflow = /TCPFLOW/i.test(spawnSync('tcpflow', ['-V'], { encoding: 'utf8' }).stdout ?? '');

/** File names tcpflow 1.6.1 writes for `pcap` (report.xml left out). */
function tcpflowNames(pcap: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'flowspy-tcpflow-'));
  try {
    const r = spawnSync('tcpflow', ['-r', join(CORPUS, pcap), '-o', dir], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    return readdirSync(dir).filter((n) => n !== 'report.xml').sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const both = (key: FlowKey, index = 0) => [tcpflowDirectionName(key, 'c2s', index), tcpflowDirectionName(key, 's2c', index)];
const key = (ca: string, cp: number, sa: string, sp: number, vlan?: number): FlowKey => ({
  client: { addr: ca, port: cp },
  server: { addr: sa, port: sp },
  ...(vlan !== undefined ? { vlan } : {}),
});

/**
 * Cases: the endpoints seen with tcpdump in each capture, and the exact names tcpflow 1.6.1
 * wrote for them (observed by running `tcpflow -r F -o DIR`; re-checked live below when
 * tcpflow is installed).
 */
const CASES: { pcap: string; names: string[]; observed: string[]; exact: boolean }[] = [
  {
    pcap: 'pcapplusplus__four_ipv6_http_streams.pcap',
    names: [
      ...both(key('2001:618:400::5199:cc70', 35995, '2001:618:1:8000::5', 80)),
      ...both(key('2001:618:400::5199:cc70', 35997, '2001:618:1:8000::5', 80)),
      ...both(key('2001:618:400::5199:cc70', 35999, '2001:618:1:8000::5', 80)),
      ...both(key('2001:618:400::5199:cc70', 40426, '2001:638:902:1:202:b3ff:feee:5dc2', 80)),
    ],
    observed: [
      '2001:618:1:8000::5.00080-2001:618:400::5199:cc70.35995',
      '2001:618:1:8000::5.00080-2001:618:400::5199:cc70.35997',
      '2001:618:1:8000::5.00080-2001:618:400::5199:cc70.35999',
      '2001:618:400::5199:cc70.35995-2001:618:1:8000::5.00080',
      '2001:618:400::5199:cc70.35997-2001:618:1:8000::5.00080',
      '2001:618:400::5199:cc70.35999-2001:618:1:8000::5.00080',
      '2001:618:400::5199:cc70.40426-2001:638:902:1:202:b3ff:feee:5dc2.00080',
      '2001:638:902:1:202:b3ff:feee:5dc2.00080-2001:618:400::5199:cc70.40426',
    ],
    exact: true,
  },
  {
    pcap: 'zeek__http_1000-requests-one-dropped-response.pcap',
    names: both(key('::1', 44730, '::1', 80)),
    observed: ['::1.00080-::1.44730', '::1.44730-::1.00080'],
    exact: true,
  },
  {
    pcap: 'zeek__vlan-qinqinq.pcap',
    names: both(key('141.142.228.5', 59856, '192.150.187.43', 80, 30)),
    observed: ['141.142.228.005.59856-192.150.187.043.00080--30', '192.150.187.043.00080-141.142.228.005.59856--30'],
    exact: true,
  },
  {
    // tcpflow counts Ethernet padding of the last ACK (after the FIN) as a new connection's
    // data and names that file with its `c1` suffix.
    pcap: 'tcpflow__jpegs.cap',
    names: [
      ...both(key('10.1.1.101', 3177, '10.1.1.1', 80)),
      tcpflowDirectionName(key('10.1.1.101', 3177, '10.1.1.1', 80), 's2c', 1),
      ...both(key('10.1.1.101', 3179, '209.225.11.237', 80)),
    ],
    observed: [
      '010.001.001.001.00080-010.001.001.101.03177',
      '010.001.001.101.03177-010.001.001.001.00080',
      '010.001.001.001.00080-010.001.001.101.03177c1',
      '010.001.001.101.03179-209.225.011.237.00080',
      '209.225.011.237.00080-010.001.001.101.03179',
    ],
    exact: false,
  },
];

describe('tcpflowFlowName', () => {
  for (const c of CASES) {
    it(`reproduces tcpflow 1.6.1's names for ${c.pcap}`, () => {
      expect([...c.names].sort()).toEqual([...c.observed].sort());
    });
  }

  describe.skipIf(!hasTcpflow || !existsSync(CORPUS))('against tcpflow run live (needs tcpflow and the corpus)', () => {
    for (const c of CASES) {
      it(`names tcpflow writes for ${c.pcap}`, () => {
        const live = tcpflowNames(c.pcap);
        if (c.exact) expect(live).toEqual([...c.names].sort());
        else for (const name of c.names) expect(live).toContain(name);
      });
    }
  });

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
