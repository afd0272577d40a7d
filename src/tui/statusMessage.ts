/**
 * The status row's message (saved file names, errors, search progress): the text the app last
 * said, display-safe, fitted to the columns a message has. Saying something asks for a redraw.
 */
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { errorLine } from '../core/errors.js';
import { escapeText } from '../render/escape.js';
import { fitMiddle, headFitting, stringColumns, tailFitting } from './width.js';

/** How long a message stays on the status row with no key pressed. */
const MESSAGE_MS = 15_000;

/** The status message; `text` is '' when there is none. */
export class StatusMessage {
  /** The message (escaped), '' when none. */
  text = '';
  private expiry: NodeJS.Timeout | undefined;

  /**
   * `columns` gives the columns a message has now (see statusBar's `messageColumns`); `redraw`
   * is called when a message is set; `ellipsis` marks a cut.
   */
  constructor(
    private readonly columnsNow: () => number,
    private readonly redraw: () => void,
    private readonly ellipsis: string,
    /** The columns a message has alone on the status row (see statusBar's `soleMessageColumns`). */
    private readonly rowColumnsNow: () => number = columnsNow,
  ) {}

  /**
   * Sets the message to `text` (escaped already); '' clears it without a redraw. A message goes
   * by itself after {@link MESSAGE_MS} (the row's live counters and news show again), or at the
   * next key.
   */
  say(text: string): void {
    this.text = text;
    clearTimeout(this.expiry);
    this.expiry = undefined;
    if (text === '') return;
    this.redraw();
    this.expiry = setTimeout(() => {
      this.expiry = undefined;
      if (this.text !== text) return;
      this.text = '';
      this.redraw();
    }, MESSAGE_MS);
    this.expiry.unref();
  }

  /** Drops the pending expiry (the app is closing). */
  dispose(): void {
    clearTimeout(this.expiry);
    this.expiry = undefined;
  }

  /**
   * Sets the message to the first line of `problem` (an error, or its text), escaped; cut in the
   * middle when long, as its end tells why (`cannot write …/x.pcap: no space left`), the whole
   * status row its own then (see sayFitted).
   */
  sayError(problem: unknown): void {
    const text = escapeText(errorLine(problem));
    this.sayFitted((columns) => fitMiddle(text, columns, this.ellipsis));
  }

  /** The columns a message has now. */
  columns(): number {
    return this.columnsNow();
  }

  /**
   * Says `render(columns)`, a message that shortens itself to `columns` (a path): made for the
   * columns beside `? help` when it is whole there, else for the whole status row, which it then
   * has alone (see statusLine), so that less of it is cut.
   */
  sayFitted(render: (columns: number) => string): void {
    const beside = render(this.columnsNow());
    const alone = render(this.rowColumnsNow());
    this.say(beside === alone ? beside : alone);
  }
}

/** Columns a cut prefix keeps at least beside its ellipsis and closing `: ` (else it goes). */
const PREFIX_COLUMNS = 4;
/** Columns a name keeps at least, cut in its middle, beside a warning kept whole. */
const NAME_BESIDE_WARNING = 8;
/** Columns the words after a warning keep at least when cut (else they go, the warning and the name stay). */
const REST_BESIDE_WARNING = 16;
/** Columns the end of a cut prefix keeps at least, else the prefix is cut at its end. */
const PREFIX_TAIL_COLUMNS = 8;

/**
 * `prefix` (display-safe) and the absolute form of `path` (raw: escaped here; the home directory
 * as `~`) in `columns` columns, for a file written. The file's base name is kept whole whenever
 * the row has room for it: the directory is cut in its middle first (down to `…`), then the
 * prefix, in its middle, keeping its closing `: ` (`saved body of #1…stream ended): …/NAME`),
 * then the prefix goes; only a name wider than `columns` alone is cut, in its middle. A prefix
 * that starts with a warning (`! incomplete, saved …`) keeps the warning, up to its first `, `,
 * whole rather than cut, the name then cut in its middle if it must; the words after the warning
 * are cut in their middle, or left out when under 16 columns would remain of them.
 */
export function messageWithPath(prefix: string, path: string, columns: number, ellipsis: string): string {
  const absolute = resolve(path);
  const name = escapeText(basename(absolute));
  const directory = escapeText(homeAsTilde(dirname(absolute)));
  const slash = directory.endsWith('/') ? '' : '/';
  const directoryRoom = columns - stringColumns(prefix) - slash.length - stringColumns(name);
  if (stringColumns(directory) <= directoryRoom) return `${prefix}${directory}${slash}${name}`;
  if (stringColumns(ellipsis) <= directoryRoom) return `${prefix}${fitMiddle(directory, directoryRoom, ellipsis)}${slash}${name}`;
  const shortPath = `${ellipsis}/${name}`;
  const end = /:?\s*$/.exec(prefix)![0];
  const prefixRoom = columns - stringColumns(shortPath) - stringColumns(end);
  const words = prefix.slice(0, prefix.length - end.length);
  const warning = /^! .*?(?=, |$)/.exec(words)?.[0];
  if (warning !== undefined && prefixRoom < stringColumns(warning)) {
    const nameRoom = columns - stringColumns(warning) - stringColumns(end) - stringColumns(`${ellipsis}/`);
    if (nameRoom >= NAME_BESIDE_WARNING) return `${warning}${end}${ellipsis}/${fitMiddle(name, nameRoom, ellipsis)}`;
  } else if (warning !== undefined) {
    // The warning whole, then what the rest of the words can keep (cut in its middle), or none of them.
    const rest = words.slice(warning.length);
    const restRoom = prefixRoom - stringColumns(warning);
    const shown = stringColumns(rest) <= restRoom ? rest : restRoom >= REST_BESIDE_WARNING ? cutPrefix(rest, restRoom, ellipsis) : '';
    return `${warning}${shown}${end}${shortPath}`;
  }
  if (prefixRoom >= stringColumns(ellipsis) + PREFIX_COLUMNS) return `${cutPrefix(words, prefixRoom, ellipsis)}${end}${shortPath}`;
  if (stringColumns(shortPath) <= columns) return shortPath;
  return fitMiddle(name, columns, ellipsis);
}

/**
 * `text` cut in its middle to `columns`, its head (what was saved) keeping two thirds, its end
 * (why) the rest; cut at its end when that rest would be under {@link PREFIX_TAIL_COLUMNS}.
 */
function cutPrefix(text: string, columns: number, ellipsis: string): string {
  if (stringColumns(text) <= columns) return text;
  const room = Math.max(0, columns - stringColumns(ellipsis));
  const headColumns = Math.ceil((room * 2) / 3);
  if (room - headColumns < PREFIX_TAIL_COLUMNS) return headFitting(text, room).trimEnd() + ellipsis;
  const head = headFitting(text, headColumns).trimEnd();
  return head + ellipsis + tailFitting(text, room - stringColumns(head)).trimStart();
}


/** `path` with the home directory at its start written `~`. */
function homeAsTilde(path: string): string {
  const home = homedir();
  if (home.length > 1 && (path === home || path.startsWith(home + sep))) return '~' + path.slice(home.length);
  return path;
}

/**
 * Files saved together in one directory, their names sharing the stem of the last one (`last`
 * without `extension`), as one path for {@link messageWithPath}: `dir/demo-3{-c2s.bin,.log}`; a
 * single file as its own path.
 */
export function bracedPaths(paths: readonly string[], extension: string): string {
  const last = paths[paths.length - 1];
  if (paths.length === 1) return last;
  const stem = basename(last, extension);
  return join(dirname(last), `${stem}{${paths.map((path) => basename(path).slice(stem.length)).join(',')}}`);
}
