/**
 * A queue of objects that carry their own links (`prev`, `next`): append at the tail, remove any
 * member, read the head, each O(1) and without allocating. An object is in at most one queue at a
 * time; the caller knows which (the queue does not check membership).
 */

/** The links an object needs to sit in a {@link LinkedQueue}; undefined when not queued. */
export interface Linked<T> {
  prev: T | undefined;
  next: T | undefined;
}

/** An intrusive doubly linked queue, oldest first. */
export class LinkedQueue<T extends Linked<T>> {
  /** The oldest member. */
  head: T | undefined = undefined;
  private tail: T | undefined = undefined;

  /** Appends `item` (not in any queue) as the newest member. */
  push(item: T): void {
    item.prev = this.tail;
    item.next = undefined;
    if (this.tail) this.tail.next = item;
    else this.head = item;
    this.tail = item;
  }

  /** Takes `item`, a member of this queue, out of it. */
  remove(item: T): void {
    if (item.prev) item.prev.next = item.next;
    else this.head = item.next;
    if (item.next) item.next.prev = item.prev;
    else this.tail = item.prev;
    item.prev = undefined;
    item.next = undefined;
  }
}
