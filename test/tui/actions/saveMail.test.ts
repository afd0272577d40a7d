import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mailLength } from '../../../src/messages/lineItem.js';
import type { BodySource } from '../../../src/tui/actions/saveBody.js';
import { saveMail, savedMailMessage } from '../../../src/tui/actions/saveMail.js';
import { mailInView } from '../../../src/tui/conversation/bodyInView.js';
import { mulberry32, randomInt } from '../../support/prng.js';
import { keyTo, liveFlow } from '../../support/liveFlow.js';
import { lazyTempDir } from '../../support/tempDir.js';
import { fitMiddle } from '../../../src/tui/width.js';

const tmp = lazyTempDir('flowspy-mail-');
let dirCount = 0;
/** A new empty directory. */
function freshDir(): string {
  const dir = join(tmp(), `d${dirCount++}`);
  mkdirSync(dir);
  return dir;
}

const NAME = '010.000.000.001.40000-010.000.000.002.00025';

/** RFC 5321 4.5.2 as a client does it: a `.` before each line that begins with one. */
const stuffed = (mail: string) => mail.replace(/^\./gm, '..');

/** An SMTP flow sending `wires` (DATA blocks as on the wire, final `.` line included) in `pieces` data events each. */
function smtp(wires: readonly string[], pieces = 1, finish = true) {
  const flow = liveFlow(keyTo(25));
  flow.send('s2c', '220 mx ESMTP\r\n');
  flow.send('c2s', 'EHLO me\r\n');
  flow.send('s2c', '250 mx\r\n');
  for (const wire of wires) {
    flow.send('c2s', 'MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n');
    flow.send('s2c', '250 ok\r\n250 ok\r\n354 go ahead\r\n');
    flow.send('c2s', wire, pieces);
    if (wire.endsWith('\n.\r\n') || wire === '.\r\n') flow.send('s2c', '250 queued\r\n');
  }
  if (finish) flow.end();
  return flow;
}

/** The DATA blocks of `flow` as `b` targets them (the `number`th, from 1). */
function mailTarget(flow: ReturnType<typeof smtp>, number: number) {
  const items = flow.messages.lines!.items;
  const blocks = items.filter((item) => item.kind === 'block');
  return mailInView(items, [{ item: items.indexOf(blocks[number - 1]) }])!;
}

const MAIL = 'From: a@example.com\r\nSubject: dots\r\n\r\n.first line began with a dot\r\n..two dots\r\nplain\r\n.\tdot and tab\r\nlast\r\n';

describe('saveMail', () => {
  it('writes the mail as sent: dot-stuffing undone, the final "." line left out, across store chunks and slices', async () => {
    const flow = smtp([`${stuffed(MAIL)}.\r\n`], 17);
    const target = mailTarget(flow, 1);
    const dir = freshDir();
    const saved = await saveMail(flow.store, 1, target, dir, { sliceBytes: 5 });
    expect(basename(saved.path)).toBe(`${NAME}-MAIL-001.eml`);
    expect(readFileSync(saved.path, 'latin1')).toBe(MAIL);
    expect(saved).toEqual({ path: saved.path, bytes: MAIL.length, incomplete: undefined });
    // The DATA line's size is the file's.
    expect(mailLength(target.block)).toBe(MAIL.length);
    expect(savedMailMessage(target, saved, 200, '…')).toBe(`saved mail 1, ${MAIL.length} bytes: ${saved.path}`);
    expect(savedMailMessage(target, saved, 72, '…')).toBe(`saved mail…: …/${NAME}-MAIL-001.eml`);
    expect(savedMailMessage(target, saved, 40, '…')).toBe(fitMiddle(`${NAME}-MAIL-001.eml`, 40, '…'));
    expect(Math.abs(statSync(saved.path).mtimeMs - target.block.lastTs / 1000)).toBeLessThan(1);
  });

  it('any mail, any cut of the wire, any slice size: the file is the mail, of mailLength bytes', async () => {
    const random = mulberry32(7);
    const dir = freshDir();
    for (let round = 0; round < 30; round++) {
      const lines = Array.from({ length: randomInt(random, 0, 12) }, () => ['.', '..', '.x', 'x.', '', 'text', '. ', '\t.'][randomInt(random, 0, 7)]);
      const end = random() < 0.2 ? '\n' : '\r\n';
      const mail = lines.map((line) => (line === '.' ? '.x' : line) + end).join('');
      const flow = smtp([`${stuffed(mail)}.${end}`], randomInt(random, 1, 9));
      const target = mailTarget(flow, 1);
      const saved = await saveMail(flow.store, 1, target, dir, { sliceBytes: randomInt(random, 1, 9) });
      expect(readFileSync(saved.path, 'latin1'), JSON.stringify(mail)).toBe(mail);
      expect(mailLength(target.block)).toBe(mail.length);
    }
  });

  it('the second mail of a flow is mail 2; an empty mail is an empty file', async () => {
    const flow = smtp(['Subject: one\r\n\r\nx\r\n.\r\n', '.\r\n']);
    const dir = freshDir();
    const second = await saveMail(flow.store, 1, mailTarget(flow, 2), dir);
    expect(basename(second.path)).toBe(`${NAME}-MAIL-002.eml`);
    expect(second.bytes).toBe(0);
    expect(readFileSync(second.path, 'latin1')).toBe('');
  });

  it('a mail cut by a capture gap: written up to the gap and said incomplete', async () => {
    const flow = liveFlow(keyTo(25));
    flow.send('s2c', '220 mx ESMTP\r\n');
    flow.send('c2s', 'DATA\r\n');
    flow.send('s2c', '354 go ahead\r\n');
    flow.send('c2s', 'Subject: gap\r\n\r\n..dot\r\nbefore');
    flow.gap('c2s', 100);
    flow.send('c2s', ' after\r\n.\r\n');
    flow.end();
    const target = mailTarget(flow, 1);
    const saved = await saveMail(flow.store, 1, target, freshDir());
    const before = 'Subject: gap\r\n\r\n.dot\r\nbefore';
    expect(readFileSync(saved.path, 'latin1')).toBe(before);
    expect(saved.incomplete).toBe(`capture gap after ${before.length} of ${mailLength(target.block)} bytes`);
    expect(savedMailMessage(target, saved, 200, '…')).toBe(`saved mail 1, ${before.length} bytes (incomplete: capture gap after ${before.length} of ${mailLength(target.block)} bytes): ${saved.path}`);
  });

  it('a mail the capture ended inside is written and said incomplete', async () => {
    const flow = smtp(['Subject: cut\r\n\r\nno end'], 1);
    const saved = await saveMail(flow.store, 1, mailTarget(flow, 1), freshDir());
    expect(readFileSync(saved.path, 'latin1')).toBe('Subject: cut\r\n\r\nno end');
    expect(saved.incomplete).toBe('no final "." line: the mail had not ended');
  });

  it('never overwrites; rejects with one line, leaving no file, when the flow is evicted or the store cannot read', async () => {
    const flow = smtp([`${stuffed(MAIL)}.\r\n`], 4);
    const target = mailTarget(flow, 1);
    const dir = freshDir();
    writeFileSync(join(dir, `${NAME}-MAIL-001.eml`), 'mine');
    const saved = await saveMail(flow.store, 1, target, dir);
    expect(basename(saved.path)).toBe('010.000.000.001.40000-010.000.000.002.00025c1-MAIL-001.eml');
    expect(readFileSync(join(dir, `${NAME}-MAIL-001.eml`), 'utf8')).toBe('mine');
    const empty = freshDir();
    await expect(saveMail(flow.store, 2, target, empty)).rejects.toThrow(/^cannot save the mail: flow 2 is no longer held \(evicted\)$/);
    let calls = 0;
    const evicting: BodySource = { getFlow: (id) => (++calls > 3 ? undefined : flow.store.getFlow(id)), readInto: (...args) => flow.store.readInto(...args) };
    await expect(saveMail(evicting, 1, target, empty, { sliceBytes: 10 })).rejects.toThrow(/^cannot save the mail: flow 1 is no longer held \(evicted\)$/);
    const failing: BodySource = { getFlow: (id) => flow.store.getFlow(id), readInto: () => { throw new Error('EIO: i/o error, read\n    at stack'); } };
    await expect(saveMail(failing, 1, target, empty)).rejects.toThrow(/^cannot save the mail: EIO: i\/o error, read$/);
    expect(readdirSync(empty)).toEqual([]);
  });
});
