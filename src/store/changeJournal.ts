/**
 * Which flows changed, for views that look once per frame. The store records a flow here when it
 * changes, at most once between two reads by the most recent reader ({@link ChangeJournal.fence}):
 * a data event costs one comparison and allocates nothing, and the journal grows with the flows
 * changed between two reads, not with the events.
 */

/** What the journal keeps on each flow entry. */
export interface JournalEntry {
  readonly id: number;
  /** Position of the entry's latest record in the journal; -1 before the first. */
  journalPos: number;
}

/** A reader's position in a {@link ChangeJournal}. Close it when done, or the journal keeps growing. */
export interface ChangeCursor {
  /** True when {@link take} would return at least one flow id. */
  readonly pending: boolean;
  /**
   * Ids of the flows added, updated or removed since this cursor's previous take (or its
   * creation), each once, in the order of their latest change. The store tells which: a removed
   * flow is no longer held; an added one is held and new to the reader.
   */
  take(): number[];
  /** Stops reading; the cursor must not be used afterwards. */
  close(): void;
}

/** Below this many consumed records the journal is not compacted. */
const COMPACT_MIN = 1024;

/** The log of changed flow entries shared by every {@link ChangeCursor} of a store. */
export class ChangeJournal<Entry extends JournalEntry> {
  /**
   * An entry whose `journalPos` is below this must be recorded at its next change (some reader
   * may have passed its latest record). -1 while there is no reader: nothing is recorded.
   */
  fence = -1;
  private entries: Entry[] = [];
  /** Journal position of `entries[0]`. */
  private base = 0;
  private readonly cursors = new Set<Cursor<Entry>>();

  /** Records a change of `entry`; call only when `entry.journalPos < fence`. */
  record(entry: Entry): void {
    entry.journalPos = this.base + this.entries.length;
    this.entries.push(entry);
    for (const cursor of this.cursors) cursor.wake();
  }

  /**
   * A new reader: it sees the changes made from now on. `onPending` (optional) is called at the
   * first change after the creation and after each take, so a scheduler can plan a frame without
   * polling.
   */
  open(onPending?: () => void): ChangeCursor {
    const cursor = new Cursor(this, this.end, onPending);
    this.cursors.add(cursor);
    this.fence = this.end;
    return cursor;
  }

  /** Journal position after the last record. */
  get end(): number {
    return this.base + this.entries.length;
  }

  /** @internal The ids recorded in [from, end) whose record is their latest. */
  idsFrom(from: number): number[] {
    const ids: number[] = [];
    const entries = this.entries;
    for (let p = from; p < this.base + entries.length; p++) {
      const entry = entries[p - this.base];
      if (entry.journalPos === p) ids.push(entry.id);
    }
    this.fence = this.end;
    this.compact();
    return ids;
  }

  /** @internal */
  remove(cursor: Cursor<Entry>): void {
    this.cursors.delete(cursor);
    if (this.cursors.size === 0) {
      // Nothing to keep: entries recorded before are recorded again at their next change if a
      // reader comes (their journalPos is below its fence).
      this.base = this.end;
      this.entries = [];
      this.fence = -1;
    } else {
      this.compact();
    }
  }

  /** Drops the records every reader has passed, when they are at least half of the journal. */
  private compact(): void {
    let oldest = this.end;
    for (const cursor of this.cursors) oldest = Math.min(oldest, cursor.position);
    const consumed = oldest - this.base;
    if (consumed < COMPACT_MIN || consumed * 2 < this.entries.length) return;
    this.entries = this.entries.slice(consumed);
    this.base = oldest;
  }
}

class Cursor<Entry extends JournalEntry> implements ChangeCursor {
  private woken = false;

  constructor(
    private readonly journal: ChangeJournal<Entry>,
    public position: number,
    private readonly onPending: (() => void) | undefined,
  ) {}

  get pending(): boolean {
    return this.journal.end > this.position;
  }

  take(): number[] {
    const from = this.position;
    this.position = this.journal.end;
    this.woken = false;
    return this.journal.idsFrom(from);
  }

  close(): void {
    this.journal.remove(this);
  }

  /** Called at each record: tells the owner once per take. */
  wake(): void {
    if (this.woken) return;
    this.woken = true;
    this.onPending?.();
  }
}
