import { describe, expect, it, vi } from 'vitest';
import type { Direction, FlowEvent } from '../../src/core/types.js';

describe('FlowMessages while undecided', () => {
  it('reads the first bytes again only when they grew, not at each packet from the other side', async () => {
    // Modules loaded afresh, detectProtocol counted (the unit run shares modules between files).
    vi.resetModules();
    const detect = await import('../../src/messages/detect.js');
    const detectProtocol = vi.fn(detect.detectProtocol);
    vi.doMock('../../src/messages/detect.js', () => ({ ...detect, detectProtocol }));
    const { FlowMessages } = await import('../../src/messages/flowMessages.js');
    vi.doUnmock('../../src/messages/detect.js');
    const flow = new FlowMessages(1);
    const offsets = { c2s: 0, s2c: 0 };
    const data = (dir: Direction, text: string): void => {
      const bytes = new TextEncoder().encode(text);
      const event: FlowEvent = { type: 'data', flowId: 1, dir, offset: offsets[dir], bytes, length: bytes.length, ts: 1, fileOffset: -1 };
      offsets[dir] += bytes.length;
      flow.apply(event);
    };
    // Text with no line end and no prompt: undecided while the server streams.
    data('c2s', 'some text');
    detectProtocol.mockClear();
    for (let i = 0; i < 50; i++) data('s2c', 'x');
    expect(flow.protocol).toBe('undecided');
    expect(detectProtocol.mock.calls.length).toBe(1);
    // More first bytes: read again (a prompt now, told at the next answer).
    data('c2s', ' login: ');
    data('s2c', 'y');
    expect(flow.protocol).toBe('lines');
  });
});
