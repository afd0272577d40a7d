import { describe, expect, it } from 'vitest';
import { fileStem } from '../../src/cli/fileStem.js';

describe('fileStem', () => {
  it('names the source: a capture by its base name, stdin, the interface, the proxy by its first port', () => {
    expect(fileStem({ readFile: 'demo/demo.pcap', forwards: [] })).toBe('demo');
    expect(fileStem({ readFile: '/x/zeek__ftp_bigtransfer.pcap', forwards: [] })).toBe('zeek__ftp_bigtransfer');
    expect(fileStem({ readFile: 'trace.pcap.gz', forwards: [] })).toBe('trace.pcap');
    expect(fileStem({ readFile: '-', forwards: [] })).toBe('stdin');
    expect(fileStem({ interface: 'eth0', forwards: [] })).toBe('eth0');
    expect(fileStem({ forwards: ['8933:127.0.0.1:8000', '8934:h:80'] })).toBe('proxy-8933');
  });

  it('keeps only characters safe in a file name, never a leading dot, never empty', () => {
    expect(fileStem({ readFile: 'a b$(x).pcap', forwards: [] })).toBe('a_b__x_');
    expect(fileStem({ readFile: '.hidden', forwards: [] })).toBe('hidden');
    expect(fileStem({ readFile: '...', forwards: [] })).toBe('flowspy');
  });
});
