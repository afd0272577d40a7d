/**
 * What the TUI's default file names start with, so that files saved from different captures
 * tell them apart: the capture's base name without its extension (`demo` for demo/demo.pcap),
 * `stdin` for `-r -`, the interface for `-i` (`eth0`), `proxy-8933` (the first listener's port)
 * for `-L`. Only characters safe in a file name; never empty.
 */
import { basename, extname } from 'node:path';
import { parseForwardSpec } from '../proxy/forwardSpec.js';
import { captureSourceName } from '../capture/read.js';

/** The source a run reads, as the CLI was told it. */
export interface StemSource {
  readonly readFile?: string;
  readonly interface?: string;
  readonly forwards: readonly string[];
}

/** The stem of `source`'s default file names (see the module comment). */
export function fileStem(source: StemSource): string {
  return safe(rawStem(source)) || 'flowspy';
}

function rawStem(source: StemSource): string {
  if (source.readFile !== undefined) {
    const name = basename(captureSourceName(source.readFile));
    return name.slice(0, name.length - extname(name).length) || name;
  }
  if (source.interface !== undefined) return source.interface;
  const first = source.forwards[0];
  if (first === undefined) return 'proxy';
  try {
    return `proxy-${parseForwardSpec(first).bindPort}`;
  } catch {
    return 'proxy';
  }
}

/** `text` with every character but letters, digits, `.`, `_` and `-` as `_`, without leading dots. */
function safe(text: string): string {
  return text.replace(/[^0-9A-Za-z._-]/g, '_').replace(/^\.+/, '');
}
