import { describe, expect, it } from 'vitest';
import { formatCaptureSummary, type CaptureRunSummary } from '../../src/engine/captureRun.js';
import { formatLiveSummary, type LiveRunSummary } from '../../src/engine/liveRun.js';
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

  it('group the digits of every count for people (a big scan)', () => {
    const big = { ...decode, truncated: 12_345, malformed: 2_000, nonTcp: 1_000_000, unsupportedLinkType: 1_500, lengthBeyondFrame: 3_000 } as unknown as CaptureRunSummary['decode'];
    const s: CaptureRunSummary = { packets: 600_000, filteredOut: 4_096, bytesRead: 9, flows: 300_000, payloadBytes: 0, gaps: 0, gapBytes: 0, notes: 0, decode: big };
    const line = formatCaptureSummary(s);
    expect(line).toBe('flowspy: 300,000 flows, 600,000 packets, 0 payload bytes, 0 gaps (0 bytes), 12,345 truncated, 2,000 malformed, 4,096 filtered out, 1,000,000 not TCP, 1,500 of unsupported link types, 3,000 with an IP length beyond the frame');
    const live = { ...s, capture: { received: 700_000, kernelDrops: 1_234, ifDrops: 5_678, queueDrops: 9_999 } } as unknown as LiveRunSummary;
    expect(formatLiveSummary(live)).toBe(`${line}, 700,000 received by filter, 1,234 dropped by kernel, 5,678 dropped by interface, 9,999 dropped by queue`);
  });

  it('says one connection and one byte in the singular for a proxy run', () => {
    const stats = { accepted: 1, connectFailures: 0, resets: 0, bytesC2S: 1, bytesS2C: 2 } as unknown as ProxyStats;
    expect(formatProxySummary([stats])).toBe('flowspy: 1 connection; 1 byte client to server, 2 bytes server to client');
  });
});
