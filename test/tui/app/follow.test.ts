import { describe, expect, it } from 'vitest';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

/** A capture that is still running, so `F` applies. */
const LIVE: TuiSource = { kind: 'live', label: () => 'lo', counters: () => undefined, running: () => true, problem: () => undefined };
const NO_ACTIONS = {} as TuiActions;

function openApp() {
  const { terminal, screen } = openInProcessScreen({ cols: 100, rows: 24 });
  const app = new TuiApp({ terminal, store: demo.store, source: LIVE, actions: NO_ACTIONS, follow: true });
  const status = (): string => screen.line(screen.rows - 2);
  const following = async (on: boolean): Promise<void> => screen.waitFor(() => status().includes('FOLLOW') === on);
  return { app, screen, following };
}

describe('follow (F): one state for both panes', () => {
  it('a move up in the list stops both; F brings both back, the list on its last flow', async () => {
    const { app, screen, following } = openApp();
    await following(true);
    screen.press('k');
    await following(false);
    screen.press('G');
    await screen.flush();
    expect(screen.text().join('\n')).not.toMatch(/FOLLOW/);
    screen.press('g');
    await screen.waitFor(' #1 ');
    screen.press('F');
    await following(true);
    // The list is back on its last flow, which the conversation shows.
    await screen.waitFor(' #5 ');
    app.dispose();
  });

  it('a move in the conversation (PgUp, g, [) stops both; F brings both back', async () => {
    const { app, screen, following } = openApp();
    await following(true);
    screen.press('Tab');
    await screen.flush();
    screen.press('G');
    await screen.flush();
    expect(screen.line(screen.rows - 2)).toMatch(/FOLLOW/);
    screen.press('PgUp');
    await following(false);
    screen.press('F');
    await following(true);
    screen.press('g');
    await following(false);
    screen.press('F');
    await following(true);
    screen.press('[');
    await following(false);
    app.dispose();
  });
});
