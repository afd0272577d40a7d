import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { curlSavedMessage } from '../../src/tui/actions/curl.js';
import { savedFlowMessage, type SavedFile } from '../../src/tui/actions/saveFlow.js';
import { messageWithPath } from '../../src/tui/statusMessage.js';
import { messageColumns } from '../../src/tui/statusBar.js';
import { stringColumns } from '../../src/tui/width.js';

const DEEP = '/tmp/review/some/deep/directory/of/the/user/who/saves/things';

describe('messages naming a file written (s, y, w, b)', () => {
  it('say the absolute path, the home directory as ~, escaped', () => {
    expect(messageWithPath('wrote 1 packet of 1 flow to ', '/tmp/a.pcap', 70, '…')).toBe('wrote 1 packet of 1 flow to /tmp/a.pcap');
    expect(messageWithPath('saved ', `${homedir()}/work/x.curl`, 70, '…')).toBe('saved ~/work/x.curl');
    expect(messageWithPath('saved ', '/tmp/a\x1b[2J', 70, '…')).toBe('saved /tmp/a\\x1b[2J');
  });

  it('keep the name whole: the directory is cut first, then the prefix (in its middle, keeping its `: `)', () => {
    const prefix = 'saved body of #1 response, 76 bytes (incomplete: stream ended 48,137 bytes before the end of the body): ';
    const text = messageWithPath(prefix, '/tmp/ut/08080-192.168.001.023.51010-HTTPBODY-001-response.csv', 79, '…');
    expect(text).toBe('saved body of #1 resp…: …/08080-192.168.001.023.51010-HTTPBODY-001-response.csv');
    expect(stringColumns(text)).toBe(79);
    expect(messageWithPath(prefix, '/tmp/a.csv', 30, '…')).toBe('saved body of #1 res…: …/a.csv');
    const path = '/tmp/hA/proxy-19080-2-1.curl';
    expect(messageWithPath('curl sent to clipboard (OSC 52), saved ', path, 60, '…')).toBe('curl sent to clipboard (…C 52), saved …/proxy-19080-2-1.curl');
    expect(messageWithPath('curl sent to clipboard (OSC 52), saved ', path, 64, '…')).toBe('curl sent to clipboard (OSC 52), saved /…hA/proxy-19080-2-1.curl');
    // A warning with no `, ` after it keeps its one closing `: `.
    expect(messageWithPath('! cannot decode the body: ', '/tmp/a-very-long-name-for-the-body-of-this-response.bin', 60, '…')).toBe('! cannot decode the body: …/a-very-lon…-of-this-response.bin');
    const mail = '010.010.001.004.01470-074.053.140.153.00025-MAIL-001.eml';
    expect(messageWithPath('saved mail 1, 14,545 bytes: ', `/tmp/statusfix/${mail}`, 79, '…')).toBe(`saved mail 1, 14,5…: …/${mail}`);
    const text80 = messageWithPath('curl sent to clipboard (OSC 52), saved ', `${DEEP}/demo-1-2.curl`, messageColumns(80), '…');
    expect(text80).toBe('curl sent to clipboard (OSC 52), saved /tmp/…aves/things/demo-1-2.curl');
    expect(stringColumns(text80)).toBe(messageColumns(80));
    const narrow = messageWithPath('wrote 51 packets of 5 flows to ', `${DEEP}/demo-5-flows-with-a-long-name.pcap`, messageColumns(60), '…');
    expect(narrow).toBe('wrote 51 pac… …/demo-5-flows-with-a-long-name.pcap');
    expect(stringColumns(narrow)).toBe(messageColumns(60));
  });

  it('cut the name (in its middle) only when it alone is wider than the row; else never, at any width', () => {
    const name = '198.051.100.020.08080-192.168.001.023.51010-HTTPBODY-001-response{.body,.curl}';
    expect(messageWithPath('curl sent to clipboard (OSC 52), saved ', `/tmp/uawd/${name}`, 59, '…')).toBe('198.051.100.020.080…1010-HTTPBODY-001-response{.body,.curl}');
    const prefix = 'saved body of #1 response, 76 bytes (incomplete: stream ended before the end of the body): ';
    for (let columns = name.length; columns <= 200; columns++) {
      const text = messageWithPath(prefix, `${DEEP}/${name}`, columns, '…');
      expect(text.endsWith(`/${name}`) || text === name, `${columns}: ${text}`).toBe(true);
      expect(stringColumns(text), text).toBeLessThanOrEqual(columns);
    }
  });
});

describe('the status line after s (save)', () => {
  const file = (path: string, side: SavedFile['side'], bytes: number, holes = 0): SavedFile => ({ path, side, bytes, holes });

  it('says the sizes, digit-grouped, and the files as one path with their names in braces', () => {
    const saved = [file('/tmp/s/demo-3-c2s.bin', 'c2s', 586), file('/tmp/s/demo-3-s2c.bin', 's2c', 1198), file('/tmp/s/demo-3.log', 'log', 2000)];
    expect(savedFlowMessage(saved, 70, '…')).toBe('saved 586 + 1,198 B: /tmp/s/demo-3{-c2s.bin,-s2c.bin,.log}');
    expect(savedFlowMessage([saved[1], saved[2]], 70, '…')).toBe('saved 1,198 B: /tmp/s/demo-3{-s2c.bin,.log}');
  });

  it('says when gaps made a file sparse, and fits 80 columns', () => {
    const saved = [file(`${DEEP}/ftp-7-c2s.bin`, 'c2s', 12), file(`${DEEP}/ftp-7-s2c.bin`, 's2c', 5_416_666_670, 5_400_000_000), file(`${DEEP}/ftp-7.log`, 'log', 100)];
    const text = savedFlowMessage(saved, messageColumns(80), '…');
    expect(text).toBe('saved 12 + 5,416,666,670…4GB of gaps): …/ftp-7{-c2s.bin,-s2c.bin,.log}');
    expect(stringColumns(text)).toBeLessThanOrEqual(messageColumns(80));
  });
});

describe('the status line after y (curl)', () => {
  it('says the command was sent to the terminal clipboard, not that it was copied, and where the file is', () => {
    expect(curlSavedMessage(['/tmp/r/demo-12-3.curl'], 70, '…')).toBe('curl sent to clipboard (OSC 52), saved /tmp/r/demo-12-3.curl');
    expect(curlSavedMessage(['/tmp/r/demo-12-3.body', '/tmp/r/demo-12-3.curl'], 70, '…')).toBe('curl sent to clipboard (OSC 52), saved /tmp/r/demo-12-3{.body,.curl}');
  });

  it('leads with what the command leaves out: a body too long for it, a tidied head', () => {
    expect(curlSavedMessage(['/tmp/r/demo-12-3.curl'], 200, '…', false, 2_000_000)).toBe('! body of 2,000,000 bytes left out (b saves it), curl sent to clipboard (OSC 52), saved /tmp/r/demo-12-3.curl');
    expect(curlSavedMessage(['/tmp/r/demo-12-3.curl'], 200, '…', true, 70_000)).toMatch(/^! head tidied \(see the file\); body of 70,000 bytes left out \(b saves it\), curl sent/);
    // Cut to a row, the warning stays whole; the words after it go first.
    expect(curlSavedMessage(['/tmp/r/demo-12-3.curl'], 60, '…', false, 2_000_000)).toMatch(/^! body of 2,000,000 bytes left out \(b saves it\) /);
    expect(curlSavedMessage(['/tmp/h7/proxy-18460-1-1c1.curl'], 79, '…', false, 2_000_000)).toBe('! body of 2,000,000 bytes left out (b saves it) …/proxy-18460-1-1c1.curl');
    // Both warnings stay whole, the words after them giving way first.
    expect(curlSavedMessage(['/tmp/h7/flow-1.body', '/tmp/h7/flow-1.curl'], 100, '…', true, 5_000_000)).toBe('! head tidied (see the file); body of 5,000,000 bytes left out (b saves it) …/flow-1{.body,.curl}');
  });
});

describe('StatusMessage.sayFitted', () => {
  it('keeps a message beside ? help when it is whole there, else makes it for the whole row', async () => {
    const { StatusMessage } = await import('../../src/tui/statusMessage.js');
    const status = new StatusMessage(() => messageColumns(80), () => undefined, '…', () => 79);
    const path = (columns: number): string => messageWithPath('saved ', `${DEEP}/demo-1-1.curl`, columns, '…');
    status.sayFitted(path);
    expect(status.text).toBe(path(79));
    expect(stringColumns(status.text)).toBe(79);
    status.sayFitted((columns) => messageWithPath('saved ', '/tmp/a.curl', columns, '…'));
    expect(status.text).toBe('saved /tmp/a.curl');
  });
});

describe('s with no byte either way', () => {
  it('names the log alone, not as a one-name brace list', () => {
    const log: SavedFile = { path: '/tmp/demo-3.log', side: 'log', bytes: 80, holes: 0 };
    expect(savedFlowMessage([log], 200, '…')).toBe('saved a log: /tmp/demo-3.log');
  });
});
