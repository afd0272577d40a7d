import { describe, expect, it } from 'vitest';
import type { Direction } from '../../src/core/types.js';
import { LineAuthReader, type LineAuth } from '../../src/messages/lineAuth.js';
import { mulberry32, randomInt } from '../support/prng.js';

const b64 = (text: string): string => Buffer.from(text, 'latin1').toString('base64');

/** What each line of a dialogue says: `>` client lines, `<` server lines; decoded bytes as Latin-1 text. */
function read(...lines: string[]): (string | undefined)[] {
  const reader = new LineAuthReader('c2s');
  return lines.map((line) => said(reader.read((line[0] === '>' ? 'c2s' : 's2c') as Direction, line.slice(1))));
}

function said(auth: LineAuth | undefined): string | undefined {
  if (auth === undefined) return undefined;
  if (auth.kind === 'decoded') return `(${Buffer.from(auth.bytes).toString('latin1')})`;
  const who = [auth.user ? `user ${Buffer.from(auth.user).toString('latin1')}` : '', auth.authzid ? `as ${Buffer.from(auth.authzid).toString('latin1')}` : ''].filter(Boolean).join(' ');
  return `${auth.shown}|${who}|${auth.secret} ${auth.secretBytes}`;
}

describe('LineAuthReader', () => {
  it('SMTP AUTH LOGIN: the prompts and the user decoded, the password by its size', () => {
    expect(read('>EHLO me', '<250 AUTH LOGIN PLAIN', '>AUTH LOGIN', '<334 VXNlcm5hbWU6', `>${b64('user')}`, '<334 UGFzc3dvcmQ6', `>${b64('password')}`, '<235 ok', `>MAIL FROM:<${b64('x')}>`)).toEqual([
      undefined, undefined, undefined, '(Username:)', '(user)', '(Password:)', '||password 8', undefined, undefined,
    ]);
  });

  it('a line answering a server line that asks for a password, ended or still open (a prompt), and only the next one', () => {
    expect(read('<login: ', '>bob', '<Password:', '>hunter2', '>ls', '<Passphrase: ', '>x')).toEqual([undefined, undefined, undefined, '||password 7', undefined, undefined, '||password 1']);
    const reader = new LineAuthReader('c2s');
    reader.prompt('Enter password: ');
    expect(said(reader.read('c2s', 'pw'))).toBe('||password 2');
    reader.prompt('$ ');
    expect(reader.read('c2s', 'pw')).toBeUndefined();
    expect(read('<331 Password required for bob.', '>PASS x', '<530 Login incorrect, password:x', '>again')).toEqual([undefined, 'PASS||password 1', undefined, undefined]);
  });

  it('AUTH LOGIN with its user name as the initial response: the one answer after it is the password', () => {
    expect(read(`>AUTH LOGIN ${b64('bob')}`, '<334 UGFzc3dvcmQ6', `>${b64('secret')}`, '<235 ok')).toEqual(['(bob)', '(Password:)', '||password 6', undefined]);
  });

  it('AUTH LOGIN with prompts that say nothing: the first answer is the user, the second the password', () => {
    expect(read('>AUTH LOGIN', '<334 ', `>${b64('bob')}`, '<334 ', `>${b64('pw')}`)).toEqual([undefined, undefined, '(bob)', undefined, '||password 2']);
  });

  it('AUTH PLAIN: user, authorization identity and password size, in the initial response or after an empty challenge (POP3 `+ `)', () => {
    expect(read(`>AUTH PLAIN ${b64('\0bob\0hunter2')}`, '<235 ok')).toEqual(['AUTH PLAIN|user bob|password 7', undefined]);
    expect(read('>AUTH PLAIN', '<+ ', `>${b64('admin\0bob\0pw')}`, '<-ERR no')).toEqual([undefined, undefined, '|user bob as admin|password 2', undefined]);
    expect(read('>AUTH PLAIN', '<334', `>${b64('no separators')}`)).toEqual([undefined, undefined, '||credentials 13']);
  });

  it('IMAP AUTHENTICATE PLAIN, tagged; `+` continuation outside a login is left alone', () => {
    expect(read('>a1 AUTHENTICATE PLAIN', '<+', `>${b64('\0bob\0pw')}`, '<a1 OK done', `>${b64('\0x\0y')}`)).toEqual([undefined, undefined, '|user bob|password 2', undefined, undefined]);
    expect(read('>a2 APPEND box {5}', `<+ ${b64('Ready')}`)).toEqual([undefined, undefined]);
  });

  it('CRAM-MD5: the challenge and the answer decoded (a digest, not the password)', () => {
    expect(read('>AUTH CRAM-MD5', `<334 ${b64('<1896.697170952@postoffice.example.net>')}`, `>${b64('tim b913a602c7eda7a495b4e6e7334d3890')}`)).toEqual([
      undefined, '(<1896.697170952@postoffice.example.net>)', '(tim b913a602c7eda7a495b4e6e7334d3890)',
    ]);
  });

  it('XOAUTH2 and OAUTHBEARER: the user, and the token by its size', () => {
    expect(read(`>AUTH XOAUTH2 ${b64('user=bob@x.org\x01auth=Bearer ya29.abc\x01\x01')}`)).toEqual(['AUTH XOAUTH2|user bob@x.org|token 8']);
    expect(read('>a AUTHENTICATE OAUTHBEARER', '<+', `>${b64('n,a=bob@x.org,\x01host=x\x01auth=Bearer tok\x01\x01')}`)).toEqual([undefined, undefined, '|user bob@x.org|token 3']);
  });

  it('a cancelled exchange (`*`), binary challenges and answers that are not base64 say nothing', () => {
    expect(read('>AUTH GSSAPI', `<334 ${Buffer.from([0x60, 0x82, 0, 1]).toString('base64')}`, '>*', '<501 cancelled')).toEqual([undefined, undefined, undefined, undefined]);
    expect(read('>AUTH LOGIN', '<334 VXNlcm5hbWU6', '>not base64!', '<501 bad')).toEqual([undefined, '(Username:)', undefined, undefined]);
  });

  it('passwords in clear: POP3 and FTP PASS, IMAP LOGIN (atom or quoted string)', () => {
    expect(read('>USER bob', '<+OK', '>PASS hunter2', '<+OK')).toEqual([undefined, undefined, 'PASS||password 7', undefined]);
    expect(read('>a0001 LOGIN "neulingern" "XX\\"XX"')).toEqual(['a0001 LOGIN "neulingern"||password 5']);
    expect(read('>a LOGIN bob pw')).toEqual(['a LOGIN bob||password 2']);
    expect(read('>a LOGIN bob {5}')).toEqual([undefined]);
  });

  it('IMAP LOGIN with literals: the user literal left alone, the password literal by its size', () => {
    expect(read('>a1 LOGIN {3}', '<+ Ready', '>bob {7}', '<+ Ready', '>hunter2', '<a1 NO bad', '>a2 NOOP')).toEqual([
      undefined, undefined, undefined, undefined, '||password 7', undefined, undefined,
    ]);
    expect(read('>a1 LOGIN {3+}', '>bob pw')).toEqual([undefined, 'bob||password 2']);
    expect(read('>a1 LOGIN bob {7+}', '>hunter2')).toEqual([undefined, '||password 7']);
    expect(read('>a1 LOGIN bob {7}', '<a1 BAD no', '>hunter2')).toEqual([undefined, undefined, undefined]);
  });

  it('IMAP AUTHENTICATE with its initial response as a literal: the literal is the answer', () => {
    expect(read('>a1 AUTHENTICATE PLAIN {16}', '<+', `>${b64('\0bob\0hunter2')}`)).toEqual([undefined, undefined, '|user bob|password 7']);
  });

  it('Redis AUTH [user] password: the password by its size; FTP AUTH TLS is no password', () => {
    expect(read('>AUTH hunter2', '<+OK')).toEqual(['AUTH||password 7', undefined]);
    expect(read('>AUTH bob hunter2', '<-WRONGPASS')).toEqual(['AUTH bob||password 7', undefined]);
    expect(read('>AUTH TLS', '<234 ok')).toEqual([undefined, undefined]);
  });

  it('Redis AUTH typed with quotes (redis-cli, telnet): no word of a quoted password is shown', () => {
    expect(read('>AUTH "my secret"')).toEqual(['AUTH||password 9']);
    expect(read('>AUTH default "my secret pw"')).toEqual(['AUTH default||password 12']);
    expect(read(">AUTH 'it\\'s' \"a \\\"b\\\" c\"")).toEqual(["AUTH 'it\\'s'||password 7"]);
    // A broken quote: all after AUTH is secret.
    expect(read('>AUTH "my secret')).toEqual(['AUTH||password 10']);
    expect(read('>AUTH a b c')).toEqual(['AUTH||password 5']);
    // A quote inside a word opens a quoted part of the same argument, as Redis reads it: all secret.
    expect(read('>AUTH pass" word"')).toEqual(['AUTH||password 11']);
    expect(read(">AUTH ab'cd ef'")).toEqual(['AUTH||password 9']);

    expect(read(`>AUTH "x${' '.repeat(40)}y  `)).toEqual(['AUTH||password 43']);
  });

  it('Redis CONFIG SET of a password parameter and HELLO AUTH typed in line: all after the name is secret', () => {
    expect(read('>CONFIG SET requirepass hunter2', '<+OK')).toEqual(['CONFIG SET requirepass||password 7', undefined]);
    expect(read('>config set maxmemory 1mb masterauth hunter2 appendonly no')).toEqual(['config set maxmemory 1mb masterauth||password 21']);
    expect(read('>HELLO 3 AUTH default hunter2 SETNAME app')).toEqual(['HELLO 3 AUTH default||password 19']);
    expect(read('>CONFIG SET maxmemory 1mb', '>HELLO 3', '>CHECK requirepass x')).toEqual([undefined, undefined, undefined]);
  });

  it('Redis commands as RESP arrays (what client libraries send): AUTH\'s and HELLO\'s password by its size, any other argument left alone', () => {
    const resp = (...args: string[]): string[] => [`>*${args.length}`, ...args.flatMap((a) => [`>$${Buffer.byteLength(a)}`, `>${a}`])];
    expect(read(...resp('AUTH', 'secret12'), '<+OK')).toEqual([undefined, undefined, undefined, undefined, '||password 8', undefined]);
    expect(read(...resp('AUTH', 'bob', 'pw'))).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, '||password 2']);
    expect(read(...resp('HELLO', '3', 'AUTH', 'bob', 'pässword', 'SETNAME', 'x')).filter(Boolean)).toEqual(['||password 9']);
    expect(read(...resp('SET', 'AUTH', 'x'), ...resp('GET', 'k')).filter(Boolean)).toEqual([]);
    // A password holding a line end goes on over the next line; the next command is read as one.
    expect(read('>*2', '>$4', '>AUTH', '>$5', '>a', '>bc', ...resp('PING'))).toEqual([undefined, undefined, undefined, undefined, '||password 1', '||password 2', undefined, undefined, undefined]);
    // Not RESP after all: the lines are read as lines.
    expect(read('>*2', '>AUTH hunter2')).toEqual([undefined, 'AUTH||password 7']);
  });

  it('a password in UTF-8 counts its bytes; in Latin-1 (not UTF-8) one per character', () => {
    const reader = new LineAuthReader('c2s');
    expect(reader.read('c2s', 'PASS pässword')).toMatchObject({ secretBytes: 9 });
    expect(reader.read('c2s', 'PASS p\xe4ssword', true)).toMatchObject({ secretBytes: 8 });
  });
});

describe('LineAuthReader on random dialogues', () => {
  it('never throws; a secret is never longer than its line, decoded bytes never longer than the base64 allows', () => {
    const random = mulberry32(7);
    const pieces = ['AUTH ', 'PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', 'a1 ', 'AUTHENTICATE ', 'LOGIN ', 'PASS ', '334 ', '+ ', '+', '*', '=', '"', '\\', ' ', '\t', '\0', '\x01', 'auth=Bearer ', 'user='];
    for (let round = 0; round < 3000; round++) {
      const reader = new LineAuthReader('c2s');
      for (let n = 0; n < 12; n++) {
        let line = '';
        for (let k = randomInt(random, 0, 4); k > 0; k--) line += pieces[randomInt(random, 0, pieces.length - 1)];
        if (random() < 0.5) line += Buffer.from(Array.from({ length: randomInt(random, 0, 30) }, () => randomInt(random, 0, 255))).toString('base64');
        const auth = reader.read(random() < 0.5 ? 'c2s' : 's2c', line, random() < 0.2);
        if (auth?.kind === 'secret') expect(auth.secretBytes).toBeLessThanOrEqual(Buffer.byteLength(line));
        if (auth?.kind === 'decoded') expect(auth.bytes.length).toBeLessThanOrEqual(Math.ceil(line.length * 3 / 4));
      }
    }
  });
});
