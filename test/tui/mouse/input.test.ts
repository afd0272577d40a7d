import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MouseInput } from '../../../src/tui/mouse/input.js';
import type { MouseReport } from '../../../src/tui/mouse/sgr.js';

/**
 * An input stream with a key reader attached first, as blessed's is: it records each read it
 * gets and, for each character, whether the mouse input owns it at that moment.
 */
function setup(clock = { now: 0 }) {
  const input = new PassThrough();
  const reads: string[] = [];
  const keys: [string, boolean][] = [];
  let mouse: MouseInput | undefined;
  input.on('data', (data: Buffer) => {
    const text = data.toString('latin1');
    reads.push(text);
    // As blessed's reader: an ESC [ that begins a sequence is no key of its own.
    for (const ch of text.replace(/\x1b\[/g, '')) keys.push([ch, mouse!.ownsKey(ch)]);
  });
  const reports: [MouseReport, boolean][] = [];
  const batches: number[] = [];
  mouse = new MouseInput(input, (events) => {
    batches.push(events.length);
    for (const { report, doubleClick } of events) reports.push([report, doubleClick]);
  }, () => clock.now);
  const send = (text: string): void => void input.emit('data', Buffer.from(text, 'latin1'));
  return { input, mouse, reads, keys, reports, batches, send, clock };
}

describe('MouseInput', () => {
  it('hands the reports of a read over together (one redraw), before the key reader gets the read', () => {
    const { send, reports, reads, batches } = setup();
    send('\x1b[<65;10;15M\x1b[<64;10;15M');
    expect(reports.map(([r]) => r.button)).toEqual(['wheelDown', 'wheelUp']);
    expect(reads).toEqual(['\x1b[<65;10;15M\x1b[<64;10;15M']);
    send('j');
    expect(batches).toEqual([2]);
  });

  it('hands the keys read with a report to the key reader again, alone (blessed drops such a read)', () => {
    const { send, reads, reports } = setup();
    send('j\x1b[<0;1;1Mk');
    expect(reports).toHaveLength(1);
    expect(reads).toEqual(['jk', 'j\x1b[<0;1;1Mk']);
  });

  it('owns the characters of a report split across reads while the key reader reads them, no others', () => {
    const { send, keys, reports } = setup();
    send('\x1b[<0;4;1');
    send('2mq');
    send('m');
    expect(reports.map(([r]) => [r.button, r.y, r.release])).toEqual([['left', 11, true]]);
    const owned = keys.filter(([, own]) => own).map(([ch]) => ch).join('');
    expect(owned).toBe('<0;4;12m');
    expect(keys.filter(([ch, own]) => !own && ch !== '\x1b' && ch !== '[').map(([ch]) => ch)).toEqual(['q', 'm']);
  });

  it('owns only the characters left of a split report: a digit, `;`, `M` or `m` typed in that read counts', () => {
    const { send, keys, reports } = setup();
    send('5;\x1b[<0;4;1');
    send('2mm7');
    expect(reports.map(([r]) => [r.button, r.y, r.release])).toEqual([['left', 11, true]]);
    const owned = keys.filter(([, own]) => own).map(([ch]) => ch).join('');
    expect(owned).toBe('<0;4;12m');
    expect(keys.filter(([ch, own]) => !own && ch !== '\x1b' && ch !== '[').map(([ch]) => ch)).toEqual(['5', ';', 'm', '7']);
  });

  it('counts a second left press on a row within the double-click time, and the presses after it', () => {
    const { send, reports, clock } = setup();
    const press = (y: number): void => send(`\x1b[<0;5;${y}M\x1b[<0;5;${y}m`);
    press(3);
    clock.now = 300;
    press(3);
    clock.now = 600;
    press(3);
    clock.now = 700;
    press(4);
    clock.now = 2000;
    press(4);
    expect(reports.filter(([r]) => !r.release).map(([, double]) => double)).toEqual([false, true, true, false, false]);
  });

  it('stops listening when disposed', () => {
    const { send, reports, mouse, input } = setup();
    mouse.dispose();
    send('\x1b[<65;10;15M');
    expect(reports).toEqual([]);
    expect(input.listenerCount('data')).toBe(1);
  });
});
