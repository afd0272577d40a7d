import { describe, expect, it } from 'vitest';
import type { Direction, FlowEvent, FlowKey } from '../../src/core/types.js';
import { announcedEndpoint, channelCommand, DataChannels, transferCommand } from '../../src/messages/ftpData.js';
import { LineConversation } from '../../src/messages/lines.js';
import { MessageTable } from '../../src/messages/messageTable.js';

describe('announcedEndpoint', () => {
  it.each([
    ['PORT 192,168,1,2,7,138', true, { addr: '192.168.1.2', port: 1930 }],
    ['port 10,0,0,1,0,21', true, { addr: '10.0.0.1', port: 21 }],
    ['EPRT |1|132.235.1.2|6275|', true, { addr: '132.235.1.2', port: 6275 }],
    ['EPRT |2|1080:0:0:0:8:800:200C:417A|5282|', true, { addr: '1080::8:800:200c:417a', port: 5282 }],
    ['227 Entering Passive Mode (192,168,56,101,249,244).', false, { addr: '192.168.56.101', port: 63988 }],
    ['227 Entering Passive Mode 10,1,2,3,4,5', false, { addr: '10.1.2.3', port: 1029 }],
    ['229 Extended Passive mode OK (|||63988|)', false, { addr: undefined, port: 63988 }],
    ['229 Entering Extended Passive Mode (!!!1234!)', false, { addr: undefined, port: 1234 }],
  ])('%j', (text, fromClient, expected) => {
    expect(announcedEndpoint(text, fromClient)).toEqual(expected);
  });

  it.each([
    ['PORT 300,1,1,1,1,1', true],
    ['PORT 1,1,1,1,0,0', true],
    ['EPRT |2|not-an-address|21|', true],
    ['EPRT |1|1.2.3.4|70000|', true],
    ['227 Entering Passive Mode', false],
    ['229 Extended Passive mode OK (|||0|)', false],
    ['200 PORT command successful (1,2,3,4,5,6)', false],
    ['227 Entering Passive Mode (1,2,3,4,5,6)', true],
    ['USER anonymous', true],
  ])('%j: none', (text, fromClient) => {
    expect(announcedEndpoint(text, fromClient)).toBeUndefined();
  });
});

const CONTROL: FlowKey = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 21 } };

/** A control conversation of `lines` (each `dir text`), each line completed in turn, told to `channels`. */
function control(channels: DataChannels, steps: [Direction, string][]): LineConversation {
  const offsets = { c2s: 0, s2c: 0 };
  const lines: LineConversation = new LineConversation('c2s', { onLine: (line) => channels.heard(1, CONTROL, lines, line) });
  for (const [dir, text] of steps) {
    const bytes = Buffer.from(`${text}\r\n`);
    lines.feed(dir, offsets[dir], bytes, 1);
    offsets[dir] += bytes.length;
  }
  return lines;
}

describe('DataChannels', () => {
  it('pairs the connections to an endpoint announced again and again in order, with the transfer command after each', () => {
    const channels = new DataChannels();
    const lines = control(channels, [
      ['c2s', 'PASV'], ['s2c', '227 Entering Passive Mode (10,0,0,2,100,0)'], ['c2s', 'LIST'], ['s2c', '150 ok'],
      ['c2s', 'PASV'], ['s2c', '227 Entering Passive Mode (10,0,0,2,100,0)'], ['c2s', 'TYPE I'], ['c2s', 'RETR a.bin'],
    ]);
    const first = channels.claim({ addr: '10.0.0.2', port: 25600 }, 11);
    const second = channels.claim({ addr: '10.0.0.2', port: 25600 }, 12);
    expect(first && transferCommand(lines, first.announcement)).toBe('LIST');
    expect(second && transferCommand(lines, second.announcement)).toBe('RETR a.bin');
    expect(channels.claim({ addr: '10.0.0.2', port: 25600 }, 13)).toBeUndefined();
  });

  it('takes the control connection\'s own address for 229 and behind NAT, and never gives one announcement twice', () => {
    const channels = new DataChannels();
    control(channels, [['s2c', '229 Extended Passive mode OK (|||5000|)'], ['s2c', '227 Entering Passive Mode (192,168,0,9,19,137)']]);
    expect(channels.claim({ addr: '10.0.0.2', port: 5000 }, 14)?.controlFlowId).toBe(1);
    // 192.168.0.9 (the server's private address) or 10.0.0.2 (as captured), once.
    expect(channels.claim({ addr: '10.0.0.2', port: 5001 }, 15)).toBeDefined();
    expect(channels.claim({ addr: '192.168.0.9', port: 5001 }, 16)).toBeUndefined();
  });

  it('a channel keeps the control lines only until its transfer command is known', () => {
    const channels = new DataChannels();
    const lines = control(channels, [['c2s', 'PASV'], ['s2c', '227 Entering Passive Mode (10,0,0,2,100,0)']]);
    const channel = channels.claim({ addr: '10.0.0.2', port: 25600 }, 2)!;
    expect(channelCommand(channel)).toBeUndefined();
    expect(channel.control).toBe(lines);
    lines.feed('c2s', 6, Buffer.from('RETR a.bin\r\n'), 2);
    expect(channelCommand(channel)).toBe('RETR a.bin');
    expect(channel.control).toBeUndefined();
    expect(channelCommand(channel)).toBe('RETR a.bin');
  });

  it('active mode: the server connects to the address the client announced', () => {
    const channels = new DataChannels();
    control(channels, [['c2s', 'PORT 10,0,0,1,156,64'], ['s2c', '200 PORT command successful'], ['c2s', 'STOR up.txt']]);
    expect(channels.claim({ addr: '10.0.0.1', port: 40000 }, 17)?.controlFlowId).toBe(1);
  });
});

describe('MessageTable: FTP data connections', () => {
  it('sums a data connection up as its control connection\'s transfer', () => {
    const table = new MessageTable();
    const events: FlowEvent[] = [];
    const offsets: Record<string, number> = {};
    const data = (flowId: number, dir: Direction, text: string): void => {
      const bytes = Buffer.from(text);
      const at = offsets[`${flowId}${dir}`] ?? 0;
      offsets[`${flowId}${dir}`] = at + bytes.length;
      events.push({ type: 'data', flowId, dir, offset: at, length: bytes.length, ts: 1, fileOffset: -1, bytes });
    };
    events.push({ type: 'flow-start', flowId: 1, key: CONTROL, ts: 1, origin: 'capture', sawHandshake: true });
    data(1, 's2c', '220 FTP ready\r\n');
    data(1, 'c2s', 'EPSV\r\n');
    data(1, 's2c', '229 Extended Passive mode OK (|||63988|)\r\n');
    events.push({ type: 'flow-start', flowId: 2, key: { client: { addr: '10.0.0.1', port: 40001 }, server: { addr: '10.0.0.2', port: 63988 } }, ts: 2, origin: 'capture', sawHandshake: true });
    data(2, 's2c', 'drwxr-xr-x 2 0 0 4096 Mar 27 11:43 pub\r\n');
    data(1, 'c2s', 'LIST\r\n');
    for (const event of events) table.apply(event);
    expect(table.get(2)?.summary()).toBe('FTP data of #1: LIST');
    expect(table.get(2)?.dataChannel?.controlFlowId).toBe(1);
    expect(table.get(1)?.summary()).toBe('FTP EPSV → 229 (2 cmds)');
    // The control connection knows which flow its announcement opened.
    expect(table.get(1)?.announced.map((c) => c.dataFlowId)).toEqual([2]);
  });

  it('links an announced data connection that carries no byte (an empty listing)', () => {
    const table = new MessageTable();
    const line = (flowId: number, dir: Direction, offset: number, text: string): FlowEvent => ({ type: 'data', flowId, dir, offset, length: text.length, ts: 1, fileOffset: -1, bytes: Buffer.from(text) });
    table.apply({ type: 'flow-start', flowId: 1, key: CONTROL, ts: 1, origin: 'capture', sawHandshake: true });
    table.apply(line(1, 's2c', 0, '220 FTP ready\r\n'));
    table.apply(line(1, 'c2s', 0, 'EPSV\r\n'));
    table.apply(line(1, 's2c', 15, '229 Extended Passive mode OK (|||63988|)\r\n'));
    table.apply({ type: 'flow-start', flowId: 2, key: { client: { addr: '10.0.0.1', port: 40001 }, server: { addr: '10.0.0.2', port: 63988 } }, ts: 2, origin: 'capture', sawHandshake: true });
    table.apply({ type: 'flow-end', flowId: 2, ts: 3, reason: 'fin', detail: undefined });
    expect(table.get(2)?.dataChannel?.controlFlowId).toBe(1);
    expect(table.get(1)?.announced.map((c) => c.dataFlowId)).toEqual([2]);
  });
});
