import { describe, expect, it } from 'vitest';
import { formatCaptureSummary, type CaptureRunSummary } from '../../src/engine/captureRun.js';
import { formatProxySummary } from '../../src/engine/proxyRun.js';
import type { ProxyStats } from '../../src/proxy/proxy.js';

const decode = { packets: 1, tcpSegments: 1, nonTcp: 0, truncated: 0, malformed: 0, unsupportedLinkType: 0, fragments: 0 } as unknown as CaptureRunSummary['decode'];

describe('end-of-run summaries', () => {
  it('say one flow, one note, one gap in the singular', () => {
    const s: CaptureRunSummary = { packets: 1, filteredOut: 0, bytesRead: 1, flows: 1, payloadBytes: 1, gaps: 1, gapBytes: 1, notes: 1, decode, interrupted: true };
    expect(formatCaptureSummary(s)).toBe('flowspy: 1 flow, 1 packet, 1 payload byte, 1 gap (1 byte), 0 truncated, 0 malformed, 1 note, interrupted after 1 byte');
  });

  it('keep the plural for other counts', () => {
    const s: CaptureRunSummary = { packets: 82, filteredOut: 0, bytesRead: 9, flows: 5, payloadBytes: 4084, gaps: 0, gapBytes: 0, notes: 2, decode };
    expect(formatCaptureSummary(s)).toBe('flowspy: 5 flows, 82 packets, 4,084 payload bytes, 0 gaps (0 bytes), 0 truncated, 0 malformed, 2 notes');
  });

  it('says one connection and one byte in the singular for a proxy run', () => {
    const stats = { accepted: 1, connectFailures: 0, resets: 0, bytesC2S: 1, bytesS2C: 2 } as unknown as ProxyStats;
    expect(formatProxySummary([stats])).toBe('flowspy: 1 connection; 1 byte client→server, 2 bytes server→client');
  });
});
