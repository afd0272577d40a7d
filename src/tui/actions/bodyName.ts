/**
 * The file name `b` gives an HTTP body: tcpflow's name of the message's direction, then
 * `-HTTPBODY-003-response` (the exchange number as `#3` shows it, three digits as tcpflow's
 * `-e http` numbers its bodies) and an extension from the Content-Type when it is a well-known
 * one; and a mail (an SMTP DATA body, a POP3 mail): `-MAIL-001.eml`. Only the characters of {@link SAFE_NAME}
 * are ever in them.
 */
import type { Direction, FlowKey } from '../../core/types.js';
import { tcpflowDirectionName } from '../../outputs/tcpflowNames.js';
import type { BodyRole } from '../conversation/bodyInView.js';

/** Every name {@link bodyFileName} makes matches this. */
export const SAFE_NAME = /^[0-9A-Za-z.:%_-]+$/;

const EXTENSIONS: Readonly<Record<string, string>> = {
  'application/json': '.json',
  'text/json': '.json',
  'text/html': '.html',
  'application/xhtml+xml': '.html',
  'text/plain': '.txt',
  'text/csv': '.csv',
  'text/tab-separated-values': '.tsv',
  'text/markdown': '.md',
  'text/calendar': '.ics',
  'text/vcard': '.vcf',
  'application/yaml': '.yaml',
  'application/x-yaml': '.yaml',
  'text/yaml': '.yaml',
  'application/xml': '.xml',
  'text/xml': '.xml',
  'application/javascript': '.js',
  'application/x-javascript': '.js',
  'text/javascript': '.js',
  'text/css': '.css',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/jpg': '.jpg',
  'image/pjpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'image/svg+xml': '.svg',
  'application/pdf': '.pdf',
  'application/zip': '.zip',
  'application/x-zip-compressed': '.zip',
  'application/gzip': '.gz',
  'application/x-gzip': '.gz',
  'application/octet-stream': '.bin',
};

/**
 * The extension (with its dot) for a Content-Type value (parameters and case ignored; `+json`
 * and `+xml` types count as JSON and XML), or '' when there is none or it is not well known.
 */
export function bodyExtension(contentType: string | undefined): string {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const known = EXTENSIONS[type];
  if (known !== undefined) return known;
  if (/^[a-z]+\/[a-z0-9.+-]+\+json$/.test(type)) return '.json';
  if (/^[a-z]+\/[a-z0-9.+-]+\+xml$/.test(type)) return '.xml';
  return '';
}

/**
 * `010.000.000.002.00080-010.000.000.001.40000-HTTPBODY-003-response.json` for the body of
 * exchange `exchangeNumber` (1-based) sent in direction `dir`; `connectionIndex` > 0 adds
 * tcpflow's `cN` suffix to the flow part (a free name when the plain one is taken).
 */
export function bodyFileName(key: FlowKey, dir: Direction, exchangeNumber: number, role: BodyRole, extension: string, connectionIndex = 0): string {
  const number = String(Math.max(0, Math.floor(exchangeNumber))).padStart(3, '0');
  const name = `${tcpflowDirectionName(key, dir, connectionIndex)}-HTTPBODY-${number}-${role}${extension}`;
  return safeName(name);
}

/**
 * `010.000.000.001.40000-010.000.000.002.00025-MAIL-001.eml` for the mail of the flow's DATA
 * block `mailNumber` (1-based) sent in direction `dir`; `connectionIndex` as in {@link bodyFileName}.
 */
export function mailFileName(key: FlowKey, dir: Direction, mailNumber: number, connectionIndex = 0): string {
  const number = String(Math.max(0, Math.floor(mailNumber))).padStart(3, '0');
  return safeName(`${tcpflowDirectionName(key, dir, connectionIndex)}-MAIL-${number}.eml`);
}

/** `name` with every character a file name should not hold as `_`. */
function safeName(name: string): string {
  return name.replace(/[^0-9A-Za-z.:%_-]/g, '_');
}
