/** TCP reassembly: decoded segments in, flow events out. Rules: docs/reassembly.md. */
export { Reassembler, type ReassemblerOptions, type ReassemblyStats } from './reassembler.js';
export { isServicePort, guessSenderIsClient } from './ports.js';
