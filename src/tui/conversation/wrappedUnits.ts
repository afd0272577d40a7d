/**
 * One flow's units (see `units.ts`) in display order, each rendered and wrapped to the pane's
 * width on demand and kept in a bounded LRU ({@link UnitCache}). The raw modes' view walks these;
 * it holds no rows itself. Pure: no terminal.
 */
import { prefixColumns, wrapRanges } from './lineText.js';
import { markCount } from './marks.js';
import { renderUnit } from './renderUnit.js';
import { DEFAULT_SETTINGS, settingsKey, type ConversationSettings } from './settings.js';
import { extentOf, type ConversationFlow, type ConversationSource } from './source.js';
import { DEFAULT_CACHE_UNITS, UnitCache, unitId, type WrappedUnit } from './unitCache.js';
import { UnitOrder, type UnitKey } from './units.js';

/** The rendered, wrapped units of flow `flowId`, for the settings and width last given to {@link configure}. */
export class WrappedUnits {
  private readonly cache: UnitCache;
  private cacheKey = '';
  private order: UnitOrder | undefined = undefined;
  private settings: ConversationSettings = DEFAULT_SETTINGS;
  private width = 80;

  constructor(
    private readonly source: ConversationSource,
    private readonly flowId: number,
    cacheUnits = DEFAULT_CACHE_UNITS,
  ) {
    this.cache = new UnitCache(cacheUnits);
  }

  /** Units are built from now on with `settings` at `width` columns; the cached ones go when that changes what is built. */
  configure(settings: ConversationSettings, width: number): void {
    this.settings = settings;
    this.width = width;
    const key = settingsKey(settings, width);
    if (key !== this.cacheKey) {
      this.cache.clear();
      this.cacheKey = key;
    }
  }

  /** The order of `flow`'s units, kept while the flow has not grown and the direction filter stays. */
  orderOf(flow: ConversationFlow): UnitOrder {
    // Placing notes costs a binary search each: reuse the order while the flow has not grown.
    const order = this.order;
    if (order && order.flow === flow && order.chunkCount === flow.chunkCount && order.markCount === markCount(flow) && order.filter === this.settings.filter) {
      return order;
    }
    return (this.order = new UnitOrder(this.source, this.flowId, flow, this.settings.filter));
  }

  /** The unit's wrapped rows, from the cache when still valid. */
  wrapped(flow: ConversationFlow, unit: UnitKey): WrappedUnit {
    const cacheable = unit.kind === 'chunk';
    const id = unitId(unit);
    if (cacheable) {
      const hit = this.cache.get(id);
      if (hit && this.stillValid(hit, flow, unit)) return hit;
    }
    const text = Math.max(1, this.width - prefixColumns(this.settings.timestamps));
    // Hex rows as wide as fit (16 bytes, else 8 or 4): a dump row wraps only on a very narrow pane.
    const rendered = renderUnit(this.source, this.flowId, flow, unit, this.settings, text);
    const rows: [number, number, number][] = [];
    rendered.lines.forEach((line, index) => {
      // flowspy's own lines (`=`) wrap at spaces, as in the messages mode; bytes wrap at the edge.
      for (const [from, to] of wrapRanges(line.text, text, line.side === 'event' ? 'prose' : 'cut')) rows.push([index, from, to]);
    });
    const wrapped: WrappedUnit = { ...rendered, rows };
    if (cacheable) this.cache.set(id, wrapped);
    return wrapped;
  }

  private stillValid(entry: WrappedUnit, flow: ConversationFlow, unit: UnitKey): boolean {
    if (unit.kind !== 'chunk') return false;
    const chunk = this.source.getChunk(this.flowId, unit.chunk);
    if (!chunk || chunk.length !== entry.chunkLength) return false;
    return entry.extent === undefined || extentOf(flow, chunk.dir) === entry.extent;
  }
}
