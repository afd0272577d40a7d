/**
 * The command codec between {@link DirectoryOutput} (main thread) and its writer thread
 * (`dirWriterThread.ts`): the setup, the batches of file commands and the reports, typed once
 * and imported by both sides. A batch is a flat list of numbers (cheap to post) with the file
 * names beside it; {@link BatchEncoder} writes it and {@link decodeBatch} reads it back.
 */

/**
 * What the writer needs to start. Payload travels in `slab`, a shared buffer of `slotBytes`-byte
 * slots; the writer gives written slots back through `ring` (an Int32Array over a shared buffer):
 * `ring[0]` counts the slots given back so far, and slot number k (0-based) given back is at
 * `ring[1 + k % (ring.length - 1)]`. The writer updates `ring[0]` with Atomics after each
 * batch and notifies waiters on it; it gives every slot back, even after a failure.
 */
export interface WriterSetup {
  readonly dir: string;
  /** Most descriptors open at once; the writer lowers it when the system refuses one (EMFILE). */
  readonly maxOpenFiles: number;
  readonly slab: SharedArrayBuffer;
  readonly slotBytes: number;
  readonly ring: SharedArrayBuffer;
}

/** Writer → main thread, once per batch (slots come back through the shared ring, not here). */
export interface WriterReport {
  readonly filesCreated: number;
  readonly peakOpenFiles: number;
  /** The first failure, one plain line; later commands are skipped (descriptors still closed). */
  readonly error?: string;
  /** Set on the report of the `end` batch: the writer is done. */
  readonly done?: boolean;
}

/** One batch, main thread → writer, as {@link BatchEncoder.take} builds it. */
export interface WriterBatch {
  readonly ops: number[];
  readonly names: string[];
  /** Asks the writer to close everything, report and exit after the commands. */
  readonly end: boolean;
}

/** The writer's commands, carried out in batch order (see {@link BatchEncoder} for each). */
export interface WriterCommands {
  create(fileId: number, name: string): void;
  write(fileId: number, position: number, slot: number, length: number): void;
  finish(fileId: number, size: number, seconds: number): void;
}

const OP_CREATE = 1;
const OP_WRITE = 2;
const OP_FINISH = 3;

/** Gathers commands for the writer (main thread); {@link take} hands the batch over and starts a new one. */
export class BatchEncoder {
  private ops: number[] = [];
  private names: string[] = [];

  /** True when no command is waiting. */
  get empty(): boolean {
    return this.ops.length === 0;
  }

  /** Create `name` exclusively in the directory (a taken name gets tcpflow's `c1`, `c2`, ... suffix). */
  create(fileId: number, name: string): void {
    this.names.push(name);
    this.ops.push(OP_CREATE, fileId, this.names.length - 1);
  }

  /** Write the first `length` bytes of slab slot `slot` at `position`, then give the slot back. */
  write(fileId: number, position: number, slot: number, length: number): void {
    this.ops.push(OP_WRITE, fileId, position, slot, length);
  }

  /** Extend to `size` when `size >= 0`, set the access and modification times to `seconds` unless NaN, close. */
  finish(fileId: number, size: number, seconds: number): void {
    this.ops.push(OP_FINISH, fileId, size, seconds);
  }

  /** The batch gathered so far (`end`: the last one), leaving the encoder empty. */
  take(end: boolean): WriterBatch {
    const batch: WriterBatch = { ops: this.ops, names: this.names, end };
    this.ops = [];
    this.names = [];
    return batch;
  }
}

/** Calls `commands` for each command of `batch`, in order (writer thread). A throw from a command propagates. */
export function decodeBatch(batch: WriterBatch, commands: WriterCommands): void {
  const { ops, names } = batch;
  for (let i = 0; i < ops.length; ) {
    const op = ops[i];
    if (op === OP_WRITE) {
      commands.write(ops[i + 1], ops[i + 2], ops[i + 3], ops[i + 4]);
      i += 5;
    } else if (op === OP_CREATE) {
      commands.create(ops[i + 1], names[ops[i + 2]]);
      i += 3;
    } else if (op === OP_FINISH) {
      commands.finish(ops[i + 1], ops[i + 2], ops[i + 3]);
      i += 4;
    } else {
      throw new Error(`bad writer command ${op} at ${i}`);
    }
  }
}
