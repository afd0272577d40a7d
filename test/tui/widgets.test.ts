import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

// Which modules may import blessed at all is held by test/architecture.test.ts.
describe('TUI widgets', () => {
  it('src/tui/ never creates blessed List, Log or Table widgets', () => {
    const widgets = /\b(?:blessed|contrib)\s*\.\s*(?:list|listtable|listbar|log|table|textbox|textarea)\s*\(/i;
    const offenders = sources(join(root, 'src/tui')).filter((file) => widgets.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
    expect(sources(join(root, 'src/tui')).length).toBeGreaterThan(0);
  });
});
