/**
 * The status row's message (saved file names, errors, search progress): the text the app last
 * said, display-safe, fitted to the columns a message has. Saying something asks for a redraw.
 */
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { errorLine } from '../core/errors.js';
import { escapeText } from '../render/escape.js';
import { fitHead, fitMiddle, fitTail, stringColumns } from './width.js';

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

/** Columns a file's name keeps at least. */
const NAME_COLUMNS = 13;
/** Columns a directory keeps, when there are, beside a name too long to be whole. */
const DIRECTORY_COLUMNS = 16;

/** Columns a path keeps at least (all of it when shorter): `…/` and the name's end. */
const PATH_COLUMNS = NAME_COLUMNS + 2;
/** Columns a prefix keeps at least when cut to leave the path room. */
const PREFIX_COLUMNS = 24;
/** A name up to this many columns (with `…/` before it) is kept whole, the prefix cut for it if need be. */
const WHOLE_NAME_COLUMNS = 24;

/**
 * `prefix` (display-safe) and the absolute form of `path` (raw: escaped here; the home directory
 * as `~`) in `columns` columns, for a file written. When it does not fit, the directory is cut in
 * the middle, so that the name stays whole (`saved /tmp/rev…/me/demo-1-2.curl`); a name too long
 * for that is cut from its front (its end tells files apart), leaving the directory up to
 * {@link DIRECTORY_COLUMNS} columns and the name {@link NAME_COLUMNS} at least. A prefix too long
 * to leave the path `…/` and a name of up to {@link WHOLE_NAME_COLUMNS} columns, else
 * {@link PATH_COLUMNS}, is cut at its end (keeping its closing `: `), down to
 * {@link PREFIX_COLUMNS}: without that, the row's cut would leave no path at all.
 */
export function messageWithPath(prefix: string, path: string, columns: number, ellipsis: string): string {
  const absolute = resolve(path);
  const name = escapeText(basename(absolute));
  const directory = escapeText(homeAsTilde(dirname(absolute)));
  const slash = directory.endsWith('/') ? '' : '/';
  const least = stringColumns(ellipsis);
  const nameAlone = least + slash.length + stringColumns(name);
  const pathColumns = Math.min(stringColumns(directory) + slash.length + stringColumns(name), nameAlone <= WHOLE_NAME_COLUMNS ? Math.max(nameAlone, PATH_COLUMNS) : PATH_COLUMNS);
  if (stringColumns(prefix) + pathColumns > columns && columns - PATH_COLUMNS >= PREFIX_COLUMNS) {
    const end = /:?\s*$/.exec(prefix)![0];
    prefix = fitHead(prefix.slice(0, prefix.length - end.length), Math.max(PREFIX_COLUMNS, columns - pathColumns) - stringColumns(end), ellipsis) + end;
  }
  const room = columns - stringColumns(prefix) - slash.length;
  const nameColumns = stringColumns(name);
  const directoryColumns = stringColumns(directory);
  if (directoryColumns + nameColumns <= room) return `${prefix}${directory}${slash}${name}`;
  if (least + nameColumns <= room) return `${prefix}${fitMiddle(directory, room - nameColumns, ellipsis)}${slash}${name}`;
  const kept = Math.max(least, Math.min(directoryColumns, DIRECTORY_COLUMNS, room - NAME_COLUMNS));
  const shownDirectory = fitMiddle(directory, kept, ellipsis);
  return `${prefix}${shownDirectory}${slash}${fitTail(name, Math.max(NAME_COLUMNS, room - stringColumns(shownDirectory)), ellipsis)}`;
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
