/**
 * Colours for the TUI as SGR strings, added to content *after* it went through
 * `render/escape` (escaped text holds no ESC, so these are the only sequences in a pane).
 * Under NO_COLOR (https://no-color.org: set and not empty) every colour is the empty string, so
 * callers never branch on it. Attributes that carry meaning without colour (inverse for the
 * selection, bold) are not colours and stay. blessed reduces 256-colour codes to what the
 * terminal's terminfo offers, so callers may use palette indexes freely.
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
  /** False under NO_COLOR. */
  readonly enabled: boolean;
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

const COLOR_PALETTE: Palette = {
  enabled: true,
  fg: (color) => code(color, 30),
  bg: (color) => code(color, 40),
  reset: '\x1b[39;49m',
  paint: (color, text) => code(color, 30) + text + '\x1b[39;49m',
  style: (colors) => ({ ...colors }),
};

const NO_COLOR_PALETTE: Palette = {
  enabled: false,
  fg: () => '',
  bg: () => '',
  reset: '',
  paint: (_color, text) => text,
  style: () => ({}),
};

/** The palette for an environment: colourless under NO_COLOR. */
export function paletteFor(env: NodeJS.ProcessEnv): Palette {
  return noColorRequested(env) ? NO_COLOR_PALETTE : COLOR_PALETTE;
}
