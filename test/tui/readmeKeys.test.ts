import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { helpLines } from '../../src/tui/keymap.js';

describe('README keys', () => {
  it('lists the help screen generated from the keymap, line for line', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const help = helpLines(true).join('\n');
    expect(help.split('\n').length).toBeGreaterThan(30);
    expect(readme).toContain(help);
  });
});
