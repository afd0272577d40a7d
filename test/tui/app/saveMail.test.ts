/**
 * `b` on an SMTP flow, in process: the demo's mail (flow 2) saved from the messages mode and from
 * the raw text mode, into a temporary directory; flows with neither an HTTP body nor a mail say so.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mailLength } from '../../../src/messages/lineItem.js';
import { saveMail } from '../../../src/tui/actions/saveMail.js';
import type { TuiActions } from '../../../src/tui/app.js';
import { openDemoApp } from './demoApp.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();
const dir = mkdtempSync(join(tmpdir(), 'flowspy-mail-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ACTIONS = { saveMail: (flowId, target, place) => saveMail(demo.store, flowId, target, join(dir, place.directory), { name: place.name }) } as Partial<TuiActions> as TuiActions;
const MAIL = '192.168.001.050.40222-203.000.113.025.00025-MAIL-001.eml';

const openApp = () => openDemoApp(demo.store, { cols: 120, rows: 14, actions: ACTIONS, messages: (id) => demo.messages.get(id) });

describe('b on an SMTP flow', () => {
  it('saves the mail in view, from the messages mode and the text mode, and says so as for an HTTP body', async () => {
    const { app, screen, status } = await openApp();
    const block = demo.messages.get(2)!.lines!.items.find((item) => item.kind === 'block')!;
    const size = mailLength(block).toLocaleString('en-US');
    screen.press('j', 'Enter', 'z');
    await screen.waitFor(() => status().includes('· messages ·') && screen.text().some((line) => line.includes('> EHLO laptop.example.com')));
    // At the top, no mail is in view.
    screen.press('b');
    await screen.waitFor(() => status().includes('b: no mail in view: scroll to a DATA body'));
    screen.press('Space');
    await screen.waitFor(() => screen.text().some((line) => line.includes(`= DATA body: ${size} bytes`)));
    screen.press('b', 'Enter');
    await screen.waitFor(() => status().includes(`saved mail 1, ${size} bytes: /`) && status().includes(`/${MAIL}`));
    const mail = readFileSync(join(dir, MAIL), 'latin1');
    expect(mail.length).toBe(mailLength(block));
    expect(mail.startsWith('From: Alice <alice@example.com>\r\n')).toBe(true);
    expect(mail.endsWith('Alice\r\n')).toBe(true);
    // The text mode at the mail's end saves it again, under the next free name.
    screen.press('m');
    await screen.waitFor(() => status().includes('· text '));
    screen.press('G', 'b', 'Enter');
    await screen.waitFor(() => status().includes(`saved mail 1, ${size} bytes: `) && status().includes('c1-MAIL-001.eml'));
    expect(readdirSync(dir)).toHaveLength(2);
    app.dispose();
  });

  it('a flow with neither an HTTP body nor a mail says so', async () => {
    const { app, screen, status } = await openApp();
    screen.press('j', 'j', 'j', 'Enter');
    await screen.waitFor(() => screen.text().some((line) => line.startsWith(' #4 ')));
    screen.press('b');
    await screen.waitFor(() => status().includes('b: no HTTP body or mail in this flow'));
    app.dispose();
  });
});
