/**
 * New files for the save keys (`s`, `b`): created exclusively, never over an existing file, under
 * the first suffix index free for every name of a set (tcpflow's `c1`, `c2`, ... naming).
 */
import { existsSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fileErrorReason, UserError } from '../../core/errors.js';

/** One file being written. */
export interface OpenFile {
  readonly path: string;
  readonly handle: FileHandle;
}

/** Most suffix indexes tried before giving up on finding free names. */
const MAX_SUFFIX = 10_000;

/**
 * Creates the files `namesOf(index)` in `directory` for the first `index` (0, 1, ...) whose names
 * are all free; the files of an attempt that met a taken name are removed again.
 * @throws UserError with one line: the directory cannot be written, or every index is taken.
 */
export async function createNewFiles(directory: string, namesOf: (index: number) => readonly string[]): Promise<OpenFile[]> {
  for (let index = 0; index < MAX_SUFFIX; index++) {
    const opened: OpenFile[] = [];
    let taken = false;
    for (const name of namesOf(index)) {
      const path = join(directory, name);
      try {
        opened.push({ path, handle: await open(path, 'wx') });
      } catch (err) {
        await removeFiles(opened);
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new UserError(`cannot write ${path}: ${fileErrorReason(err, { ENOENT: 'no such directory', ENOTDIR: 'no such directory' })}`);
        }
        taken = true;
        break;
      }
    }
    if (!taken) return opened;
  }
  throw new UserError(`cannot write ${join(directory, namesOf(0)[0])}: ${MAX_SUFFIX} files of that name exist`);
}

/**
 * Creates the files `names` in `directory`, each only when free (the user's choice of names).
 * @throws UserError with one line, after removing what it created: `cannot write DIR/NAME: it
 *   exists, give another name`, or why the directory cannot be written.
 */
export async function createNamedFiles(directory: string, names: readonly string[]): Promise<OpenFile[]> {
  const opened: OpenFile[] = [];
  for (const name of names) {
    const path = join(directory, name);
    try {
      opened.push({ path, handle: await open(path, 'wx') });
    } catch (err) {
      await removeFiles(opened);
      throw new UserError(`cannot write ${path}: ${fileErrorReason(err, NAMED_REASONS)}`);
    }
  }
  return opened;
}

const NAMED_REASONS = { EEXIST: 'it exists, give another name', ENOENT: 'no such directory', ENOTDIR: 'no such directory' };

/** `stem` with tcpflow's suffix for its `index`-th taken name: `demo-3` (0), `demo-3c1`, `demo-3c2`. */
export function suffixed(stem: string, index: number): string {
  return index === 0 ? stem : `${stem}c${index}`;
}

/**
 * The first index (0, 1, ...) whose names `namesOf(index)` are all free in `directory` now (to
 * offer a name that a save will not have to change); 0 when none is found.
 */
export function firstFreeIndex(directory: string, namesOf: (index: number) => readonly string[]): number {
  for (let index = 0; index < MAX_SUFFIX; index++) if (namesOf(index).every((name) => !existsSync(join(directory, name)))) return index;
  return 0;
}

/**
 * The one new file of a save into `directory`: `name` when given (the user's choice: written
 * only when free), else `nameOf(index)` for the first free index (see {@link createNewFiles}).
 * @throws UserError with one line: `cannot write DIR/NAME: it exists, give another name`, or
 *   why the directory cannot be written.
 */
export async function createNewFile(directory: string, nameOf: (index: number) => string, name?: string): Promise<OpenFile> {
  if (name === undefined) return (await createNewFiles(directory, (index) => [nameOf(index)]))[0];
  return (await createNamedFiles(directory, [name]))[0];
}

/** Closes and deletes `files`, ignoring errors (a save that failed leaves nothing behind). */
export async function removeFiles(files: readonly OpenFile[]): Promise<void> {
  await Promise.all(files.map(async (file) => {
    await file.handle.close().catch(() => undefined);
    await unlink(file.path).catch(() => undefined);
  }));
}
