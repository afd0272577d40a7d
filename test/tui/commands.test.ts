/**
 * Commands on zoom and focus, with a fake scene: a zoomed list (flow or exchange list, one code
 * path) opens a zoomed conversation, and Esc or q come back to the zoomed list.
 */
import { describe, expect, it } from 'vitest';
import { initialAppState, type AppState } from '../../src/tui/appState.js';
import { Commands, type CommandScene } from '../../src/tui/commands.js';
import type { Command } from '../../src/tui/keymap.js';
import { screenLayout } from '../../src/tui/layout.js';

function commandsOn(state: AppState, said: string[] = [], rows = 24): Commands {
  const scene = {
    state,
    list: { namedUnit: () => undefined },
    exchanges: { rows: undefined, on: false, focused: undefined },
    conversation: { searching: false, clearSearch: () => false, openAt: () => undefined },
    status: { say: (text: string) => said.push(text) },
    layout: () => screenLayout(rows, state.zoom, state.listShift, state.focus),
    focusedFlowId: () => 1,
  };
  return new Commands(scene as unknown as CommandScene);
}

function after(commands: readonly Command[], start: Partial<AppState> = {}): Pick<AppState, 'focus' | 'zoom'> {
  const state = { ...initialAppState(), ...start };
  const run = commandsOn(state);
  for (const command of commands) run.run(command);
  return { focus: state.focus, zoom: state.zoom };
}

describe('zoom across Enter and back', () => {
  it('a zoomed list opens a zoomed conversation; Esc comes back to the zoomed list', () => {
    expect(after(['pane.zoom', 'flow.open'])).toEqual({ focus: 'conversation', zoom: 'conversation' });
    expect(after(['pane.zoom', 'flow.open', 'back'])).toEqual({ focus: 'list', zoom: 'list' });
  });

  it('q in the conversation comes back to the zoomed list too', () => {
    expect(after(['pane.zoom', 'flow.open', 'conversation.leave'])).toEqual({ focus: 'list', zoom: 'list' });
  });

  it('the split view stays split: Enter then Esc or q', () => {
    expect(after(['flow.open', 'back'])).toEqual({ focus: 'list', zoom: 'none' });
    expect(after(['flow.open', 'conversation.leave'])).toEqual({ focus: 'list', zoom: 'none' });
  });

  it('a conversation zoomed with z: Esc unzooms, then goes back to the split list', () => {
    expect(after(['flow.open', 'pane.zoom', 'back'])).toEqual({ focus: 'conversation', zoom: 'none' });
    expect(after(['flow.open', 'pane.zoom', 'back', 'back'])).toEqual({ focus: 'list', zoom: 'none' });
  });

  it('z in the conversation opened from a zoomed list unzooms for good', () => {
    expect(after(['pane.zoom', 'flow.open', 'pane.zoom', 'back'])).toEqual({ focus: 'list', zoom: 'none' });
  });

  it('Enter again after coming back keeps the zoom going both ways', () => {
    expect(after(['pane.zoom', 'flow.open', 'back', 'flow.open', 'conversation.leave'])).toEqual({ focus: 'list', zoom: 'list' });
  });
});

describe('+ and - share the rows between the list and the conversation', () => {
  const listHeight = (commands: readonly Command[], said: string[] = []) => {
    const state = initialAppState();
    const run = commandsOn(state, said);
    for (const command of commands) run.run(command);
    return screenLayout(24, state.zoom, state.listShift).list.height;
  };

  it('at 80x24 the list has 7 rows; + gives it one more, - one less, kept for later draws', () => {
    expect(listHeight([])).toBe(7);
    expect(listHeight(['list.grow', 'list.grow'])).toBe(9);
    expect(listHeight(['list.shrink'])).toBe(6);
    expect(listHeight(['list.grow', 'list.shrink'])).toBe(7);
  });

  it('each pane keeps a row; past that the key says so and - acts at once after many +', () => {
    const said: string[] = [];
    expect(listHeight(Array<Command>(30).fill('list.grow'), said)).toBe(19);
    expect(said.at(-1)).toBe('the list has every row the conversation can give');
    expect(listHeight([...Array<Command>(30).fill('list.grow'), 'list.shrink'])).toBe(18);
    expect(listHeight(Array<Command>(30).fill('list.shrink'))).toBe(1);
  });

  it('zoomed, they leave the rows as they are', () => {
    const said: string[] = [];
    expect(listHeight(['pane.zoom', 'list.grow', 'pane.zoom'], said)).toBe(7);
    expect(said).toEqual(['+ and - share the rows between the panes: z unzooms first']);
  });

  it('on a screen too short for both panes (4 rows: the focused one alone), they say so', () => {
    const state = initialAppState();
    const said: string[] = [];
    commandsOn(state, said, 4).run('list.grow');
    expect(state.listShift).toBe(0);
    expect(said).toEqual(['the screen is too short for both panes']);
  });
});
