import { describe, expect, it } from 'vitest';
import { prettyJsonLines } from '../../src/render/prettyJson.js';

describe('prettyJsonLines', () => {
  it.each([
    '{"a":1,"b":[1,2,{"c":null}],"d":{},"e":[],"f":"x, y: {z}","g":true}',
    '[{"id":1,"tags":["a","b"]},{"id":2,"tags":[]}]',
    '"just a string"',
    '42',
    '{ "spaced" : [ 1 , 2 ] ,\n "nested": { "deep": { "deeper": [ [ ] , { } ] } } }',
    '{"esc":"quote \\" and backslash \\\\ and \\n"}',
  ])('lays %j out as JSON.stringify(value, null, 2) does', (text) => {
    expect(prettyJsonLines(text)).toEqual(JSON.stringify(JSON.parse(text), null, 2).split('\n'));
  });

  it('keeps every number, string and key as sent: big ids, 1e400, -0, escapes, a key given twice', () => {
    const text = '{"id": 9007199254740993, "price": 0.10000000000000001, "big": 1e400, "neg": -0, "name": "caf\\u00e9", "dup": 1, "dup": 2}';
    expect(prettyJsonLines(text)).toEqual([
      '{',
      '  "id": 9007199254740993,',
      '  "price": 0.10000000000000001,',
      '  "big": 1e400,',
      '  "neg": -0,',
      '  "name": "caf\\u00e9",',
      '  "dup": 1,',
      '  "dup": 2',
      '}',
    ]);
  });

  it('indents 16 levels at most: a body nested 100,000 deep makes lines of linear total size', () => {
    const depth = 100_000;
    const lines = prettyJsonLines('['.repeat(depth) + ']'.repeat(depth));
    expect(lines).toHaveLength(2 * depth - 1);
    expect(lines[40]).toBe(`${'  '.repeat(16)}[`);
    expect(lines.reduce((total, line) => total + line.length, 0)).toBeLessThan(40 * depth * 2);
  });
});
