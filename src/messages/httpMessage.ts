/**
 * The HTTP messages the parser makes (types.ts `HttpRequest` and `HttpResponse`). A message keeps
 * its head as text and parses the header fields from it when they are first read: framing needs
 * only a few fields (httpHead.ts `framingOfHead`), so a load that never shows a message never
 * makes its fields. Owned and updated by the parser, read-only to others.
 */
import type { Direction, Micros } from '../core/types.js';
import { parseHeaderLines, type HttpHeader } from './httpHead.js';
import type { HttpBody, HttpMessageBase, HttpRequest, HttpResponse, Incompleteness } from './types.js';

/**
 * The stream offset (in `message.dir`) just past `message` on the wire: its head, then its body
 * with chunk framing and trailers. For a message in progress, or one a gap cut, the end of what
 * was seen of it so far. Everything from `message.offset` up to it belongs to the message.
 */
export function messageEnd(message: HttpMessageBase): number {
  return message.body.offset + message.body.length;
}

/** What requests and responses share; the header fields are parsed from the head text on first read. */
abstract class ParsedMessage implements HttpMessageBase {
  #text: string;
  #fields: { headers: HttpHeader[]; malformed: number } | undefined = undefined;
  complete = false;
  incomplete: Incompleteness | undefined;

  constructor(
    readonly dir: Direction,
    readonly version: string,
    headText: string,
    readonly offset: number,
    public headLength: number,
    readonly body: HttpBody,
    readonly firstTs: Micros,
    public lastTs: Micros,
    cut: Incompleteness | undefined,
  ) {
    this.#text = headText;
    this.incomplete = cut;
  }

  /** The header fields (folded lines joined), parsed from the head text on first read. */
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
export class RequestMessage extends ParsedMessage implements HttpRequest {
  readonly kind = 'request';

  constructor(readonly method: string, readonly target: string, ...common: ConstructorParameters<typeof ParsedMessage>) {
    super(...common);
  }
}

/** A response (final or interim) as the parser makes it. */
export class ResponseMessage extends ParsedMessage implements HttpResponse {
  readonly kind = 'response';

  constructor(readonly status: number, readonly reason: string, ...common: ConstructorParameters<typeof ParsedMessage>) {
    super(...common);
  }
}
