/**
 * The flow list's column widths for one terminal width. A row is: number, client → server,
 * state, bytes each way, duration (or age, for an open flow), note mark, summary (the rest).
 *
 * From {@link WIDE} columns every column is shown: the endpoints as wide as the widest listed
 * while the summary keeps about a quarter of the row, past that the server whole and the client
 * giving way; states are spelled in full (`half-closed`) when the summary keeps 48 columns beside
 * them. Narrower, states are short (`h-clos`) and the summary is what the row is read for: it
 * gets at least {@link summaryTarget} columns (40 at 80). To make that room the client is cut, down to the end
 * of its address (`…23:51000`, which tells hosts apart), and when that is not enough the
 * duration goes, then both byte counts (the client whole again as far as the room allows), then
 * the summary gives up to a tenth of its columns when that makes the server whole (at 80
 * columns `172.16.0.15:8080` beside `…06:20355`), else the server is cut likewise, and last the
 * client column goes (`compact`). The column of the list's sort key (bytes or duration, see
 * {@link SortColumn}) never goes: the others give way around it in that order.
 * An address every flow shares is named in the header; its column shows ports only.
 */

/** Column widths for one terminal width; a width of 0 is a column not shown. */
export interface ColumnLayout {
  readonly number: number;
  readonly client: number;
  readonly server: number;
  readonly state: number;
  readonly bytes: number;
  readonly duration: number;
  readonly preview: number;
  /** Bytes columns start with the ↑/↓ glyph. */
  readonly arrows: boolean;
  /** State labels in full (`half-closed`, `timed out`) rather than short (`h-clos`, `t/out`). */
  readonly longStates: boolean;
  /** No client column, nor arrow: number, server, state, note mark and summary only. */
  readonly compact: boolean;
  /** The client address all flows share (see {@link EndpointColumns.sharedClient}): the client column shows ports. */
  readonly sharedClient?: string | undefined;
  /** The server address all flows share: the server column shows ports. */
  readonly sharedServer?: string | undefined;
}

/** The widest client and server endpoints (`addr:port` display columns) among the flows seen (shown or not). */
export interface EndpointColumns {
  readonly client: number;
  readonly server: number;
  /**
   * The client address every flow seen shares, when they all share one (a capture on one
   * host, the proxy's local clients): the client column then shows only the port, the header
   * names the address once, and the other columns get the room.
   */
  readonly sharedClient?: string | undefined;
  /** The server address every flow seen shares, when they all share one: likewise for the server column. */
  readonly sharedServer?: string | undefined;
}

/** A column kept whatever the width because the list is sorted by it. */
export type SortColumn = 'bytes' | 'duration' | undefined;

/** From this width on, every column is shown. */
export const WIDE = 120;

/** The summary columns a row narrower than {@link WIDE} keeps at least: 40, or half the row when that is less. */
export function summaryTarget(width: number): number {
  return Math.min(40, Math.floor(width / 2));
}

/** State columns: labels in full (`half-closed`), or short (`h-clos`). */
const LONG_STATE = 12;
const SHORT_STATE = 7;

/** Summary columns a wide row keeps at least beside states in full; with less, states are short. */
const LONG_STATES_PREVIEW = 48;

/** Columns the summary keeps at least in a wide row. */
const MIN_PREVIEW = 12;

/** Columns the preview keeps at least in a wide row when endpoints take room from it: a share of the width. */
const MIN_PREVIEW_SHARE = 0.24;

/** A column of ports only: `:65535`. */
const PORT_COLUMNS = 6;

/** An endpoint's width when the widest listed is not known: an IPv4 address and port. */
const DEFAULT_ENDPOINT = 21;

/** Columns the client keeps at least before the server is cut: the last group of its address and its port (`…23:51000`). */
const MIN_CLIENT = 9;

/** Columns an endpoint keeps at least however narrow the row. */
const MIN_ENDPOINT = 9;

/** Columns between the number and the summary, spaces and arrow included, endpoints not. */
function fixedColumns(state: number, bytes: number, duration: number, client: boolean): number {
  // ' ' [client ' → '] server ' ' state [' ' c2s ' ' s2c] [' ' duration] ' ' note ' '
  return 1 + (client ? 3 : 0) + 1 + state + (bytes > 0 ? 2 + 2 * bytes : 0) + (duration > 0 ? 1 + duration : 0) + 1 + 1 + 1;
}

/**
 * Endpoint widths within `spare` columns: the server whole unless the client would keep under
 * {@link MIN_CLIENT}, then the client; neither under {@link MIN_ENDPOINT} (or what it wants).
 */
function fitEndpoints(spare: number, wantClient: number, wantServer: number): { client: number; server: number } {
  const server = Math.max(Math.min(wantServer, MIN_ENDPOINT), Math.min(wantServer, spare - Math.min(wantClient, MIN_CLIENT)));
  const client = wantClient === 0 ? 0 : Math.max(Math.min(wantClient, MIN_ENDPOINT), Math.min(wantClient, spare - server));
  return { client, server };
}

/**
 * The column widths for a row `width` columns wide, with `numberColumns`-digit flow numbers,
 * keeping the column `sortedBy` (see the module comment).
 */
export function columnLayout(width: number, numberColumns: number, widest?: EndpointColumns, sortedBy?: SortColumn): ColumnLayout {
  const number = Math.max(3, Math.min(10, numberColumns));
  const bytes = width < 100 ? 4 : 5;
  const duration = 5;
  const { sharedClient, sharedServer } = widest ?? {};
  const wantClient = sharedClient !== undefined ? PORT_COLUMNS : Math.max(PORT_COLUMNS, widest?.client ?? DEFAULT_ENDPOINT);
  const wantServer = sharedServer !== undefined ? PORT_COLUMNS : Math.max(PORT_COLUMNS, widest?.server ?? DEFAULT_ENDPOINT);
  const layout = (state: number, columns: { client: number; server: number; bytes: number; duration: number }): ColumnLayout => {
    const preview = width - number - fixedColumns(state, columns.bytes, columns.duration, columns.client > 0) - columns.client - columns.server;
    return { number, state, arrows: bytes === 5, longStates: state === LONG_STATE, sharedClient, sharedServer, ...columns, preview: Math.max(0, preview), compact: columns.client === 0 };
  };
  if (width >= WIDE) {
    // States in full when the summary keeps room enough beside them (a scan's empty summaries, a wide terminal).
    const wide = (state: number): ColumnLayout => {
      const room = width - number - fixedColumns(state, bytes, duration, true);
      return layout(state, { ...fitEndpoints(room - Math.max(MIN_PREVIEW, Math.floor(width * MIN_PREVIEW_SHARE)), wantClient, wantServer), bytes, duration });
    };
    const long = wide(LONG_STATE);
    return long.preview >= LONG_STATES_PREVIEW ? long : wide(SHORT_STATE);
  }
  const state = SHORT_STATE;
  const target = summaryTarget(width);
  // What stays of the bytes and duration once they gave way: the sort key's column.
  const kept = { bytes: sortedBy === 'bytes' ? bytes : 0, duration: sortedBy === 'duration' ? duration : 0 };
  for (const shown of [{ bytes, duration }, { bytes, duration: kept.duration }, kept]) {
    const client = Math.min(wantClient, width - number - fixedColumns(state, shown.bytes, shown.duration, true) - wantServer - target);
    if (client >= Math.min(wantClient, MIN_CLIENT)) return layout(state, { client, server: wantServer, ...shown });
  }
  const withClient = width - number - fixedColumns(state, kept.bytes, kept.duration, true);
  // The summary lends up to a tenth of its target when that makes the server whole.
  const short = wantServer + Math.min(wantClient, MIN_CLIENT) - (withClient - target);
  const lent = short > 0 && short <= Math.floor(target / 10) ? short : 0;
  const fitted = layout(state, { ...fitEndpoints(withClient - target + lent, wantClient, wantServer), ...kept });
  if (fitted.preview >= target - lent) return fitted;
  const withoutClient = width - number - fixedColumns(state, kept.bytes, kept.duration, false);
  return layout(state, { ...fitEndpoints(withoutClient - target, 0, wantServer), ...kept });
}
