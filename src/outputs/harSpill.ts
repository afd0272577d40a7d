/**
 * The serialised HAR entries of a run, kept in a spill file rather than in memory until the end,
 * when they are copied into the HAR file in time order. Memory holds only a small index per
 * entry. The spill file is unlinked as soon as it is opened (it vanishes with the process,
 * whatever happens); it lies beside the HAR file, or in the system's temporary directory when
 * that directory cannot take it.
 */
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Micros } from '../core/types.js';
import { readFully, writeFully } from '../io/files.js';

interface Indexed {
  readonly ts: Micros;
  readonly flowId: number;
  readonly index: number;
  readonly at: number;
  readonly length: number;
}

/** Entries appended in any order, read back sorted by (ts, flowId, index). */
export class EntrySpill {
  private readonly fd: number;
  private readonly entries: Indexed[] = [];
  private size = 0;

  /** Opens an unlinked spill file for the HAR file `harPath`. @throws the fs error when neither place takes one. */
  constructor(harPath: string) {
    let fd: number;
    const beside = join(dirname(harPath), `.${basename(harPath)}.${process.pid}.entries`);
    try {
      fd = openSync(beside, 'wx+', 0o600);
      unlinkSync(beside);
    } catch {
      const dir = mkdtempSync(join(tmpdir(), 'flowspy-har-'));
      try {
        fd = openSync(join(dir, 'entries'), 'wx+', 0o600);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    this.fd = fd;
  }

  /** Number of entries held. */
  get count(): number {
    return this.entries.length;
  }

  /** Appends one entry's JSON text. @throws the fs error of a failed write (e.g. ENOSPC). */
  add(ts: Micros, flowId: number, index: number, json: string): void {
    const bytes = Buffer.from(json, 'utf8');
    writeFully(this.fd, bytes, 0, bytes.length, this.size);
    this.entries.push({ ts, flowId, index, at: this.size, length: bytes.length });
    this.size += bytes.length;
  }

  /** Calls `write` with the entries' JSON bytes in time order, in batches of about a megabyte. */
  each(write: (bytes: Uint8Array) => void): void {
    const sorted = [...this.entries].sort((a, b) => a.ts - b.ts || a.flowId - b.flowId || a.index - b.index);
    const separator = Buffer.from(',\n');
    let batch: Uint8Array[] = [];
    let batched = 0;
    sorted.forEach((entry, i) => {
      const bytes = Buffer.allocUnsafe(entry.length);
      readFully(this.fd, bytes, 0, entry.length, entry.at);
      if (i > 0) batch.push(separator);
      batch.push(bytes);
      batched += bytes.length;
      if (batched >= 1 << 20) {
        write(Buffer.concat(batch));
        batch = [];
        batched = 0;
      }
    });
    if (batch.length > 0) write(Buffer.concat(batch));
  }

  /** Closes the spill file (it is already unlinked). */
  close(): void {
    closeSync(this.fd);
  }
}
