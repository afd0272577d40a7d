/**
 * The `b` key on a block (an SMTP DATA body, a POP3 mail, an IMAP literal): writes the mail it
 * carries to a new `.eml` file as its sender meant it (RFC 5321 4.5.2): the dot-stuffing undone,
 * the final `.` line left out (a literal as it is); the bytes `mailLength` counts. Read from the
 * store a slice at a time, yielding to the event loop between slices. A mail cut by a capture gap
 * is written up to the gap and reported incomplete. Nothing is ever overwritten (see
 * {@link mailFileName}).
 */
import { unlink } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { errorLine, fileErrorReason, UserError } from '../../core/errors.js';
import { undoDotStuffing } from '../../messages/dotStuffing.js';
import { mailLength } from '../../messages/lineItem.js';
import type { MailTarget } from '../conversation/bodyInView.js';
import { formatCount } from '../../core/count.js';
import { messageWithPath } from '../statusMessage.js';
import { mailFileName } from './bodyName.js';
import { createNewFile } from './newFiles.js';
import { evicted, writeAll, type BodySource } from './saveBody.js';

/** What {@link saveMail} wrote. */
export interface SavedMail {
  readonly path: string;
  /** Bytes in the file. */
  readonly bytes: number;
  /** Why the file does not hold the whole mail (`capture gap after ...`), when it does not. */
  readonly incomplete: string | undefined;
}

const DEFAULT_SLICE_BYTES = 256 << 10;
const LF = 0x0a;

/** Options of {@link saveMail}. */
export interface SaveMailOptions {
  /** Wire bytes read from the store per step. Default 256 KiB. */
  readonly sliceBytes?: number;
  /** The file's name in the directory, written only when free; default `mailFileName`'s under the first free suffix. */
  readonly name?: string;
}

/**
 * Writes the mail of `target` (a block of flow `flowId`) into `directory` under a new name
 * and says what was written.
 * @throws UserError (a rejection) with one line for the status bar, after removing the file it
 *   created: `cannot write DIR/NAME: REASON`, `cannot save the mail: flow 7 is no longer held
 *   (evicted)`, `cannot save the mail: REASON` when the store cannot read its bytes back.
 */
export async function saveMail(store: BodySource, flowId: number, target: MailTarget, directory: string, options: SaveMailOptions = {}): Promise<SavedMail> {
  const flow = store.getFlow(flowId);
  if (flow === undefined) throw evicted(flowId, 'mail');
  const { block } = target;
  const sliceBytes = options.sliceBytes ?? DEFAULT_SLICE_BYTES;
  const { path, handle } = await createNewFile(directory, (index) => mailFileName(flow.key, block.dir, target.number, index), options.name);
  try {
    const wire = block.length - (block.complete ? (block.endLength ?? 0) : 0);
    const slice = new Uint8Array(Math.max(1, sliceBytes));
    let incomplete: string | undefined;
    let lineStart = true;
    let offset = 0;
    let position = 0;
    while (offset < wire) {
      if (store.getFlow(flowId) !== flow) throw evicted(flowId, 'mail');
      const want = slice.subarray(0, Math.min(slice.length, wire - offset));
      let got: number;
      try {
        got = store.readInto(flowId, block.dir, block.offset + offset, want);
      } catch (err) {
        throw new UserError(`cannot save the mail: ${errorLine(err)}`);
      }
      const mail = block.literal ? want.subarray(0, got) : undoDotStuffing(want.subarray(0, got), lineStart);
      if (got > 0) lineStart = want[got - 1] === LF;
      await writeAll(handle, mail, position);
      position += mail.length;
      offset += got;
      if (got < want.length) {
        incomplete = `capture gap after ${formatCount(position)} of ${formatCount(mailLength(block))} bytes`;
        break;
      }
      await nextTurn();
    }
    if (incomplete === undefined && !block.complete) incomplete = block.literal ? 'the literal had not ended' : 'no final "." line: the mail had not ended';
    const time = new Date(block.lastTs / 1000);
    await handle.utimes(time, time);
    await handle.close();
    return { path, bytes: position, incomplete };
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    if (err instanceof UserError) throw err;
    if (store.getFlow(flowId) !== flow) throw evicted(flowId, 'mail');
    throw new UserError(`cannot write ${path}: ${fileErrorReason(err)}`);
  }
}

/**
 * `saved mail 1, 14,545 bytes: DIR/NAME` for the status bar, in about `columns` columns (see
 * messageWithPath); why it is incomplete comes before the name.
 */
export function savedMailMessage(target: MailTarget, saved: SavedMail, columns: number, ellipsis: string): string {
  const head = `saved mail ${target.number}, ${formatCount(saved.bytes)} bytes${saved.incomplete === undefined ? '' : ` (incomplete: ${saved.incomplete})`}: `;
  return messageWithPath(head, saved.path, columns, ellipsis);
}
