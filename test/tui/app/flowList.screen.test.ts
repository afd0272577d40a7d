/**
 * The flow list of the real app on the demo capture, in an 80x24 pseudo-terminal: the rows,
 * the status and hint rows, the selection, the `f` filter, and the layout after resizes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectPcap } from '../../../src/capture/pcapWriter.js';
import { TcpConversation } from '../../../src/synth/tcpScript.js';
import { conversationRows, hintRow, isInverse, lines, listRows, openCapture, openDemo, quit, root, rowWith, statusRow } from './support.js';

describe('flow list', () => {
  it('lists the 5 demo flows with state and summary, the status and hint rows', async () => {
    const screen = await openDemo();
    // At 80 columns the summary gets 40: the bytes and duration give way, the addresses keep their ends.
    expect(screen.line(0)).toMatch(/^ +# client +server +state +summary *$/);
    const rows = listRows(screen);
    expect(rows).toHaveLength(5);
    expect(rows.map((row) => /^ *(\d+) /.exec(row)?.[1])).toEqual(['1', '2', '3', '4', '5']);
    expect(rows[0]).toMatch(/ closed +GET \/ → 200 \(2 req\)$/);
    // A summary too long keeps its outcome whole (never `(5 c…`) and cuts its request.
    expect(rows[1]).toMatch(/:25 +closed +SMTP EHLO laptop\.example… → 250 \(5 cmds\)$/);
    // The flagged exchange is summed up: #2 and its status (after-close).
    expect(rows[2]).toMatch(/ reset +• ! #2 GET \/api\/\S*… → after-close \(2 req\)$/);
    // The client and the server keep the end of their address (`…23` of 192.168.1.23).
    expect(rows[0]).toMatch(/^ +1 …23:51000 → …51\.100\.10:80 closed /);
    expect(rows[3]).toMatch(/^ +4 …3\]:50100 → \[…2::7\]:7777 +closed .*\\x00\\x00/);
    expect(rows[4]).toMatch(/^ +5 …23:51010 → …100\.20:8080 +reset +! GET \/reports\/2025\/a… → 200 \(cut short\)$/);
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(80);

    const status = statusRow(screen);
    expect(status).toMatch(/^ demo\.pcap · 5 flows · .*· \? help/);
    expect(hintRow(screen)).toMatch(/^ Enter open {2}o sort {2}v view {2}\/ search .* f filter/);
    await quit(screen);
  });

  it('shows the selected row in inverse video and moves it with j and k', async () => {
    const screen = await openDemo();
    expect(isInverse(screen, 1, 'GET / → 200')).toBe(true);
    expect(isInverse(screen, 2, 'SMTP EHLO')).toBe(false);
    expect(screen.line(rowWith(screen, ' #1 '))).toContain('#1 192.168.1.23:51000 → 198.51.100.10:80  closed');
    screen.press('j');
    await screen.waitFor(' #2 192.168.1.50:40222 → 203.0.113.25:25');
    expect(isInverse(screen, 2, 'SMTP EHLO')).toBe(true);
    expect(isInverse(screen, 1, 'GET / → 200')).toBe(false);
    // Flow 3 has a note mark: the selection goes on after it, over the summary.
    screen.press('j');
    await screen.waitFor(' #3 192.168.1.23:51002');
    expect(isInverse(screen, 3, '  3 …23:51002')).toBe(true);
    expect(isInverse(screen, 3, ' ! #2 GET /api/sta… → after-close (2 req)')).toBe(true);
    screen.press('G');
    await screen.waitFor(' #5 ');
    expect(isInverse(screen, 5, 'GET /repo')).toBe(true);
    screen.press('k');
    await screen.waitFor(' #4 ');
    expect(isInverse(screen, 4, ':7777')).toBe(true);
  });

  it('on a loaded file F and p say what they are for, whole; so do o in the conversation and x in the list; Space pages down', async () => {
    const screen = await openDemo();
    screen.press('F');
    await screen.waitFor((s) => statusRow(s).includes('F follows live captures and the proxy; G goes to the end '));
    expect(statusRow(screen)).not.toMatch(/FOLLOW/);
    screen.press('p');
    await screen.waitFor((s) => statusRow(s).includes('p pauses the updates of live captures and the proxy '));
    expect(statusRow(screen)).not.toMatch(/PAUSED/);
    screen.press('x');
    await screen.waitFor((s) => statusRow(s).includes('x (conversation): hex dump, and back (to the messages or text)'));
    screen.press('Enter', 'o');
    await screen.waitFor((s) => statusRow(s).includes('o (flow list): sort by arrival, bytes, duration, address, newest first'));
    screen.press(' ');
    await screen.waitFor((s) => statusRow(s).includes('· text ') || statusRow(s).includes('· messages ·'));
    await screen.waitFor((s) => !conversationRows(s)[0].startsWith('= 192.168.1.23:51000 → '));
    await quit(screen);
  });

  it('o cycles the sort order (bytes, duration, address, newest, arrival), the selection staying on its flow', async () => {
    const screen = await openDemo();
    const order = (): string[] => listRows(screen).map((row) => row.trim().split(' ')[0]);
    /** Flow 5 (the selection) is on the list's row `row` (1: the first under the titles), the conversation still its. */
    const fiveOn = (row: number): void => {
      expect(isInverse(screen, row, 'GET /reports')).toBe(true);
      expect(rowWith(screen, ' #5 ')).toBe(8);
    };
    screen.press('G');
    await screen.waitFor(' #5 ');
    screen.press('o');
    await screen.waitFor((s) => statusRow(s).includes('sorted by bytes'));
    expect(order()).toEqual(['1', '2', '3', '5', '4']);
    fiveOn(4);
    screen.press('o');
    await screen.waitFor((s) => statusRow(s).includes('sorted by duration'));
    expect(order()).toEqual(['1', '2', '3', '4', '5']);
    fiveOn(5);
    screen.press('o');
    await screen.waitFor((s) => statusRow(s).includes('sorted by address'));
    expect(order()).toEqual(['1', '3', '5', '2', '4']);
    fiveOn(3);
    screen.press('o');
    await screen.waitFor((s) => statusRow(s).includes('sorted by newest'));
    expect(order()).toEqual(['5', '4', '3', '2', '1']);
    fiveOn(1);
    screen.press('o');
    await screen.waitFor((s) => statusRow(s).includes('sorted by arrival'));
    expect(order()).toEqual(['1', '2', '3', '4', '5']);
    fiveOn(5);
  });

  it('filters with f: a port, a state, has:note, ~text in the bytes; a bad filter stays in its prompt with its error', async () => {
    const screen = await openDemo();
    const applyFilter = async (text: string, shown: string): Promise<void> => {
      screen.press('f');
      await screen.waitFor((s) => statusRow(s).startsWith('filter: '));
      screen.press('C-u', text, 'Enter');
      await screen.waitFor((s) => statusRow(s).includes(shown) && !statusRow(s).includes('searching'));
    };

    await applyFilter(':25', '1/5 flows');
    expect(statusRow(screen)).toContain('filter :25');
    expect(listRows(screen)).toEqual([expect.stringMatching(/^ +2 .*:25 +closed +SMTP EHLO laptop\.example… → 250 \(5 cmds\)$/)]);

    await applyFilter('reset', '2/5 flows');
    expect(statusRow(screen)).toContain('filter reset');
    expect(listRows(screen).map((row) => row.trim().split(' ')[0])).toEqual(['3', '5']);

    await applyFilter('has:note', '1/5 flows');
    expect(listRows(screen)).toEqual([expect.stringMatching(/^ +3 .* • ! #2 GET \/api\/\S*… → after-close \(2 req\)$/)]);

    // "Lunch" is only in the body of the mail (flow 2), not in any preview.
    await applyFilter('~Lunch', '1/5 flows');
    expect(statusRow(screen)).toContain('filter ~Lunch');
    expect(listRows(screen)).toEqual([expect.stringMatching(/^ +2 .* SMTP EHLO laptop\.example… → 250 \(5 cmds\)$/)]);

    screen.press('f');
    await screen.waitFor((s) => statusRow(s).startsWith('filter: ~Lunch'));
    // While the filter is typed, the hint row shows its words.
    expect(hintRow(screen)).toMatch(/^ method:POST status:5xx host: path:\/api ~text :port !reset has:note {2}Enter apply/);
    screen.press('C-u', 'has:bogus', 'Enter');
    // The prompt stays open with the typo, the error in the hint row; Esc leaves the filter as it was.
    await screen.waitFor((s) => hintRow(s).startsWith(' ! unknown has:bogus: has:note or has:gap'));
    expect(statusRow(screen)).toMatch(/^filter: has:bogus /);
    screen.press('Esc');
    await screen.waitFor((s) => statusRow(s).includes('filter ~Lunch'));
    expect(listRows(screen)).toHaveLength(1);

    await applyFilter('', '5 flows');
    expect(listRows(screen)).toHaveLength(5);
    expect(statusRow(screen)).not.toContain('filter ');
    // / looks in the rows; words only in the bytes are for the filter, and it says so.
    screen.press('/', 'Lunch', 'Enter');
    await screen.waitFor((s) => statusRow(s).includes('not in the rows: Lunch (f ~text searches the bytes)'));
  });

  it('takes a paste (bracketed) as text: into the filter prompt, line ends as spaces; in the list, as no keys', async () => {
    const screen = await openDemo();
    expect(screen.modes.bracketedPasteMode).toBe(true);
    screen.press('f');
    await screen.waitFor((s) => statusRow(s).startsWith('filter: '));
    // Its line end does not apply the prompt, and its second line runs no command.
    screen.write('\x1b[200~:25\r\nreset q\x1b[201~');
    await screen.waitFor((s) => statusRow(s).startsWith('filter: :25 reset q'));
    screen.press('C-u', ':25', 'Enter');
    await screen.waitFor((s) => statusRow(s).includes('1/5 flows'));
    // In the list a paste runs none of its keys (q would ask to quit, j move the selection).
    screen.write('\x1b[200~jjq\x1b[201~');
    await screen.waitFor((s) => statusRow(s).includes('pasted text ignored'));
    expect(listRows(screen)).toHaveLength(1);
    await quit(screen);
    expect(screen.modes.bracketedPasteMode).toBe(false);
  });

  it('/ says which match it is, and what matched where the row cuts it short', async () => {
    const screen = await openDemo();
    const rowOf = (id: number) => screen.text().findIndex((line) => line.startsWith(`  ${id} `));
    screen.press('/', 'GET', 'Enter');
    await screen.waitFor((s) => statusRow(s).includes('match 2 of 3 '));
    expect(isInverse(screen, rowOf(3), '  3 …23')).toBe(true);
    screen.press('n');
    await screen.waitFor((s) => statusRow(s).includes('match 3 of 3 '));
    screen.press('N');
    await screen.waitFor((s) => statusRow(s).includes('match 2 of 3 '));
    // Row 3 shows `GET /api/sta… → after-close (2 req)`: the status row says what matched.
    screen.press('/', 'again=1', 'Enter');
    await screen.waitFor((s) => /match 1 of 1: .*\/api\/status\?again=1/.test(statusRow(s) + hintRow(s)));
    expect(isInverse(screen, rowOf(3), '  3 …23')).toBe(true);
    await quit(screen);
  });

  it('follows resizes: 80x24, 120x40 (wider columns, more rows), back to 80x24', async () => {
    const screen = await openDemo();
    expect(rowWith(screen, ' #1 ')).toBe(8);
    expect(listRows(screen)[1]).toContain(' …50:40222 → …0.113.25:25  closed ');

    screen.resize(120, 40);
    await screen.waitFor((s) => rowWith(s, ' #1 ') === 13 && hintRow(s).includes('q quit'));
    const wide = listRows(screen);
    expect(wide[1]).toMatch(/^ +2 192\.168\.1\.50:40222 +→ 203\.0\.113\.25:25 +closed .* SMTP EHLO laptop\.example\.c… → 250 \(5 cmds\)$/);
    expect(wide[4]).toContain('! GET /reports/2025/ann… → 200 (cut short)');
    expect(hintRow(screen)).toContain('? help  q quit');
    expect(screen.line(14)).toContain('connected (handshake seen)');
    expect(rowWith(screen, '< Content-Type: text/html; charset=utf-8')).toBeGreaterThan(14);

    screen.resize(80, 24);
    await screen.waitFor((s) => rowWith(s, ' #1 ') === 8 && statusRow(s).startsWith(' demo.pcap'));
    const narrow = listRows(screen);
    expect(narrow).toHaveLength(5);
    expect(narrow[0]).toMatch(/GET \/ → 200 \(2 req\)$/);
    expect(narrow[1]).toMatch(/SMTP EHLO laptop\.example… → 250 \(5 cmds\)$/);
    expect(screen.text().every((line) => line.length <= 80)).toBe(true);
    await quit(screen);
  });

  it("is the README's screen: the demo at 80x24 after j j Enter G", async () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const block = /then `G` in an 80x24\nterminal:\n\n```\n([^`]*)\n```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const screen = await openDemo();
    screen.press('j', 'j', 'Enter');
    await screen.waitFor(' #3 192.168.1.23:51002');
    screen.press('G');
    await screen.waitFor('= end: connection reset (RST)');
    expect(lines(screen).join('\n')).toBe(block!.split('\n').map((line) => line.trimEnd()).join('\n'));
    await quit(screen);
  });

  it('marks a flow seen without its handshake as guessed, in its row and its title', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-midstream-'));
    try {
      const file = join(dir, 'midstream.pcap');
      writeFileSync(file, collectPcap((writer) => {
        const flow = new TcpConversation(writer, { client: { addr: '10.1.0.1', port: 50000 }, server: { addr: '10.1.0.2', port: 6379 } });
        const t = flow.send('c2s', 'PING\r\n', 1_000_000);
        flow.send('s2c', '+PONG\r\n', t + 1000);
      }));
      const screen = await openCapture(file, 1);
      expect(listRows(screen)[0]).toMatch(/^ +1 :50000 \? :6379 +[a-z/]+ .* Redis PING → \+PONG/);
      // One client and one server address for every flow: the columns show ports, the header names them.
      expect(screen.line(0)).toContain('from 10.1.0.1 to 10.1.0.2');
      expect(screen.line(rowWith(screen, ' #1 '))).toContain('(direction guessed)');
      await quit(screen);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
