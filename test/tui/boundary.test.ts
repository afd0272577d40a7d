import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** An import or require of blessed or blessed-contrib (any subpath). */
const BLESSED_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]blessed(?:-contrib)?(?:\/[^'"]*)?['"]/;

describe('module boundaries', () => {
  it('only src/tui/ imports blessed', () => {
    const offenders = sources(join(root, 'src'))
      .filter((file) => !relative(root, file).startsWith('src/tui/'))
      .filter((file) => BLESSED_IMPORT.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
    expect(BLESSED_IMPORT.test("import blessed from 'blessed';")).toBe(true);
    expect(BLESSED_IMPORT.test("const c = require('blessed-contrib/lib/widget/sparkline');")).toBe(true);
  });

  it('src/tui/ never creates blessed List, Log or Table widgets', () => {
    const widgets = /\b(?:blessed|contrib)\s*\.\s*(?:list|listtable|listbar|log|table|textbox|textarea)\s*\(/i;
    const offenders = sources(join(root, 'src/tui')).filter((file) => widgets.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
    expect(sources(join(root, 'src/tui')).length).toBeGreaterThan(0);
  });
});
