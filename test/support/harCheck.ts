/**
 * Test support for `--har`: a structural check of a HAR 1.2 log (the required fields and their
 * types, as the HAR 1.2 spec and the har-schema package's JSON Schema state them), and a tiny
 * HAR reader (what a HAR viewer does first: parse, walk the entries, match requests with their
 * responses), and {@link schemaValidator}: the JSON Schema validator (ajv, ajv-formats and
 * har-schema, dev dependencies).
 */
import { createRequire } from 'node:module';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): boolean => Number.isInteger(v);
const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): boolean => typeof v === 'string';
const DATE = /^(\d{4})(-)?(\d\d)(-)?(\d\d)(T)?(\d\d)(:)?(\d\d)(:)?(\d\d)(\.\d+)?(Z|([+-])(\d\d)(:)?(\d\d))$/;

/** Problems found in `har` (empty when it is a well-formed HAR 1.2 log), each `path: what`. */
export function harProblems(har: unknown): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, path: string, what: string): void => {
    if (!ok) problems.push(`${path}: ${what}`);
  };
  const fields = (obj: unknown, path: string, spec: Record<string, (v: unknown) => boolean>, optional: Record<string, (v: unknown) => boolean> = {}): obj is Json => {
    if (!isObject(obj)) {
      need(false, path, 'not an object');
      return false;
    }
    for (const [key, check] of Object.entries(spec)) need(key in obj && check(obj[key]), `${path}.${key}`, key in obj ? `bad value ${JSON.stringify(obj[key])}` : 'missing');
    for (const [key, check] of Object.entries(optional)) if (key in obj) need(check(obj[key]), `${path}.${key}`, `bad value ${JSON.stringify(obj[key])}`);
    return true;
  };
  const nameValues = (list: unknown, path: string): boolean => {
    if (!Array.isArray(list)) return false;
    list.forEach((item, i) => fields(item, `${path}[${i}]`, { name: isStr, value: isStr }));
    return true;
  };
  const cookies = (list: unknown, path: string): boolean => {
    if (!Array.isArray(list)) return false;
    list.forEach((c, i) => fields(c, `${path}[${i}]`, { name: isStr, value: isStr }, { path: isStr, domain: isStr, expires: (v) => v === null || (isStr(v) && DATE.test(v as string)), httpOnly: (v) => typeof v === 'boolean', secure: (v) => typeof v === 'boolean' }));
    return true;
  };
  if (!fields(har, 'har', { log: isObject })) return problems;
  const log = (har as Json).log;
  if (!fields(log, 'log', { version: isStr, creator: isObject, entries: Array.isArray }, { pages: Array.isArray, comment: isStr })) return problems;
  fields((log as Json).creator, 'log.creator', { name: isStr, version: isStr });
  ((log as Json).entries as unknown[]).forEach((entry, i) => {
    const at = `entries[${i}]`;
    if (!fields(entry, at, { startedDateTime: (v) => isStr(v) && DATE.test(v as string) && !Number.isNaN(Date.parse(v as string)), time: (v) => isNum(v) && (v as number) >= 0, request: isObject, response: isObject, cache: isObject, timings: isObject }, { serverIPAddress: isStr, connection: isStr, pageref: isStr, comment: isStr })) return;
    for (const key of Object.keys(entry as Json)) need(['startedDateTime', 'time', 'request', 'response', 'cache', 'timings', 'serverIPAddress', 'connection', 'pageref', 'comment'].includes(key) || key.startsWith('_'), `${at}.${key}`, 'not a HAR field (custom fields start with _)');
    const e = entry as Json;
    const request = e.request as Json;
    fields(request, `${at}.request`, { method: isStr, url: (v) => isStr(v) && URL.canParse(v as string) && !/\s/.test(v as string), httpVersion: isStr, cookies: (v) => cookies(v, `${at}.request.cookies`), headers: (v) => nameValues(v, `${at}.request.headers`), queryString: (v) => nameValues(v, `${at}.request.queryString`), headersSize: isInt, bodySize: isInt }, { postData: isObject });
    if (request.postData !== undefined) fields(request.postData, `${at}.request.postData`, { mimeType: isStr }, { text: isStr, params: (v) => nameValues(v, `${at}.request.postData.params`) });
    const response = e.response as Json;
    fields(response, `${at}.response`, { status: isInt, statusText: isStr, httpVersion: isStr, cookies: (v) => cookies(v, `${at}.response.cookies`), headers: (v) => nameValues(v, `${at}.response.headers`), content: isObject, redirectURL: isStr, headersSize: isInt, bodySize: isInt });
    fields(response.content, `${at}.response.content`, { size: isInt, mimeType: isStr }, { compression: isInt, text: isStr, encoding: isStr });
    const timing = (v: unknown): boolean => isNum(v) && (v as number) >= -1;
    fields(e.timings, `${at}.timings`, { send: timing, wait: timing, receive: timing }, { blocked: timing, dns: timing, connect: timing, ssl: timing });
    const t = e.timings as Json;
    const sum = ['blocked', 'dns', 'connect', 'send', 'wait', 'receive'].map((k) => (t[k] as number | undefined) ?? -1).filter((v) => v >= 0).reduce((a, b) => a + b, 0);
    need(Math.abs(sum - (e.time as number)) < 0.01, `${at}.time`, `${e.time} is not the sum of the timings (${sum})`);
  });
  return problems;
}

/** What a HAR reader sees in a file: the entries, each request's method and URL with its response status. */
export interface HarReading {
  readonly creator: string;
  readonly entries: { method: string; url: string; status: number; started: number; bodyText: string | undefined; flags: string[] }[];
}

/** Reads a HAR file's text as a viewer would (throws when it is not JSON or not a HAR log). */
export function readHar(text: string): HarReading {
  const har = JSON.parse(text) as { log: { creator: { name: string; version: string }; entries: Json[] } };
  return {
    creator: `${har.log.creator.name} ${har.log.creator.version}`,
    entries: har.log.entries.map((e) => {
      const request = e.request as Json;
      const content = (e.response as Json).content as Json;
      const bodyText = content.text === undefined ? undefined : content.encoding === 'base64' ? Buffer.from(content.text as string, 'base64').toString('latin1') : (content.text as string);
      return {
        method: request.method as string,
        url: request.url as string,
        status: (e.response as Json).status as number,
        started: Date.parse(e.startedDateTime as string),
        bodyText,
        flags: ((e._flowspy as Json | undefined)?.flags as string[] | undefined) ?? [],
      };
    }),
  };
}

/**
 * The HAR 1.2 JSON Schema validator (ajv + ajv-formats over har-schema's schemas). Returns the
 * validator's error lines (empty: valid).
 */
export function schemaValidator(): (har: unknown) => string[] {
  const require = createRequire(import.meta.url);
  let Ajv: new (options: object) => { addSchema(s: object): void; compile(s: object): ((d: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] } };
  let addFormats: (ajv: unknown) => void;
  let schemas: Record<string, object>;
  Ajv = (require('ajv') as { default: typeof Ajv }).default;
  addFormats = (require('ajv-formats') as { default: typeof addFormats }).default;
  schemas = require('har-schema') as Record<string, object>;
  const ajv = new Ajv({ allErrors: true, strict: false }) as InstanceType<typeof Ajv> & { addMetaSchema(s: object): void };
  // har-schema's schemas are written against JSON Schema draft-06.
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  addFormats(ajv);
  for (const [name, schema] of Object.entries(schemas)) if (name !== 'har' && typeof schema === 'object' && schema !== null && '$id' in schema) ajv.addSchema(schema);
  const validate = ajv.compile(schemas.har);
  return (har) => (validate(har) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath}: ${e.message ?? ''}`));
}
