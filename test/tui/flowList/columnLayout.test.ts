import { describe, expect, it } from 'vitest';
import { columnLayout, summaryTarget, WIDE, type EndpointColumns } from '../../../src/tui/flowList/columnLayout.js';
import { formatRows, headerRow } from '../../../src/tui/flowList/rowFormat.js';
import { UNICODE_GLYPHS } from '../../../src/tui/glyphs.js';
import { FakeStore } from './fakeStore.js';

/** The demo's widest endpoints: client [2001:db8:1::23]:50100 (22), server [2001:db8:2::7]:7777 (20). */
const DEMO = { client: 22, server: 20 };
/** The bench capture (bench/out/big.pcap): 10.20.1.106:20355 (17), 172.16.0.15:8080 (16), 2,000 flows. */
const BIG = { client: 17, server: 16 };

/** The text of a row laid out by `columnLayout(width, 4, endpoints)`, its summary longer than any row. */
function longRow(width: number, endpoints?: EndpointColumns): string {
  const store = new FakeStore();
  const flow = store.add({ id: 1234 });
  return formatRows([flow], { width, glyphs: UNICODE_GLYPHS, focusedId: undefined, now: 0, preview: () => ({ text: 'x'.repeat(300), summarized: false, replied: false }), numberColumns: 4, ...(endpoints ? { endpoints } : {}) })[0].text;
}

describe('flow list columns: wide rows show every column', () => {
  it.each([
    // Without the endpoints listed: IPv4 endpoints (21 columns) assumed.
    [160, 6, undefined, { client: 21, server: 21, state: 12, bytes: 5, duration: 5, preview: 74, arrows: true, longStates: true }],
    [250, 6, undefined, { client: 21, server: 21, state: 12, bytes: 5, duration: 5, preview: 164 }],
    [120, 3, DEMO, { client: 22, server: 20, bytes: 5, duration: 5, preview: 42 }],
    // IPv6 at 120: the server, shorter, is whole; the client gets the rest; the summary about a quarter.
    [120, 3, { client: 42, server: 23 }, { client: 33, server: 23, bytes: 5, duration: 5, preview: 28 }],
    [200, 3, { client: 46, server: 40 }, { client: 46, server: 40, preview: 73 }],
  ])('at %i columns (%i digits, endpoints %o) as before', (width, digits, endpoints, expected) => {
    expect(columnLayout(width, digits, endpoints)).toMatchObject(expected);
  });

  it('spells states in full from 120 columns when the summary keeps 48 columns beside them, else short', () => {
    // A SYN scan from one host to one server: ports only, room to spare.
    const scan = { client: 6, server: 13, sharedClient: '10.0.0.1' };
    expect(columnLayout(120, 6, scan)).toMatchObject({ state: 12, longStates: true, preview: 57 });
    expect(columnLayout(120, 3, DEMO)).toMatchObject({ state: 7, longStates: false, preview: 42 });
    // Below 120 columns, short, whatever the room.
    expect(columnLayout(119, 6, scan)).toMatchObject({ state: 7, longStates: false });
    // Wider, IPv6 endpoints: short until the summary keeps its 48 columns beside states in full.
    const ipv6 = { client: 47, server: 47 };
    expect(columnLayout(160, 3, ipv6)).toMatchObject({ state: 7, longStates: false });
    expect(columnLayout(200, 3, ipv6)).toMatchObject({ state: 12, longStates: true });
  });
});

describe('flow list columns: narrower, the summary gets its room first', () => {
  it('at 80 columns the summary gets 40: the duration and bytes give way, then the client, then the server is cut', () => {
    expect(summaryTarget(80)).toBe(40);
    expect(columnLayout(80, 3, DEMO)).toMatchObject({ client: 9, server: 13, bytes: 0, duration: 0, preview: 40, compact: false });
  });

  it('before the server is cut, the summary lends up to a tenth of its columns when that makes the server whole', () => {
    // big.pcap: 172.16.0.15:8080 whole (it was cut to `…0.15:8080`), the summary 36 columns.
    expect(columnLayout(80, 4, BIG)).toMatchObject({ client: 9, server: 16, bytes: 0, duration: 0, preview: 36, compact: false });
    // Short by more than 4 (the demo's IPv6 server): nothing lent, the server cut.
    expect(columnLayout(80, 4, { client: 22, server: 21 })).toMatchObject({ client: 9, server: 12, preview: 40 });
    expect(columnLayout(76, 4, BIG)).toMatchObject({ client: 9, server: 10, preview: 38 });
  });

  it('the client is cut to the end of its address before a column goes; a dropped column gives it its room back', () => {
    // 110: every column, the client cut from 22 to 14.
    expect(columnLayout(110, 3, DEMO)).toMatchObject({ client: 14, server: 20, bytes: 5, duration: 5, preview: 40 });
    // 100: the duration goes, the bytes stay.
    expect(columnLayout(100, 3, DEMO)).toMatchObject({ client: 10, server: 20, bytes: 5, duration: 0, preview: 40 });
    // 90: the bytes go too.
    expect(columnLayout(90, 3, DEMO)).toMatchObject({ client: 12, server: 20, bytes: 0, duration: 0, preview: 40 });
    // Short endpoints leave everything in place.
    expect(columnLayout(100, 3, { client: 9, server: 9 })).toMatchObject({ client: 9, server: 9, bytes: 5, duration: 5, preview: 46 });
  });

  it('an address every flow shares: its column shows ports, the rest goes to the others', () => {
    // tcpflow's jpegs.cap: one client, 10.1.1.101; servers up to 209.225.11.237:80 (17).
    const jpegs = { client: 18, server: 17, sharedClient: '10.1.1.101' };
    expect(columnLayout(80, 3, jpegs)).toMatchObject({ client: 6, server: 17, preview: 39 });
    expect(columnLayout(100, 3, jpegs)).toMatchObject({ client: 6, server: 17, bytes: 5, duration: 5, preview: 41 });
    expect(columnLayout(80, 3, { client: 21, server: 17, sharedServer: '198.51.100.10' })).toMatchObject({ client: 16, server: 6, preview: 40 });
  });

  it('narrower still, the client column goes and the server keeps what the summary leaves', () => {
    expect(columnLayout(70, 3, DEMO)).toMatchObject({ compact: true, client: 0, server: 20, preview: 35 });
    expect(columnLayout(60, 3, { client: 18, server: 17, sharedClient: '10.1.1.101' })).toMatchObject({ compact: true, server: 15, preview: 30 });
    expect(columnLayout(60, 6)).toMatchObject({ compact: true, client: 0, server: 12, bytes: 0, duration: 0, preview: 30 });
    expect(columnLayout(30, 3)).toMatchObject({ compact: true, server: 9, preview: 6 });
  });

  it('at every width the columns add up to the width, and below WIDE the summary gets its share (less what it lends) when it can', () => {
    for (const endpoints of [undefined, DEMO, BIG, { client: 47, server: 47 }, { client: 22, server: 20, sharedServer: 'x' }]) {
      for (let width = 30; width <= 260; width++) {
        const layout = columnLayout(width, 4, endpoints);
        // The summary, cut, ends at the last column: no padding after it, nothing cut off the row.
        expect(longRow(width, endpoints).endsWith('x…'), `${width}`).toBe(true);
        const target = summaryTarget(width);
        if (width >= 50 && width < WIDE) expect(layout.preview, `${width}`).toBeGreaterThanOrEqual(target - Math.floor(target / 10));
      }
    }
  });
});

describe('flow list columns: the sort key\'s column stays', () => {
  it.each([80, 100])('at %i columns, sorted by bytes the byte counts and by duration the time are shown; the others give way around them', (width) => {
    const plain = columnLayout(width, 3, DEMO);
    const byBytes = columnLayout(width, 3, DEMO, 'bytes');
    const byTime = columnLayout(width, 3, DEMO, 'duration');
    expect(byBytes.bytes).toBeGreaterThan(0);
    expect(byTime.duration).toBeGreaterThan(0);
    if (plain.bytes === 0) expect(byBytes.duration).toBe(0);
    if (plain.bytes > 0) expect(byBytes).toEqual(plain);
    for (const layout of [byBytes, byTime]) expect(layout.preview).toBeGreaterThanOrEqual(plain.preview === 0 ? 0 : summaryTarget(width));
  });

  it('at 80 columns sorted by bytes: sent and recv, the client gone, the summary 40', () => {
    expect(columnLayout(80, 3, DEMO, 'bytes')).toMatchObject({ bytes: 4, duration: 0, compact: true, preview: 40 });
    expect(columnLayout(80, 3, DEMO, 'duration')).toMatchObject({ bytes: 0, duration: 5, compact: true, preview: 40 });
    expect(columnLayout(160, 3, DEMO, 'bytes')).toEqual(columnLayout(160, 3, DEMO));
    // The compact row shows them, under the header's titles.
    const store = new FakeStore();
    const flow = store.add({ id: 12, bytesC2s: 1234, bytesS2c: 56_789 });
    const row = formatRows([flow], { width: 80, glyphs: UNICODE_GLYPHS, focusedId: undefined, now: 0, preview: () => ({ text: 'GET / → 200', summarized: true, replied: true }), numberColumns: 3, endpoints: DEMO, sortedBy: 'bytes' })[0].text;
    const header = headerRow(columnLayout(80, 3, DEMO, 'bytes'), 80).text;
    expect(row).toMatch(/^ 12 \S+ +\S+ +1\.2k  57k   GET \/ → 200 +$/);
    expect(header.indexOf('recv') + 4).toBe(row.indexOf('57k') + 3);
    // A split pane: the kept column takes from the summary once the endpoints are at their least.
    expect(columnLayout(60, 3, DEMO, 'bytes')).toMatchObject({ bytes: 4, server: 9, compact: true, preview: 26 });
  });
});
