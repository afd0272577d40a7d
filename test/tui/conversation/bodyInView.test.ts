import { describe, expect, it } from 'vitest';
import { ConversationPane } from '../../../src/tui/conversationPane.js';
import { bodyInView, mailInView, type BodyTarget, type MailTarget } from '../../../src/tui/conversation/bodyInView.js';
import { MessageView } from '../../../src/tui/conversation/messageView.js';
import { FLOW, keyTo, liveFlow } from '../../support/liveFlow.js';

const lines = (count: number, tag: string) => Array.from({ length: count }, (_, i) => `${tag} line ${i}\n`).join('');

/** #1 GET (no body) → 200 with 30 lines; #2 POST with a body → 204 (no body). */
function twoExchanges() {
  const flow = liveFlow();
  const first = lines(30, 'first');
  flow.send('c2s', 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n');
  flow.send('s2c', `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${first.length}\r\n\r\n${first}`);
  flow.send('c2s', 'POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello');
  flow.send('s2c', 'HTTP/1.1 204 No Content\r\n\r\n');
  flow.end();
  return flow;
}

const which = (target: BodyTarget | undefined) => (target === undefined ? undefined : `#${target.exchange + 1} ${target.role}`);

describe('the body in view', () => {
  it('the first message with a body among the places, in their order', () => {
    const flow = twoExchanges();
    const { exchanges } = flow;
    expect(which(bodyInView(exchanges, [{ exchange: 0, role: 'request' }, { exchange: 0, role: 'response' }]))).toBe('#1 response');
    expect(which(bodyInView(exchanges, [{ exchange: 1, role: 'request' }, { exchange: 0, role: 'response' }]))).toBe('#2 request');
    expect(which(bodyInView(exchanges, [{ exchange: 1, role: 'response' }, { exchange: 0, role: 'request' }]))).toBeUndefined();
    expect(which(bodyInView(exchanges, [{ exchange: 7, role: 'response' }]))).toBeUndefined();
    // Raw modes: stream positions. The GET's head (no body), then the response's body.
    const getLength = 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n'.length;
    expect(which(bodyInView(exchanges, [{ dir: 'c2s', offset: 0 }, { dir: 'c2s', offset: 17 }, { dir: 's2c', offset: 60 }]))).toBe('#1 response');
    expect(which(bodyInView(exchanges, [{ dir: 'c2s', offset: getLength }]))).toBe('#2 request');
    expect(which(bodyInView(exchanges, [{ dir: 'c2s', offset: getLength + 1000 }, { dir: 's2c', offset: 100_000 }]))).toBeUndefined();
    expect(bodyInView(exchanges, [])).toBeUndefined();
  });

  it('messages mode: the rows of the window name their message; the heading and the GET are passed over', () => {
    const flow = twoExchanges();
    const view = new MessageView(FLOW, flow.messages, (dir, offset, length) => flow.store.read(FLOW, dir, offset, length));
    view.update(80, 3, 'a');
    expect(which(bodyInView(flow.exchanges, view.placesInWindow()))).toBeUndefined();
    view.update(80, 8, 'a');
    expect(view.placesInWindow()[0]).toEqual({ exchange: 0, role: 'request' });
    expect(which(bodyInView(flow.exchanges, view.placesInWindow()))).toBe('#1 response');
    view.end();
    view.update(80, 8, 'a');
    expect(which(bodyInView(flow.exchanges, view.placesInWindow()))).toBe('#2 request');
  });

  it('the pane: messages mode by rows, the raw modes by the stream offsets of their data rows', () => {
    const flow = twoExchanges();
    const pane = new ConversationPane(flow.store, () => flow.messages);
    pane.show(FLOW, 80, 6);
    expect(pane.showingMessages).toBe(true);
    pane.scroll(3);
    pane.show(FLOW, 80, 6);
    expect(which(bodyInView(flow.exchanges, pane.placesInView()))).toBe('#1 response');
    pane.cycleMode();
    pane.show(FLOW, 80, 3);
    expect(pane.showingMessages).toBe(false);
    pane.top();
    pane.show(FLOW, 80, 3);
    expect(pane.placesInView().every((place) => 'dir' in place)).toBe(true);
    expect(which(bodyInView(flow.exchanges, pane.placesInView()))).toBeUndefined();
    pane.scroll(10);
    pane.show(FLOW, 80, 3);
    expect(which(bodyInView(flow.exchanges, pane.placesInView()))).toBe('#1 response');
    pane.show(FLOW, 80, 5);
    pane.bottom();
    pane.show(FLOW, 80, 5);
    expect(which(bodyInView(flow.exchanges, pane.placesInView()))).toBe('#2 request');
  });
});

/** An SMTP flow sending two mails of 30 lines each. */
function twoMails() {
  const flow = liveFlow(keyTo(25));
  flow.send('s2c', '220 mx ESMTP\r\n');
  flow.send('c2s', 'EHLO me\r\n');
  flow.send('s2c', '250 mx\r\n');
  for (const tag of ['first', 'second']) {
    flow.send('c2s', 'DATA\r\n');
    flow.send('s2c', '354 go ahead\r\n');
    flow.send('c2s', `${lines(30, tag).replaceAll('\n', '\r\n')}.\r\n`);
    flow.send('s2c', '250 queued\r\n');
  }
  flow.end();
  return flow;
}

const mailOf = (target: MailTarget | undefined) => (target === undefined ? undefined : `mail ${target.number} at ${target.block.offset}`);

describe('the mail in view', () => {
  it('the first DATA block among the places: by item (messages mode) or stream position (raw modes)', () => {
    const flow = twoMails();
    const items = flow.messages.lines!.items;
    const [first, second] = items.filter((item) => item.kind === 'block');
    expect(mailOf(mailInView(items, [{ item: 0 }, { item: items.indexOf(second) }]))).toBe(`mail 2 at ${second.offset}`);
    expect(mailOf(mailInView(items, [{ dir: 'c2s', offset: 0 }, { dir: 'c2s', offset: first.offset + 10 }]))).toBe(`mail 1 at ${first.offset}`);
    expect(mailOf(mailInView(items, [{ dir: 's2c', offset: first.offset + 10 }, { dir: 'c2s', offset: first.offset + first.length }]))).toBeUndefined();
    expect(mailOf(mailInView(items, [{ exchange: 0, role: 'request' }]))).toBeUndefined();
  });

  it('the pane: the messages mode names a DATA block\'s rows by item, the text mode by stream position', () => {
    const flow = twoMails();
    const items = flow.messages.lines!.items;
    const pane = new ConversationPane(flow.store, () => flow.messages);
    pane.show(FLOW, 80, 4);
    expect(pane.showingMessages).toBe(true);
    expect(mailInView(items, pane.placesInView())).toBeUndefined();
    pane.scroll(6);
    pane.show(FLOW, 80, 4);
    const first = items.findIndex((item) => item.kind === 'block');
    expect(pane.placesInView()).toContainEqual({ item: first });
    expect(mailOf(mailInView(items, pane.placesInView()))).toBe(`mail 1 at ${items[first].offset}`);
    pane.bottom();
    pane.show(FLOW, 80, 4);
    expect(mailInView(items, pane.placesInView())?.number).toBe(2);
    pane.cycleMode();
    pane.show(FLOW, 80, 3);
    expect(pane.showingMessages).toBe(false);
    expect(mailInView(items, pane.placesInView())?.number).toBe(2);
    pane.top();
    pane.scroll(8);
    pane.show(FLOW, 80, 3);
    expect(pane.placesInView().every((place) => 'dir' in place)).toBe(true);
    expect(mailInView(items, pane.placesInView())?.number).toBe(1);
  });
});
