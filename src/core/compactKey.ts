/**
 * A flow key held in one object, for a sink that keeps the keys of many flows (a scan's million
 * half-open connections): a {@link FlowKey} is three objects (the key and its two endpoints).
 */
import type { FlowKey } from './types.js';

/**
 * The fields of a {@link FlowKey}; {@link flowKey} makes an equal FlowKey when one is needed.
 * A class that keeps more per flow may extend it (its fields then share the one object).
 */
export class CompactFlowKey {
  readonly clientAddr: string;
  readonly clientPort: number;
  readonly serverAddr: string;
  readonly serverPort: number;
  readonly vlan: number | undefined;

  constructor(key: FlowKey) {
    this.clientAddr = key.client.addr;
    this.clientPort = key.client.port;
    this.serverAddr = key.server.addr;
    this.serverPort = key.server.port;
    this.vlan = key.vlan;
  }

  /** A new FlowKey equal to the one given (`vlan` present only when it was). */
  flowKey(): FlowKey {
    const client = { addr: this.clientAddr, port: this.clientPort };
    const server = { addr: this.serverAddr, port: this.serverPort };
    return this.vlan === undefined ? { client, server } : { client, server, vlan: this.vlan };
  }
}
