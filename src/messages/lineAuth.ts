/**
 * What the lines of a login say in a line protocol: SASL exchanges in base64 (SMTP and POP3
 * `AUTH`, IMAP `AUTHENTICATE`, with the server's `334` or `+` challenges) decoded, and passwords
 * sent in clear (`PASS` of POP3 and FTP, IMAP `LOGIN` with its arguments in line or as `{n}`
 * literals, Redis `AUTH [user] password` in line or as the RESP array a client library sends,
 * `HELLO ... AUTH user password` and `CONFIG SET requirepass password` likewise, the line typed at a server's `Password:` prompt, as in
 * Telnet) found, so that a view can show a password by its size only. Reads complete lines in
 * arrival order; pure state, never throws.
 */
import type { Direction } from '../core/types.js';
import { isTextByte } from './detect.js';

/**
 * What a line says beyond its text:
 * - `decoded`: its base64 is these bytes (a challenge such as `Username:`, a user name, a
 *   CRAM-MD5 answer);
 * - `secret`: it carries a password (or a token): `shown` is the line's text before it (`PASS`,
 *   `a1 LOGIN bob`, `AUTH PLAIN`, '' for a line that is all secret), then the user and
 *   authorization identity when the secret came with them, and the secret's size in bytes.
 */
export type LineAuth =
  | { readonly kind: 'decoded'; readonly bytes: Uint8Array }
  | {
      readonly kind: 'secret';
      readonly shown: string;
      readonly user?: Uint8Array;
      readonly authzid?: Uint8Array;
      readonly secret: 'password' | 'token' | 'credentials';
      readonly secretBytes: number;
    };

const SMTP_AUTH = /^(AUTH\s+(\S+))(?:\s+(\S+))?\s*$/i;
const IMAP_AUTHENTICATE = /^(\S+\s+AUTHENTICATE\s+(\S+))(?:\s+(\S+))?\s*$/i;
const CHALLENGE = /^(?:334|\+)(?:\s+(.*))?$/;
const PASS = /^(PASS)\s+(.+)$/i;
const IMAP_LOGIN = /^\S+\s+LOGIN(?=\s)/iy;
/** One IMAP atom or quoted string after white space. */
const IMAP_WORD = /\s+("(?:[^"\\]|\\.)*"|[^\s"{]+)/y;
/** A line's end announcing an IMAP literal (`{7}`, or `{7+}` sent without waiting for `+`). */
const LITERAL_END = /\s*\{(\d+)\+?\}\s*$/y;
/** The SASL mechanisms (and FTP's `AUTH TLS`) an `AUTH` names; any other word is a Redis password. */
const MECHANISM = /^(?:PLAIN|LOGIN|CRAM-MD5|DIGEST-MD5|XOAUTH2?|OAUTHBEARER|GSSAPI|GSS-SPNEGO|GS2-[\w-]+|NTLM|EXTERNAL|ANONYMOUS|SCRAM-[\w-]+|KERBEROS_V[45]|SKEY|OTP|SRP|TLS|SSL|TLS-[CP]|X-[\w-]+)$/i;
/**
 * One argument of a Redis command typed in line: a word without quotes, or a string in double or
 * single quotes (with escapes). A quote inside a word starts a quoted part of that argument
 * (`pass" word"` is one): such an argument is not taken here.
 */
const REDIS_ARG = String.raw`(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s"']+)`;
/** `AUTH password` or `AUTH user password`; an `AUTH` whose words are not so (a broken quote) is all secret after `AUTH`. */
const REDIS_AUTH = new RegExp(String.raw`^(AUTH(?:\s+${REDIS_ARG})?)\s+(${REDIS_ARG})\s*$`, 'i');
const REDIS_AUTH_ANY = /^(AUTH)\s+(\S.*)$/i;
/**
 * Redis commands typed in line that carry a password: `CONFIG SET requirepass pw` (and the other
 * password parameters, after any pairs before them) and `HELLO 3 AUTH user pw`. All that follows
 * the shown part is taken as secret, other pairs included.
 */
const REDIS_INLINE_SECRET = /^((?:CONFIG\s+SET\s+(?:\S+\s+\S+\s+)*?(?:requirepass|masterauth|tls-key-file-pass|tls-client-key-file-pass))|(?:HELLO(?:\s+\S+)?\s+AUTH\s+\S+))\s+(\S.*)$/i;
/** A RESP array's header (`*3`: a command of three arguments) and a bulk string's (`$8`). */
const RESP_ARRAY = /^\*(\d{1,4})$/;
const RESP_BULK = /^\$(\d{1,9})$/;
/** A server's text that asks for a password (a login prompt): the client's next line is one. */
const PASSWORD_PROMPT = /pass(?:word|phrase|code)?\s*:\s*$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/**
 * Follows one flow's login exchanges: {@link read} takes each complete line (client's and
 * server's, in arrival order) and says what it means, or undefined for a line that is no part of a login.
 */
export class LineAuthReader {
  /** The SASL mechanism of the exchange under way (upper case), undefined outside one. */
  private mechanism: string | undefined;
  /** A challenge came: the client's next line answers it. */
  private challenged = false;
  /** What the last challenge asked for (AUTH LOGIN's `Username:`, `Password:`). */
  private asked: 'user' | 'password' | undefined;
  /** Answers the client gave in this exchange. */
  private answers = 0;
  /**
   * An IMAP LOGIN awaits a literal: the client's next line starts with its `bytes`, the user
   * (after `args` 0) or the password (after 1).
   */
  private literal: { readonly args: number; readonly bytes: number } | undefined;
  /** The server's last text asked for a password: the client's next line is one. */
  private passwordPrompted = false;
  /** How the line being read was decoded into its text. */
  private encoding: 'utf8' | 'latin1' = 'utf8';
  /**
   * A Redis command sent as a RESP array, being read: its arguments in all and read so far, the
   * wire bytes left of the argument being read, its line end included (-1: its `$n` line comes
   * next), and which argument is a password (-1: none yet).
   */
  private resp: { readonly args: number; done: number; left: number; secretAt: number; hello: boolean } | undefined;

  constructor(private readonly clientDir: Direction) {}

  /**
   * What the complete line `text` of direction `dir` says (see {@link LineAuth}), or undefined;
   * `latin1` when `text` holds the line's bytes one per character (they are not UTF-8);
   * `wireLength`: the line's bytes on the wire, its line end included (its text may be cut; by
   * default the text's bytes and CRLF).
   */
  read(dir: Direction, text: string, latin1 = false, wireLength?: number): LineAuth | undefined {
    this.encoding = latin1 ? 'latin1' : 'utf8';
    return dir === this.clientDir ? this.client(text, wireLength) : this.server(text);
  }

  /** Client bytes were lost (a capture gap): a RESP command being read is given up (its bytes are counted, and some are gone). */
  gap(): void {
    this.resp = undefined;
  }

  /**
   * The server's text so far on a line it has not ended (a prompt, such as Telnet's
   * `Password: `), told before the client's line that answers it.
   */
  prompt(text: string): void {
    this.passwordPrompted = PASSWORD_PROMPT.test(text);
  }

  private server(text: string): LineAuth | undefined {
    this.passwordPrompted = PASSWORD_PROMPT.test(text);
    // A tagged reply instead of the `+` that asks for a literal: the LOGIN is over.
    if (this.literal && !/^[+*]/.test(text)) this.literal = undefined;
    if (this.mechanism === undefined) return undefined;
    const challenge = CHALLENGE.exec(text);
    if (!challenge) {
      this.mechanism = undefined;
      this.challenged = false;
      return undefined;
    }
    this.challenged = true;
    const bytes = base64Bytes(challenge[1]?.trim() ?? '');
    if (bytes === undefined || bytes.length === 0 || !isText(bytes)) {
      this.asked = undefined;
      return undefined;
    }
    const said = Buffer.from(bytes).toString('latin1');
    this.asked = /pass/i.test(said) ? 'password' : /user|name/i.test(said) ? 'user' : undefined;
    return { kind: 'decoded', bytes };
  }

  private client(text: string, wireLength = Buffer.byteLength(text, this.encoding) + 2): LineAuth | undefined {
    if (this.resp !== undefined || RESP_ARRAY.test(text)) {
      const said = this.respLine(text, wireLength);
      if (said !== false) return said;
    }
    const literal = this.literal;
    if (literal) {
      this.literal = undefined;
      if (literal.args > 0) return { kind: 'secret', shown: '', secret: 'password', secretBytes: literal.bytes };
      const user = Buffer.from(text, this.encoding).subarray(0, literal.bytes).toString(this.encoding);
      return this.loginArgs(text, user.length, 1);
    }
    if (this.challenged) {
      this.challenged = false;
      const bytes = text === '*' ? undefined : base64Bytes(text.trim());
      if (bytes === undefined) {
        this.mechanism = undefined;
        return undefined;
      }
      this.answers++;
      return this.answer('', bytes);
    }
    if (this.passwordPrompted) {
      this.passwordPrompted = false;
      if (text !== '') return { kind: 'secret', shown: '', secret: 'password', secretBytes: Buffer.byteLength(text, this.encoding) };
    }
    this.mechanism = undefined;
    // The commands looked for start with `AUTH` or `PASS`, or have a tag then `AUTHENTICATE` or
    // `LOGIN`: other lines are told apart by two characters, not by the expressions.
    const first = text.charCodeAt(0) | 0x20;
    const space = text.indexOf(' ');
    const second = space < 0 ? 0 : text.charCodeAt(space + 1) | 0x20;
    const smtp = first === 0x61 ? SMTP_AUTH.exec(text) : null;
    if (first === 0x61 && !(smtp && MECHANISM.test(smtp[2]))) {
      const redis = REDIS_AUTH.exec(text) ?? REDIS_AUTH_ANY.exec(text);
      if (redis) return { kind: 'secret', shown: redis[1], secret: 'password', secretBytes: Buffer.byteLength(unquoted(redis[2].trimEnd()), this.encoding) };
    }
    const inline = first === 0x63 || first === 0x68 ? REDIS_INLINE_SECRET.exec(text) : null;
    if (inline) return { kind: 'secret', shown: inline[1], secret: 'password', secretBytes: Buffer.byteLength(unquoted(inline[2].trimEnd()), this.encoding) };
    const start = smtp ?? (second === 0x61 ? IMAP_AUTHENTICATE.exec(text) : null);
    if (start) {
      this.mechanism = start[2].toUpperCase();
      this.answers = 0;
      this.asked = undefined;
      const initial = start[3];
      if (initial === undefined) return undefined;
      // An initial response sent as a literal: the next line is the answer.
      if (/^\{\d+\+?\}$/.test(initial)) {
        this.challenged = true;
        return undefined;
      }
      const bytes = initial === '=' ? new Uint8Array(0) : base64Bytes(initial);
      if (bytes === undefined) return undefined;
      this.answers++;
      return this.answer(start[1], bytes);
    }
    const pass = first === 0x70 ? PASS.exec(text) : null;
    if (pass) return { kind: 'secret', shown: pass[1], secret: 'password', secretBytes: Buffer.byteLength(pass[2], this.encoding) };
    if (second !== 0x6c) return undefined;
    IMAP_LOGIN.lastIndex = 0;
    return IMAP_LOGIN.test(text) ? this.loginArgs(text, IMAP_LOGIN.lastIndex, 0) : undefined;
  }

  /**
   * A line of a RESP array command (`*2`, `$4`, `AUTH`, `$8`, then the password's line): the
   * password by its size (the last argument of `AUTH`, the second after `HELLO`'s `AUTH`), else
   * undefined; false for a line that is no part of one (the array is given up).
   */
  private respLine(text: string, wireLength: number): LineAuth | undefined | false {
    const resp = this.resp;
    if (resp === undefined) {
      const args = Number(RESP_ARRAY.exec(text)![1]);
      if (args > 0) this.resp = { args, done: 0, left: -1, secretAt: -1, hello: false };
      return undefined;
    }
    if (resp.left < 0) {
      const bulk = RESP_BULK.exec(text);
      if (!bulk) {
        // Not a RESP command after all (or a new one begins): the line is read afresh.
        this.resp = undefined;
        return RESP_ARRAY.test(text) ? this.respLine(text, wireLength) : false;
      }
      resp.left = Number(bulk[1]) + 2;
      return undefined;
    }
    const secret = resp.done === resp.secretAt;
    // A bulk string holding a line end goes on over the next lines; its text may be cut, its wire length is whole.
    resp.left -= wireLength;
    if (resp.left <= 0) {
      if (resp.done === 0) {
        if (/^AUTH$/i.test(text)) resp.secretAt = resp.args - 1;
        resp.hello = /^HELLO$/i.test(text);
      } else if (resp.hello && resp.secretAt < 0 && /^AUTH$/i.test(text)) resp.secretAt = resp.done + 2;
      resp.done++;
      resp.left = -1;
      if (resp.done >= resp.args) this.resp = undefined;
    }
    return secret ? { kind: 'secret', shown: '', secret: 'password', secretBytes: Buffer.byteLength(text, this.encoding) } : undefined;
  }

  /**
   * The rest of an IMAP LOGIN's line from `at`, after `args` of its arguments: the password when
   * it comes in line; a literal announced at the end is remembered for the next line.
   */
  private loginArgs(text: string, at: number, args: number): LineAuth | undefined {
    while (args < 2) {
      IMAP_WORD.lastIndex = at;
      const word = IMAP_WORD.exec(text);
      if (!word) break;
      if (args === 1) return { kind: 'secret', shown: text.slice(0, at), secret: 'password', secretBytes: imapStringBytes(word[1], this.encoding) };
      args++;
      at = IMAP_WORD.lastIndex;
    }
    LITERAL_END.lastIndex = at;
    const literal = args < 2 ? LITERAL_END.exec(text) : null;
    if (literal) this.literal = { args, bytes: Number(literal[1]) };
    return undefined;
  }

  /** The client's answer `bytes` (after `shown`, the command of an initial response) in the exchange's mechanism. */
  private answer(shown: string, bytes: Uint8Array): LineAuth | undefined {
    switch (this.mechanism) {
      case 'PLAIN':
        return plainCredentials(shown, bytes);
      case 'LOGIN': {
        const wanted = this.asked ?? (this.answers === 1 ? 'user' : 'password');
        if (wanted === 'password') return { kind: 'secret', shown, secret: 'password', secretBytes: bytes.length };
        return isText(bytes) && bytes.length > 0 ? { kind: 'decoded', bytes } : undefined;
      }
      case 'XOAUTH2':
      case 'OAUTHBEARER':
        return bearerToken(shown, bytes);
      default:
        return isText(bytes) && bytes.length > 0 ? { kind: 'decoded', bytes } : undefined;
    }
  }
}

/** PLAIN's `authzid NUL user NUL password` (RFC 4616); any other form is credentials as a whole. */
function plainCredentials(shown: string, bytes: Uint8Array): LineAuth {
  const first = bytes.indexOf(0);
  const second = first < 0 ? -1 : bytes.indexOf(0, first + 1);
  if (second < 0 || bytes.indexOf(0, second + 1) >= 0) return { kind: 'secret', shown, secret: 'credentials', secretBytes: bytes.length };
  const authzid = bytes.subarray(0, first);
  return {
    kind: 'secret',
    shown,
    user: bytes.subarray(first + 1, second),
    ...(authzid.length > 0 ? { authzid } : {}),
    secret: 'password',
    secretBytes: bytes.length - second - 1,
  };
}

/**
 * XOAUTH2's `user=U ^A auth=Bearer T ^A ^A` and OAUTHBEARER's `n,a=U, ^A auth=Bearer T ^A ^A`
 * (RFC 7628): the user and the token's size; anything else is credentials as a whole.
 */
function bearerToken(shown: string, bytes: Uint8Array): LineAuth {
  const fields = Buffer.from(bytes).toString('latin1').split('\x01');
  const auth = fields.find((field) => /^auth=/i.test(field));
  if (auth === undefined) return { kind: 'secret', shown, secret: 'credentials', secretBytes: bytes.length };
  const user = fields[0].startsWith('user=') ? fields[0].slice(5) : /(?:^|,)a=([^,]*)/.exec(fields[0])?.[1];
  const token = auth.replace(/^auth=(?:bearer\s+)?/i, '');
  return {
    kind: 'secret',
    shown,
    ...(user ? { user: Buffer.from(user, 'latin1') } : {}),
    secret: 'token',
    secretBytes: token.length,
  };
}

/** The bytes of base64 `text` ('' gives none), or undefined when it is not base64. */
function base64Bytes(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** True when `bytes` read as text (see {@link isTextByte}): no NUL, nor a control but those terminals take in text. */
function isText(bytes: Uint8Array): boolean {
  for (const b of bytes) if (!isTextByte(b)) return false;
  return true;
}

/** The bytes of an IMAP atom or quoted string (its quotes and backslash escapes aside). */
function imapStringBytes(word: string, encoding: 'utf8' | 'latin1'): number {
  return Buffer.byteLength(word.startsWith('"') ? word.slice(1, -1).replace(/\\(.)/g, '$1') : word, encoding);
}

/** A Redis argument as the server reads it: a quoted string without its quotes, an escape (`\n`, `\x41`) as one character. */
function unquoted(arg: string): string {
  const quote = arg[0];
  if ((quote !== '"' && quote !== "'") || arg.length < 2 || arg[arg.length - 1] !== quote) return arg;
  return arg.slice(1, -1).replace(/\\(x[0-9a-f]{2}|.)/gi, '_');
}
