/** How many notes a conversation (HTTP, line, WebSocket) keeps of what its parser did at gaps and stops. */
import type { StreamNote } from './types.js';

/** Notes kept per conversation (HTTP, line, WebSocket); later ones are dropped. */
export const MAX_NOTES = 100;

/** Appends `note` to a conversation's `notes` while they are fewer than {@link MAX_NOTES}; drops it after. */
export function keepNote(notes: StreamNote[], note: StreamNote): void {
  if (notes.length < MAX_NOTES) notes.push(note);
}
