import { describe, expect, it } from 'vitest';
import { messageLines } from '../../../src/tui/conversation/messageLines.js';
import { MessageView } from '../../../src/tui/conversation/messageView.js';
import { MessagesMode } from '../../../src/tui/conversation/messagesMode.js';
import { DEFAULT_SETTINGS } from '../../../src/tui/conversation/settings.js';
import { FLOW, KEY, keyTo, liveFlow } from '../../support/liveFlow.js';

type Flow = ReturnType<typeof liveFlow>;

/** The flow's messages-mode lines as `side text`. */
const texts = (flow: Flow) => messageLines(flow.messages, flow.read, new Set(), undefined, flow.chunks).map((l) => `${l.side} ${l.text}`);

/** Every row of a view kept over the flow's changes and of a new view, updated now. */
function keptAndFresh(flow: Flow, kept: MessageView) {
  const rows = (view: MessageView) => {
    view.update(60, 1000, flow.stamp);
    return view.lines().map((l) => l.text);
  };
  return { kept: rows(kept), fresh: rows(new MessageView(FLOW, flow.messages, flow.read, flow.chunks)) };
}

describe('messages mode: a message not yet whole shows what came of it', () => {
  it('a request head arriving in pieces: its bytes so far, after a line saying so; once whole, the exchange', () => {
    const flow = liveFlow();
    const view = new MessageView(FLOW, flow.messages, flow.read, flow.chunks);
    flow.send('c2s', 'GET /partial HTTP/1.1\r\nHo');
    expect(texts(flow)).toEqual(['event request head arriving: 25 bytes so far', 'client GET /partial HTTP/1.1', 'client Ho']);
    flow.send('c2s', 'st: x\r\nX-Slow: 1', 2);
    expect(texts(flow)).toEqual(['event request head arriving: 41 bytes so far', 'client GET /partial HTTP/1.1', 'client Host: x', 'client X-Slow: 1']);
    const { kept, fresh } = keptAndFresh(flow, view);
    expect(kept).toEqual(fresh);
    flow.send('c2s', '\r\n\r\n');
    const whole = texts(flow);
    expect(whole[0]).toMatch(/^event #1 GET \/partial → no response yet, 45 B/);
    expect(whole.slice(1)).toEqual(['client GET /partial HTTP/1.1', 'client Host: x', 'client X-Slow: 1']);
  });

  it('a response head a server stalls in: in its exchange, where the response will be; escaped', () => {
    const flow = liveFlow();
    const view = new MessageView(FLOW, flow.messages, flow.read, flow.chunks);
    flow.send('c2s', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    view.update(60, 1000, flow.stamp);
    flow.send('s2c', 'HTTP/1.1 200 OK\r\nX-Evil: \x1b[2J\r\nContent-', 3);
    const lines = messageLines(flow.messages, flow.read, new Set(), undefined, flow.chunks);
    expect(lines[0].text).toMatch(/^#1 GET \/ → response arriving, /);
    expect(lines.slice(3).map((l) => `${l.side} ${l.text}`)).toEqual(['event response head arriving: 39 bytes so far', 'server HTTP/1.1 200 OK', 'server X-Evil: \\x1b[2J', 'server Content-']);
    expect(lines.slice(3).every((l) => l.exchange === 0 && l.role === 'response')).toBe(true);
    expect(lines.every((l) => !l.text.includes('\x1b'))).toBe(true);
    const { kept, fresh } = keptAndFresh(flow, view);
    expect(kept).toEqual(fresh);
    flow.send('s2c', 'Length: 2\r\n\r\nok');
    expect(texts(flow).slice(3)).toEqual(['server HTTP/1.1 200 OK', 'server X-Evil: \\x1b[2J', 'server Content-Length: 2', 'server ', 'server ok', 'event body: 2 bytes']);
  });

  it('once the flow is closed, a cut head is no longer arriving: shown as a cut message', () => {
    const flow = liveFlow();
    flow.send('c2s', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 200 OK\r\nContent-');
    expect(texts(flow)).toContain('event response head arriving: 25 bytes so far');
    flow.fin('s2c');
    flow.end();
    expect(texts(flow).some((t) => t.includes('arriving'))).toBe(false);
    expect(texts(flow)).toContain('event message cut at 25: stream ended in the header');
  });

  it('a line protocol\'s last line with no line end yet (a prompt) shows its text so far, escaped', () => {
    const flow = liveFlow(keyTo(110));
    const view = new MessageView(FLOW, flow.messages, flow.read, flow.chunks);
    flow.send('s2c', 'login:\n');
    flow.send('c2s', 'bob\n');
    flow.send('s2c', 'Pass');
    view.update(60, 1000, flow.stamp);
    expect(texts(flow)).toEqual(['server login:', 'client bob', 'server Pass']);
    flow.send('s2c', 'word: \x1b[5m\xe9');
    expect(texts(flow)).toEqual(['server login:', 'client bob', 'server Password: \\x1b[5m\\xe9']);
    const { kept, fresh } = keptAndFresh(flow, view);
    expect(kept).toEqual(fresh);
  });

  it('the messages mode shows bytes joined to the last chunk (no new chunk) at the next frame', () => {
    // 0.4 ms apart: the store joins the pieces into one chunk.
    const flow = liveFlow(KEY, 400);
    const mode = new MessagesMode(flow.store, () => flow.messages);
    flow.send('c2s', 'GET /partial HTTP/1.1\r\n');
    mode.show(FLOW, true, 80, 20, DEFAULT_SETTINGS, false, undefined);
    flow.send('c2s', 'Host: x\r\n');
    expect(flow.store.getFlow(FLOW)!.chunkCount).toBe(1);
    mode.show(FLOW, true, 80, 20, DEFAULT_SETTINGS, false, undefined);
    expect(mode.view!.lines().map((l) => l.text)).toContain('> Host: x');
  });
});
