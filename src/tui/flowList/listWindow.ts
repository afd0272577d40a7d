/**
 * A list pane's window on its rows, shared by the flow list and the exchange list: the first row
 * shown, moved as little as needed to show the focus, and the wheel's scrolling. Pure.
 */

/** The first row shown in a pane; remembered so that the view moves only when it must. */
export class ListWindow {
  private scrollTop = 0;

  /**
   * The first row to draw in a pane of `height` rows over `length` rows, the focus on row
   * `focus` (-1: none): the previous one, scrolled as little as needed to show the focus, and
   * never past the end.
   */
  top(height: number, length: number, focus: number): number {
    const rows = Math.max(1, height);
    let top = this.scrollTop;
    if (focus >= 0) {
      if (focus < top) top = focus;
      else if (focus >= top + rows) top = focus - rows + 1;
    }
    top = Math.max(0, Math.min(top, length - rows));
    this.scrollTop = top;
    return top;
  }

  /** The wheel: the window moves by `delta` rows from {@link top}, as far as the list goes (the caller moves the focus). */
  scrollBy(delta: number, height: number, length: number, focus: number): void {
    const top = this.top(height, length, focus);
    this.scrollTop = Math.max(0, Math.min(top + delta, length - Math.max(1, height)));
  }
}

/** Row `index` clamped into a list of `length` rows (`length` > 0). */
export function clampRow(index: number, length: number): number {
  return Math.max(0, Math.min(length - 1, index));
}

/** The rows [top, top + height) of a list of `length` rows, fewer at the end; `rowAt` undefined skips a row. */
export function windowRows<Row>(length: number, top: number, height: number, rowAt: (index: number) => Row | undefined): Row[] {
  const out: Row[] = [];
  const end = Math.min(length, Math.max(0, top) + Math.max(0, height));
  for (let i = Math.max(0, top); i < end; i++) {
    const row = rowAt(i);
    if (row !== undefined) out.push(row);
  }
  return out;
}
