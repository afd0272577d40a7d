/**
 * `/` into cut bodies: what a search that finds nothing in the rows costs. Counts the lines
 * looked at (textMatches, spied on) and the bytes read.
 */
import { describe, expect, it, vi } from 'vitest';
import { BODY_LINES, BODY_READ_BYTES } from '../../../src/tui/conversation/bodyLines.js';
import { messageLines, type MessageLine } from '../../../src/tui/conversation/messageLines.js';
import { MessageView } from '../../../src/tui/conversation/messageView.js';
import { textMatches } from '../../../src/tui/textMatch.js';
import { FLOW, KEY, liveFlow } from '../../support/liveFlow.js';

vi.mock('../../../src/tui/textMatch.js', async (original) => {
  const module = await original<typeof import('../../../src/tui/textMatch.js')>();
  return { ...module, textMatches: vi.fn(module.textMatches) };
});

const HEAD: MessageLine[] = [{ side: 'event', kind: 'event', text: 'connected' }];

describe('message view: a search into cut bodies', () => {
  it('reads each body once and looks only at its own unit\'s lines, however many lines follow', () => {
    const flow = liveFlow(KEY, 1000);
    const body = Array.from({ length: BODY_LINES + 10 }, (_, i) => `line ${i}`).join('\n');
    const bodies = 40;
    for (let i = 0; i < bodies + 400; i++) {
      flow.send('c2s', `GET /${i} HTTP/1.1\r\nHost: farm.example\r\n\r\n`);
      const text = i < bodies ? body : 'ok';
      flow.send('s2c', `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
    }
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(80, 20, flow.stamp, HEAD);
    const lines = HEAD.length + messageLines(flow.messages, flow.read, new Set()).length;
    const read = flow.bytesRead;
    vi.mocked(textMatches).mockClear();
    expect(view.find('zebra', false)).toBe(false);
    // 32 bodies (MAX_BODIES_SEARCHED) read whole once each, their previews kept, not read again.
    expect(flow.bytesRead - read).toBe(32 * body.length);
    // The rows twice (from the top, then round from the start), plus each body's unit once.
    expect(vi.mocked(textMatches).mock.calls.length).toBeLessThan(2 * lines + 32 * (BODY_LINES + 30));
    expect(view.lines()[0].text).toBe('= connected');
  });

  it('says when a body is read only in part, so a search that finds nothing may have missed it', () => {
    const flow = liveFlow(KEY, 1000);
    const big = `${'line of text\n'.repeat(Math.ceil(BODY_READ_BYTES / 13) + 100)}zebra\n`;
    flow.send('c2s', 'GET /big HTTP/1.1\r\nHost: farm.example\r\n\r\n');
    flow.send('s2c', `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${big.length}\r\n\r\n${big}`);
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.update(80, 20, flow.stamp, HEAD);
    expect(view.find('zebra', false)).toBe(false);
    expect(view.readsPart).toBe(true);
    const small = liveFlow(KEY, 1000);
    small.send('c2s', 'GET / HTTP/1.1\r\nHost: farm.example\r\n\r\n');
    small.send('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    const whole = new MessageView(FLOW, small.messages, small.read);
    whole.update(80, 20, small.stamp, HEAD);
    expect(whole.find('zebra', false)).toBe(false);
    expect(whole.readsPart).toBe(false);
  });
});
