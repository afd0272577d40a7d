/**
 * What the system's terminfo says about TERM, for the few facts the TUI decides on: colours,
 * cursor addressing and the attributes it draws with. blessed's own reader is not used: it
 * cannot read ncurses' 32-bit format and then falls back to xterm silently (or with text on
 * stderr). This reads both formats' header, numbers and string offsets only. Pure apart from
 * reading the file.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The facts read from a terminfo description. */
export interface TerminalCaps {
  /** `max_colors`; 0 when the terminal has no colour. */
  readonly colors: number;
  /** True when the terminal can move the cursor anywhere (`cup`): a full screen can work. */
  readonly addressable: boolean;
  readonly bold: boolean;
  readonly reverse: boolean;
  readonly underline: boolean;
}

const MAX_COLORS = 13;
const CURSOR_ADDRESS = 10;
const ENTER_BOLD_MODE = 27;
const ENTER_REVERSE_MODE = 34;
const ENTER_UNDERLINE_MODE = 36;

/** Reads a compiled terminfo entry (legacy 16-bit or ncurses 32-bit numbers); undefined if it is not one. */
export function parseTerminfo(data: Uint8Array): TerminalCaps | undefined {
  if (data.length < 12) return undefined;
  const short = (at: number): number => data[at]! | (data[at + 1]! << 8);
  const magic = short(0);
  const numberSize = magic === 0o432 ? 2 : magic === 0o1036 ? 4 : 0;
  if (numberSize === 0) return undefined;
  const [namesSize, boolCount, numCount, strCount] = [short(2), short(4), short(6), short(8)];
  let at = 12 + namesSize + boolCount;
  if (at % 2 === 1) at += 1;
  const numbersAt = at;
  const stringsAt = numbersAt + numCount * numberSize;
  if (stringsAt + strCount * 2 > data.length) return undefined;
  const numberAt = (index: number): number => {
    if (index >= numCount) return -1;
    const where = numbersAt + index * numberSize;
    const value = numberSize === 2 ? short(where) : short(where) + short(where + 2) * 65536;
    return value >= (numberSize === 2 ? 0x8000 : 0x80000000) ? -1 : value;
  };
  const hasString = (index: number): boolean => index < strCount && short(stringsAt + index * 2) < 0xfffe;
  return {
    colors: Math.max(0, numberAt(MAX_COLORS)),
    addressable: hasString(CURSOR_ADDRESS),
    bold: hasString(ENTER_BOLD_MODE),
    reverse: hasString(ENTER_REVERSE_MODE),
    underline: hasString(ENTER_UNDERLINE_MODE),
  };
}

/** Where ncurses looks for descriptions, in its order ($TERMINFO, ~/.terminfo, $TERMINFO_DIRS, system). */
function terminfoDirs(env: NodeJS.ProcessEnv): string[] {
  const dirs: string[] = [];
  if (env.TERMINFO) dirs.push(env.TERMINFO);
  dirs.push(join(env.HOME ?? homedir(), '.terminfo'));
  for (const dir of (env.TERMINFO_DIRS ?? '').split(':')) if (dir !== '') dirs.push(dir);
  dirs.push('/etc/terminfo', '/lib/terminfo', '/usr/share/terminfo', '/usr/lib/terminfo', '/usr/share/lib/terminfo');
  return dirs;
}

/**
 * The system's description of `env.TERM`, or undefined when TERM is unset, is not a plain name,
 * or no readable description exists (then the caller keeps its own guess).
 */
export function terminalCaps(env: NodeJS.ProcessEnv): TerminalCaps | undefined {
  const term = env.TERM ?? '';
  if (term === '' || /[/\\]|^\./.test(term)) return undefined;
  const hex = term.charCodeAt(0).toString(16);
  for (const dir of terminfoDirs(env)) {
    for (const sub of [term[0]!, hex]) {
      try {
        const caps = parseTerminfo(readFileSync(join(dir, sub, term)));
        if (caps) return caps;
      } catch {
        // Not in this directory.
      }
    }
  }
  return undefined;
}
