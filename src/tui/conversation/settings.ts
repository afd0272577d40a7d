/**
 * How a conversation is shown: display mode, encoding, timestamps, direction filter, and the
 * cycles the keys step through. Plain data owned by the pane state.
 */
import type { TextEncoding } from '../../render/encoding.js';

/** `text`: lines; `hex`: `hexdump -C` rows; `escaped`: one chunk (span) per line, C-style. */
export type DisplayMode = 'text' | 'hex' | 'escaped';
/** Timestamp prefix: wall clock (UTC), seconds since the flow started, or none. */
export type TimestampMode = 'absolute' | 'relative' | 'off';
/** Which directions are shown. */
export type DirectionFilter = 'both' | 'c2s' | 's2c';

/** Everything that changes how a conversation's lines are built (except the width). */
export interface ConversationSettings {
  readonly mode: DisplayMode;
  readonly encoding: TextEncoding;
  readonly timestamps: TimestampMode;
  readonly filter: DirectionFilter;
  /** The arrow of flowspy's own lines (`client → server`, `GET / → 200`): the terminal's `textArrow`. */
  readonly arrow: string;
}

/** Settings a pane starts with. */
export const DEFAULT_SETTINGS: ConversationSettings = { mode: 'text', encoding: 'utf-8', timestamps: 'off', filter: 'both', arrow: '→' };

/** `m`: text -> hex -> escaped -> text. */
export function nextMode(mode: DisplayMode): DisplayMode {
  return mode === 'text' ? 'hex' : mode === 'hex' ? 'escaped' : 'text';
}

/** `x`: hex <-> text (escaped goes to hex). */
export function toggleHex(mode: DisplayMode): DisplayMode {
  return mode === 'hex' ? 'text' : 'hex';
}

/** `t`: absolute -> relative -> off -> absolute. */
export function nextTimestampMode(mode: TimestampMode): TimestampMode {
  return mode === 'absolute' ? 'relative' : mode === 'relative' ? 'off' : 'absolute';
}

/** `d`: both -> client only -> server only -> both. */
export function nextFilter(filter: DirectionFilter): DirectionFilter {
  return filter === 'both' ? 'c2s' : filter === 'c2s' ? 's2c' : 'both';
}

/** Stable text of the settings, for cache keys. */
export function settingsKey(settings: ConversationSettings, width: number): string {
  return `${settings.mode}|${settings.encoding}|${settings.timestamps}|${settings.filter}|${width}`;
}
