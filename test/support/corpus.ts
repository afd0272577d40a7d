/**
 * The one way tests find the shared corpus of real captures: `<repo>/../shared/corpus`, or the
 * folder the environment variable FLOWSPY_CORPUS names (a checkout elsewhere, e.g. a git
 * worktree). Tests that need it skip through {@link cannotRun} with {@link corpusMissingReason}.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/support/corpus.ts). */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Where the corpus is looked for. */
export const corpusLocation = resolve(process.env.FLOWSPY_CORPUS || join(repoRoot, '..', 'shared', 'corpus'));

/** The corpus folder (it holds pcaps/ and manifest.tsv), or undefined when it is not there. */
export const corpusDir: string | undefined =
  existsSync(join(corpusLocation, 'pcaps')) && existsSync(join(corpusLocation, 'manifest.tsv')) ? corpusLocation : undefined;

/** Why a corpus test cannot run, or undefined when the corpus is there. */
export const corpusMissingReason: string | undefined = corpusDir
  ? undefined
  : `the corpus is not at ${corpusLocation} (../shared/corpus beside the checkout, or set FLOWSPY_CORPUS)`;

/** The corpus capture files (names in pcaps/), sorted; none when the corpus is missing. */
export function corpusFiles(): string[] {
  if (!corpusDir) return [];
  return readdirSync(join(corpusDir, 'pcaps')).filter((f) => /\.(pcap|pcapng|cap)$/.test(f)).sort();
}

/** The path of a corpus capture by its name in pcaps/ (under {@link corpusLocation} even when missing). */
export function corpusPath(name: string): string {
  return join(corpusLocation, 'pcaps', name);
}
