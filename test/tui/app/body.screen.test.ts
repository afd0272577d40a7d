/**
 * `b` on the screen: the demo's HTTP flow, its first response body saved from the messages
 * mode, then the second exchange's CSS from the raw text mode, into the working directory.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hintRow, openDemo, quit, rowWith, statusRow } from './support.js';

const cwd = mkdtempSync(join(tmpdir(), 'flowspy-body-screen-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const SERVER_SIDE = '198.051.100.010.00080-192.168.001.023.51000';
const HTML = `${SERVER_SIDE}-HTTPBODY-001-response.html`;

/** The demo at 160 columns in `cwd`, its first flow in the messages mode, `b` pressed: its prompt offers the page's name. */
async function openBodyPrompt(): Promise<Awaited<ReturnType<typeof openDemo>>> {
  const screen = await openDemo({ cols: 160, cwd });
  screen.press('Enter');
  await screen.waitFor((s) => statusRow(s).includes('· messages ·') && rowWith(s, '= #1 GET / → 200 OK') > 0);
  screen.press('b');
  await screen.waitFor((s) => statusRow(s).startsWith(`save body of #1 response: ${HTML}`));
  return screen;
}

describe('b on the screen', () => {
  it('saves the body in view to the working directory and says so in the status row', async () => {
    // b asks where, offering the body's name; Enter takes it.
    const screen = await openBodyPrompt();
    const html = HTML;
    screen.press('Enter');
    await screen.waitFor((s) => statusRow(s).includes(`saved body of #1 response, 936 bytes: /`) && statusRow(s).includes(`/${html}`));
    const page = readFileSync(join(cwd, html), 'utf8');
    expect(page.length).toBe(936);
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(page).toContain('<title>Example Shop - Home</title>');

    // The raw text mode, at the end of the flow: the rows show the second response's CSS.
    screen.press('m');
    await screen.waitFor((s) => statusRow(s).includes('· text '));
    screen.press('G');
    await screen.waitFor((s) => rowWith(s, '< body { font-family: sans-serif;') > 0);
    screen.press('b', 'Enter');
    const css = `${SERVER_SIDE}-HTTPBODY-002-response.css`;
    await screen.waitFor((s) => statusRow(s).includes(`/${css}`));
    expect(statusRow(screen)).toMatch(/saved body of #2 response, [\d,]+ bytes: /);
    expect(readFileSync(join(cwd, css), 'utf8')).toMatch(/^body \{ font-family: sans-serif; margin: 0 auto; max-width: 48em; color: #222;/);
    expect(readdirSync(cwd).sort()).toEqual([html, css]);

    // At 80 columns the message has the status row alone and the long name stays whole (a second
    // save: `c1`, what tells it from the first, kept), the words and directory giving way; the hints stay.
    screen.resize(80, 24);
    screen.press('b', 'Enter');
    await screen.waitFor((s) => statusRow(s) === ` …/${SERVER_SIDE}c1-HTTPBODY-002-response.css`.padEnd(80));
    expect(hintRow(screen)).toMatch(/^ x hex {2}m mode/);
    expect(readdirSync(cwd)).toHaveLength(3);
    await quit(screen);
  });

  it('a directory as the answer gets the offered name in it', async () => {
    const into = mkdtempSync(join(cwd, 'into-'));
    const screen = await openBodyPrompt();
    const html = HTML;
    screen.press('C-u');
    screen.write(`${into}/\r`);
    await screen.waitFor((s) => statusRow(s).includes(`saved body of #1 response, 936 bytes: /`) && statusRow(s).trimEnd().endsWith(`/${html}`));
    expect(readdirSync(into)).toEqual([html]);
    expect(readFileSync(join(into, html), 'utf8')).toHaveLength(936);
    await quit(screen);
  });
});
