/**
 * Test-only helpers: an independent classic-pcap reader and Ethernet/IP/TCP decoder with
 * checksum verification, written separately from the frame and pcap writers (src/capture/) so the tests do not check the
 * builder against itself.
 */

import { spawnSync } from 'node:child_process';

export interface PcapRecord {
  tsSeconds: number;
  tsFraction: number;
  captured: Uint8Array;
  origLen: number;
}

export interface PcapFile {
  nanos: boolean;
  snaplen: number;
  linkType: number;
  records: PcapRecord[];
}

/** Reads a little-endian classic pcap file; throws on anything unexpected. */
export function readPcap(bytes: Uint8Array): PcapFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error(`bad magic ${magic.toString(16)}`);
  if (view.getUint16(4, true) !== 2 || view.getUint16(6, true) !== 4) throw new Error('bad version');
  const file: PcapFile = {
    nanos: magic === 0xa1b23c4d,
    snaplen: view.getUint32(16, true),
    linkType: view.getUint32(20, true),
    records: [],
  };
  let at = 24;
  while (at < bytes.length) {
    if (at + 16 > bytes.length) throw new Error('truncated record header');
    const capLen = view.getUint32(at + 8, true);
    if (at + 16 + capLen > bytes.length) throw new Error('truncated record');
    file.records.push({
      tsSeconds: view.getUint32(at, true),
      tsFraction: view.getUint32(at + 4, true),
      captured: bytes.subarray(at + 16, at + 16 + capLen),
      origLen: view.getUint32(at + 12, true),
    });
    at += 16 + capLen;
  }
  return file;
}

export interface DecodedTcp {
  vlan: number | undefined;
  v6: boolean;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  mss: number | undefined;
  payload: Uint8Array;
  ipChecksumOk: boolean;
  tcpChecksumOk: boolean;
}

/** Internet checksum of a list of byte arrays laid end to end (each of even length but the last). */
function internetChecksum(parts: Uint8Array[]): number {
  let sum = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i += 2) {
      const hi = part[i];
      const lo = i + 1 < part.length ? part[i + 1] : 0;
      sum += hi * 256 + lo;
      if (sum > 0xffffffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
    }
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum; // 0xffff when the data including its checksum field is correct
}

function formatV6(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
  return groups.join(':');
}

/** Decodes an Ethernet frame carrying IPv4/IPv6 + TCP and verifies both checksums. */
export function decodeTcpFrame(frame: Uint8Array): DecodedTcp {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let at = 12;
  let type = view.getUint16(at);
  let vlan: number | undefined;
  if (type === 0x8100) {
    vlan = view.getUint16(at + 2) & 0x0fff;
    at += 4;
    type = view.getUint16(at);
  }
  at += 2;
  let src: string;
  let dst: string;
  let tcpLength: number;
  let pseudo: Uint8Array;
  let ipChecksumOk = true;
  const v6 = type === 0x86dd;
  if (type === 0x0800) {
    const ihl = (frame[at] & 0x0f) * 4;
    if (frame[at] >> 4 !== 4) throw new Error('not IPv4');
    const total = view.getUint16(at + 2);
    if (frame[at + 9] !== 6) throw new Error('not TCP');
    ipChecksumOk = internetChecksum([frame.subarray(at, at + ihl)]) === 0xffff;
    src = [...frame.subarray(at + 12, at + 16)].join('.');
    dst = [...frame.subarray(at + 16, at + 20)].join('.');
    tcpLength = total - ihl;
    pseudo = new Uint8Array(12);
    pseudo.set(frame.subarray(at + 12, at + 20), 0);
    pseudo[9] = 6;
    pseudo[10] = tcpLength >> 8;
    pseudo[11] = tcpLength & 0xff;
    at += ihl;
  } else if (v6) {
    if (frame[at] >> 4 !== 6) throw new Error('not IPv6');
    tcpLength = view.getUint16(at + 4);
    if (frame[at + 6] !== 6) throw new Error('not TCP');
    src = formatV6(frame.subarray(at + 8, at + 24));
    dst = formatV6(frame.subarray(at + 24, at + 40));
    pseudo = new Uint8Array(40);
    pseudo.set(frame.subarray(at + 8, at + 40), 0);
    pseudo[34] = tcpLength >> 8;
    pseudo[35] = tcpLength & 0xff;
    pseudo[39] = 6;
    at += 40;
  } else {
    throw new Error(`unexpected ethertype ${type.toString(16)}`);
  }
  if (at + tcpLength !== frame.length) throw new Error(`length mismatch: ${at + tcpLength} vs ${frame.length}`);
  const tcp = frame.subarray(at, at + tcpLength);
  const dataOffset = (tcp[12] >> 4) * 4;
  let mss: number | undefined;
  for (let o = 20; o < dataOffset; ) {
    const kind = tcp[o];
    if (kind === 0) break;
    if (kind === 1) {
      o++;
      continue;
    }
    if (kind === 2) mss = (tcp[o + 2] << 8) | tcp[o + 3];
    o += tcp[o + 1];
  }
  return {
    vlan,
    v6,
    src,
    dst,
    srcPort: view.getUint16(at),
    dstPort: view.getUint16(at + 2),
    seq: view.getUint32(at + 4),
    ack: view.getUint32(at + 8),
    flags: tcp[13],
    window: view.getUint16(at + 14),
    mss,
    payload: tcp.subarray(dataOffset),
    ipChecksumOk,
    tcpChecksumOk: internetChecksum([pseudo, tcp]) === 0xffff,
  };
}

/**
 * Reassembles one direction of a flow from its segments (by sequence number relative to the
 * first data byte `start`), ignoring duplicates; throws when bytes are missing or disagree.
 */
export function reassemble(segments: { seq: number; payload: Uint8Array }[], start: number): Uint8Array {
  const pieces = new Map<number, Uint8Array>();
  let end = 0;
  for (const s of segments) {
    if (s.payload.length === 0) continue;
    const offset = (s.seq - start) >>> 0;
    const previous = pieces.get(offset);
    if (previous !== undefined && Buffer.compare(previous, s.payload) !== 0) throw new Error(`conflicting data at ${offset}`);
    pieces.set(offset, s.payload);
    end = Math.max(end, offset + s.payload.length);
  }
  const out = new Uint8Array(end);
  const filled = new Uint8Array(end);
  for (const [offset, payload] of pieces) {
    out.set(payload, offset);
    filled.fill(1, offset, offset + payload.length);
  }
  const hole = filled.indexOf(0);
  if (hole !== -1) throw new Error(`missing byte at offset ${hole}`);
  return out;
}

/** True when the program `name` is on PATH. */
export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/**
 * Runs tshark over a capture with checksum validation on and returns a description of every
 * frame that is malformed, carries an error-level expert item, or has a TCP/IPv4 checksum that
 * is not "good". Empty array = clean. `disabledProtocols` are not dissected (e.g. 'http', whose
 * dissector misreads bodies of reordered streams as headers).
 */
export function tsharkProblems(path: string, disabledProtocols: string[] = []): string[] {
  const result = spawnSync(
    'tshark',
    [
      '-r', path,
      ...disabledProtocols.flatMap((p) => ['--disable-protocol', p]),
      '-o', 'tcp.check_checksum:TRUE',
      '-o', 'ip.check_checksum:TRUE',
      '-T', 'fields',
      '-e', 'frame.number',
      '-e', 'tcp.checksum.status',
      '-e', 'ip.checksum.status',
      '-e', '_ws.malformed',
      '-e', '_ws.expert.severity',
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  if (result.status !== 0) return [`tshark exited ${result.status}: ${result.stderr}`];
  const problems: string[] = [];
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  for (const line of lines) {
    const [frame, tcpStatus, ipStatus, malformed, severities] = line.split('\t');
    const severe = (severities ?? '').split(',').some((s) => s !== '' && Number(s) >= 0x800000);
    if (tcpStatus !== '1' || (ipStatus !== '' && ipStatus !== '1') || malformed !== '' || severe) {
      problems.push(`frame ${frame}: tcp=${tcpStatus} ip=${ipStatus} malformed=${malformed} severity=${severities}`);
    }
  }
  if (lines.length === 0) problems.push('tshark printed no frames');
  return problems;
}
