/** TCP reassembly: decoded segments in, flow events out. See reassembler.ts for the policies. */
export { Reassembler, formatClock, type ReassemblerOptions, type ReassemblyStats } from './reassembler.js';
export { isServicePort, guessSenderIsClient } from './ports.js';
