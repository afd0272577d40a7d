/**
 * `y` and `b` act on the exchange the user chose: the exchange list's selection, or in the
 * conversation the one a jump (`]`, `G`, Enter on an exchange) put in view, even when it is too
 * short to reach the window's top (the last page then shows the end of the exchange before it).
 */
import { describe, expect, it } from 'vitest';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen, type InProcessScreen } from '../../support/screenInProcess.js';
import { liveFlow } from '../../support/liveFlow.js';

const FILE: TuiSource = { kind: 'file', label: () => 'x.pcap', counters: () => undefined, running: () => false, problem: () => undefined };

/** A long first exchange (a 30-line body) and a short second one, unanswered. */
function twoExchanges() {
  const flow = liveFlow();
  flow.send('c2s', 'GET /first HTTP/1.1\r\nHost: h.example\r\n\r\n');
  const body = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n') + '\n';
  flow.send('s2c', `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  flow.send('c2s', 'POST /second HTTP/1.1\r\nHost: h.example\r\nContent-Length: 2\r\n\r\nhi');
  flow.end();
  return flow;
}

/** The app over {@link twoExchanges}, recording what `y` wrote. */
async function open() {
  const flow = twoExchanges();
  const written: string[] = [];
  const actions = {
    saveFiles: async (names: readonly string[], contentsOf: (paths: readonly string[]) => readonly unknown[]) => {
      contentsOf(names);
      written.push(...names);
      return names;
    },
    stem: 'flowspy',
  } as unknown as TuiActions;
  const { terminal, screen } = openInProcessScreen({ cols: 80, rows: 24 });
  const app = new TuiApp({ terminal, store: flow.store, source: FILE, actions, follow: false, messages: () => flow.messages });
  const status = (): string => screen.line(screen.rows - 2);
  await screen.waitFor(() => status().includes('1 flow'));
  /** Presses `keys`, then `key`, and returns what it wrote. */
  const act = async (keys: string[], key: string): Promise<string | undefined> => {
    written.length = 0;
    screen.press(...keys);
    await screen.flush();
    screen.press(key);
    await screen.waitFor(() => written.length > 0 || /^ ?[yb]:/.test(status()) || status().includes(' b: ') || status().includes(' y: '));
    return written.at(-1);
  };
  return { app, screen, act };
}

describe('y copies the exchange chosen, not the first one in the window', () => {
  it('the exchange list: the selected exchange', async () => {
    const { app, act } = await open();
    expect(await act(['v', 'j'], 'y')).toBe('flowspy-1-2.curl');
    app.dispose();
  });

  it('the conversation after ], after G, after Enter on the exchange', async () => {
    const { app, act } = await open();
    expect(await act(['Enter', ']', ']'], 'y')).toBe('flowspy-1-2.curl');
    expect(await act(['g'], 'y')).toBe('flowspy-1-1.curl');
    expect(await act(['G'], 'y')).toBe('flowspy-1-2.curl');
    expect(await act(['Tab', 'v', 'j', 'Enter'], 'y')).toBe('flowspy-1-2.curl');
    app.dispose();
  });

  it('b: offers a body of that exchange', async () => {
    const { app, screen } = await open();
    const offered = (keys: string[]): Promise<string> => offeredBody(screen, keys);
    expect(await offered(['v', 'j', 'Enter'])).toBe('#2 request');
    expect(await offered(['g'])).toBe('#1 response');
    expect(await offered(['G'])).toBe('#2 request');
    app.dispose();
  });

  it('b with the exchange list focused: a body of the selected exchange, as y copies it', async () => {
    const { app, screen } = await open();
    const offered = (keys: string[]): Promise<string> => offeredBody(screen, keys);
    // v focuses the exchange the flow's row names (its #2, unanswered); g goes to the first.
    expect(await offered(['v'])).toBe('#2 request');
    expect(await offered(['g'])).toBe('#1 response');
    expect(await offered(['j'])).toBe('#2 request');
    app.dispose();
  });
});

describe('Enter on an exchange', () => {
  it('opens it in the messages mode, also after x chose hex', async () => {
    const { app, screen } = await open();
    const status = (): string => screen.line(screen.rows - 2);
    screen.press('v', 'Enter', 'x');
    await screen.waitFor(() => status().includes(' hex '));
    screen.press('Esc', 'j', 'Enter');
    await screen.waitFor(() => status().includes(' messages '));
    expect(screen.text().join('\n')).toContain('= #2 POST /second');
    app.dispose();
  });
});

/** Presses `keys`, then `b`, and returns the body its prompt offers to save (then cancels it). */
async function offeredBody(screen: InProcessScreen, keys: string[]): Promise<string> {
  screen.press(...keys);
  await screen.flush();
  screen.press('b');
  await screen.waitFor(() => /save body of #\d \w+/.test(screen.text().join('\n')));
  const what = /save body of (#\d \w+)/.exec(screen.text().join('\n'))![1];
  screen.press('Esc');
  await screen.waitFor(() => !screen.text().join('\n').includes('save body of'));
  return what;
}

describe('y on a flow whose requests go from its recorded server to its client', () => {
  it('sends the command to the end the requests went to', async () => {
    // A capture that began mid-flow: the side that spoke first (taken as the client) answered.
    const flow = liveFlow();
    flow.send('s2c', 'GET /x HTTP/1.0\r\n\r\n');
    flow.send('c2s', 'HTTP/1.0 200 OK\r\n\r\nok');
    flow.end();
    expect(flow.messages.http?.requestDir).toBe('s2c');
    const commands: string[] = [];
    const actions = {
      saveFiles: async (names: readonly string[], contentsOf: (paths: readonly string[]) => readonly unknown[]) => {
        commands.push(...contentsOf(names).map(String));
        return names;
      },
      stem: 'flowspy',
    } as unknown as TuiActions;
    const { terminal, screen } = openInProcessScreen({ cols: 80, rows: 24 });
    const app = new TuiApp({ terminal, store: flow.store, source: FILE, actions, follow: false, messages: () => flow.messages });
    await screen.waitFor(() => screen.line(screen.rows - 2).includes('1 flow'));
    screen.press('y');
    await screen.waitFor(() => commands.length > 0);
    expect(commands[0]).toContain('http://10.0.0.1:40000/x');
    app.dispose();
  });
});

describe('b on an exchange a capture gap cut', () => {
  /** What `b` says on the flow, once its conversation shows `shown`. */
  async function bSays(flow: ReturnType<typeof liveFlow>, shown: string): Promise<string> {
    const { terminal, screen } = openInProcessScreen({ cols: 100, rows: 24 });
    const app = new TuiApp({ terminal, store: flow.store, source: FILE, actions: {} as TuiActions, follow: false, messages: () => flow.messages });
    try {
      const status = (): string => screen.line(screen.rows - 2);
      await screen.waitFor(() => status().includes('1 flow'));
      screen.press('Enter');
      await screen.waitFor(() => screen.text().join('\n').includes(shown));
      screen.press('b');
      await screen.waitFor(() => status().includes(' b: '));
      return status();
    } finally {
      app.dispose();
    }
  }

  it('says the head was lost and that s saves the bytes, not that the exchange has no body', async () => {
    const flow = liveFlow();
    flow.send('c2s', 'GET / HTTP/1.1\r\nHost: h.example\r\n\r\n');
    flow.gap('s2c', 120);
    flow.send('s2c', '<html>\n<p>the end of the page</p>\n</html>\n');
    flow.end();
    expect(await bSays(flow, 'the end of the page')).toContain("b: #1's response head was lost in a gap: no body to cut out (s saves the flow)");
  });

  it('a request whose head a gap cut, answered whole without a body: the exchange has no body', async () => {
    const flow = liveFlow();
    flow.send('c2s', 'GET / HTTP/1.1\r\nCookie: a');
    flow.gap('c2s', 50);
    flow.send('c2s', 'b\r\nHost: h.example\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 304 Not Modified\r\n\r\n');
    flow.end();
    expect(await bSays(flow, '304 Not Modified')).toContain('b: exchange #1 has no body');
  });
});
