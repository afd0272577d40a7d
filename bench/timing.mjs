// Timing helpers shared by the in-process benches (flowList.mjs, exchangeList.mjs).
import { performance } from 'node:perf_hooks';

/** `p50 … ms  p99 … ms  max … ms` of `samples` (milliseconds). */
export function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return `p50 ${at(0.5).toFixed(3)} ms  p99 ${at(0.99).toFixed(3)} ms  max ${sorted[sorted.length - 1].toFixed(3)} ms`;
}

/** Milliseconds `action` took. */
export function time(action) {
  const start = performance.now();
  action();
  return performance.now() - start;
}
