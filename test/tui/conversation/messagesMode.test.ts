import { describe, expect, it } from 'vitest';
import { MessagesMode } from '../../../src/tui/conversation/messagesMode.js';
import { DEFAULT_SETTINGS } from '../../../src/tui/conversation/settings.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

describe('MessagesMode', () => {
  it('offers the mode for a recognised protocol, shows it when wanted, drops it when not', () => {
    const mode = new MessagesMode(demo.store, (id) => demo.messages.get(id));
    expect(mode.offers(1)).toBe(true);
    expect(mode.offers(undefined)).toBe(false);
    mode.show(1, false, 80, 10, DEFAULT_SETTINGS, false, undefined);
    expect(mode.view).toBeUndefined();
    mode.show(1, true, 80, 10, DEFAULT_SETTINGS, false, undefined);
    const view = mode.view;
    expect(view?.flowId).toBe(1);
    expect(view!.lines()[0].text).toMatch(/^= /);
    mode.show(1, true, 80, 10, DEFAULT_SETTINGS, false, undefined);
    expect(mode.view).toBe(view);
    mode.drop();
    expect(mode.view).toBeUndefined();
  });
});
