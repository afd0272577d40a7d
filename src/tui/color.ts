/**
 * Colours for the TUI as SGR strings, added to content *after* it went through
 * `render/escape` (escaped text holds no ESC, so these are the only sequences in a pane).
 * Under NO_COLOR (https://no-color.org: set and not empty), or when the terminal's terminfo
 * has fewer than 8 colours (vt100), every colour is the empty string, so callers never branch on
 * it. Attributes that carry meaning without colour (inverse for the selection, bold, underline
 * for the current search match) are not colours and stay, unless the terminfo lacks them.
 * blessed reduces 256-colour codes to what the terminal's terminfo offers, so callers may use
 * palette indexes freely.
 */

/** A basic colour name (SGR 30-37 / 40-47) or a 256-colour palette index. */
export type Color = 'black' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white' | number;

const BASIC: Record<Exclude<Color, number>, number> = {
  black: 0,
  red: 1,
  green: 2,
  yellow: 3,
  blue: 4,
  magenta: 5,
  cyan: 6,
  white: 7,
};

/** Colour sequences for one run of the TUI; all empty strings when colour is off. */
export interface Palette {
  /** False under NO_COLOR or on a terminal without colours. */
  readonly enabled: boolean;
  /** SGR bold on and off; '' when the terminal has no bold. */
  readonly bold: string;
  readonly noBold: string;
  /** SGR inverse video on and off; '' when the terminal has no reverse. */
  readonly inverse: string;
  readonly noInverse: string;
  /** SGR underline on and off; '' when the terminal has no underline. */
  readonly underline: string;
  readonly noUnderline: string;
  /** SGR that sets the foreground, or ''. */
  fg(color: Color): string;
  /** SGR that sets the background, or ''. */
  bg(color: Color): string;
  /** SGR back to the default foreground and background (other attributes stay), or ''. */
  readonly reset: string;
  /** `text` in colour `color` followed by `reset`; `text` unchanged when colour is off. */
  paint(color: Color, text: string): string;
  /** A blessed style object with these colours, or without any colour when colour is off. */
  style(colors: { fg?: Color; bg?: Color }): { fg?: string | number; bg?: string | number };
}

/** True when the environment asks for no colour (NO_COLOR set and not empty). */
export function noColorRequested(env: NodeJS.ProcessEnv): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}

function code(color: Color, base: number): string {
  if (typeof color === 'number') return `\x1b[${base + 8};5;${color & 255}m`;
  return `\x1b[${base + BASIC[color]}m`;
}

/** The attributes a terminal has, from its terminfo (all of them when unknown). */
export interface Attributes {
  readonly bold: boolean;
  readonly reverse: boolean;
  readonly underline: boolean;
}

const ALL_ATTRIBUTES: Attributes = { bold: true, reverse: true, underline: true };

function attributes(has: Attributes): Pick<Palette, 'bold' | 'noBold' | 'inverse' | 'noInverse' | 'underline' | 'noUnderline'> {
  return {
    bold: has.bold ? '\x1b[1m' : '',
    noBold: has.bold ? '\x1b[22m' : '',
    inverse: has.reverse ? '\x1b[7m' : '',
    noInverse: has.reverse ? '\x1b[27m' : '',
    underline: has.underline ? '\x1b[4m' : '',
    noUnderline: has.underline ? '\x1b[24m' : '',
  };
}

const COLOR_PALETTE: Omit<Palette, keyof ReturnType<typeof attributes>> = {
  enabled: true,
  fg: (color) => code(color, 30),
  bg: (color) => code(color, 40),
  reset: '\x1b[39;49m',
  paint: (color, text) => code(color, 30) + text + '\x1b[39;49m',
  style: (colors) => ({ ...colors }),
};

const NO_COLOR_PALETTE: Omit<Palette, keyof ReturnType<typeof attributes>> = {
  enabled: false,
  fg: () => '',
  bg: () => '',
  reset: '',
  paint: (_color, text) => text,
  style: () => ({}),
};

/**
 * The palette for an environment and the terminal's terminfo facts (when known): colourless
 * under NO_COLOR or below 8 colours; attributes only those the terminal has.
 */
export function paletteFor(env: NodeJS.ProcessEnv, terminal?: Attributes & { readonly colors: number }): Palette {
  const colourless = noColorRequested(env) || (terminal !== undefined && terminal.colors < 8);
  return { ...(colourless ? NO_COLOR_PALETTE : COLOR_PALETTE), ...attributes(terminal ?? ALL_ATTRIBUTES) };
}
