import { it } from 'vitest';
import { messageLines } from '../src/tui/conversation/messageLines.js';
import { BodyCache } from '../src/tui/conversation/bodyLines.js';
import { liveFlow } from './support/liveFlow.js';
import { wsFrame } from './messages/wsBuild.js';
it('x', () => {
  const flow = liveFlow();
  flow.send('c2s', 'GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
  flow.send('s2c', Buffer.concat([Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'), wsFrame(1, 'welcome')]));
  flow.send('c2s', wsFrame(1, 'hello', { mask: [1, 2, 3, 4] }));
  flow.send('s2c', wsFrame(1, 'hello'));
  flow.send('c2s', wsFrame(1, 'again', { mask: [5, 6, 7, 8] }));
  flow.send('s2c', wsFrame(1, 'again'));
  console.log(messageLines(flow.messages, flow.read, new Set(), new BodyCache(), flow.chunks).map((l) => `${l.side} ${l.text}`).join('\n'));
});
