/** Endpoints of corpus captures and the file names tcpflow 1.6.1 wrote for them (tcpflowNames tests). */
import type { FlowKey } from '../../src/core/types.js';
import { tcpflowDirectionName } from '../../src/outputs/tcpflowNames.js';

const both = (key: FlowKey, index = 0) => [tcpflowDirectionName(key, 'c2s', index), tcpflowDirectionName(key, 's2c', index)];
const key = (ca: string, cp: number, sa: string, sp: number, vlan?: number): FlowKey => ({
  client: { addr: ca, port: cp },
  server: { addr: sa, port: sp },
  ...(vlan !== undefined ? { vlan } : {}),
});

/**
 * Cases: the endpoints seen with tcpdump in each capture, and the exact names tcpflow 1.6.1
 * wrote for them (observed by running `tcpflow -r F -o DIR`; re-checked live by
 * tcpflowNames.differential.test.ts).
 */
export const CASES: { pcap: string; names: string[]; observed: string[]; exact: boolean }[] = [
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

