/**
 * A Redis RESP value read into its line item (lines.ts): the value's lines and its bulk strings'
 * bytes all go into one item, whose text is the value's as resp.ts shows it. Owned by the
 * conversation side reading it; never throws.
 */
import type { Micros } from '../core/types.js';
import type { LineItem } from './lineItem.js';
import { RespValue } from './resp.js';

/** One RESP value under way and its item; the item is complete once the value is whole (or broken by a line that is no part of it). */
export class RespItem {
  private readonly value: RespValue;
  /** A RESP3 push (`>`): the server's own news, answering no command. */
  readonly push: boolean;

  /**
   * `item`: the line item of the value's first line `text`, sent by the client when `client`;
   * `shown`: false for an item no one will see (past the items kept), whose strings are only counted.
   */
  constructor(readonly item: LineItem, text: string, client: boolean, shown = true) {
    this.value = new RespValue(text, client, shown);
    this.push = !client && text.startsWith('>');
    this.show();
  }

  /** Bytes of the bulk string under way still to come, its line end included; 0 when none is (the next bytes are a line). */
  get bulkLeft(): number {
    return this.value.bulkLeft;
  }

  /** The next line of the value ended (its bytes already counted in the item). */
  line(text: string): void {
    if (this.value.line(text)) return this.show();
    // A line that is no part of the value (the sender broke RESP) ends it. Its text is left out:
    // it may be a password the broken command was to carry (the raw modes show its bytes).
    this.item.text = `${this.value.text()} …`;
    this.item.complete = true;
  }

  /** Bytes of the bulk string under way from `bytes[from]`, binary or not, arrived at `ts`. Returns where it stopped. */
  bulk(bytes: Uint8Array, from: number, ts: Micros): number {
    const take = this.value.bulk(bytes.subarray(from, from + Math.min(this.value.bulkLeft, bytes.length - from)));
    this.item.length += take;
    this.item.lastTs = ts;
    if (this.value.bulkLeft === 0) this.show();
    return from + take;
  }

  /** The value's text as far as it came, the bytes of a string under way included (see `RespValue.textSoFar`). */
  textSoFar(): string {
    return this.value.textSoFar();
  }

  /** `lost` bytes at the next offset were never seen: counted into the bulk string under way when they lie inside it (true), else false. */
  gap(lost: number, ts: Micros): boolean {
    if (this.value.bulkLeft <= lost) return false;
    this.value.skip(lost);
    this.item.length += lost;
    this.item.lastTs = ts;
    return true;
  }

  /** The value is cut (a gap, the stream's end): its item stays unfinished. */
  cut(): void {
    this.item.text = this.value.text();
    this.item.complete = false;
  }

  private show(): void {
    this.item.text = this.value.text();
    this.item.complete = this.value.done;
  }
}
