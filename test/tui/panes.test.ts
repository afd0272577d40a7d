import { describe, expect, it } from 'vitest';
import { ConversationPane } from '../../src/tui/conversationPane.js';
import { FlowView } from '../../src/tui/flowList/flowView.js';
import { findRow } from '../../src/tui/flowList/findRow.js';
import { paletteFor } from '../../src/tui/color.js';
import { contentSearchNote, conversationTitle, emptyListText } from '../../src/tui/titles.js';
import { ASCII_GLYPHS, UNICODE_GLYPHS } from '../../src/tui/glyphs.js';
import { wsFrame } from '../messages/wsBuild.js';
import { useDemo } from '../support/demo.js';
import { FLOW, keyTo, liveFlow } from '../support/liveFlow.js';

const PLAIN = paletteFor({ NO_COLOR: '1' });
const demo = useDemo();

function screenText(pane: ConversationPane): string[] {
  // Drop our SGR (inverse for matches) to compare text.
  return pane.paint(PLAIN).split('\n').map((line) => line.replace(/\x1b\[[0-9;]*m/g, ''));
}

function runSearch(pane: ConversationPane): string {
  for (let i = 0; i < 100; i++) {
    const outcome = pane.searchStep();
    if (outcome.kind !== 'busy') return outcome.kind;
  }
  return 'busy';
}

/** How the current search match is painted (inverse, bold, underlined), and back. */
const CURRENT = '\x1b[7m\x1b[1m\x1b[4m';
const NOT_CURRENT = '\x1b[24m\x1b[22m\x1b[27m';

describe('conversation pane on the demo', () => {
  it('shows a flow, finds text from the window down, n goes on, Esc clears the highlight', () => {
    const pane = new ConversationPane(demo.store);
    pane.show(1, 80, 6);
    expect(screenText(pane)[1]).toBe('> GET / HTTP/1.1');
    const window = (): string => (pane.show(1, 80, 6), screenText(pane).join('\n'));
    expect(pane.startSearch('Server:', false)).toBe(true);
    expect(runSearch(pane)).toBe('found');
    expect(window()).toMatch(/^< Server: nginx[^]*text\/html/);
    expect(pane.paint(PLAIN)).toContain(`${CURRENT}Server:${NOT_CURRENT}`);
    expect(pane.startSearch(undefined, false)).toBe(true);
    expect(runSearch(pane)).toBe('found');
    expect(window()).toMatch(/^< Server: nginx[^]*text\/css/);
    // n past the last match goes round to the first; N before the first, round to the last.
    expect(pane.startSearch(undefined, false)).toBe(true);
    expect(runSearch(pane)).toBe('found');
    expect(window()).toMatch(/^< Server: nginx[^]*text\/html/);
    expect(pane.startSearch(undefined, true)).toBe(true);
    expect(runSearch(pane)).toBe('found');
    expect(window()).toMatch(/^< Server: nginx[^]*text\/css/);
    expect(pane.startSearch(undefined, true)).toBe(true);
    expect(runSearch(pane)).toBe('found');
    expect(window()).toMatch(/^< Server: nginx[^]*text\/html/);
    expect(pane.startSearch('no such text', false)).toBe(true);
    expect(runSearch(pane)).toBe('not-found');
    expect(pane.clearSearch()).toBe(true);
    pane.show(1, 80, 6);
    expect(pane.paint(PLAIN)).not.toContain('\x1b[7m');
  });

  it('hex mode: a hex string searches bytes; modes, directions and timestamps change the rows', () => {
    const pane = new ConversationPane(demo.store);
    pane.show(2, 80, 8);
    pane.toggleHex();
    pane.show(2, 80, 8);
    expect(screenText(pane)[1]).toMatch(/^< 00000000  32 32 30 20/);
    pane.startSearch('0d0a', false);
    expect(runSearch(pane)).toBe('found');
    pane.show(2, 80, 8);
    expect(pane.paint(PLAIN)).toContain(`${CURRENT}0d${NOT_CURRENT}`);
    pane.cycleMode();
    pane.show(2, 80, 8);
    expect(pane.displayLabel).toBe('escaped UTF-8');
    expect(screenText(pane).join('\n')).toContain('\\r\\n');
    pane.cycleMode();
    pane.cycleDirections();
    pane.show(2, 80, 30);
    const rows = screenText(pane);
    expect(rows.some((r) => r.startsWith('> '))).toBe(true);
    expect(rows.some((r) => r.startsWith('< '))).toBe(false);
    pane.cycleTimestamps();
    pane.show(2, 80, 30);
    expect(screenText(pane)[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{6} = /);
  });
});

describe('flow list find and titles on the demo', () => {
  it('/ finds the next row by address, port, state or first line, wrapping, with smart case', () => {
    const view = new FlowView(demo.store, demo.store);
    view.moveTo(0);
    expect(findRow(view, 'mail.example', false)?.index ?? -1).toBe(1);
    expect(findRow(view, ':7777', false)?.index ?? -1).toBe(3);
    expect(findRow(view, 'reset', false)?.index ?? -1).toBe(2);
    expect(findRow(view, 'RESET', false)?.index ?? -1).toBe(-1);
    // The binary flow's first line as the row shows it, escapes typed as shown.
    expect(findRow(view, '\\x07session\\x00', false)?.index ?? -1).toBe(3);
    view.moveTo(3);
    expect(findRow(view, 'GET /', false)?.index ?? -1).toBe(4);
    expect(findRow(view, 'get /', false)?.index ?? -1).toBe(4);
    expect(findRow(view, 'Get /', false)?.index ?? -1).toBe(-1);
    expect(findRow(view, 'GET /', true)?.index ?? -1).toBe(2);
    expect(findRow(view, 'no such thing', false)?.index ?? -1).toBe(-1);
    view.dispose();
  });

  it('/ says which of the matching rows it found, in the list\'s order, and searches whole summaries', () => {
    const view = new FlowView(demo.store, demo.store);
    view.moveTo(0);
    const found = (query: string, backward = false) => {
      const hit = findRow(view, query, backward);
      if (hit) view.moveTo(hit.index);
      return hit && [hit.index, hit.ordinal, hit.total];
    };
    expect(found('GET /')).toEqual([2, 2, 3]);
    expect(found('GET /')).toEqual([4, 3, 3]);
    expect(found('GET /')).toEqual([0, 1, 3]);
    expect(found('GET /', true)).toEqual([4, 3, 3]);
    expect(found('reset')).toEqual([2, 1, 2]);
    expect(found('nothing like it')).toBeUndefined();
    view.dispose();
  });

  it('with ASCII glyphs the summaries show -> and ~, and / finds what is shown', () => {
    const summaryOf = (): { summary(): string } => ({ summary: () => 'GET /a → …' });
    const ascii = new FlowView(demo.store, demo.store, undefined, summaryOf as never, ASCII_GLYPHS);
    const flow = demo.store.getFlow(1)!;
    expect(ascii.describe(flow)).toBe('GET /a -> ~');
    ascii.moveTo(0);
    expect(findRow(ascii, 'GET /a -> ~', false)?.index ?? -1).toBe(1);
    ascii.dispose();
    const unicode = new FlowView(demo.store, demo.store, undefined, summaryOf as never);
    expect(unicode.describe(flow)).toBe('GET /a → …');
    unicode.dispose();
  });

  it('the conversation title names the flow and the display; the empty list says why', () => {
    const title = conversationTitle(demo.store.getFlow(3), 'text UTF-8', UNICODE_GLYPHS, 80);
    expect(title).toBe(' #3 192.168.1.23:51002 → 198.51.100.10:80  reset  text UTF-8');
    expect(conversationTitle(undefined, 'hex', UNICODE_GLYPHS, 80)).toBe(' conversation');
    // Narrow: the addresses give way (ports and the ends of addresses kept) to the state; a cut shows.
    expect(conversationTitle(demo.store.getFlow(3), 'text UTF-8', UNICODE_GLYPHS, 40)).toBe(' #3 …1.23:51002 → …100.10:80  reset  te…');
    expect(conversationTitle(demo.store.getFlow(3), 'text UTF-8', UNICODE_GLYPHS, 30)).toBe(' #3 …3:51002 → …10:80  reset …');
    expect(emptyListText(5, false, 'file', false)).toContain('no flow matches the filter');
    // A filter in tcpdump's words that matches nothing says how flowspy spells them, in the row's columns.
    expect(emptyListText(5, false, 'file', false, undefined, { text: 'tcp port 80', width: 80 })).toBe(' no flow matches; words are ANDed: :80 for a port');
    expect(emptyListText(5, false, 'file', false, undefined, { text: 'tcp port 80', width: 40 })).toBe(' no flow matches; words are ANDed');
    expect(emptyListText(5, false, 'file', true)).toBe(' searching the flows: none has matched yet (f to change the filter)');
    expect(emptyListText(0, true, 'proxy', false)).toContain('waiting for connections');
    expect(emptyListText(0, false, 'file', false)).toContain('no TCP flows');
    // Packets that hold no TCP flow (a capture filter that selects UDP, say) are told, not waited on in silence.
    expect(emptyListText(0, true, 'live', false, { packets: 0, filtered: 0, flows: 0 })).toBe(' waiting for flows…');
    expect(emptyListText(0, true, 'live', false, { packets: 1_204, filtered: 0, flows: 0 })).toBe(' waiting for flows… (1,204 packets, none TCP: flowspy follows TCP only)');
    expect(emptyListText(0, false, 'file', false, { packets: 1, filtered: 0, flows: 0 })).toBe(' no TCP flows in this capture (1 packet, none TCP: flowspy follows TCP only)');
    // A capture filter that left every packet out says so (the packets may be TCP).
    expect(emptyListText(0, false, 'file', false, { packets: 5_000, filtered: 5_000, flows: 0 })).toBe(' no TCP flows in this capture (5,000 packets, all left out by the capture filter)');
    // Flows that came and went (evicted, or all deleted) are no case of packets without flows.
    expect(emptyListText(0, false, 'file', false, { packets: 9, filtered: 0, flows: 2 })).toBe(' no TCP flows in this capture');
    // A ~text filter's progress in the status row, digits grouped as everywhere else.
    expect(contentSearchNote({ flowsDone: 1234, flowsQueued: 2000, bytesSearched: 1000 })).toBe('searching 1,234/2,000 flows');
    // A few big flows move the count seldom: the bytes read say it goes on.
    expect(contentSearchNote({ flowsDone: 0, flowsQueued: 1, bytesSearched: 412e6 })).toBe('searching 0/1 flows, 412MB read');
  });
});

describe('m into and out of the messages mode keeps the message at the top', () => {
  it('text at the second request → messages at #2; messages at #2 → text at its request; d keeps #2', () => {
    const pane = new ConversationPane(demo.store, (id) => demo.messages.get(id));
    const top = (): string => (pane.show(1, 80, 6), screenText(pane)[0]);
    expect(top()).toMatch(/^= 192\.168\.1\.23:51000 → /);
    pane.cycleMode(); // messages → text
    top();
    pane.jump(1);
    pane.jump(1);
    pane.jump(1);
    expect(top()).toBe('> GET /style.css HTTP/1.1');
    pane.cycleMode();
    pane.cycleMode();
    pane.cycleMode(); // text → hex → escaped → messages
    expect(top()).toMatch(/^= #2 GET \/style\.css → 200 OK/);
    pane.cycleDirections();
    expect(top()).toMatch(/^= #2 GET \/style\.css → 200 OK/);
    pane.cycleDirections();
    pane.cycleDirections();
    pane.scroll(3);
    pane.cycleMode(); // messages → text
    expect(top()).toBe('> GET /style.css HTTP/1.1');
  });
});

describe('the arrow of the conversation\'s own lines follows the glyph set', () => {
  it('-> with ASCII glyphs, in the head line and the messages mode\'s exchange lines', () => {
    const pane = new ConversationPane(demo.store, (id) => demo.messages.get(id), undefined, ASCII_GLYPHS);
    pane.show(1, 80, 24);
    const rows = screenText(pane);
    expect(rows[0]).toMatch(/^= 192\.168\.1\.23:51000 -> /);
    expect(rows.find((row) => row.startsWith('= #1 '))).toMatch(/^= #1 GET \/ -> 200 OK/);
    pane.cycleMode(); // messages → text
    pane.show(1, 80, 24);
    expect(screenText(pane)[0]).toMatch(/^= 192\.168\.1\.23:51000 -> /);
  });
});

describe('m into and out of the messages mode: WebSocket frames and an SMTP DATA block', () => {
  /** `flow`'s pane, shown 80 columns by `height`, and its top rows (shown again), joined. */
  const paneOf = (flow: ReturnType<typeof liveFlow>, height: number) => {
    const pane = new ConversationPane(flow.store, () => flow.messages);
    const top = (): string => (pane.show(FLOW, 80, height), screenText(pane).join(' | '));
    top();
    return { pane, top };
  };
  /** `m` from the text mode round to the messages mode: text → hex → escaped → messages. */
  const intoMessages = (pane: ConversationPane) => [1, 2, 3].forEach(() => pane.cycleMode());

  it('a frame at the top stays at the top, both ways', () => {
    const flow = liveFlow();
    flow.send('c2s', 'GET /chat HTTP/1.1\r\nHost: farm.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    flow.send('c2s', wsFrame(1, 'hello\n', { mask: [1, 2, 3, 4] }));
    flow.send('s2c', wsFrame(1, 'one\n'));
    flow.send('s2c', wsFrame(1, 'two\n'));
    flow.send('c2s', wsFrame(1, 'bye\n', { mask: [1, 2, 3, 4] }));
    flow.end();
    const { pane, top } = paneOf(flow, 2);
    for (let i = 0; i < 4; i++) pane.jump(1);
    expect(top()).toBe('< ws text, 4 B: two | > ws text, 4 B: bye');
    pane.cycleMode(); // messages → text
    expect(top()).toBe('< \\x81\\x04two | > \\x81\\x84\\x01\\x02\\x03\\x04c{f\\x0e');
    pane.scroll(-1);
    intoMessages(pane); // the frame's first row (its note) on top
    expect(top()).toBe('= note (server, at byte 77): switched protocols (websocket) | < ws text, 4 B: one');
    pane.scroll(-1);
    pane.cycleMode();
    expect(top()).toBe('> \\x81\\x86\\x01\\x02\\x03\\x04igohn\\x08 | < \\x81\\x04one');
  });

  it('a DATA block at the top stays at the top; text at a reply shows that reply', () => {
    const flow = liveFlow(keyTo(25));
    for (const [dir, text] of [['s2c', '220 mail.example ESMTP'], ['c2s', 'HELO me'], ['s2c', '250 hi'], ['c2s', 'DATA'], ['s2c', '354 go'], ['c2s', 'Subject: one\r\n\r\nline a\r\nline b\r\n.'], ['s2c', '250 queued'], ['c2s', 'QUIT']] as const) flow.send(dir, `${text}\r\n`);
    flow.end();
    const { pane, top } = paneOf(flow, 3);
    for (let i = 0; i < 3; i++) pane.jump(1); // 220, HELO, DATA (a command and its reply are one step)
    pane.scroll(2);
    expect(top()).toBe('= DATA body: 32 bytes | > Subject: one | > ');
    pane.cycleMode(); // messages → text
    expect(top()).toBe('> Subject: one | >  | > line a');
    pane.scroll(-1);
    intoMessages(pane);
    expect(top()).toBe('< 354 go | = DATA body: 32 bytes | > Subject: one');
  });

  it('a plain command at the top (> DATA) stays at the top in the text mode', () => {
    const flow = liveFlow(keyTo(25));
    for (const [dir, text] of [['s2c', '220 mail.example ESMTP'], ['c2s', 'HELO me'], ['s2c', '250 hi'], ['c2s', 'DATA'], ['s2c', '354 go'], ['c2s', 'Subject: one\r\n\r\nline a\r\n.'], ['s2c', '250 queued'], ['c2s', 'QUIT']] as const) flow.send(dir, `${text}\r\n`);
    flow.end();
    const { pane, top } = paneOf(flow, 2);
    while (!top().startsWith('> DATA')) pane.scroll(1);
    pane.cycleMode(); // messages → text
    expect(top()).toBe('> DATA | < 354 go');
    pane.scroll(1);
    intoMessages(pane);
    expect(top()).toBe('< 354 go | = DATA body: 24 bytes');
    pane.toggleHex(); // messages → hex, at the reply
    expect(top()).toMatch(/^< 00000020  33 35 34 20 67 6f 0d 0a /);
  });
});

describe('m and x keep the line of a long body, not only its message', () => {
  /** A response whose 400-line body is sent as is (no chunks, no coding), in 8 pieces. */
  const longBody = (contentType = 'text/plain') => {
    const flow = liveFlow();
    const body = Array.from({ length: 400 }, (_, i) => `line ${i}\n`).join('');
    flow.send('c2s', 'GET /log HTTP/1.1\r\nHost: farm.example\r\n\r\n');
    flow.send('s2c', `HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n${body}`, 8);
    flow.end();
    const pane = new ConversationPane(flow.store, () => flow.messages);
    const top = (): string => (pane.show(FLOW, 80, 4), screenText(pane)[0]);
    top();
    return { pane, top };
  };

  it('messages at line 250 of a body shown whole → text and hex there; text at line 300 → messages there', () => {
    const { pane, top } = longBody();
    while (!pane.expandBody()) pane.scroll(1);
    while (top() !== '< line 250') pane.scroll(1);
    pane.cycleMode(); // messages → text
    expect(top()).toBe('< line 250');
    pane.scroll(50);
    expect(top()).toBe('< line 300');
    [1, 2, 3].forEach(() => pane.cycleMode()); // text → hex → escaped → messages
    expect(top()).toBe('< line 300');
    expect(pane.displayLabel).toBe('messages');
    pane.toggleHex(); // messages → hex
    expect(top()).toMatch(/^< 00000[0-9a-f]{3}  .*\|.*line 300/);
  });

  it('text at a response header → messages at that response\'s start line, not its exchange\'s first line', () => {
    const { pane, top } = longBody();
    pane.cycleMode(); // messages → text
    while (top() !== '< Content-Type: text/plain') pane.scroll(1);
    [1, 2, 3].forEach(() => pane.cycleMode());
    expect(top()).toBe('< HTTP/1.1 200 OK');
  });

  it('text deep in a body cut after 20 lines → messages shows it whole, at that line', () => {
    const { pane, top } = longBody();
    pane.cycleMode(); // messages → text
    while (top() !== '< line 123') pane.scroll(1);
    [1, 2, 3].forEach(() => pane.cycleMode());
    expect(top()).toBe('< line 123');
    pane.scroll(1);
    expect(top()).toBe('< line 124');
  });

  it('a binary body: a hex dump row of the messages mode → the same bytes in hex', () => {
    const flow = liveFlow();
    const body = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff);
    flow.send('c2s', 'GET /blob HTTP/1.1\r\nHost: farm.example\r\n\r\n');
    flow.send('s2c', Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'), body]), 4);
    flow.end();
    const pane = new ConversationPane(flow.store, () => flow.messages);
    const top = (): string => (pane.show(FLOW, 80, 4), screenText(pane)[0]);
    top();
    while (!pane.expandBody()) pane.scroll(1);
    while (!top().startsWith('< 00000800')) pane.scroll(1);
    pane.toggleHex(); // messages → hex: the row holding the body's byte 0x800 (the head's bytes before it)
    const head = `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`.length;
    const label = parseInt(/^< ([0-9a-f]{8})  /.exec(top())![1], 16);
    expect(head + 0x800 - label).toBeGreaterThanOrEqual(0);
    expect(head + 0x800 - label).toBeLessThan(16);
  });
});

describe('/ finds what the conversation shows: escapes typed as shown', () => {
  it('\\x1b]0 and \\r\\n find the bytes in the text mode (marked where shown) and the lines in the messages mode', () => {
    const flow = liveFlow();
    flow.send('c2s', 'GET /\x1b]0;pwned\x07 HTTP/1.1\r\nHost: a\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    flow.end();
    const pane = new ConversationPane(flow.store, () => flow.messages);
    const shown = () => (pane.show(FLOW, 80, 8), pane.paint(PLAIN).split('\n'));
    shown();
    expect(pane.displayLabel).toBe('messages');
    expect(pane.startSearch('\\x1b]0', false)).toBe(true);
    expect(runSearch(pane)).toBe('found');
    expect(shown().find((row) => row.includes('\x1b[7m'))).toContain(`${CURRENT}\\x1b]0${NOT_CURRENT};pwned`);
    pane.cycleMode(); // messages → text
    shown();
    expect(pane.startSearch('\\x1b]0', false)).toBe(true);
    expect(runSearch(pane)).toBe('found');
    expect(shown().find((row) => row.includes('\x1b[7m'))).toContain(`${CURRENT}\\x1b]0${NOT_CURRENT};pwned`);
    pane.cycleMode();
    pane.cycleMode(); // text → hex → escaped
    shown();
    expect(pane.startSearch('\\r\\n\\r\\n', false)).toBe(true);
    expect(runSearch(pane)).toBe('found');
    expect(shown().find((row) => row.includes('\x1b[7m'))).toContain(`Host: a${CURRENT}\\r\\n\\r\\n${NOT_CURRENT}`);
  });
});

describe('the messages mode\'s match count', () => {
  it('comes after the match, in steps of its own; a search begun meanwhile in another mode is not held up by it', () => {
    const flow = liveFlow();
    for (let i = 0; i < 3; i++) {
      flow.send('c2s', `GET /${i} HTTP/1.1\r\nHost: a\r\n\r\n`);
      flow.send('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    }
    flow.end();
    const pane = new ConversationPane(flow.store, () => flow.messages);
    pane.show(FLOW, 80, 8);
    expect(pane.displayLabel).toBe('messages');
    expect(pane.startSearch('Host', false)).toBe(true);
    // The match at once (the key's frame), then its count, which may read bodies whole.
    expect([pane.searchStep(), pane.counting]).toEqual([{ kind: 'found' }, true]);
    pane.cycleMode(); // messages → text, the count not made yet
    pane.show(FLOW, 80, 8);
    expect(pane.startSearch('GET /1', false)).toBe(true);
    expect(pane.searching).toBe(true);
    expect(runSearch(pane)).toBe('found');
    expect(pane.paint(PLAIN)).toContain(`> ${CURRENT}GET /1${NOT_CURRENT} HTTP/1.1`);
    // One match: not the 3 of the messages mode's count for `Host`.
    expect(pane.searchStep()).toEqual({ kind: 'found', count: 'match 1 of 1' });
  });
});

describe('hex past 4 GiB at 80 columns', () => {
  it('keeps 16 bytes a row (one space after the 9-digit offset), and a byte search marks its pairs', () => {
    const flow = liveFlow();
    flow.send('s2c', 'x');
    flow.gap('s2c', 5_000_000_000);
    flow.send('s2c', 'the bytes after five gigabytes: hello there\n');
    flow.end();
    const pane = new ConversationPane(flow.store);
    pane.show(FLOW, 80, 6);
    pane.toggleHex();
    pane.show(FLOW, 80, 6);
    pane.bottom();
    pane.show(FLOW, 80, 6);
    const rows = screenText(pane).filter((row) => /^< 1[0-9a-f]{8} /.test(row));
    expect(rows[0]).toBe('< 12a05f201 74 68 65 20 62 79 74 65  73 20 61 66 74 65 72 20  |the bytes after |');
    expect(rows.every((row) => row.length <= 80)).toBe(true);
    expect(pane.startSearch('68656c6c6f', false)).toBe(true);
    expect(runSearch(pane)).toBe('found');
    pane.show(FLOW, 80, 6);
    const marked = pane.paint(PLAIN).split('\n').find((row) => row.includes('\x1b[7m'))!;
    expect(marked.replaceAll(NOT_CURRENT + CURRENT, '')).toContain(`${CURRENT}68${NOT_CURRENT} ${CURRENT}65${NOT_CURRENT}`);
  });
});

describe('messages that come while a flow is read (shown with the focus)', () => {
  const REQUEST = 'GET / HTTP/1.1\r\nHost: farm.example\r\n\r\n';

  it('a flow read with bytes keeps its raw mode when its messages come; a flow only shown takes them', () => {
    const flow = liveFlow();
    flow.send('c2s', REQUEST);
    let parsed = false;
    const messagesOf = () => (parsed ? flow.messages : undefined);
    const read = new ConversationPane(flow.store, messagesOf);
    const shown = new ConversationPane(flow.store, messagesOf);
    read.show(FLOW, 80, 5, true);
    shown.show(FLOW, 80, 5);
    parsed = true;
    read.show(FLOW, 80, 5, true);
    shown.show(FLOW, 80, 5);
    expect(read.displayLabel).toBe('text UTF-8');
    expect(shown.displayLabel).toBe('messages');
    // m still goes round to the messages mode, and the flow is held in it.
    [1, 2, 3].forEach(() => read.cycleMode());
    read.show(FLOW, 80, 5, true);
    expect(read.displayLabel).toBe('messages');
  });

  it('a flow read before its first bytes takes the mode they bring', () => {
    const flow = liveFlow();
    const pane = new ConversationPane(flow.store, () => flow.messages);
    pane.show(FLOW, 80, 5, true);
    expect(pane.displayLabel).toBe('text UTF-8');
    flow.send('c2s', REQUEST);
    pane.show(FLOW, 80, 5, true);
    expect(pane.displayLabel).toBe('messages');
  });
});

describe('the flow notes in the messages mode', () => {
  it('the note behind the list mark (data after the peer closed) shows in its place: after the FIN, before the request it is about', () => {
    const pane = new ConversationPane(demo.store, (id) => demo.messages.get(id));
    pane.show(3, 100, 200);
    const rows = screenText(pane);
    expect(pane.displayLabel).toBe('messages');
    const note = rows.findIndex((row) => /^= note: the client sent \d+\+ bytes after the server closed/.test(row));
    expect(note).toBeGreaterThan(0);
    expect(rows[note - 1]).toBe('= server closed its side (FIN)');
    expect(rows[note + 1]).toMatch(/^= #2 GET \/api\/status\?again=1 → /);
  });
});

describe('follow: one state shared by the list and the conversation', () => {
  it('a move up in either pane stops both; setFollow brings the list to its last row', () => {
    const following = { on: false };
    const list = new FlowView(demo.store, demo.store, undefined, undefined, UNICODE_GLYPHS, following);
    const pane = new ConversationPane(demo.store, undefined, following);
    list.setFollow(true);
    expect([list.follow, pane.follow, list.focusedId]).toEqual([true, true, 5]);
    pane.show(1, 80, 6);
    pane.scroll(-1);
    expect([list.follow, pane.follow]).toEqual([false, false]);
    list.setFollow(true);
    list.moveBy(-1);
    expect([list.follow, pane.follow]).toEqual([false, false]);
    list.setFollow(true);
    pane.top();
    expect(list.follow).toBe(false);
  });

  it('a match in the messages mode stops following, so the next frame keeps it in view', () => {
    const following = { on: true };
    const pane = new ConversationPane(demo.store, (id) => demo.messages.get(id), following);
    pane.show(1, 80, 4);
    expect(pane.displayLabel).toBe('messages');
    expect(pane.startSearch('GET /', true)).toBe(true);
    expect(runSearch(pane)).toBe('found');
    expect(following.on).toBe(false);
    pane.show(1, 80, 4);
    expect(screenText(pane)[0]).toMatch(/GET \//);
  });
});

describe('/, n and N going round in the conversation pane', () => {
  const finish = (pane: ConversationPane) => {
    for (let i = 0; i < 100; i++) {
      const outcome = pane.searchStep();
      if (outcome.kind !== 'busy') return outcome;
    }
    return undefined;
  };

  it('says where the search went round from; a new query starts from the window and goes round too', () => {
    const pane = new ConversationPane(demo.store);
    pane.show(1, 80, 6);
    pane.startSearch('Server:', false);
    expect(finish(pane)).toEqual({ kind: 'found' });
    pane.startSearch(undefined, false);
    expect(finish(pane)).toEqual({ kind: 'found' });
    pane.startSearch(undefined, false);
    expect(finish(pane)).toEqual({ kind: 'found', wrapped: 'top' });
    pane.startSearch(undefined, true);
    expect(finish(pane)).toEqual({ kind: 'found', wrapped: 'bottom' });
    pane.show(1, 80, 6);
    pane.bottom();
    pane.show(1, 80, 6);
    pane.startSearch('Server:', false);
    expect(finish(pane)).toEqual({ kind: 'found', wrapped: 'top' });
    pane.startSearch('no such text', false);
    expect(finish(pane)).toEqual({ kind: 'not-found', query: 'no such text' });
  });

  it('n goes on from the window once it moved off the match (G), as less does', () => {
    const pane = new ConversationPane(demo.store);
    pane.show(1, 80, 6);
    pane.startSearch('Server:', false);
    expect(finish(pane)).toEqual({ kind: 'found' });
    pane.show(1, 80, 6);
    pane.bottom();
    pane.show(1, 80, 6);
    // The second Server: is above the last page: from there the search goes round.
    pane.startSearch(undefined, false);
    expect(finish(pane)).toEqual({ kind: 'found', wrapped: 'top' });
  });
});
