/**
 * The save keys on the screen of the demo, in a working directory of its own: `y`, `s` and `w`
 * say where their files went in the status row alone (the hint row keeps its hints), `s` asks
 * first, and every default name carries the capture's base name.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hintRow, openDemo, quit, statusRow } from './support.js';

const cwd = mkdtempSync(join(tmpdir(), 'flowspy-save-keys-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('y, s and w at 80x24 and 60x20', () => {
  it('say their files in one row, s asks with a default, names carry the capture\'s name and never collide', async () => {
    const screen = await openDemo({ cols: 80, rows: 24, cwd });
    const hints = hintRow(screen);
    // A message with a path has the whole status row when it would be cut beside `? help`.
    screen.press('y');
    await screen.waitFor((s) => statusRow(s).includes('demo-1-1.curl'));
    expect(statusRow(screen)).toMatch(/^ curl sent to clipboard \(OSC 52\), saved \/\S*\/demo-1-1\.curl( · \? help)? *$/);
    expect(hintRow(screen)).toBe(hints);

    screen.press('s');
    await screen.waitFor((s) => statusRow(s).startsWith('save flow 1 (598 + 1,496 B) as: demo-1'));
    screen.press('Enter');
    await screen.waitFor((s) => statusRow(s).includes('saved 598 + 1,496 B: '));
    expect(statusRow(screen)).toMatch(/\/demo-1\{-c2s\.bin,-s2c\.bin,\.log\}( · \? help)? *$/);
    expect(hintRow(screen)).toBe(hints);
    // A second s is offered the next free stem; nothing is overwritten.
    screen.press('s');
    await screen.waitFor((s) => statusRow(s).startsWith('save flow 1 (598 + 1,496 B) as: demo-1c1'));
    screen.press('Enter');
    await screen.waitFor((s) => statusRow(s).includes('demo-1c1{-c2s.bin,-s2c.bin,.log}'));

    screen.resize(60, 20);
    screen.press('w');
    await screen.waitFor((s) => statusRow(s).startsWith('write pcap: demo-5-flows.pcap'));
    screen.press('Enter');
    await screen.waitFor((s) => statusRow(s).includes('wrote 82 packets of 5 flows to '));
    expect(statusRow(screen)).toMatch(/\/demo-5-flows\.pcap( · \? help)? *$/);
    expect(hintRow(screen)).toMatch(/^ Enter open/);
    // Offered again: the next free name. A name typed is taken as the stem, written only when free.
    screen.press('w');
    await screen.waitFor((s) => statusRow(s).startsWith('write pcap: demo-5-flowsc1.pcap'));
    screen.press('Esc');
    await screen.waitFor((s) => statusRow(s).includes('5 flows'));
    screen.press('s', 'C-u');
    screen.write('mine\r');
    await screen.waitFor((s) => statusRow(s).includes('/mine{-c2s.bin,-s2c.bin,.log}'));
    screen.press('s', 'C-u');
    screen.write('mine\r');
    await screen.waitFor((s) => statusRow(s).includes('bin: it exists, give another name'));
    expect(readdirSync(cwd).sort()).toEqual([
      'demo-1-1.curl', 'demo-1-c2s.bin', 'demo-1-s2c.bin', 'demo-1.log', 'demo-1c1-c2s.bin', 'demo-1c1-s2c.bin', 'demo-1c1.log', 'demo-5-flows.pcap',
      'mine-c2s.bin', 'mine-s2c.bin', 'mine.log',
    ]);
    expect(existsSync(join(cwd, 'demo-1-1c1.curl'))).toBe(false);
    await quit(screen);
  });
});
