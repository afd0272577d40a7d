/**
 * What the flow list's columns must fit, from every flow seen since the list was made (kept as
 * flows leave, so the columns do not jump): the latest time (the "now" of open flows' ages), the
 * largest id (the number column) and the widest endpoints (the endpoint columns).
 */
import type { EndpointColumns } from './columnLayout.js';
import { endpointColumns } from './rowFormat.js';
import type { ListedFlow } from './source.js';

/** The facts, grown with each flow seen. */
export class ColumnFit {
  /** The latest timestamp of any flow seen: "now" for the age of open flows (capture time). */
  latestTs = 0;
  /** The largest flow id seen: its digits make a number column that does not jump on scrolling. */
  largestId = 0;
  /** The widest endpoints seen: the list's endpoint columns fit them (grown in place). */
  readonly widestEndpoints: { -readonly [K in keyof EndpointColumns]: EndpointColumns[K] } = { client: 0, server: 0, sharedClient: undefined, sharedServer: undefined };
  /** Two flows seen had different client (server) addresses: no shared one any more. */
  private clientsDiffer = false;
  private serversDiffer = false;

  /** A flow new to the list: every fact. */
  added(flow: ListedFlow): void {
    this.changed(flow);
    if (flow.id > this.largestId) this.largestId = flow.id;
    const widest = this.widestEndpoints;
    widest.client = Math.max(widest.client, endpointColumns(flow.key.client));
    widest.server = Math.max(widest.server, endpointColumns(flow.key.server));
    if (!this.clientsDiffer && widest.sharedClient !== flow.key.client.addr) {
      this.clientsDiffer = widest.sharedClient !== undefined;
      widest.sharedClient = this.clientsDiffer ? undefined : flow.key.client.addr;
    }
    if (!this.serversDiffer && widest.sharedServer !== flow.key.server.addr) {
      this.serversDiffer = widest.sharedServer !== undefined;
      widest.sharedServer = this.serversDiffer ? undefined : flow.key.server.addr;
    }
  }

  /** A flow the list holds changed: its latest time. */
  changed(flow: ListedFlow): void {
    if (flow.lastTs > this.latestTs) this.latestTs = flow.lastTs;
  }
}
