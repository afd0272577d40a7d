import { describe, expect, it } from 'vitest';
import { screenLayout, HINT_ROW_MIN_HEIGHT } from '../../src/tui/layout.js';
import { messageColumns, statusLine, type StatusInfo } from '../../src/tui/statusBar.js';
import { paintLine, paintRow, paintTitle } from '../../src/tui/paint.js';
import { PromptBar } from '../../src/tui/promptBar.js';
import { paletteFor } from '../../src/tui/color.js';
import { ASCII_GLYPHS, UNICODE_GLYPHS } from '../../src/tui/glyphs.js';
import { stringColumns } from '../../src/tui/width.js';
import type { SourceCounters } from '../../src/engine/counters.js';
import type { DisplayLine } from '../../src/tui/conversation/view.js';

const COLOR = paletteFor({});
const NO_COLOR = paletteFor({ NO_COLOR: '1' });

describe('screen layout', () => {
  it('80x24: column titles, list, conversation title, conversation, status, hints; every row used once', () => {
    const l = screenLayout(24, 'none');
    expect(l.listHeader).toEqual({ top: 0, height: 1 });
    expect(l.list.top).toBe(1);
    expect(l.conversationTitle.top).toBe(l.list.top + l.list.height);
    expect(l.conversation.top).toBe(l.conversationTitle.top + 1);
    expect(l.conversation.top + l.conversation.height).toBe(l.status.top);
    expect(l.status).toEqual({ top: 22, height: 1 });
    expect(l.hints).toEqual({ top: 23, height: 1 });
    expect(l.list.height).toBeGreaterThanOrEqual(3);
    expect(l.conversation.height).toBeGreaterThan(l.list.height);
  });

  it('zoom gives the focused pane every row but status and hints; small screens drop the hint row', () => {
    const list = screenLayout(40, 'list');
    expect(list.list).toEqual({ top: 1, height: 37 });
    expect(list.conversation.height).toBe(0);
    const conversation = screenLayout(40, 'conversation');
    expect(conversation.conversation).toEqual({ top: 1, height: 37 });
    expect(conversation.list.height).toBe(0);
    expect(screenLayout(HINT_ROW_MIN_HEIGHT - 1, 'none').hints.height).toBe(0);
    for (const rows of [1, 2, 3, 5, 10]) {
      const l = screenLayout(rows, 'none');
      for (const band of Object.values(l)) expect(band.height).toBeGreaterThanOrEqual(0);
    }
  });

  it('a short screen keeps a row for each pane, or shows the focused one alone, and the status row', () => {
    const heights = (rows: number, focus: 'list' | 'conversation') => {
      const l = screenLayout(rows, 'none', 0, focus);
      return [l.listHeader, l.list, l.conversationTitle, l.conversation, l.status].map((b) => b.height);
    };
    expect(heights(7, 'conversation')).toEqual([1, 3, 1, 1, 1]);
    expect(heights(6, 'conversation')).toEqual([1, 2, 1, 1, 1]);
    expect(heights(5, 'list')).toEqual([1, 1, 1, 1, 1]);
    expect(heights(4, 'conversation')).toEqual([0, 0, 1, 2, 1]);
    expect(heights(4, 'list')).toEqual([1, 2, 0, 0, 1]);
    expect(heights(3, 'conversation')).toEqual([0, 0, 1, 1, 1]);
    expect(heights(2, 'conversation')).toEqual([0, 0, 0, 1, 1]);
    expect(screenLayout(2, 'conversation').conversation).toEqual({ top: 0, height: 1 });
    expect(heights(1, 'list')).toEqual([0, 0, 0, 0, 1]);
    for (let rows = 1; rows <= 24; rows++) {
      for (const focus of ['list', 'conversation'] as const) {
        const l = screenLayout(rows, 'none', 5, focus);
        const used = [l.listHeader, l.list, l.conversationTitle, l.conversation, l.status, l.hints].reduce((sum, b) => sum + b.height, 0);
        expect(used).toBe(rows);
      }
    }
  });
});

const COUNTERS: SourceCounters = {
  packets: 82, payloadBytes: 4084, flows: 5, openFlows: 0, gaps: 2, truncated: 0, malformed: 0, filtered: 0,
  kernelDrops: 3, queueDrops: 0, bytesRead: 500, totalBytes: 1000,
};
const INFO: StatusInfo = {
  source: 'demo.pcap', counters: COUNTERS, flows: 5, shown: 5, filter: '', display: 'text UTF-8',
  follow: false, paused: false, loading: false, message: '',
};

describe('status row', () => {
  it('counts a filtered list in the plural whatever its figures', () => {
    const one = { ...INFO, counters: undefined, flows: 1 };
    expect(statusLine({ ...one, shown: 0, filter: 'x' }, 120, UNICODE_GLYPHS)).toContain(' 0/1 flows · ');
    expect(statusLine({ ...one, shown: 1 }, 120, UNICODE_GLYPHS)).toContain(' 1 flow ');
    expect(statusLine({ ...INFO, shown: 1, filter: 'x', noun: 'exchange' }, 120, UNICODE_GLYPHS)).toContain(' 1/5 exchanges · ');
  });

  it('names the display mode only while a flow is shown', () => {
    expect(statusLine(INFO, 120, UNICODE_GLYPHS)).toContain(' · text UTF-8 · ? help');
    const none = statusLine({ ...INFO, shown: 0, filter: 'x', display: '' }, 120, UNICODE_GLYPHS);
    expect(none).toContain(' 0/5 flows · filter x · ');
    expect(none).not.toContain('UTF-8');
    expect(none).not.toContain(' ·  · ');
  });

  it('says where the run records, cut to rec… on a narrow row rather than dropped', () => {
    const recording = { ...INFO, recording: 'rec -o /tmp/out -w /tmp/run.pcap' };
    expect(statusLine(recording, 120, UNICODE_GLYPHS)).toContain(' demo.pcap · rec -o /tmp/out -w /tmp/run.pcap · 5 flows · ');
    const narrow = statusLine(recording, 56, UNICODE_GLYPHS);
    expect(stringColumns(narrow)).toBe(56);
    expect(narrow).toMatch(/ · rec\S*… · /);
    expect(statusLine(INFO, 120, UNICODE_GLYPHS)).not.toContain('rec');
  });

  it('shows the source, counts, display, flags and help, exactly the width', () => {
    const line = statusLine({ ...INFO, follow: true, paused: true, loading: true }, 160, UNICODE_GLYPHS);
    expect(stringColumns(line)).toBe(160);
    for (const part of ['demo.pcap', '5 flows', '82 pkts', '4.1kB', '2 gaps', '3 drops', 'text UTF-8', 'FOLLOW', 'PAUSED', 'loading 50%', '? help']) {
      expect(line).toContain(part);
    }
  });

  it('with no message, a row too narrow for the rest still shows ? help (cut), never blank', () => {
    for (const width of [4, 6]) expect(statusLine(INFO, width, UNICODE_GLYPHS).trim(), `${width}`).toMatch(/^\? h/);
  });

  it('a long filter stays in sight, cut with an ellipsis, at 80 columns', () => {
    const filter = 'method:POST status:5xx host:api.example.com path:/api/v2/chickens ~token';
    const line = statusLine({ ...INFO, noun: 'exchange', flows: 40, shown: 1, filter, counters: undefined }, 80, UNICODE_GLYPHS);
    expect(stringColumns(line)).toBe(80);
    expect(line).toMatch(/ 1\/40 exchanges · filter method:POST .*… · \? help\s*$/);
    const narrow = statusLine({ ...INFO, shown: 1, filter, message: 'no match for ~token in 40 flows' }, 80, ASCII_GLYPHS);
    expect(narrow).toMatch(/filter method:.*~ /);
    expect(narrow).toContain('no match for ~token in 40 flows');
  });

  it('the sort is said once: by the message just after o, else by its item', () => {
    const sorted = { ...INFO, sort: 'duration' };
    expect(statusLine(sorted, 100, UNICODE_GLYPHS)).toContain(' by duration ');
    const line = statusLine({ ...sorted, message: 'sorted by duration' }, 100, UNICODE_GLYPHS);
    expect(line.match(/by duration/g)).toHaveLength(1);
    expect(line).toContain('sorted by duration · ? help');
  });

  it('groups the digits of its counts, as the rest of the screen does (a big scan loading)', () => {
    const big = { ...INFO, flows: 300_000, shown: 284_613, counters: { ...COUNTERS, gaps: 12_000, truncated: 1_234, malformed: 0, kernelDrops: 5_000, queueDrops: 2_500 } };
    const line = statusLine({ ...big, shown: 300_000 }, 200, UNICODE_GLYPHS);
    expect(line).toContain(' 300,000 flows · ');
    expect(line).toContain(' 12,000 gaps, 1,234 truncated · 7,500 drops (2,500 by the queue) · ');
    expect(statusLine({ ...big, filter: ':80' }, 200, UNICODE_GLYPHS)).toContain(' 284,613/300,000 flows · ');
    expect(statusLine({ ...big, paused: true }, 200, UNICODE_GLYPHS)).toContain(' 284,613 flows (+15,387 new) · ');
  });

  it('filtered: shown/total and the filter; one flow is singular', () => {
    expect(statusLine({ ...INFO, shown: 1, filter: ':25' }, 100, UNICODE_GLYPHS)).toContain('1/5 flows · filter :25');
    expect(statusLine({ ...INFO, flows: 1, shown: 1 }, 100, UNICODE_GLYPHS)).toContain(' 1 flow ');
    // Paused, the list is a snapshot: new flows are counted as such, not as filtered out.
    expect(statusLine({ ...INFO, shown: 3, paused: true }, 100, UNICODE_GLYPHS)).toContain(' 3 flows (+2 new) · ');
    expect(statusLine({ ...INFO, shown: 3, paused: true, filter: ':25' }, 100, UNICODE_GLYPHS)).toContain(' 3/5 flows · filter :25');
    // With a capture filter: the packets it kept, of those read.
    expect(statusLine({ ...INFO, counters: { ...COUNTERS, packets: 82, filtered: 49 } }, 160, UNICODE_GLYPHS)).toContain(' 33 of 82 pkts ');
    // Damaged packets named as the run's summary names them.
    expect(statusLine({ ...INFO, counters: { ...COUNTERS, truncated: 691, malformed: 0 } }, 160, UNICODE_GLYPHS)).toContain(' 691 truncated ');
    expect(statusLine({ ...INFO, counters: { ...COUNTERS, truncated: 0, malformed: 4 } }, 160, UNICODE_GLYPHS)).toContain(' 4 malformed ');
    expect(statusLine({ ...INFO, counters: { ...COUNTERS, truncated: 2, malformed: 4 } }, 160, UNICODE_GLYPHS)).toContain(' 6 bad ');
    // A sort order other than arrival stays in view.
    expect(statusLine({ ...INFO, sort: 'bytes' }, 100, UNICODE_GLYPHS)).toContain(' · by bytes · ');
  });

  it('packets cut by the snap length are counted beside the gaps, kept as long at 80 columns', () => {
    const cut = { ...INFO, source: 'pcapplusplus__pcapng-example.pcapng', flows: 15, shown: 15, counters: { ...COUNTERS, packets: 159, gaps: 39, truncated: 39, kernelDrops: undefined } };
    const line = statusLine(cut, 80, ASCII_GLYPHS);
    expect(stringColumns(line)).toBe(80);
    expect(line).toContain(' 39 gaps, 39 truncated | ');
    expect(statusLine({ ...cut, counters: { ...cut.counters, gaps: 0 } }, 80, ASCII_GLYPHS)).toContain(' 39 truncated | ');
  });

  it('live drops: the kernel\'s and the queue\'s in one item, kept before the display mode at 80 columns', () => {
    const live = { ...INFO, source: 'lo tcp port 8080', counters: { ...COUNTERS, gaps: 2273, kernelDrops: 281560, queueDrops: 100391 }, follow: true };
    const line = statusLine(live, 80, UNICODE_GLYPHS);
    expect(line).toContain(' 381,951 drops (100,391 by the queue) · ');
    expect(line).not.toContain('text UTF-8');
    expect(statusLine({ ...live, counters: { ...COUNTERS, kernelDrops: 0, queueDrops: 0 } }, 80, UNICODE_GLYPHS)).toContain(' 0 drops · ');
  });

  it('says how many flows the store let go beside the flows held', () => {
    const info = { ...INFO, counters: undefined, flows: 300_000, shown: 300_000, evicted: 40_000 };
    expect(statusLine(info, 80, UNICODE_GLYPHS).trimEnd()).toBe(' demo.pcap · 300,000 flows · 40,000 evicted · text UTF-8 · ? help');
  });

  it('a long file name is cut in its middle to the room left before the counters give way; a gap count outranks the display mode', () => {
    const info = { ...INFO, source: 'zeek__http_1000-requests-one-dropped-response.pcap', sourceIsName: true, counters: { ...COUNTERS, gaps: 1, kernelDrops: undefined, queueDrops: undefined }, flows: 1, shown: 1, display: 'messages' };
    const line = statusLine(info, 80, UNICODE_GLYPHS);
    expect(stringColumns(line)).toBe(80);
    expect(line.trimEnd()).toBe(' zeek__h…ed-response.pcap · 1 flow · 82 pkts · 4.1kB · 1 gap · messages · ? help');
    expect(statusLine(info, 60, UNICODE_GLYPHS).trimEnd()).toBe(' zeek__h…-response.pcap · 1 flow · 1 gap · messages · ? help');
    // The name takes all the room left: no blank after `? help` while it is cut.
    for (const width of [78, 83, 90, 95]) expect(stringColumns(statusLine(info, width, UNICODE_GLYPHS).trimEnd())).toBe(width);
    expect(statusLine(info, 90, UNICODE_GLYPHS).trimEnd()).toBe(' zeek__http_…-dropped-response.pcap · 1 flow · 82 pkts · 4.1kB · 1 gap · messages · ? help');
    // When counters must give way too, the name takes the room they leave.
    const busy = { ...info, flows: 1000, shown: 1000, counters: { ...COUNTERS, packets: 4_100, payloadBytes: 9_900_000, gaps: 3, kernelDrops: undefined, queueDrops: undefined }, display: 'text utf-8' };
    for (const width of [60, 70, 80]) expect(stringColumns(statusLine(busy, width, UNICODE_GLYPHS).trimEnd())).toBe(width);
  });

  it('a source too long for the row shows as many of its parts as fit, then +N more (the proxy\'s listeners)', () => {
    const three = ':8933 → 127.0.0.1:8941, :8934 → 127.0.0.1:8942, :8935 → 127.0.0.1:8943';
    const shorter = [':8933 → 127.0.0.1:8941, :8934 → 127.0.0.1:8942, +1 more', ':8933 → 127.0.0.1:8941, +2 more', '3 listeners'];
    const proxy = { ...INFO, counters: undefined, source: three, sourceShorter: shorter, follow: true };
    expect(statusLine(proxy, 100, UNICODE_GLYPHS).trimEnd()).toBe(` ${three} · 5 flows · FOLLOW · ? help`);
    expect(statusLine(proxy, 80, UNICODE_GLYPHS).trimEnd()).toBe(' :8933 → 127.0.0.1:8941, +2 more · 5 flows · text UTF-8 · FOLLOW · ? help');
    expect(statusLine(proxy, 60, UNICODE_GLYPHS).trimEnd()).toBe(' :8933 → 127.0.0.1:8941, +2 more · 5 flows · FOLLOW · ? help');
    expect(statusLine(proxy, 40, UNICODE_GLYPHS).trimEnd()).toBe(' 3 listeners · 5 flows · FOLLOW · ? help');
    expect(statusLine(proxy, 160, UNICODE_GLYPHS)).toContain(`${three} · 5 flows`);
    // Bytes, packets and the display mode give way to a listener; the gaps and drops do not.
    const counted = { ...proxy, counters: COUNTERS };
    expect(statusLine(counted, 80, UNICODE_GLYPHS).trimEnd()).toBe(' :8933 → 127.0.0.1:8941, +2 more · 5 flows · 2 gaps · 3 drops · FOLLOW · ? help');
    expect(statusLine(counted, 70, UNICODE_GLYPHS).trimEnd()).toBe(' 3 listeners · 5 flows · 2 gaps · 3 drops · FOLLOW · ? help');
    expect(statusLine({ ...counted, counters: { ...COUNTERS, gaps: 0, kernelDrops: undefined, queueDrops: undefined } }, 80, UNICODE_GLYPHS).trimEnd())
      .toBe(' :8933 → 127.0.0.1:8941, +2 more · 5 flows · text UTF-8 · FOLLOW · ? help');
  });

  it('narrow: drops the least useful items first, keeps the message and help', () => {
    const line = statusLine({ ...INFO, message: 'saved a.client, a.server, a.log' }, 60, ASCII_GLYPHS);
    expect(stringColumns(line)).toBe(60);
    expect(line).toContain('saved a.client, a.server, a.log');
    expect(line).toContain('? help');
    expect(line).not.toContain('pkts');
  });

  it('with no hint row (under 20 rows), a message too long to stand beside ? help takes the whole row', () => {
    const view = 'a row per HTTP exchange (v: flows)';
    expect(statusLine({ ...INFO, message: view }, 40, UNICODE_GLYPHS)).toBe(` ${view}     `);
    const long = 'cannot write /tmp/x.pcap: no space left on device';
    expect(statusLine({ ...INFO, message: long }, 40, UNICODE_GLYPHS)).toBe(' cannot write /tmp/x.pcap: no space lef…');
    expect(statusLine({ ...INFO, message: 'saved a.client' }, 40, UNICODE_GLYPHS).trimEnd()).toMatch(/ saved a\.client · \? help$/);
  });

  it('a message too long for the row stays on it, cut (never spilt onto the hint row)', () => {
    const message = 'damaged capture imap.cap at byte 874, after packet 8: record announces 1358954496 captured bytes (more than 262144)';
    const line = statusLine({ ...INFO, message }, 80, UNICODE_GLYPHS);
    expect(stringColumns(line)).toBe(80);
    expect(line).toMatch(/^ damaged capture imap.cap at byte 874, after packet 8: .*…$/);
    const fits = 'x'.repeat(messageColumns(80));
    expect(statusLine({ ...INFO, message: fits }, 80, UNICODE_GLYPHS).trimEnd()).toBe(` ${fits} · ? help`);
  });
});

describe('painting', () => {
  const row = {
    id: 3,
    selected: false,
    text: '',
    spans: [
      { text: '  3', style: 'number' as const },
      { text: '10.0.0.1:5', style: 'client' as const },
      { text: '•', style: 'note' as const },
      { text: 'GET /', style: 'preview' as const },
    ],
  };

  it('colours list spans; the selected row is inverse, also under NO_COLOR', () => {
    expect(paintRow(row, COLOR, true)).toContain('\x1b[32m10.0.0.1:5\x1b[39;49m');
    expect(paintRow(row, NO_COLOR, true)).toBe('  310.0.0.1:5\x1b[1m•\x1b[22mGET /');
    const selected = paintRow({ ...row, selected: true }, NO_COLOR, true);
    expect(selected.startsWith('\x1b[7m\x1b[1m')).toBe(true);
    expect(selected.endsWith('\x1b[27m')).toBe(true);
  });

  it('conversation lines: colour by side, matches inverse, alerts as a full-width bar', () => {
    const base: DisplayLine = { side: 'client', kind: 'data', text: '> GET / HTTP/1.1', highlight: false, continued: false, matches: [[2, 5]] };
    expect(paintLine(base, 40, COLOR)).toBe('\x1b[32m> \x1b[7mGET\x1b[27m / HTTP/1.1\x1b[39;49m');
    expect(paintLine(base, 40, NO_COLOR)).toBe('> \x1b[7mGET\x1b[27m / HTTP/1.1');
    const alert: DisplayLine = { side: 'event', kind: 'alert', text: '= note: data after close', highlight: true, continued: false, matches: [] };
    const painted = paintLine(alert, 30, COLOR);
    expect(painted).toContain('\x1b[41m');
    expect(painted).toContain('= note: data after close      ');
    expect(paintLine(alert, 30, NO_COLOR).startsWith('\x1b[7m')).toBe(true);
  });

  it('titles fill the width; the focused one is bold white on blue (inverse without colours), not like a selected row', () => {
    expect(paintTitle(' #1', 6, true, NO_COLOR)).toBe('\x1b[7m\x1b[1m #1   \x1b[22m\x1b[27m');
    expect(paintTitle(' #1', 6, false, NO_COLOR)).toBe(' #1   ');
    // Its own light foreground on the dark bar: with 8 colours the bar is black, as a light theme's text is.
    expect(paintTitle(' #1', 6, false, COLOR)).toBe(`${COLOR.bg(236)}${COLOR.fg(252)} #1   ${COLOR.reset}`);
    expect(paintTitle(' #1', 6, true, COLOR)).toBe(`${COLOR.bg(24)}${COLOR.fg(231)}${COLOR.bold} #1   ${COLOR.noBold}${COLOR.reset}`);
    expect(COLOR.fg(252)).not.toBe('');
  });
});

describe('prompt row', () => {
  it('draws the label, the escaped text and an inverse cursor cell, exactly the width', () => {
    const prompt = new PromptBar('filter', 'filter: ', 'a\u009bb');
    const row = prompt.renderRow(30);
    expect(row).toBe('filter: a\\u{9b}b\x1b[7m \x1b[27m' + ' '.repeat(13));
    prompt.key('home');
    expect(prompt.renderRow(30).startsWith('filter: \x1b[7ma\x1b[27m')).toBe(true);
  });
});
