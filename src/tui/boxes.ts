/**
 * The blessed boxes of the screen: one plain box per part of the layout, tags off, no wrapping,
 * holding only the rows it shows, cut by columns (`blessedWidths.ts`); plus the help overlay. The only module besides `terminal.ts`
 * that creates blessed widgets. Content must be display-safe (escaped, our own SGR only).
 */
import blessed from 'blessed';
import type { Band, ScreenLayout } from './layout.js';
import { cutRowsByColumns } from './blessedWidths.js';

/** The parts of the screen, as named in {@link ScreenLayout}, and the help overlay. */
export type BoxName = keyof ScreenLayout | 'help';

/** The screen's boxes; owned by the app, destroyed with the screen. */
export class ScreenBoxes {
  private readonly boxes = new Map<BoxName, blessed.Widgets.BoxElement>();

  constructor(screen: blessed.Widgets.Screen) {
    const names: BoxName[] = ['listHeader', 'list', 'conversationTitle', 'conversation', 'status', 'hints', 'help'];
    for (const name of names) {
      const box = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 1, tags: false, wrap: false });
      cutRowsByColumns(box);
      this.boxes.set(name, box);
    }
    this.boxes.get('help')!.hide();
  }

  /** Puts box `name` on `band` with `content`, or hides it when the band is empty (or content is undefined). */
  place(name: BoxName, band: Band, content: string | undefined): void {
    const box = this.boxes.get(name)!;
    if (band.height === 0 || content === undefined) {
      box.hide();
      return;
    }
    box.top = band.top;
    box.height = band.height;
    box.setContent(content);
    box.show();
    if (name === 'help') box.setFront();
  }
}
