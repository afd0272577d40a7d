/** Messages-mode rows made by hand for tests: settled units of the lines given. */
import type { MessageLine, MessageUnits } from '../../../src/tui/conversation/messageLines.js';
import { MessageRows } from '../../../src/tui/conversation/messageRows.js';

const CONNECTED: MessageLine = { side: 'event', kind: 'event', text: 'connected' };

/** Rows of settled units (each a stop) made of `units`' lines, wrapped to `columns`, after `head`'s rows. */
export function rowsOf(units: readonly (readonly MessageLine[])[], columns = 40, head: readonly MessageLine[] = [CONNECTED]): MessageRows {
  return fillRows(new MessageRows(), units, columns, head);
}

/** Makes `rows` as {@link rowsOf} does. */
export function fillRows(rows: MessageRows, units: readonly (readonly MessageLine[])[], columns = 40, head: readonly MessageLine[] = [CONNECTED]): MessageRows {
  rows.setColumns(columns);
  const made: MessageUnits = { count: units.length, version: () => '', settled: () => true, stop: () => true, lines: (index) => units[index].map((line) => ({ ...line })), starts: () => [], notesAfter: () => [] };
  rows.remakeUnits(made);
  rows.setHead(head);
  return rows;
}

/** A client line with `more` fields. */
export function client(text: string, more: Partial<MessageLine> = {}): MessageLine {
  return { side: 'client', kind: 'data', text, ...more };
}
