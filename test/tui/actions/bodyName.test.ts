import { describe, expect, it } from 'vitest';
import { bodyExtension, bodyFileName, SAFE_NAME } from '../../../src/tui/actions/bodyName.js';

describe('body file names', () => {
  it('extensions from well-known Content-Types, parameters and case ignored; none for the rest', () => {
    const cases: [string | undefined, string][] = [
      ['application/json; charset=utf-8', '.json'], ['application/problem+json', '.json'], ['TEXT/HTML; charset=ISO-8859-1', '.html'],
      ['text/plain', '.txt'], ['application/xml', '.xml'], ['application/atom+xml', '.xml'], ['text/javascript', '.js'],
      ['application/javascript', '.js'], ['text/css', '.css'], ['image/png', '.png'], ['image/jpeg', '.jpg'], ['image/gif', '.gif'],
      ['image/webp', '.webp'], ['image/svg+xml', '.svg'], ['application/pdf', '.pdf'], ['application/zip', '.zip'],
      ['application/gzip', '.gz'], ['application/octet-stream', '.bin'],
      ['text/csv; charset=utf-8', '.csv'], ['text/tab-separated-values', '.tsv'], ['text/markdown', '.md'], ['text/calendar', '.ics'],
      ['text/vcard', '.vcf'], ['application/yaml', '.yaml'], ['application/x-yaml', '.yaml'], ['text/yaml', '.yaml'],
      ['video/mp4', ''], ['text/x-unknown', ''], ['', ''], [undefined, ''], ['../../etc/passwd', ''], ['image/png/../x', ''], ['a/b+json/../c', ''],
    ];
    for (const [type, extension] of cases) expect(bodyExtension(type), String(type)).toBe(extension);
  });

  it('tcpflow\'s direction name, the exchange number in three digits, the role and the extension', () => {
    const key = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } };
    expect(bodyFileName(key, 's2c', 3, 'response', '.jpg')).toBe('010.000.000.002.00080-010.000.000.001.40000-HTTPBODY-003-response.jpg');
    expect(bodyFileName(key, 'c2s', 1234, 'request', '')).toBe('010.000.000.001.40000-010.000.000.002.00080-HTTPBODY-1234-request');
    expect(bodyFileName({ ...key, vlan: 42 }, 's2c', 1, 'response', '', 2)).toBe('010.000.000.002.00080-010.000.000.001.40000--42c2-HTTPBODY-001-response');
    const v6 = { client: { addr: '2001:db8::1', port: 5 }, server: { addr: '2001:db8::2', port: 443 } };
    expect(bodyFileName(v6, 'c2s', 1, 'request', '.bin')).toBe('2001:db8::1.00005-2001:db8::2.00443-HTTPBODY-001-request.bin');
  });

  it('only safe characters, whatever the addresses hold', () => {
    const hostile = { client: { addr: '../../\x1b]0;x\x07/\u009b31m', port: 1 }, server: { addr: 'a b/c\nd', port: 2 } };
    for (const dir of ['c2s', 's2c'] as const) {
      const name = bodyFileName(hostile, dir, 1, 'response', '.txt');
      expect(name).toMatch(SAFE_NAME);
      expect(name).not.toContain('/');
      expect(name.endsWith('-HTTPBODY-001-response.txt')).toBe(true);
    }
  });
});
