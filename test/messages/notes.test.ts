import { describe, expect, it } from 'vitest';
import { keepNote, MAX_NOTES } from '../../src/messages/notes.js';
import type { StreamNote } from '../../src/messages/types.js';

describe('keepNote', () => {
  it('keeps the first MAX_NOTES notes and drops the later ones', () => {
    const notes: StreamNote[] = [];
    for (let i = 0; i < MAX_NOTES + 3; i++) keepNote(notes, { dir: 'c2s', offset: i, text: `note ${i}` });
    expect(notes).toHaveLength(MAX_NOTES);
    expect(notes.at(-1)).toEqual({ dir: 'c2s', offset: MAX_NOTES - 1, text: `note ${MAX_NOTES - 1}` });
  });
});
