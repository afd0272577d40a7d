import { describe, expect, it } from 'vitest';
import blessed from 'blessed';
import { openInProcessScreen } from '../support/screenInProcess.js';

describe('in-process screen', () => {
  it('draws a blessed box, takes keys and resizes, and restore leaves the alternate screen', async () => {
    const { terminal, screen } = openInProcessScreen({ cols: 40, rows: 10 });
    const box = blessed.box({ parent: terminal.screen, top: 0, left: 0, width: '100%', height: '100%', tags: false });
    const keys: string[] = [];
    const draw = () => {
      box.setContent(`size ${terminal.screen.width}x${terminal.screen.height} keys ${keys.join(',')}`);
      terminal.screen.render();
    };
    terminal.screen.on('keypress', (_ch, key) => {
      keys.push(key.full);
      draw();
    });
    terminal.screen.on('resize', draw);
    draw();
    await screen.waitFor('size 40x10 keys');
    expect(screen.alternateScreen).toBe(true);
    screen.press('j', 'G', 'PgDn', 'C-f', 'Down');
    await screen.waitFor('keys j,S-g,pagedown,C-f,down');
    screen.press('Enter');
    // blessed reports \r as both `enter` and `return`: the keymap binds only `enter`.
    await screen.waitFor((s) => s.text().join('').includes(',down,enter,return'));
    screen.resize(60, 12);
    await screen.waitFor('size 60x12');
    terminal.restore();
    await screen.flush();
    expect(screen.alternateScreen).toBe(false);
    expect(screen.cursorHidden).toBe(false);
  });
});
