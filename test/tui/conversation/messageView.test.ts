import { describe, expect, it } from 'vitest';
import type { Direction } from '../../../src/core/types.js';
import { BODY_LINES } from '../../../src/tui/conversation/bodyLines.js';
import { MAX_MESSAGE_LINES, messageLines, type MessageLine } from '../../../src/tui/conversation/messageLines.js';
import { MessageView } from '../../../src/tui/conversation/messageView.js';
import { flowMarks } from '../../../src/tui/conversation/marks.js';
import { markLines } from '../../../src/tui/conversation/renderUnit.js';
import { hexDumpLines } from '../../../src/render/hex.js';
import { clientHello, records } from '../../messages/tlsBuild.js';
import { FLOW, KEY, liveFlow } from '../../support/liveFlow.js';

const ALL = 100_000;
const HEAD: MessageLine[] = [{ side: 'event', kind: 'event', text: '10.0.0.1:40000 → 10.0.0.2:80 connected (handshake seen)' }];
type Flow = ReturnType<typeof liveFlow>;

const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: farm.example\r\n\r\n`;
const response = (body: string) => `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
const numbered = (count: number, tag: string) => Array.from({ length: count }, (_, i) => `${tag} line ${i}`);
const lines = (count: number, tag: string) => numbered(count, tag).join('\n');

/** Every row of `view` (its window made as tall as the flow), leaving it where it was. */
function rows(view: MessageView, flow: Flow, width: number, tail: MessageLine[] = []) {
  view.update(width, ALL, flow.stamp, HEAD, tail);
  return view.lines().map(({ side, kind, text, continued }) => ({ side, kind, text, continued }));
}

/** The rows a new view shows for the flow as it is now (every row made at once). */
function freshRows(flow: Flow, width: number, tail: MessageLine[] = []) {
  return rows(new MessageView(FLOW, flow.messages, flow.read), flow, width, tail);
}

/**
 * The rows of one exchange of `request(path)` and a `text/plain` answer of `body` lines (of
 * `length` bytes), `sizes` its request / response bytes, at 60 columns.
 */
function exchangeTexts(n: number, path: string, sizes: string, length: string, body: string[], cut?: string): string[] {
  return [
    `= #${n} GET ${path} → 200 OK, ${sizes}, send 0.0 ms, wait `, '  1.0 ms, receive 0.0 ms',
    `> GET ${path} HTTP/1.1`, '> Host: farm.example',
    '< HTTP/1.1 200 OK', '< Content-Type: text/plain', `< Content-Length: ${length.replace(',', '')}`, '< ',
    ...body.map((line) => `< ${line}`), ...(cut ? [cut] : []), `= body: ${length} bytes`,
  ];
}

/** A view kept over the flow's changes, updated as a frame would (a 20-row window, following). */
function keptView(flow: Flow) {
  const view = new MessageView(FLOW, flow.messages, flow.read);
  view.follow = true;
  return view;
}

describe('message view: rows made again after a change equal a new view of the flow', () => {
  it('exchanges appended one by one, requests and responses in separate frames, a pipelined wait', () => {
    const flow = liveFlow(KEY, 1000);
    const view = keptView(flow);
    const frame = () => view.update(60, 20, flow.stamp, HEAD);
    for (let i = 0; i < 5; i++) {
      flow.send('c2s', request(`/poll/${i}`));
      frame();
      flow.send('s2c', response(`answer ${i}`));
      frame();
    }
    expect(rows(view, flow, 60)).toEqual(freshRows(flow, 60));
    // Three requests sent ahead; their responses come one per frame, the oldest first.
    for (let i = 5; i < 8; i++) flow.send('c2s', request(`/pipelined/${i}`));
    frame();
    for (let i = 5; i < 8; i++) {
      flow.send('s2c', response(`late ${i}`));
      frame();
      expect(rows(view, flow, 60)).toEqual(freshRows(flow, 60));
    }
    expect(rows(view, flow, 60).filter((r) => r.text.startsWith('= #'))).toHaveLength(8);
  });

  it('a body that grows over frames (a download), then ends', () => {
    const flow = liveFlow(KEY, 1000);
    const view = keptView(flow);
    flow.send('c2s', request('/first'));
    flow.send('s2c', response('done'));
    flow.send('c2s', request('/export.csv'));
    const body = lines(BODY_LINES + 10, 'csv') + '\n';
    flow.send('s2c', `HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: ${body.length}\r\n\r\n`);
    view.update(60, 20, flow.stamp, HEAD);
    for (let at = 0; at < body.length; at += 37) {
      flow.send('s2c', body.slice(at, at + 37));
      view.update(60, 20, flow.stamp, HEAD);
      expect(rows(view, flow, 60)).toEqual(freshRows(flow, 60));
    }
    expect(rows(view, flow, 60).map((r) => r.text)).toContain(`= body: ${body.length} bytes`);
  });

  it('a note (a gap), an upgrade whose bytes go raw, the flow ending with its tail line', () => {
    const flow = liveFlow(KEY, 1000);
    const view = keptView(flow);
    flow.send('c2s', request('/a'));
    flow.send('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf');
    view.update(60, 20, flow.stamp, HEAD);
    flow.gap('s2c', 96);
    view.update(60, 20, flow.stamp, HEAD);
    expect(rows(view, flow, 60)).toEqual(freshRows(flow, 60));
    flow.send('c2s', 'GET /chat HTTP/1.1\r\nHost: farm.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    view.update(60, 20, flow.stamp, HEAD);
    flow.send('s2c', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    flow.send('c2s', '\x81\x05hello');
    view.update(60, 20, flow.stamp, HEAD);
    const now = rows(view, flow, 60);
    expect(now).toEqual(freshRows(flow, 60));
    expect(now.filter((r) => r.kind === 'note').map((r) => r.text)).toEqual([
      '= message cut at 44: gap in the body',
      '= note (client, at byte 122): switched protocols (websocket)',
      '= note (server, at byte 217): switched protocols (websocket)',
    ]);
    flow.end();
    const tail: MessageLine[] = [{ side: 'event', kind: 'event', text: 'end: FIN' }];
    view.update(60, 20, flow.stamp, HEAD, tail);
    expect(rows(view, flow, 60, tail)).toEqual(freshRows(flow, 60, tail));
    expect(view.lines().at(-1)!.text).toBe('= end: FIN');
  });

  it('a body expanded (Enter) in an exchange above others, then more exchanges', () => {
    const flow = liveFlow(KEY, 1000);
    flow.send('c2s', request('/long'));
    flow.send('s2c', response(lines(BODY_LINES + 7, 'long')));
    for (let i = 0; i < 3; i++) {
      flow.send('c2s', request(`/after/${i}`));
      flow.send('s2c', response(`short ${i}`));
    }
    const expand = (view: MessageView) => {
      view.update(60, 20, flow.stamp, HEAD);
      view.home();
      expect(view.find('more lines (Enter shows them)', false)).toBe(true);
      expect(view.expandInWindow()).toBe(true);
      view.update(60, 20, flow.stamp, HEAD);
    };
    const view = keptView(flow);
    expand(view);
    const expanded = rows(view, flow, 60);
    expect(expanded.map((r) => r.text)).toContain(`< long line ${BODY_LINES + 6}`);
    expect(expanded.some((r) => r.text.includes('more lines'))).toBe(false);
    flow.send('c2s', request('/later'));
    flow.send('s2c', response('later'));
    view.update(60, 20, flow.stamp, HEAD);
    const reference = new MessageView(FLOW, flow.messages, flow.read);
    expand(reference);
    expect(rows(view, flow, 60)).toEqual(rows(reference, flow, 60));
    expect(rows(view, flow, 60).map((r) => r.text)).toEqual([
      `= ${HEAD[0].text}`,
      ...exchangeTexts(1, '/long', '42 B / 406 B', '340', numbered(BODY_LINES + 7, 'long')),
      ...[0, 1, 2].flatMap((i) => exchangeTexts(i + 2, `/after/${i}`, '45 B / 71 B', '7', [`short ${i}`])),
      ...exchangeTexts(5, '/later', '43 B / 69 B', '5', ['later']),
    ]);
  });

  it('a body expanded near the top of a flow at the line cap: the exchanges past the cap go', () => {
    const flow = liveFlow(KEY, 1000);
    flow.send('c2s', request('/long'));
    flow.send('s2c', response(lines(500, 'long')));
    const perExchange = 25; // fewer lines than each exchange makes: the cap is reached
    for (let i = 0; i * perExchange < MAX_MESSAGE_LINES; i++) {
      flow.send('c2s', request(`/page/${i}`));
      flow.send('s2c', response(lines(BODY_LINES + 5, `page ${i}`)));
    }
    const view = keptView(flow);
    view.update(60, 20, flow.stamp, HEAD);
    const before = rows(view, flow, 60);
    const firstBody = exchangeTexts(1, '/long', '42 B / 6,956 B', '6,889', numbered(BODY_LINES, 'long'), '= ... 480 more lines (Enter shows them)');
    expect(before.slice(0, 1 + firstBody.length).map((r) => r.text)).toEqual([`= ${HEAD[0].text}`, ...firstBody]);
    expect(before.filter((r) => r.text.startsWith('= #'))).toHaveLength(1725);
    expect(before.at(-1)!.text).toBe('= more messages than shown here: m shows the raw bytes');
    view.home();
    expect(view.find('more lines (Enter shows them)', false)).toBe(true);
    expect(view.expandInWindow()).toBe(true);
    const after = rows(view, flow, 60);
    expect(after.filter((r) => r.text.startsWith('< long line')).map((r) => r.text.slice(2))).toEqual(numbered(500, 'long'));
    expect(after.at(-1)!.text).toBe('= more messages than shown here: m shows the raw bytes');
    expect(after.filter((r) => r.text.startsWith('= #'))).toHaveLength(1708);
    expect(after.filter((r) => r.text.startsWith('= #')).length).toBeLessThan(before.filter((r) => r.text.startsWith('= #')).length);
  });

  it('a new width makes every row again', () => {
    const flow = liveFlow(KEY, 1000);
    const view = keptView(flow);
    flow.send('c2s', request(`/${'wide/'.repeat(20)}`));
    flow.send('s2c', response(`${'x'.repeat(150)}\nshort`));
    for (const width of [80, 30, 120, 30]) {
      view.update(width, 20, flow.stamp, HEAD);
      expect(rows(view, flow, width)).toEqual(freshRows(flow, width));
    }
    expect(rows(view, flow, 30).some((r) => r.continued)).toBe(true);
  });

  it('a line protocol: lines that arrive in pieces, an SMTP DATA block, STARTTLS', () => {
    const flow = liveFlow(KEY, 1000);
    const view = keptView(flow);
    const steps: [Direction, string | Uint8Array][] = [
      ['s2c', '220 mail.example.org ESMTP\r\n'], ['c2s', 'EHLO lap'], ['c2s', 'top.example.com\r\n'], ['s2c', '250 ok\r\n'],
      ['c2s', 'DATA\r\n'], ['s2c', '354 go ahead\r\n'], ['c2s', 'Subject: hi\r\n\r\nbody'], ['c2s', ' text\r\n.\r\n'], ['s2c', '250 queued\r\n'],
      ['c2s', 'STARTTLS\r\n'], ['s2c', '220 Go ahead\r\n'], ['c2s', records(clientHello('mail.example.org', [], [0x0303]))],
    ];
    for (const [dir, data] of steps) {
      flow.send(dir, data);
      view.update(60, 20, flow.stamp, HEAD);
      expect(rows(view, flow, 60)).toEqual(freshRows(flow, 60));
    }
    expect(flow.messages.protocol).toBe('lines');
    const texts = rows(view, flow, 60).map((r) => r.text);
    expect(texts).toContain('> EHLO laptop.example.com');
    expect(texts.some((t) => /^= DATA body: \d+ bytes$/.test(t))).toBe(true);
    expect(texts).toContain('> body text');
    expect(texts.some((t) => t.includes('TLS ClientHello  SNI mail.example.org'))).toBe(true);
    // A hello's fields wrap at spaces, never inside a word or number.
    const narrow = new MessageView(FLOW, flow.messages, flow.read);
    narrow.update(30, ALL, flow.stamp, HEAD);
    const hello = narrow.lines().map((line) => line.text);
    const at = hello.findIndex((t) => t.startsWith('> TLS ClientHello'));
    expect(hello.slice(at, at + 3).map((t) => t.trimEnd())).toEqual(['> TLS ClientHello  SNI', '  mail.example.org  TLS 1.2', expect.stringMatching(/^ {2}\d+ cipher suites?$/)]);
  });
});

describe('message view: parser notes shown with their unit, also when they arrive while units are shown', () => {
  /** Updates `view` as a frame would and expects its rows to equal a new view's; returns the rows' texts. */
  const frame = (view: MessageView, flow: Flow) => {
    view.update(100, 20, flow.stamp, HEAD);
    const now = rows(view, flow, 100);
    expect(now).toEqual(freshRows(flow, 100));
    return now.map((r) => r.text);
  };

  it('a response head lost in a gap: the notes go before the next response, not after the last exchange', () => {
    const flow = liveFlow(KEY, 1000);
    const view = keptView(flow);
    flow.send('c2s', request('/1'));
    flow.send('c2s', request('/2'));
    frame(view, flow);
    flow.gap('s2c', 60);
    frame(view, flow);
    flow.send('s2c', `${'lost body '.repeat(20)}\r\n`);
    frame(view, flow);
    flow.send('s2c', response('second'));
    frame(view, flow);
    flow.send('c2s', request('/3'));
    flow.send('s2c', response('third'));
    const texts = frame(view, flow);
    // The lost response's exchange says so and shows the bytes that came of it; the gap's note goes with them.
    const first = texts.findIndex((t) => t.startsWith('= #1 GET /1'));
    expect(texts[first]).toMatch(/^= #1 GET \/1 → head lost, 202 B of the response received, /);
    expect(texts.slice(first + 1, first + 5)).toEqual([
      '= ! response head lost in a capture gap: the bytes that came of it are shown',
      '> GET /1 HTTP/1.1',
      '> Host: farm.example',
      '= gap of 60 bytes (server): looking for the next message start',
    ]);
    // Raw bytes, as the text mode shows them: cut at the width.
    expect(texts[first + 5]).toBe(`< ${'lost body '.repeat(20)}`.slice(0, 100));
    const second = texts.findIndex((t) => t.startsWith('= #2 GET /2'));
    expect(texts.slice(second + 1, second + 5)).toEqual(['> GET /2 HTTP/1.1', '> Host: farm.example', '= note (server, at byte 262): resumed at this message start', '< HTTP/1.1 200 OK']);
    expect(texts.filter((t) => t.startsWith('= note') || t.startsWith('= gap'))).toHaveLength(2);
    expect(texts.at(-1)).toBe('= body: 5 bytes');
    // With the chunk index too, the gap is said once (by the parser's note), then the bytes.
    const withGaps = new MessageView(FLOW, flow.messages, flow.read, flow.chunks);
    withGaps.update(100, ALL, flow.stamp, HEAD);
    expect(withGaps.lines().map((line) => line.text)).toEqual(texts);
  });

  it('a gap in a body running into the next message, which resynchronises', () => {
    const flow = liveFlow(KEY, 1000);
    const view = keptView(flow);
    flow.send('c2s', request('/a'));
    flow.send('s2c', response('first'));
    flow.send('c2s', request('/b'));
    flow.send('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhalf');
    frame(view, flow);
    flow.gap('s2c', 46 + 30);
    frame(view, flow);
    flow.send('c2s', request('/c'));
    flow.send('c2s', request('/d'));
    frame(view, flow);
    flow.send('s2c', 'of the lost head\r\n\r\n');
    frame(view, flow);
    flow.send('s2c', response('for d'));
    const texts = frame(view, flow);
    // The gap's note after the body it cut and the cut's line (in exchange #2), the resynchronisation's before the response it found (#4's).
    const gapNote = texts.indexOf('= gap of 76 bytes (server): looking for the next message start');
    expect(texts.slice(gapNote - 2, gapNote)).toEqual(['= body: 50 bytes, cut (46 of 50 wire bytes from a capture gap on)', '= message cut at 112: gap in the body']);
    // The bytes after the gap are what came of #3's response, whose head the gap took.
    expect(texts[gapNote + 1]).toMatch(/^= #3 GET \/c → head lost, 20 B of the response received/);
    const resumed = texts.indexOf('= note (server, at byte 208): resumed at this message start');
    expect(texts.slice(resumed - 3, resumed + 2)).toEqual(['= #4 GET /d → 200 OK, 39 B / 69 B, send 0.0 ms, wait 2.0 ms, receive 0.0 ms', '> GET /d HTTP/1.1', '> Host: farm.example', texts[resumed], '< HTTP/1.1 200 OK']);
    expect(texts.at(-1)).toBe('= body: 5 bytes');
  });

  it('a gap inside a body of known length: with the chunk index, what came after the gap follows its row', () => {
    const flow = liveFlow(KEY, 1000);
    flow.send('c2s', request('/a'));
    flow.send('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhalf');
    flow.gap('s2c', 20);
    flow.send('s2c', 'the last twenty-six bytes.');
    flow.send('c2s', request('/b'));
    flow.send('s2c', response('next'));
    const texts = (chunks: typeof flow.chunks | undefined): string[] => {
      const view = new MessageView(FLOW, flow.messages, flow.read, chunks);
      view.update(100, ALL, flow.stamp, HEAD);
      return view.lines().map((line) => line.text);
    };
    const about = '= body: 50 bytes, cut (46 of 50 wire bytes from a capture gap on)';
    const shown = texts(flow.chunks);
    const at = shown.indexOf(about);
    expect(shown.slice(at - 1, at + 4)).toEqual(['< half', about, '= gap of 20 bytes (server)', '< the last twenty-six bytes.', '= message cut at 43: gap in the body']);
    expect(shown[at + 4]).toMatch(/^= #2 GET \/b → 200 OK/);
    // Without the chunk index the body stops at the gap, which the about line says.
    const alone = texts(undefined);
    expect(alone.slice(alone.indexOf(about) - 1, alone.indexOf(about) + 2)).toEqual(['< half', about, '= message cut at 43: gap in the body']);
  });

  it('places a FIN where it came among the messages, when the capture clock stepped back before it (with the chunk index)', () => {
    const flow = liveFlow(KEY, 1000);
    flow.send('c2s', request('/a'));
    flow.send('s2c', response('first'));
    flow.stepBack(1_000_000);
    flow.send('c2s', request('/b'));
    flow.fin('c2s');
    flow.send('s2c', response('second'));
    flow.fin('s2c');
    const record = flow.store.getFlow(FLOW)!;
    // The FINs as the messages mode gives them to the view (messagesMode.ts), each with its chunk.
    const timed = flowMarks(record).flatMap((mark) => markLines(record, mark).map(({ side, kind, text, ts }) => ({ side, kind, text, ts, chunk: mark.chunk })));
    const view = new MessageView(FLOW, flow.messages, flow.read, flow.chunks);
    view.update(100, ALL, flow.stamp, HEAD, [], undefined, timed);
    const texts = view.lines().map((line) => line.text);
    // The client's FIN came after its second request, before the response to it; the server's after that.
    const second = texts.indexOf('> GET /b HTTP/1.1');
    expect(texts.indexOf('= client closed its side (FIN)')).toBeGreaterThan(second);
    expect(texts.indexOf('= client closed its side (FIN)')).toBeLessThan(texts.indexOf('< second'));
    expect(texts.at(-1)).toBe('= server closed its side (FIN)');
  });

  it('a note alone (nothing else changed) makes the exchange it belongs to again', () => {
    const flow = liveFlow(KEY, 1000);
    const view = keptView(flow);
    flow.send('c2s', request('/a'));
    flow.send('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf');
    frame(view, flow);
    // As a parser would tell it, about the response in progress; the stamp changes as with any event.
    flow.messages.http!.onNote({ dir: 's2c', offset: 40, text: 'something odd here' });
    view.update(100, 20, `${flow.stamp} and a note`, HEAD);
    const texts = rows(view, flow, 100).map((r) => r.text);
    expect(texts).toEqual(freshRows(flow, 100).map((r) => r.text));
    expect(texts.at(-1)).toBe('= note (server, at byte 40): something odd here');
    expect(texts.at(-2)).toMatch(/^= body: 4 bytes/);
  });

  it('a gap note says its size as the screen writes sizes: 1,234,567 bytes', () => {
    const flow = liveFlow();
    const view = keptView(flow);
    flow.send('s2c', '220 mail.example.org ESMTP\r\n');
    flow.send('c2s', 'EHLO laptop.example.com\r\n');
    flow.gap('s2c', 1_234_567);
    flow.send('s2c', '250 ok\r\n');
    expect(frame(view, flow)).toContain('= gap of 1,234,567 bytes (server)');
  });

  it('a line protocol: a gap between lines, then one in an SMTP DATA block', () => {
    const flow = liveFlow(KEY, 1000);
    const view = keptView(flow);
    flow.send('s2c', '220 mail.example.org ESMTP\r\n');
    flow.send('c2s', 'EHLO laptop.example.com\r\n');
    flow.send('s2c', '250 ok\r\n');
    frame(view, flow);
    flow.gap('c2s', 12);
    frame(view, flow);
    flow.send('c2s', 'MAIL FROM:<a@example.com>\r\n');
    frame(view, flow);
    flow.send('s2c', '250 ok\r\n');
    flow.send('c2s', 'DATA\r\n');
    flow.send('s2c', '354 go ahead\r\n');
    flow.send('c2s', 'Subject: hi\r\n\r\nfirst');
    frame(view, flow);
    flow.gap('c2s', 20);
    frame(view, flow);
    flow.send('c2s', ' last\r\n.\r\n');
    frame(view, flow);
    flow.send('s2c', '250 queued\r\n');
    const texts = frame(view, flow);
    expect(flow.messages.protocol).toBe('lines');
    const mail = texts.indexOf('> MAIL FROM:<a@example.com>');
    // Worded as the raw modes word a gap.
    expect(texts[mail - 1]).toBe('= gap of 12 bytes (client)');
    // The gap in the block: with the block's lines, before the server's reply to it.
    const block = texts.indexOf('= DATA body: 47 bytes');
    expect(texts.slice(block, block + 7)).toEqual([
      '= DATA body: 47 bytes',
      '> Subject: hi',
      '> ',
      '> first',
      '= 30 bytes from a capture gap on not shown: m shows the raw bytes',
      '= gap of 20 bytes (client)',
      '< 250 queued',
    ]);
  });
});

describe('message view: following, and the window when rows are added', () => {
  it('follow keeps the last rows in view; a window above stays on its rows as exchanges arrive below', () => {
    const flow = liveFlow(KEY, 1000);
    const view = keptView(flow);
    for (let i = 0; i < 10; i++) {
      flow.send('c2s', request(`/poll/${i}`));
      flow.send('s2c', response(`answer ${i}`));
      view.update(60, 8, flow.stamp, HEAD);
    }
    const last = freshRows(flow, 60).slice(-8).map((r) => r.text);
    expect(view.lines().map((l) => l.text)).toEqual(last);
    view.scroll(-30);
    expect(view.follow).toBe(false);
    const window = view.lines().map((l) => l.text);
    flow.send('c2s', request('/poll/10'));
    flow.send('s2c', response('answer 10'));
    view.update(60, 8, flow.stamp, HEAD);
    expect(view.lines().map((l) => l.text)).toEqual(window);
    view.follow = true;
    view.update(60, 8, flow.stamp, HEAD);
    expect(view.lines().at(-1)!.text).toBe('= body: 9 bytes');
  });

  it('search finds rows made in an earlier frame and in the last one', () => {
    const flow = liveFlow(KEY, 1000);
    const view = keptView(flow);
    flow.send('c2s', request('/needle-one'));
    flow.send('s2c', response('a'));
    view.update(60, 4, flow.stamp, HEAD);
    flow.send('c2s', request('/needle-two'));
    flow.send('s2c', response('b'));
    view.update(60, 4, flow.stamp, HEAD);
    view.home();
    expect(view.find('/needle-two', false)).toBe(true);
    expect(view.lines()[0].text).toMatch(/^= #2 GET \/needle-two/);
    expect(view.find('/needle-one', true)).toBe(true);
    expect(view.lines()[0].text).toBe('> GET /needle-one HTTP/1.1');
  });

  it('a search that finds nothing in the rows looks into the cut bodies after the top, and shows that one in full', () => {
    const flow = liveFlow(KEY, 1000);
    flow.send('c2s', request('/a'));
    flow.send('s2c', response(lines(40, 'first')));
    flow.send('c2s', request('/b'));
    flow.send('s2c', response(lines(30, 'second') + '\nthe attachment is here'));
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(80, 6, flow.stamp, HEAD);
    const cutLines = (): number => rows(view, flow, 80).filter((r) => r.text.includes('more lines (Enter shows them)')).length;
    expect(view.find('attachment', false)).toBe(true);
    expect(view.lines().map((l) => l.text)).toContain('< the attachment is here');
    // The body that held it is shown whole; the one searched in vain is cut again.
    expect(cutLines()).toBe(1);
    view.home();
    expect(view.find('nowhere at all', false)).toBe(false);
    expect(cutLines()).toBe(1);
  });

  it('the count takes in the matches of cut bodies, and n and N go through them in that order', () => {
    const flow = liveFlow(KEY, 1000);
    const body = (count: number, needles: Record<number, string>) => Array.from({ length: count }, (_, i) => needles[i] ?? `line ${i}`).join('\n');
    flow.send('c2s', request('/a'));
    flow.send('s2c', response(body(40, { 5: 'needle A', 30: 'needle B' })));
    flow.send('c2s', request('/needle-path'));
    flow.send('s2c', response('ok'));
    flow.send('c2s', request('/c'));
    flow.send('s2c', response(body(30, { 25: 'needle C' })));
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(80, 6, flow.stamp, HEAD);
    const step = (backward: boolean) => {
      expect(view.find('needle', backward, true)).toBe(true);
      view.update(80, 6, flow.stamp, HEAD);
      const shown = view.lines().find((line) => line.matches.length > 0)!;
      return `${view.matchCount()}: ${shown.text.slice(shown.matches[0][0] - 2, shown.matches[0][0] + 13)}`;
    };
    expect(view.find('needle', false)).toBe(true);
    expect(view.matchCount()).toBe('match 1 of 5');
    expect([1, 2, 3, 4, 5].map(() => step(false))).toEqual([
      'match 2 of 5: < needle B',
      'match 3 of 5:  /needle-path →',
      'match 4 of 5:  /needle-path H',
      'match 5 of 5: < needle C',
      'match 1 of 5: < needle A',
    ]);
    expect(step(true)).toBe('match 5 of 5: < needle C');
    expect(step(true)).toBe('match 4 of 5:  /needle-path H');
  });

  /** `bodies` exchanges whose bodies hide a needle past their cut, then one with `needle` in its target; the view at its end. */
  function hiddenNeedles(bodies: number): MessageView {
    const flow = liveFlow(KEY, 1000);
    for (let i = 0; i < bodies; i++) {
      flow.send('c2s', request(`/${i}`));
      flow.send('s2c', response(lines(40, 'first') + '\nneedle hidden'));
    }
    flow.send('c2s', request('/needle'));
    flow.send('s2c', response('ok'));
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(80, 6, flow.stamp, HEAD);
    view.end();
    return view;
  }

  it('N finds the last match of a cut body before the match', () => {
    const view = hiddenNeedles(1);
    expect(view.find('needle', true)).toBe(true);
    expect(view.matchCount()).toBe('match 3 of 3');
    expect(view.find('needle', true, true)).toBe(true);
    expect(view.find('needle', true, true)).toBe(true);
    expect(view.matchCount()).toBe('match 1 of 3');
    expect(view.lines()[0].text).toBe('< needle hidden');
  });

  it('counts the matches of every cut body, in steps no longer than asked: 40 bodies, not the 32 a search looks into', () => {
    const view = hiddenNeedles(40);
    expect(view.find('needle', true)).toBe(true);
    // 40 hidden needles and the last request's two lines. A deadline already past: a body's 41
    // lines are read and its first 20 made in one call, then one line is made per call, and the
    // count goes on where it stopped.
    let calls = 1;
    while (view.matchCount(0) === undefined) calls++;
    expect(calls).toBe(40 * 21);
    expect(view.matchCount(0)).toBe('match 42 of 42');
    expect(view.matchCount()).toBe('match 42 of 42');
  });

  it('counts a cut body in steps as in one call: text made line by line, a hex dump made whole at its first line', () => {
    const flow = liveFlow(KEY, 1000);
    const binary = Buffer.alloc(4096, 0);
    for (let at = 0; at < binary.length; at += 256) binary.write('needle', at + 3, 'latin1');
    flow.send('c2s', request('/text'));
    flow.send('s2c', response(lines(300, 'first') + '\nneedle'.repeat(50)));
    flow.send('c2s', request('/blob'));
    flow.send('s2c', Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${binary.length}\r\n\r\n`), binary]).toString('latin1'));
    flow.send('c2s', request('/needle'));
    flow.send('s2c', response('ok'));
    const view = (): MessageView => {
      const made = new MessageView(FLOW, flow.messages, flow.read);
      made.update(80, 6, flow.stamp, HEAD);
      made.end();
      expect(made.find('needle', true)).toBe(true);
      return made;
    };
    const stepped = view();
    let calls = 1;
    while (stepped.matchCount(0) === undefined) calls++;
    // A line a call, after the first 20 of each body made with its read: the text's 350, the hex dump's 257 (its title line and 256 rows).
    expect(calls).toBe(350 - 20 + (257 - 20));
    expect(stepped.matchCount(0)).toBe(view().matchCount());
    // 50 in the text, 16 in the dump's text column, 2 of the last exchange (its summary and request line).
    expect(stepped.matchCount(0)).toBe('match 68 of 68');
  });

  it('stops counting past 10,000 matches, as the raw modes do: the total and a number after bodies not read are floors', () => {
    const flow = liveFlow(KEY, 1000);
    for (let i = 0; i < 12; i++) {
      flow.send('c2s', request(`/${i}`));
      flow.send('s2c', response(lines(40, 'first') + '\nneedle\n'.repeat(1000)));
    }
    flow.send('c2s', request('/needle'));
    flow.send('s2c', response('ok'));
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(80, 6, flow.stamp, HEAD);
    view.end();
    expect(view.find('needle', true)).toBe(true);
    expect(view.matchCount()).toBe('match 10,002+ of 10,002+');
    view.home();
    expect(view.find('needle', false)).toBe(true);
    expect(view.matchCount()).toBe('match 1 of 10,002+');
  });

  it('a body longer than the messages mode reads (1 MiB) makes the count a floor: 1+', () => {
    const flow = liveFlow(KEY, 1000);
    // A needle in the first lines, one past the first MiB (not read, so not counted).
    const body = `needle one\n${'x'.repeat(1 << 20)}\nneedle two\n`;
    flow.send('c2s', request('/big'));
    flow.send('s2c', response(body), 64);
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(80, 6, flow.stamp, HEAD);
    expect(view.find('needle', false)).toBe(true);
    expect(view.matchCount()).toBe('match 1 of 1+');
    // Shown whole (Enter), the body still stops at the first MiB: the same.
    view.end();
    expect(view.expandInWindow()).toBe(true);
    view.update(80, 6, flow.stamp, HEAD);
    view.home();
    expect(view.find('needle', false)).toBe(true);
    expect(view.matchCount()).toBe('match 1 of 1+');
  });

  it('search says where its match stands among all of them, in the order n goes', () => {
    const flow = liveFlow(KEY, 1000);
    const view = keptView(flow);
    for (const path of ['/needle-one', '/other', '/needle-two']) {
      flow.send('c2s', request(path));
      flow.send('s2c', response('a'));
    }
    view.update(60, 4, flow.stamp, HEAD);
    view.home();
    // Each request shows the path twice: its timing line and its request line.
    const counts = [1, 2, 3, 4, 1].map(() => (view.find('needle', false, true), view.matchCount()));
    expect(counts).toEqual(['match 1 of 4', 'match 2 of 4', 'match 3 of 4', 'match 4 of 4', 'match 1 of 4']);
    expect(view.find('needle', true, true) && view.matchCount()).toBe('match 4 of 4');
    // Once the window moved off the match, n goes on from the window (at the end: round to the first), not from the match.
    view.home();
    expect(view.find('needle', false) && view.matchCount()).toBe('match 1 of 4');
    view.end();
    expect(view.find('needle', false, true) && [view.matchCount(), view.wrapped]).toEqual(['match 1 of 4', true]);
    view.clearSearch();
    expect(view.matchCount()).toBe('');
  });

  it('search and its highlight use smart case', () => {
    const flow = liveFlow(KEY, 1000);
    const view = keptView(flow);
    flow.send('c2s', request('/Needle-One'));
    flow.send('s2c', response('a'));
    view.update(60, 4, flow.stamp, HEAD);
    view.home();
    expect(view.find('get /needle-one', false)).toBe(true);
    const row = view.lines()[0];
    expect(row.text).toMatch(/^= #1 GET \/Needle-One → 200/);
    expect(row.matches.map(([a, b]) => row.text.slice(a, b))).toEqual(['GET /Needle-One']);
    view.home();
    expect(view.find('GET /needle-one', false)).toBe(false);
  });
});

describe('message view: search over whole lines, across the rows they wrap to', () => {
  const AGENT = 'Firefox/133.0';
  /** Two exchanges whose User-Agent line, one word wider than the pane, is cut at 60 columns inside "Firefox/133.0"; the second names it twice. */
  function wrappedFlow() {
    const flow = liveFlow(KEY, 1000);
    // The a's and the first agent make one word wider than a row: cut where rows end, the second inside the agent.
    const agent = (times: number) => `User-Agent: ${'a'.repeat(95)}${Array(times).fill(AGENT).join(' ')}`;
    for (const [path, times] of [['/one', 1], ['/two', 2]] as const) {
      flow.send('c2s', `GET ${path} HTTP/1.1\r\nHost: farm.example\r\n${agent(times)}\r\n\r\n`);
      flow.send('s2c', response(`for ${path}`));
    }
    return flow;
  }
  /** The highlighted text of the window's rows, joined. */
  const highlighted = (view: MessageView) => view.lines().flatMap((l) => l.matches.map(([from, to]) => l.text.slice(from, to))).join('');

  it('finds a match split by the wrap, puts the row it begins in at the top, highlights it on both rows', () => {
    const flow = wrappedFlow();
    const view = new MessageView(FLOW, flow.messages, flow.read);
    // In rows, only the second line's second match is whole.
    expect(rows(view, flow, 60).filter((r) => r.text.includes(AGENT)).map((r) => r.text)).toEqual(['  33.0 Firefox/133.0']);
    view.update(60, 3, flow.stamp, HEAD);
    view.home();
    expect(view.find(AGENT, false)).toBe(true);
    const [first, second] = view.lines();
    expect(first.text).toMatch(/^  a{49}Firefox\/1$/);
    expect(second.continued).toBe(true);
    expect(first.matches).toEqual([[first.text.indexOf('Firefox'), first.text.length]]);
    expect(second.matches).toEqual([[2, 2 + '33.0'.length]]);
    expect(highlighted(view)).toBe(AGENT);
    expect(view.exchangeInWindow()).toBe(0);
  });

  it('n goes on from the match found, also within one line and in the last screen; N goes back', () => {
    const flow = wrappedFlow();
    const view = new MessageView(FLOW, flow.messages, flow.read);
    // As tall as the flow: the window cannot move, so only the match found tells where n goes on from.
    view.update(60, 200, flow.stamp, HEAD);
    expect([false, true, true].map((again) => view.find(AGENT, false, again))).toEqual([true, true, true]);
    expect(view.wrapped).toBe(false);
    // Past the last match, n goes round to the first.
    expect(view.find(AGENT, false, true)).toBe(true);
    expect(view.wrapped).toBe(true);
    expect(highlighted(view)).toBe(AGENT.repeat(3));
    // Back from the last match: the second, then the first, then none.
    const step = new MessageView(FLOW, flow.messages, flow.read);
    step.update(60, 3, flow.stamp, HEAD);
    step.home();
    const tops: string[] = [];
    expect(step.find(AGENT, false)).toBe(true);
    tops.push(step.lines()[0].text);
    expect(step.find(AGENT, false, true)).toBe(true);
    tops.push(step.lines()[0].text);
    expect(step.find(AGENT, false, true)).toBe(true);
    tops.push(step.lines()[0].text);
    expect(step.exchangeInWindow()).toBe(1);
    expect(step.find(AGENT, true, true)).toBe(true);
    expect(step.lines()[0].text).toBe(tops[1]);
    expect(step.find(AGENT, true, true)).toBe(true);
    expect(step.lines()[0].text).toBe(tops[0]);
    expect(step.exchangeInWindow()).toBe(0);
    // Before the first match, N goes round to the last.
    expect(step.find(AGENT, true, true)).toBe(true);
    expect(step.wrapped).toBe(true);
    expect(step.lines()[0].text).toBe(tops[2]);
    // The second line's two matches: the first split by the wrap, the second on the next row.
    expect(tops[1]).toMatch(/^  a{49}Firefox\/1$/);
    expect(tops[2]).toBe('  33.0 Firefox/133.0');
  });

  it('a new search (/) starts after the top row, not from the match found before, and goes round', () => {
    const flow = wrappedFlow();
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(60, 3, flow.stamp, HEAD);
    expect(view.find(AGENT, false)).toBe(true);
    view.home();
    expect(view.find(AGENT, false)).toBe(true);
    expect(view.exchangeInWindow()).toBe(0);
    // Backward from the top, a new search goes round from the bottom (as vim's does).
    expect(view.find('/two', true)).toBe(true);
    expect(view.wrapped).toBe(true);
    expect(view.find('no such text', false)).toBe(false);
  });
});

describe('message view: work per frame', () => {
  it('one more exchange reads only the exchanges that may still change, not every one', () => {
    const flow = liveFlow(KEY, 1000);
    for (let i = 0; i < 300; i++) {
      flow.send('c2s', request(`/poll/${i}`));
      flow.send('s2c', response(`answer ${i}`));
    }
    const view = keptView(flow);
    view.update(60, 20, flow.stamp, HEAD);
    // Counts reads of the exchanges by index (what a view does to make or check an exchange's rows).
    const http = flow.messages.http!;
    let reads = 0;
    const counted = new Proxy(http.exchanges, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    Object.defineProperty(http, 'exchanges', { value: counted });
    for (let i = 300; i < 305; i++) {
      flow.send('c2s', request(`/poll/${i}`));
      flow.send('s2c', response(`answer ${i}`));
      view.update(60, 20, flow.stamp, HEAD);
    }
    expect(http.exchanges).toHaveLength(305);
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThan(5 * 20);
    expect(rows(view, flow, 60)).toEqual(freshRows(flow, 60));
  });
});


describe('] and [: message to message', () => {
  it('] puts each exchange\'s first row at the top, [ comes back to its start, then to the one before', () => {
    const flow = liveFlow(KEY, 1000);
    for (const path of ['/a', '/b', '/c']) {
      flow.send('c2s', request(path));
      flow.send('s2c', response(lines(3, path)));
    }
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(80, 5, flow.stamp, HEAD);
    const top = () => view.lines()[0].text;
    expect(top()).toBe(`= ${HEAD[0].text}`);
    const forward: string[] = [];
    for (let i = 0; i < 50 && view.nextUnit(); i++) forward.push(top());
    expect(forward.map((t) => t.split(',')[0])).toEqual(['= #1 GET /a → 200 OK', '= #2 GET /b → 200 OK', '= #3 GET /c → 200 OK']);
    expect(forward).toHaveLength(3);
    view.scroll(2);
    expect(view.previousUnit()).toBe(true);
    expect(top().split(',')[0]).toBe('= #3 GET /c → 200 OK');
    expect(view.previousUnit()).toBe(true);
    expect(top().split(',')[0]).toBe('= #2 GET /b → 200 OK');
    view.home();
    expect(view.previousUnit()).toBe(false);
  });

  it('a line protocol: ] steps from command to command (a command and its reply are one step), [ comes back', () => {
    const flow = liveFlow(KEY, 1000);
    for (const [dir, text] of [
      ['s2c', '+OK POP3 ready\r\n'], ['c2s', 'CAPA\r\n'], ['s2c', '+OK\r\nTOP\r\nUSER\r\nUIDL\r\nSASL PLAIN\r\n.\r\n'],
      ['c2s', 'USER ann\r\n'], ['s2c', '+OK\r\n'], ['c2s', 'LIST\r\n'], ['s2c', '+OK 2 messages\r\n1 120\r\n2 340\r\n.\r\n'],
    ] as [Direction, string][]) flow.send(dir, text);
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(80, 4, flow.stamp, HEAD);
    const top = () => view.lines()[0].text;
    const forward: string[] = [];
    for (let i = 0; i < 50 && view.nextUnit(); i++) forward.push(top());
    expect(forward).toEqual(['< +OK POP3 ready', '> CAPA', '> USER ann', '> LIST']);
    expect(view.previousUnit()).toBe(true);
    expect(top()).toBe('> USER ann');
  });

  it('a line protocol: commands sent together (pipelining) and their replies are one step', () => {
    const flow = liveFlow(KEY, 1000);
    for (const [dir, text] of [
      ['s2c', '220 mx ESMTP\r\n'], ['c2s', 'EHLO a\r\n'], ['s2c', '250-mx\r\n250 PIPELINING\r\n'],
      ['c2s', 'MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\n'], ['s2c', '250 Ok\r\n250 Ok\r\n'], ['c2s', 'QUIT\r\n'], ['s2c', '221 Bye\r\n'],
    ] as [Direction, string][]) flow.send(dir, text);
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(80, 2, flow.stamp, HEAD);
    const top = () => view.lines()[0].text;
    const forward: string[] = [];
    for (let i = 0; i < 50 && view.nextUnit(); i++) forward.push(top());
    expect(forward).toEqual(['< 220 mx ESMTP', '> EHLO a', '> MAIL FROM:<a@x>', '> QUIT']);
  });

  it('on a flow of 2,000 exchanges, from every row: ] to the next start (none after the last), [ to the start in view or the one before', () => {
    const flow = liveFlow(KEY, 1000);
    for (let i = 0; i < 2000; i++) {
      flow.send('c2s', request(`/p/${i}`));
      flow.send('s2c', response(lines(1 + (i % 4), `/p/${i}`)));
    }
    const height = 9;
    const all = rows(new MessageView(FLOW, flow.messages, flow.read), flow, 80).map((row) => row.text);
    const starts = all.flatMap((text, row) => (/^= #\d+ /.test(text) ? [row] : []));
    expect(starts).toHaveLength(2000);
    const lastTop = all.length - height;
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(80, height, flow.stamp, HEAD);
    const topIs = (row: number) => view.lines().every((line, i) => line.text === all[row + i]);
    const at = (top: number) => {
      view.home();
      view.scroll(top);
    };
    // From each top row: where ] and [ must go; `wrong` collects the rows they did not.
    const wrong: string[] = [];
    for (let top = 0, after = 0; top <= lastTop; top++) {
      while (after < starts.length && starts[after] <= top) after++; // starts[after]: the first start below the top
      const next = Math.min(starts[after] ?? top, lastTop);
      at(top);
      if (view.nextUnit() !== (next !== top) || !topIs(next)) wrong.push(`] from ${top}`);
      const previous = starts[starts[after - 1] === top ? after - 2 : after - 1] ?? 0;
      at(top);
      if (view.previousUnit() !== (previous !== top) || !topIs(previous)) wrong.push(`[ from ${top}`);
    }
    expect(wrong).toEqual([]);
  });

  it('stops following, so the next frame does not take the window back to the end', () => {
    const flow = liveFlow(KEY, 1000);
    for (const path of ['/a', '/b', '/c']) {
      flow.send('c2s', request(path));
      flow.send('s2c', response(lines(3, path)));
    }
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.follow = true;
    view.update(80, 5, flow.stamp, HEAD);
    expect(view.previousUnit()).toBe(true);
    expect(view.follow).toBe(false);
    const shown = view.lines()[0].text;
    flow.send('c2s', request('/d'));
    view.update(80, 5, flow.stamp, HEAD);
    expect(view.lines()[0].text).toBe(shown);
  });
});

describe('message view: the time prefix (t) at 80 columns', () => {
  const GIF = Buffer.from('GIF89a\x04\x00\x04\x00\xb3\x00\x00\xbd\xd8\xe2t\x88\x91\xbd\xd7\xe2\x85\x97', 'latin1');
  const image = () => Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: ${GIF.length}\r\n\r\n`), GIF]);

  it('keeps the line at the top, and a hex dump narrows to 8 bytes a row instead of wrapping', () => {
    const flow = liveFlow(KEY, 1000);
    for (const path of ['/a', '/b', '/c']) {
      flow.send('c2s', request(`${path}.gif`));
      flow.send('s2c', image());
    }
    const view = new MessageView(FLOW, flow.messages, flow.read);
    const frame = (mode: 'off' | 'absolute') => view.update(80, 8, flow.stamp, HEAD, [], { mode, startTs: 0, filter: 'both' });
    frame('off');
    view.nextUnit();
    view.nextUnit();
    expect(view.lines()[0].text).toMatch(/^= #2 GET \/b\.gif → 200 OK/);
    frame('absolute');
    expect(view.lines()[0].text).toMatch(/^\S+ = #2 GET \/b\.gif → 200 OK/);
    frame('off');
    expect(view.lines()[0].text).toMatch(/^= #2 GET \/b\.gif → 200 OK/);
    const whole = new MessageView(FLOW, flow.messages, flow.read);
    whole.update(80, ALL, flow.stamp, HEAD, [], { mode: 'absolute', startTs: 0, filter: 'both' });
    const dump = whole.lines().map((line) => line.text.trimStart()).filter((text) => /^< 000000[0-9a-f]{2} {2}/.test(text));
    expect(dump.slice(0, 3)).toEqual(['< 00000000  47 49 46 38 39 61 04 00  |GIF89a..|', '< 00000008  04 00 b3 00 00 bd d8 e2  |........|', '< 00000010  74 88 91 bd d7 e2 85 97  |t.......|']);
    expect(whole.lines().every((line) => line.text.length <= 80)).toBe(true);
  });

  it('a hex dump line carries the bytes it shows: a pane of 40 columns shows them 4 a row', () => {
    const bytes = Buffer.from(Array.from({ length: 40 }, (_, i) => (i * 37) & 0xff));
    const flow = liveFlow(KEY, 1000);
    flow.send('c2s', request('/blob'));
    flow.send('s2c', Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${bytes.length}\r\n\r\n`), bytes]));
    const dump = messageLines(flow.messages, flow.read, new Set()).filter((line) => line.hex !== undefined);
    expect(dump.map((line) => [line.hex!.offset, Buffer.from(line.hex!.bytes.subarray(line.hex!.offset, line.hex!.offset + 16))])).toEqual([0, 16, 32].map((at) => [at, bytes.subarray(at, at + 16)]));
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(40, ALL, flow.stamp, HEAD);
    const rows = view.lines().map((line) => line.text).filter((text) => /^< [0-9a-f]{8} {2}/.test(text));
    expect(rows).toEqual(hexDumpLines(bytes, 0, 4).map((text) => `< ${text}`));
  });

  it('keeps the byte at the top, not the row, when t changes how narrow the dump rows are', () => {
    const flow = liveFlow(KEY, 1000);
    const body = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 7) & 255));
    flow.send('c2s', request('/x.gif'));
    flow.send('s2c', Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
    const view = new MessageView(FLOW, flow.messages, flow.read);
    const frame = (mode: 'off' | 'absolute' | 'relative') => view.update(50, 8, flow.stamp, HEAD, [], { mode, startTs: 0, filter: 'both' });
    const top = () => view.lines()[0].text.trim();
    frame('absolute');
    while (!/< 00000024 /.test(top())) view.scroll(1);
    frame('relative');
    expect(top()).toMatch(/^< 00000024  fc 03 0a 11 /);
    frame('off');
    expect(top()).toMatch(/^< 00000020  e0 e7 ee f5 fc 03 0a 11 /);
    frame('absolute');
    expect(top()).toMatch(/< 00000020  e0 e7 ee f5 /);
  });

  it('highlights a search match in narrowed dump rows: the bytes\' pairs and characters, on each row they fall in', () => {
    const flow = liveFlow(KEY, 1000);
    const body = Buffer.concat([Buffer.alloc(6), Buffer.from('HELLO'), Buffer.alloc(21)]);
    flow.send('c2s', request('/x.bin'));
    flow.send('s2c', Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(80, 4, flow.stamp, HEAD, [], { mode: 'absolute', startTs: 0, filter: 'both' });
    expect(view.find('HELLO', false)).toBe(true);
    const [first, second] = view.lines();
    const marked = (line: { text: string; matches: readonly (readonly [number, number])[] }) => line.matches.map(([from, to]) => line.text.slice(from, to));
    expect(first.text.trim()).toBe('< 00000000  00 00 00 00 00 00 48 45  |......HE|');
    expect(marked(first)).toEqual(['48 45', 'HE']);
    expect(second.text.trim()).toBe('< 00000008  4c 4c 4f 00 00 00 00 00  |LLO.....|');
    expect(marked(second)).toEqual(['4c 4c 4f', 'LLO']);
    expect(view.find('4c 4f', false)).toBe(true);
    expect(view.lines()[0].text.trim()).toMatch(/^< 00000008 /);
    expect(marked(view.lines()[0])).toEqual(['4c 4f', 'LO']);
  });

  it('a text body that only looks like a hex dump is wrapped as sent, never redrawn from its digits', () => {
    const flow = liveFlow(KEY, 1000);
    const fake = '00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |not these bytes!|\n';
    flow.send('c2s', request('/dump.txt'));
    flow.send('s2c', `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${fake.length}\r\n\r\n${fake}`);
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(80, ALL, flow.stamp, HEAD, [], { mode: 'absolute', startTs: 0, filter: 'both' });
    const text = view.lines().map((line) => line.text).join('\n');
    expect(text).toContain('ot these bytes!|');
    expect(text).not.toContain('|AAAAAAAA|');
  });
});

describe('message view: resizing there and back', () => {
  it('keeps the row the reader put at the top, though a bigger window showed earlier rows; a move made meanwhile is kept instead', () => {
    const flow = liveFlow(KEY, 1000);
    for (const path of ['/one', '/two', '/three']) {
      flow.send('c2s', request(path));
      flow.send('s2c', response(lines(3, path)));
    }
    const view = new MessageView(FLOW, flow.messages, flow.read);
    const frame = (width: number, height: number) => view.update(width, height, flow.stamp, HEAD);
    const top = () => view.lines()[0].text;
    frame(80, 8);
    view.end();
    view.scroll(-3);
    frame(80, 8);
    const put = top();
    frame(120, 30);
    expect(top()).not.toBe(put);
    // A move that leaves the window where it is keeps it.
    view.end();
    frame(80, 8);
    expect(top()).toBe(put);
    // Taller only (the rows are not made again), then back.
    frame(80, 30);
    frame(80, 8);
    expect(top()).toBe(put);
    frame(120, 30);
    view.scroll(-1);
    frame(120, 30);
    const moved = top();
    frame(80, 8);
    expect(top()).toBe(moved);
  });
});
