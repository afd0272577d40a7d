/**
 * The HTTP messages the parser makes (types.ts `HttpRequest` and `HttpResponse`). A message keeps
 * its head as text and parses the header fields from it when they are first read: framing needs
 * only a few fields (httpHead.ts `framingOfHead`), so a load that never shows a message never
 * makes its fields. Owned and updated by the parser, read-only to others.
 */
import type { Direction, Micros } from '../core/types.js';
import { parseHeaderLines, type HttpHeader } from './httpHead.js';
import type { HttpBody, HttpRequest, HttpResponse, Incompleteness } from './types.js';

/** The head of a message: its text (start line first, lines split by LF), and its fields once read. */
abstract class ParsedHead {
  #text: string;
  #fields: { headers: HttpHeader[]; malformed: number } | undefined = undefined;

  constructor(text: string) {
    this.#text = text;
  }

  /** The header fields, parsed from the head text on first read (folded lines joined). */
  get headers(): readonly HttpHeader[] {
    return this.fields().headers;
  }

  /** Header lines that were not `name: value` and were skipped. */
  get malformedHeaderLines(): number {
    return this.fields().malformed;
  }

  private fields(): { headers: HttpHeader[]; malformed: number } {
    if (this.#fields === undefined) {
      this.#fields = parseHeaderLines(this.#text.split('\n'), 1);
      this.#text = '';
    }
    return this.#fields;
  }
}

/** A request as the parser makes it. */
export class RequestMessage extends ParsedHead implements HttpRequest {
  readonly kind = 'request';
  incomplete: Incompleteness | undefined;
  complete = false;

  constructor(
    readonly dir: Direction,
    readonly method: string,
    readonly target: string,
    readonly version: string,
    headText: string,
    readonly offset: number,
    public headLength: number,
    readonly body: HttpBody,
    readonly firstTs: Micros,
    public lastTs: Micros,
    cut: Incompleteness | undefined,
  ) {
    super(headText);
    this.incomplete = cut;
  }
}

/** A response (final or interim) as the parser makes it. */
export class ResponseMessage extends ParsedHead implements HttpResponse {
  readonly kind = 'response';
  incomplete: Incompleteness | undefined;
  complete = false;

  constructor(
    readonly dir: Direction,
    readonly status: number,
    readonly reason: string,
    readonly version: string,
    headText: string,
    readonly offset: number,
    public headLength: number,
    readonly body: HttpBody,
    readonly firstTs: Micros,
    public lastTs: Micros,
    cut: Incompleteness | undefined,
  ) {
    super(headText);
    this.incomplete = cut;
  }
}
