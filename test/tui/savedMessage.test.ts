import { describe, expect, it } from 'vitest';
import { curlSavedPrefix, savedMessage } from '../../src/tui/actionKeys.js';
import { messageWithPath } from '../../src/tui/statusMessage.js';
import { messageColumns, soleMessageColumns } from '../../src/tui/statusBar.js';
import { stringColumns } from '../../src/tui/width.js';

const CLIENT = '/work/wt/review/010.000.000.001.40005-010.000.000.002.00080';

describe('the status line after s (save)', () => {
  it('names the client\'s file and says which the others are', () => {
    expect(savedMessage(['/tmp/a-b', '/tmp/b-a', '/tmp/a-b.log'], 70, '…')).toBe('saved /tmp/a-b (client), reverse (server) and .log');
    expect(savedMessage(['/tmp/a-b', '/tmp/a-b.log'], 70, '…')).toBe('saved /tmp/a-b (client; server sent nothing) and .log');
    expect(savedMessage(['/tmp/b-a', '/tmp/a-b.log'], 70, '…')).toBe('saved /tmp/b-a (server; client sent nothing) and .log');
    expect(savedMessage(['/tmp/a\x1b[2J'], 70, '…')).toBe('saved /tmp/a\\x1b[2J');
  });

  it('fits the columns a message keeps on an 80-column status row, keeping the end of the path', () => {
    const text = savedMessage([CLIENT, '/work/wt/review/x', `${CLIENT}.log`], messageColumns(80), '…');
    expect(text).toBe('saved …40005-010.000.000.002.00080 (client), reverse (server) and .log');
    expect(stringColumns(text)).toBeLessThanOrEqual(messageColumns(80));
  });
});

describe('the status line after s on a 40x12 screen (no hint row: the message has the whole row)', () => {
  it('keeps the end of the path, the words after it shortened', () => {
    const text = savedMessage([CLIENT, '/work/wt/review/x', `${CLIENT}.log`], soleMessageColumns(40), '…');
    expect(text).toBe('saved …000.000.002.00080 +reverse, .log');
    expect(stringColumns(text)).toBeLessThanOrEqual(soleMessageColumns(40));
    expect(savedMessage([CLIENT, `${CLIENT}.log`], soleMessageColumns(40), '…')).toBe('saved …0005-010.000.000.002.00080 +.log');
  });
});

describe('messages naming a file (w, y)', () => {
  it('keep the end of a long path in the columns of a message', () => {
    const path = `/work/wt/review/some/deep/directory/${'x'.repeat(30)}/flowspy-20261202-190412-5-flows.pcap`;
    const text = messageWithPath('wrote 51 packets of 5 flows to ', path, messageColumns(80), '...');
    expect(text).toBe('wrote 51 packets of 5 flows to ...flowspy-20261202-190412-5-flows.pcap');
    expect(stringColumns(text)).toBe(messageColumns(80));
    expect(messageWithPath('wrote 1 packets of 1 flows to ', '/tmp/a.pcap', 70, '…')).toBe('wrote 1 packets of 1 flows to /tmp/a.pcap');
  });
});

describe('the status line after y (curl)', () => {
  it('says the command was sent to the terminal clipboard, not that it was copied, and keeps the file name in 80 columns', () => {
    for (const beside of [false, true]) {
      const text = messageWithPath(curlSavedPrefix(beside), '/work/wt/review/flowspy-12-3.curl', messageColumns(80), '…');
      expect(text).toMatch(/^curl sent to (terminal )?clipboard[ ,].*\/flowspy-12-3\.curl$/);
      expect(stringColumns(text)).toBeLessThanOrEqual(messageColumns(80));
    }
  });

  it('says in words that a body file was saved beside the command', () => {
    expect(curlSavedPrefix(true)).toBe('curl sent to clipboard, saved with its body file: ');
    expect(curlSavedPrefix(false)).toBe('curl sent to terminal clipboard (OSC 52), saved: ');
  });
});
