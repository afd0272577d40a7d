import { describe, expect, it } from 'vitest';
import { dispatch, helpLines, hintLine, KEYMAP, keyLabel, LEGEND_HEADING, MOUSE_HEADING, otherPaneUse, type KeyContext } from '../../src/tui/keymap.js';

/** The keys of issue 12 ("Keys" section, plus `o` from "Flow list"), as blessed names, with where they must work. */
const ISSUE_KEYS: readonly [KeyContext, string, string][] = [
  ['flowList', 'j', 'move.down'], ['flowList', 'down', 'move.down'],
  ['flowList', 'k', 'move.up'], ['flowList', 'up', 'move.up'],
  ['conversation', 'pageup', 'page.up'], ['conversation', 'pagedown', 'page.down'],
  ['conversation', 'C-b', 'page.up'], ['conversation', 'C-f', 'page.down'],
  ['conversation', 'C-u', 'halfPage.up'], ['conversation', 'C-d', 'halfPage.down'],
  ['flowList', 'g', 'move.top'], ['flowList', 'S-g', 'move.bottom'],
  ['conversation', 'home', 'move.top'], ['conversation', 'end', 'move.bottom'],
  ['flowList', 'tab', 'focus.next'], ['conversation', 'tab', 'focus.next'],
  ['flowList', 'enter', 'flow.open'], ['conversation', 'escape', 'back'], ['flowList', 'z', 'pane.zoom'],
  ['conversation', 'x', 'mode.toggleHex'], ['conversation', 'm', 'mode.cycle'], ['conversation', 'e', 'encoding.cycle'],
  ['conversation', 'd', 'direction.cycle'], ['conversation', 't', 'time.cycle'],
  ['flowList', '/', 'search.start'], ['conversation', '/', 'search.start'],
  ['conversation', 'n', 'search.next'], ['conversation', 'S-n', 'search.previous'],
  ['flowList', 'f', 'filter.start'], ['flowList', 'S-f', 'follow.toggle'], ['flowList', 'p', 'pause.toggle'],
  ['flowList', 's', 'flow.save'], ['conversation', 's', 'flow.save'], ['flowList', 'w', 'pcap.write'],
  ['flowList', 'r', 'proxy.retarget'], ['flowList', '?', 'help'], ['conversation', '?', 'help'],
  ['flowList', 'q', 'quit'], ['flowList', 'C-c', 'quit.now'], ['prompt', 'C-c', 'quit.now'],
  ['flowList', 'o', 'sort.cycle'],
  ['prompt', 'enter', 'prompt.apply'], ['prompt', 'escape', 'prompt.cancel'],
];

describe('keymap', () => {
  it.each(ISSUE_KEYS)('in %s, %s runs %s', (context, key, command) => {
    expect(dispatch(context, key)).toBe(command);
  });

  it('has no key bound twice in one context', () => {
    const seen = new Set<string>();
    for (const binding of KEYMAP) {
      for (const key of binding.keys) {
        const id = `${binding.context} ${key}`;
        expect(seen.has(id), id).toBe(false);
        seen.add(id);
      }
    }
  });

  it('uses only key names blessed reports (no G, no return)', () => {
    for (const key of KEYMAP.flatMap((b) => b.keys)) {
      expect(key).not.toBe('return');
      expect(key).not.toMatch(/^[A-Z]$/);
      expect(key).toMatch(/^([a-z/?[\]+-]|S-[a-z]|C-[a-z]|up|down|left|right|pageup|pagedown|home|end|enter|escape|tab|backspace|delete|space)$/);
    }
  });

  it('keeps letters typed in a prompt out of the global commands', () => {
    expect(dispatch('prompt', 'q')).toBeUndefined();
    expect(dispatch('prompt', 'j')).toBeUndefined();
    expect(dispatch('prompt', 'C-u')).toBe('prompt.clear');
    expect(dispatch('flowList', 'C-u')).toBe('halfPage.up');
  });

  it('Right opens the selected flow as Enter does, Left leaves the conversation as q does (a file manager\'s arrows)', () => {
    expect(dispatch('flowList', 'right')).toBe(dispatch('flowList', 'enter'));
    expect(dispatch('conversation', 'left')).toBe(dispatch('conversation', 'q'));
    expect(dispatch('conversation', 'left')).toBe('conversation.leave');
  });

  it('keeps pane keys in their pane', () => {
    expect(dispatch('flowList', 'x')).toBeUndefined();
    expect(dispatch('conversation', 'o')).toBeUndefined();
    expect(dispatch('conversation', 'enter')).toBe('body.expand');
    expect(dispatch('flowList', 'enter')).toBe('flow.open');
    expect(dispatch('flowList', 'return')).toBeUndefined();
  });

  it('says what a key of the other pane is for, when it does nothing in this one', () => {
    expect(otherPaneUse('conversation', 'o', true)).toBe('o (flow list): sort by arrival, bytes, duration, address, newest first');
    expect(otherPaneUse('flowList', 'x', true)).toBe('x (conversation): hex dump, and back (to the messages or text)');
    // b acts in either pane (the exchange list's selection), as y does.
    expect(otherPaneUse('flowList', 'b', true)).toBeUndefined();
    expect(otherPaneUse('flowList', 'enter', true)).toBeUndefined();
    expect(otherPaneUse('flowList', 'q', true)).toBeUndefined();
    expect(otherPaneUse('flowList', 'v', true)).toBeUndefined();
    expect(otherPaneUse('prompt', 'b', true)).toBeUndefined();
  });

  it('labels keys the way users type them', () => {
    expect(keyLabel('S-g', true)).toBe('G');
    expect(keyLabel('C-f', true)).toBe('ctrl-f');
    expect(keyLabel('pagedown', true)).toBe('PgDn');
    expect(keyLabel('up', true)).toBe('↑');
    expect(keyLabel('up', false)).toBe('Up');
    expect(keyLabel('escape', false)).toBe('Esc');
    expect(keyLabel('/', false)).toBe('/');
  });
});

describe('help screen', () => {
  it('lists every binding once under its context heading', () => {
    const lines = helpLines(true);
    for (const heading of ['Any pane', 'Flow list', 'Conversation']) expect(lines).toContain(heading);
    for (const binding of KEYMAP) {
      expect(lines.filter((line) => line.endsWith(`  ${binding.help}`)).length, binding.help).toBeGreaterThanOrEqual(1);
    }
    expect(lines).toContain(lines.find((line) => /^ {2}j ↓ +down one row$/.test(line)));
    expect(lines.find((line) => line.includes('go to the bottom'))).toMatch(/^ {2}G End +go to the bottom$/);
  });

  it('gives every binding a key; a line with no key is a help note, shown indented under its binding', () => {
    expect(KEYMAP.filter((binding) => binding.keys.length === 0)).toEqual([]);
    const lines = helpLines(true);
    const at = lines.findIndex((line) => line.endsWith('list flows / HTTP exchanges (a row per request: flow#n)'));
    expect(lines[at + 1]).toMatch(/^ {4,}exchanges: o sorts by arrival, duration, size, status, flow$/);
    expect(lines[at + 1].indexOf('exchanges')).toBe(lines[at].indexOf('list flows') + 2);
  });

  it('aligns the help column and stays ASCII without a UTF-8 locale', () => {
    const all = helpLines(false);
    const rows = all.slice(0, all.indexOf(MOUSE_HEADING)).filter((line) => line.startsWith('  '));
    const column = rows[0].search(/ {2}\S+( \S+)*$/);
    expect(rows.length).toBe(KEYMAP.length + KEYMAP.filter((binding) => binding.helpNote !== undefined).length);
    expect(helpLines(false).join('\n')).toMatch(/^[\x20-\x7e\n]*$/);
    expect(rows.find((line) => line.includes('up one row'))).toMatch(/^ {2}k Up +up one row$/);
    expect(column).toBeGreaterThan(2);
    // The mouse's part, between the keys and the legend, in the same columns.
    const mouse = all.slice(all.indexOf(MOUSE_HEADING) + 1, all.indexOf(LEGEND_HEADING) - 1);
    expect(mouse.map((line) => line.slice(0, column).trim())).toEqual(['wheel', 'click', 'click again', 'Shift-drag', '']);
    expect(mouse.slice(0, -1).every((line) => line.slice(column, column + 2) === '  ' && line[column + 2] !== ' ')).toBe(true);
    // Its note (no key of its own) is indented as the keys' notes are, so it never reads as a description's next line.
    expect(mouse.at(-1)!.slice(column, column + 4)).toBe('    ');
    expect(mouse.at(-1)![column + 4]).not.toBe(' ');
    // The marks' legend uses the ASCII marks then.
    expect(all.find((line) => line.includes('note: data after'))).toMatch(/^ {2}\* +note: /);
    expect(all.find((line) => line.includes('which side'))).toMatch(/^ {2}\? +in place of >: /);
  });

  it('names every kind of bad exchange after !, each line within 78 columns', () => {
    const all = helpLines(true);
    const at = all.findIndex((line) => /^ {2}! /.test(line));
    const text = all.slice(at, at + 2).join(' ');
    // One phrase per ExchangeFlag: after-close, no-request, unanswered, lost, cut-short.
    for (const phrase of ['after the close', 'response without request', 'unanswered', 'lost', 'cut short']) expect(text).toContain(phrase);
    expect(all.every((line) => [...line].length <= 78)).toBe(true);
  });
});

describe('hint row', () => {
  it('puts the pane\'s own keys first, then shared ones, within the width', () => {
    const line = hintLine('conversation', 80, true);
    expect(line.startsWith('x hex  m mode  ] next  Enter more  e enc  d dir  t time  / search')).toBe(true);
    expect(line).toContain('/ search');
    expect([...line].length).toBeLessThanOrEqual(80);
    expect(hintLine('flowList', 80, true).startsWith('Enter open  o sort')).toBe(true);
  });

  it('leaves out keys that would do nothing now (Enter outside the messages mode)', () => {
    expect(hintLine('conversation', 80, true, '  ', ['body.expand']).startsWith('x hex  m mode  ] next  e enc  d dir')).toBe(true);
  });

  it('every help line fits an 80-column screen (with the help box margin)', () => {
    for (const line of helpLines(true)) expect(line.length, line).toBeLessThanOrEqual(78);
  });

  it('drops whole items that do not fit', () => {
    expect(hintLine('flowList', 20, true)).toBe('Enter open  o sort');
    expect(hintLine('flowList', 3, true)).toBe('');
    expect(hintLine('prompt', 80, false, ' | ')).toBe('Enter apply | Esc cancel | ctrl-u clear');
  });
});
