/**
 * The TUI's one keymap: every key, per context, with its command and help text. The
 * dispatcher, the help screen and the hint row are all generated from `KEYMAP`, so they cannot
 * disagree. Key names are blessed's `key.full` names: `S-g` for G (a binding named `G` never
 * fires), `enter` only (blessed reports `\r` as both `return` and `enter`), `C-f`, `pageup`,
 * `escape`; a printable key without a name is its character (`/`, `?`).
 * Pure data and functions: no blessed here.
 */
import { glyphsFor, type Glyphs } from './glyphs.js';

/**
 * Where a key is read. `global` keys work in both panes (moves act on the focused pane);
 * `flowList` and `conversation` keys only when that pane has focus and take precedence over
 * `global`; `prompt` keys while a one-line prompt is open (no fall-back to `global` there, so
 * typed letters stay text).
 */
export type KeyContext = 'global' | 'flowList' | 'conversation' | 'prompt';

/** A command name; the app maps each to one action. */
export type Command =
  | 'move.down' | 'move.up' | 'page.down' | 'page.up' | 'halfPage.down' | 'halfPage.up'
  | 'move.top' | 'move.bottom'
  | 'focus.next' | 'flow.open' | 'view.toggle' | 'back' | 'conversation.leave' | 'pane.zoom' | 'list.grow' | 'list.shrink'
  | 'body.expand' | 'turn.next' | 'turn.previous' | 'mode.toggleHex' | 'mode.cycle' | 'encoding.cycle' | 'direction.cycle' | 'time.cycle'
  | 'search.start' | 'search.next' | 'search.previous'
  | 'filter.start' | 'sort.cycle' | 'follow.toggle' | 'pause.toggle' | 'screen.repaint'
  | 'flow.save' | 'request.copy' | 'body.save' | 'pcap.write' | 'proxy.retarget' | 'help' | 'quit' | 'quit.now' | 'suspend'
  | 'prompt.apply' | 'prompt.cancel' | 'prompt.backspace' | 'prompt.delete' | 'prompt.clear' | 'prompt.deleteWord'
  | 'prompt.left' | 'prompt.right' | 'prompt.home' | 'prompt.end' | 'prompt.older' | 'prompt.newer';

/** One row of the keymap: these keys, in this context, run this command. */
export interface KeyBinding {
  readonly context: KeyContext;
  /** blessed key names; the first is the one shown in the hint row. */
  readonly keys: readonly string[];
  readonly command: Command;
  /** One line for the help screen. */
  readonly help: string;
  /** A word or two for the hint row; bindings without it are left out of the hint row. */
  readonly hint?: string;
  /** A help line with no key of its own, shown indented under this binding's. */
  readonly helpNote?: string;
}

/** Every key of the TUI. Order is the order of the help screen and of the hint row. */
export const KEYMAP: readonly KeyBinding[] = [
  { context: 'flowList', keys: ['enter', 'right'], command: 'flow.open', help: 'show the selected flow\'s conversation (an exchange: messages)', hint: 'open' },
  { context: 'flowList', keys: ['o'], command: 'sort.cycle', help: 'sort by arrival, bytes, duration, address, newest first', hint: 'sort' },
  { context: 'flowList', keys: ['v'], command: 'view.toggle', help: 'list flows / HTTP exchanges (a row per request: flow#n)', hint: 'view',
    helpNote: 'exchanges: o sorts by arrival, duration, size, status, flow' },

  { context: 'conversation', keys: ['x'], command: 'mode.toggleHex', help: 'hex dump, and back (to the messages or text)', hint: 'hex' },
  { context: 'conversation', keys: ['m'], command: 'mode.cycle', help: 'cycle display modes: text, hex, escaped, messages', hint: 'mode' },
  { context: 'conversation', keys: [']'], command: 'turn.next', help: 'next exchange or command and reply (messages mode) or turn', hint: 'next' },
  { context: 'conversation', keys: ['['], command: 'turn.previous', help: 'start of this message or turn, then the one before' },
  { context: 'conversation', keys: ['enter'], command: 'body.expand', help: 'messages mode: show a cut body in full', hint: 'more' },
  { context: 'conversation', keys: ['e'], command: 'encoding.cycle', help: 'cycle the text encoding (text and escaped modes)', hint: 'enc' },
  { context: 'conversation', keys: ['d'], command: 'direction.cycle', help: 'both directions / client only / server only', hint: 'dir' },
  { context: 'conversation', keys: ['q', 'left'], command: 'conversation.leave', help: 'back to the flow list (q there quits)' },
  { context: 'conversation', keys: ['t'], command: 'time.cycle', help: 'timestamps: absolute / relative / off', hint: 'time' },

  { context: 'global', keys: ['j', 'down'], command: 'move.down', help: 'down one row' },
  { context: 'global', keys: ['k', 'up'], command: 'move.up', help: 'up one row' },
  { context: 'global', keys: ['pagedown', 'C-f'], command: 'page.down', help: 'down one page' },
  { context: 'global', keys: ['space'], command: 'page.down', help: 'down one page, as in less' },
  { context: 'global', keys: ['pageup', 'C-b'], command: 'page.up', help: 'up one page' },
  { context: 'global', keys: ['C-d'], command: 'halfPage.down', help: 'down half a page' },
  { context: 'global', keys: ['C-u'], command: 'halfPage.up', help: 'up half a page' },
  { context: 'global', keys: ['g', 'home'], command: 'move.top', help: 'go to the top' },
  { context: 'global', keys: ['S-g', 'end'], command: 'move.bottom', help: 'go to the bottom' },
  { context: 'global', keys: ['/'], command: 'search.start', help: 'search (lower case: any case; hex: 0d0a; list: whole rows)', hint: 'search' },
  { context: 'global', keys: ['n'], command: 'search.next', help: 'next match (past the last: round to the first)' },
  { context: 'global', keys: ['S-n'], command: 'search.previous', help: 'previous match (before the first: round to the last)' },
  { context: 'global', keys: ['escape'], command: 'back', help: 'back: unzoom, leave the flow, stop a search, clear a filter', hint: 'back' },
  { context: 'global', keys: ['tab'], command: 'focus.next', help: 'move focus to the other pane', hint: 'focus' },
  { context: 'global', keys: ['z'], command: 'pane.zoom', help: 'zoom the focused pane to the whole screen', hint: 'zoom' },
  { context: 'global', keys: ['+'], command: 'list.grow', help: 'one more row for the list, one less for the conversation' },
  { context: 'global', keys: ['-'], command: 'list.shrink', help: 'one less row for the list (kept until flowspy quits)' },
  { context: 'global', keys: ['f'], command: 'filter.start', help: 'filter: address :port #12 state host: ~text !not a|b', hint: 'filter' },
  { context: 'global', keys: ['S-f'], command: 'follow.toggle', help: 'follow new flows and new bytes', hint: 'follow' },
  { context: 'global', keys: ['p'], command: 'pause.toggle', help: 'pause / resume screen updates (capture goes on)' },
  { context: 'global', keys: ['C-l'], command: 'screen.repaint', help: 'repaint the whole screen (after another program wrote on it)' },
  { context: 'global', keys: ['s'], command: 'flow.save', help: 'save the selected flow (asks): demo-3-c2s.bin, -s2c.bin, .log', hint: 'save' },
  { context: 'global', keys: ['y'], command: 'request.copy', help: 'copy the HTTP request in view as curl (clipboard, a .curl file)', hint: 'curl',
    helpNote: 'in view: exchange selected, or ] [ G / went to, or most shown' },
  { context: 'global', keys: ['b'], command: 'body.save', help: 'save the HTTP body or mail (SMTP, POP3, IMAP) in view (asks)' },
  { context: 'global', keys: ['w'], command: 'pcap.write', help: 'write the flows shown to a pcap file (asks: demo-5-flows.pcap)' },
  { context: 'global', keys: ['r'], command: 'proxy.retarget', help: 'proxy: new upstream for new connections (asks; N=: listener N)' },
  { context: 'global', keys: ['?'], command: 'help', help: 'this help', hint: 'help' },
  { context: 'global', keys: ['q'], command: 'quit', help: 'quit (asks while a capture, the proxy or a save runs)', hint: 'quit' },
  { context: 'global', keys: ['C-c'], command: 'quit.now', help: 'quit at once' },
  { context: 'global', keys: ['C-z'], command: 'suspend', help: 'suspend to the shell (fg resumes; capture and proxy wait)' },

  { context: 'prompt', keys: ['enter'], command: 'prompt.apply', help: 'apply', hint: 'apply' },
  { context: 'prompt', keys: ['escape'], command: 'prompt.cancel', help: 'cancel', hint: 'cancel' },
  { context: 'prompt', keys: ['backspace'], command: 'prompt.backspace', help: 'delete the character before the cursor' },
  { context: 'prompt', keys: ['delete'], command: 'prompt.delete', help: 'delete the character under the cursor' },
  { context: 'prompt', keys: ['C-u'], command: 'prompt.clear', help: 'clear the line', hint: 'clear' },
  { context: 'prompt', keys: ['C-w'], command: 'prompt.deleteWord', help: 'delete the word before the cursor' },
  { context: 'prompt', keys: ['left'], command: 'prompt.left', help: 'cursor left' },
  { context: 'prompt', keys: ['right'], command: 'prompt.right', help: 'cursor right' },
  { context: 'prompt', keys: ['home', 'C-a'], command: 'prompt.home', help: 'cursor to the start' },
  { context: 'prompt', keys: ['end', 'C-e'], command: 'prompt.end', help: 'cursor to the end' },
  { context: 'prompt', keys: ['up'], command: 'prompt.older', help: 'filter, search: the answer before (this session)' },
  { context: 'prompt', keys: ['down'], command: 'prompt.newer', help: 'filter, search: the answer after, then the text typed' },
  { context: 'prompt', keys: ['C-c'], command: 'quit.now', help: 'quit at once' },
];

const CONTEXTS: readonly KeyContext[] = ['global', 'flowList', 'conversation', 'prompt'];

const HEADINGS: Record<KeyContext, string> = {
  global: 'Any pane',
  flowList: 'Flow list',
  conversation: 'Conversation',
  prompt: 'Prompt (filter, search, save, retarget)',
};

/** key name → command, per context; built once from `KEYMAP`. */
const BY_CONTEXT = new Map<KeyContext, Map<string, Command>>(
  CONTEXTS.map((context) => [
    context,
    new Map(KEYMAP.filter((b) => b.context === context).flatMap((b) => b.keys.map((key) => [key, b.command] as const))),
  ]),
);

/**
 * The command for blessed key name `key` (`key.full`) in `context`, or undefined when the key
 * does nothing there. Pane contexts fall back to `global`; `prompt` does not.
 */
export function dispatch(context: KeyContext, key: string): Command | undefined {
  const own = BY_CONTEXT.get(context)!.get(key);
  if (own !== undefined || context === 'prompt' || context === 'global') return own;
  return BY_CONTEXT.get('global')!.get(key);
}

/**
 * What key `key` is for when it does nothing in pane `context` but works in the other pane:
 * `o (flow list): sort by …`, from that binding's help (the pane first: a narrow status row cuts
 * the end); undefined otherwise.
 */
export function otherPaneUse(context: KeyContext, key: string, unicode: boolean): string | undefined {
  if ((context !== 'flowList' && context !== 'conversation') || dispatch(context, key) !== undefined) return undefined;
  const other: KeyContext = context === 'flowList' ? 'conversation' : 'flowList';
  const binding = KEYMAP.find((b) => b.context === other && b.keys.includes(key));
  return binding && `${keyLabel(key, unicode)} (${other === 'flowList' ? 'flow list' : 'conversation'}): ${binding.help}`;
}

const NAMED: Record<string, string> = {
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  enter: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  backspace: 'Backspace',
  delete: 'Del',
  space: 'Space',
};

const ARROWS: Record<string, readonly [string, string]> = {
  up: ['↑', 'Up'],
  down: ['↓', 'Down'],
  left: ['←', 'Left'],
  right: ['→', 'Right'],
};

/** How a blessed key name is shown to the user: `S-g` → `G`, `C-f` → `ctrl-f`, `up` → `↑` (or `Up`). */
export function keyLabel(key: string, unicode: boolean): string {
  const arrow = ARROWS[key];
  if (arrow) return unicode ? arrow[0] : arrow[1];
  if (NAMED[key]) return NAMED[key];
  if (/^S-[a-z]$/.test(key)) return key.slice(2).toUpperCase();
  if (key.startsWith('C-')) return `ctrl-${key.slice(2)}`;
  return key;
}

/** The help screen, one string per line: a heading per context, then `keys  help` rows. */
export function helpLines(unicode: boolean): string[] {
  const labels = KEYMAP.map((b) => b.keys.map((key) => keyLabel(key, unicode)).join(' '));
  const width = Math.max(...labels.map((label) => label.length));
  const lines: string[] = [];
  for (const context of CONTEXTS) {
    if (lines.length > 0) lines.push('');
    lines.push(HEADINGS[context]);
    KEYMAP.forEach((binding, i) => {
      if (binding.context !== context) return;
      lines.push(`  ${labels[i].padEnd(width)}  ${binding.help}`);
      if (binding.helpNote !== undefined) lines.push(`  ${''.padEnd(width)}    ${binding.helpNote}`);
    });
  }
  lines.push('', MOUSE_HEADING);
  // A line without its own key is a note, indented as the keys' notes are.
  for (const [what, does] of MOUSE_HELP) lines.push(what === '' ? `  ${''.padEnd(width)}    ${does}` : `  ${what.padEnd(width)}  ${does}`);
  const glyphs = glyphsFor(unicode);
  lines.push('', LEGEND_HEADING);
  for (const [mark, meaning] of legend(glyphs)) lines.push(`  ${mark.padEnd(width)}  ${meaning}`);
  return lines;
}

/** Heading of the help's part on the mouse (after the keys). */
export const MOUSE_HEADING = 'Mouse';

/** What the mouse does (`mouse/actions.ts`), for the help: the terminal's own selection too. */
const MOUSE_HELP: readonly (readonly [string, string])[] = [
  ['wheel', 'scroll the pane under the pointer (the help when open)'],
  ['click', 'select a flow, or focus the conversation'],
  ['click again', 'open the selected flow (a double click too)'],
  ['Shift-drag', 'select text in the terminal (iTerm2: Option-drag)'],
  ['', 'flowspy --no-mouse leaves the mouse to the terminal'],
];

/** Heading of the help's last part: what the flow list's marks and the filter's words mean. */
export const LEGEND_HEADING = 'Flow list marks, filter words';

function legend(glyphs: Glyphs): [string, string][] {
  return [
    [glyphs.note, 'note: data after or in flight at a close; a conflicting resend'],
    [glyphs.gap, 'a capture gap: bytes never seen'],
    ['!', 'bad exchange: response without request, request unanswered,'],
    ['', 'request or head lost in a gap, cut short, sent after the close'],
    ['?', `in place of ${glyphs.right}: which side is the client is a guess`],
    ['f', ':80 10.0.0.1 #12 #10-20 open reset refused has:note has:gap'],
    ['', 'method:POST status:5xx host:api path:/api ~text !not a|b "a b"'],
  ];
}

/**
 * The hint row for `context`: `key hint` items for the bindings that have a hint, the context's
 * own first, then (for panes) the global ones, joined by `separator`, as many as fit in
 * `width` columns (never cut inside an item). ASCII or Unicode key labels per `unicode`.
 * Commands in `idle` (keys that would do nothing now) are left out.
 */
export function hintLine(context: KeyContext, width: number, unicode: boolean, separator = '  ', idle: readonly Command[] = []): string {
  const own = KEYMAP.filter((b) => b.context === context && b.hint && !idle.includes(b.command));
  const shared = context === 'prompt' || context === 'global' ? [] : KEYMAP.filter((b) => b.context === 'global' && b.hint);
  let line = '';
  for (const binding of [...own, ...shared]) {
    const item = `${keyLabel(binding.keys[0], unicode)} ${binding.hint}`;
    const next = line === '' ? item : line + separator + item;
    if ([...next].length > width) break;
    line = next;
  }
  return line;
}
