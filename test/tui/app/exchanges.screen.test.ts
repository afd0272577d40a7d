/**
 * The exchange list on the screen (`v`): the demo's HTTP exchanges a row each, sorted with `o`,
 * filtered per exchange with `f`, opened with Enter at that exchange, back with Esc on the same
 * row, and back to the flows with `v` on that exchange's flow.
 */
import { describe, expect, it } from 'vitest';
import { conversationRows, hintRow, isInverse, listRows, lines, openDemo, quit, rowWith, statusRow } from './support.js';

describe('exchange list on the screen', () => {
  it('switches views, sorts, filters and opens an exchange', async () => {
    const screen = await openDemo();
    screen.press('v');
    await screen.waitFor((s) => lines(s)[0].startsWith('flow#   method  request (exchanges)'));
    expect(listRows(screen)).toEqual([
      '  1#1   GET     shop.example/                                    200   936  25ms',
      '  1#2   GET     shop.example/style.css                           200   227  20ms',
      '  3#1   GET     shop.example/api/status                          200    49  18ms',
      '  3#2 ! GET     shop.example/api/status?again=1                  after-close',
      '  5#1   GET     reports.example:8080/reports/2025/annual.csv     200    76   9ms',
    ]);
    screen.press('j');
    await screen.waitFor((s) => statusRow(s).includes('5 exchanges'));
    expect(isInverse(screen, 2, '1#2')).toBe(true);
    expect(hintRow(screen)).toContain('v view');

    screen.press('o');
    await screen.waitFor((s) => statusRow(s).includes('sorted by duration'));
    expect(listRows(screen)[0]).toMatch(/^ {2}1#1 .* 25ms$/);
    screen.press('o', 'o', 'o', 'o');
    await screen.waitFor((s) => statusRow(s).includes('sorted by arrival'));

    screen.press('f', ...'path:/api', 'Enter');
    await screen.waitFor((s) => statusRow(s).includes('2/5 exchanges'));
    expect(listRows(screen).map((row) => row.slice(0, 5))).toEqual(['  3#1', '  3#2']);

    // Enter: flow 3 in the messages mode at its second exchange; Esc: back on the same row.
    screen.press('j', 'Enter');
    await screen.waitFor((s) => hintRow(s).startsWith(' x hex') && conversationRows(s).slice(0, 2).some((row) => row.startsWith('= #2 GET /api/status?again=1')));
    expect(rowWith(screen, ' #3 192.168.1.23:51002')).toBeGreaterThan(0);
    screen.press('Esc');
    await screen.waitFor((s) => hintRow(s).startsWith(' Enter open'));
    expect(isInverse(screen, 2, '3#2')).toBe(true);

    // v: the flows again, the exchange's flow selected, the filter kept.
    screen.press('v');
    await screen.waitFor((s) => statusRow(s).includes('1/5 flows'));
    expect(listRows(screen)[0]).toMatch(/^ {2}3 /);
    await quit(screen);
  });
});
