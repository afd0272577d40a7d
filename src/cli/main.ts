/**
 * The flowspy command: parses flags, wires one source (capture file, live interface or proxy) to the chosen
 * views, prints a summary on stderr. The only place that picks. Errors a user can act on are
 * one line on stderr and a non-zero exit; never a stack trace (unless FLOWSPY_DEBUG is set).
 */
import { countOf } from '../core/count.js';
import { errorLine, UserError } from '../core/errors.js';
import { escapeText } from '../render/escape.js';
import type { FlowEvent, FlowEventSink } from '../core/types.js';
import { FailSafeOutputs } from '../outputs/failSafe.js';
import type { FlowOutput } from '../outputs/types.js';
import { parseArgs, USAGE, type CliConfig } from './args.js';
import { formatCaptureSummary, runCapture } from '../engine/captureRun.js';
import { formatLiveSummary, runLive } from '../engine/liveRun.js';
import { listInterfaces } from '../capture/live.js';
import { buildOutputs } from './outputs.js';
import { packageVersion } from './version.js';
import { runTuiCommand, wantsTui } from './tuiRun.js';
import { EXIT_DAMAGED, EXIT_INTERRUPTED, EXIT_OUTPUT_FAILED } from './exitCodes.js';
import { formatProxySummary, runProxy } from '../engine/proxyRun.js';
import { ignoreHangupsFromNow, releaseHungUpStdioAtExit } from '../io/hungUpStdio.js';
import { stdoutSink } from '../outputs/byteSinks.js';
import { SpoolingTextWriter } from '../outputs/spoolingTextWriter.js';
import { OutputClosedError, stdoutWriteError, TextWriter } from '../outputs/textWriter.js';

/**
 * Proxy mode, at shutdown: give up writing the spooled stdout text when its reader took nothing
 * for this long (a pager nobody scrolls). A second Ctrl-C gives up at once.
 */
const STDOUT_STALL_MS = 10_000;

/**
 * Calls `stop` at the first SIGINT or SIGTERM (a second one has Node's default effect) and at
 * every SIGHUP: the terminal going away stops a headless run as Ctrl-C does, as tcpdump and tshark
 * finish their files then, and its hangup comes twice (the kernel's, the terminal owner's).
 * Returns the function that removes them; SIGHUP stays ignored after it (files may still be written).
 */
function onStopSignals(stop: () => void): () => void {
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.on('SIGHUP', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // A hangup comes twice (the kernel, the terminal's owner), the second maybe while the files
    // are still being finished: from now on it is ignored, never the default (death).
    ignoreHangupsFromNow();
    process.off('SIGHUP', stop);
  };
}

/** Set when the process must exit without waiting for the event loop (a stdout write left pending). */
let exitWhenDone = false;

async function main(argv: string[]): Promise<number> {
  // After a hangup the terminal refuses writes: stderr has nobody to tell, and the exit must
  // not trip on the dead terminal either.
  process.stderr.on('error', () => undefined);
  releaseHungUpStdioAtExit();
  const config = parseArgs(argv);
  if (config.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (config.version) {
    process.stdout.write(`flowspy ${packageVersion()}\n`);
    return 0;
  }
  if (config.listInterfaces) {
    process.stdout.write(formatInterfaces());
    return 0;
  }
  // The capture and the keys (or, headless, nothing at all) would both be read from the terminal.
  if (config.readFile === '-' && process.stdin.isTTY) throw new UserError('-r -: standard input is the terminal: pipe a capture in (tcpdump -w - | flowspy -r -)');
  if (wantsTui(config)) return runTuiCommand(config);
  if (config.readFile === undefined && config.interface === undefined) return runProxyCommand(config);
  // A capture source can wait for the reader of stdout: blocking batched writes keep memory bounded.
  const stdout = new TextWriter(1);
  const outputs = buildOutputs(withDefaultView(config), stdout.write);
  try {
    if (config.readFile !== undefined) return await runCaptureCommand(config, outputs, stdout);
    return await runLiveCommand(config, config.interface!, outputs, stdout);
  } catch (err) {
    await closeAll(outputs).catch(() => undefined);
    try {
      stdout.flush();
    } catch {
      // the reader is gone; nothing more to say there
    }
    throw err;
  }
}

/**
 * `-L`: the proxy must never wait for the reader of stdout (that would stall every relayed
 * connection), so text goes through a {@link SpoolingTextWriter}: RAM up to a budget, then a
 * spill file, written out asynchronously in order. At SIGINT/SIGTERM/SIGHUP the proxies close, the
 * outputs flush, and the spooled text is written out; that wait ends when the reader took
 * nothing for {@link STDOUT_STALL_MS} or at a second signal, with one line on stderr saying how
 * many bytes were not written (exit code still 0, the process exits at once). When the reader
 * goes away (EPIPE) the proxy stops and the command exits 0 quietly, as in capture mode.
 * An output that fails while the proxy runs (a file error of `-o` or `-w`) is dropped with one
 * line on stderr ({@link FailSafeOutputs}); the proxy keeps relaying and the exit code is 1.
 */
async function runProxyCommand(config: CliConfig): Promise<number> {
  // The first signal, or the reader of stdout going away, stops the proxy; a second signal stops
  // the wait for stdout.
  const stop = new AbortController();
  const giveUp = new AbortController();
  const stdout = new SpoolingTextWriter({ sink: stdoutSink(), onClosed: () => stop.abort() });
  let signals = 0;
  const onSignal = (): void => {
    if (++signals === 1) stop.abort();
    else giveUp.abort();
  };
  const onHangUp = (): void => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onHangUp);
  let outputs: FlowOutput[] = [];
  let finishing = false;
  const drainStdout = async (): Promise<void> => {
    const unwritten = await stdout.end({ stallTimeoutMs: STDOUT_STALL_MS, signal: giveUp.signal });
    if (unwritten > 0) {
      exitWhenDone = true;
      const why = giveUp.signal.aborted ? 'stopped waiting for the reader of stdout' : `the reader of stdout took nothing for ${STDOUT_STALL_MS / 1000} s`;
      process.stderr.write(`flowspy: ${why}; ${countOf(unwritten, 'byte')} of output not written\n`);
    }
    if (stdout.closedBy) throw stdoutWriteError(stdout.closedBy);
  };
  try {
    outputs = buildOutputs(withDefaultView(config), stdout.write);
    const failSafe = new FailSafeOutputs(outputs, reportError);
    const onListening = (listen: string, target: string): void => {
      if (!config.quiet) process.stderr.write(`flowspy: listening on ${listen}, relaying to ${target}\n`);
    };
    // A problem the proxy goes on with is said at once, -q or not: connections may be lost.
    const onProblem = (line: string): void => void process.stderr.write(`flowspy: ${line}\n`);
    const stats = await runProxy({ forwards: config.forwards, onListening, onProblem }, failSafe.sink, async () => {
      finishing = true;
      try {
        await failSafe.close();
      } finally {
        await drainStdout();
      }
    }, stop.signal);
    if (!config.quiet) process.stderr.write(formatProxySummary(stats) + '\n');
    return failSafe.failed ? EXIT_OUTPUT_FAILED : 0;
  } catch (err) {
    if (!finishing) {
      await closeAll(outputs).catch(() => undefined);
      await drainStdout().catch(() => undefined);
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onHangUp);
  }
}

/** Headless with no output asked for, stdout gets the sockspy-style log by default. */
function withDefaultView(config: CliConfig): CliConfig {
  if (config.textView || config.outputDir || config.writePcap || config.har) return config;
  return { ...config, textView: 'log' };
}

async function runCaptureCommand(config: CliConfig, outputs: FlowOutput[], stdout: TextWriter): Promise<number> {
  const abort = new AbortController();
  const removeSignals = onStopSignals(() => abort.abort());
  try {
    const summary = await runCapture({
      source: config.readFile!,
      ...(config.filter ? { filter: config.filter } : {}),
      sinks: outputSinks(outputs),
      signal: abort.signal,
      onProgress: () => {
        stdout.flush();
        return backlogOf(outputs);
      },
    });
    await closeAll(outputs);
    stdout.flush();
    if (!config.quiet) process.stderr.write(formatCaptureSummary(summary) + '\n');
    if (summary.error) {
      reportError(summary.error.message);
      return EXIT_DAMAGED;
    }
    return summary.interrupted ? EXIT_INTERRUPTED : 0;
  } finally {
    removeSignals();
  }
}

/** `-i IFACE`: captures until SIGINT/SIGTERM/SIGHUP, then finishes the flows and prints the summary. */
async function runLiveCommand(config: CliConfig, device: string, outputs: FlowOutput[], stdout: TextWriter): Promise<number> {
  const abort = new AbortController();
  const removeSignals = onStopSignals(() => abort.abort());
  try {
    const summary = await runLive({
      device,
      ...(config.filter ? { filter: config.filter } : {}),
      sinks: outputSinks(outputs),
      signal: abort.signal,
      onStart: (linkType) => {
        if (!config.quiet) process.stderr.write(`flowspy: listening on ${device} (link type ${linkType}), Ctrl-C to stop\n`);
      },
      onProgress: () => stdout.flush(),
    });
    await closeAll(outputs);
    stdout.flush();
    if (!config.quiet) process.stderr.write(formatLiveSummary(summary) + '\n');
    return 0;
  } finally {
    removeSignals();
  }
}

/** `-D`: one interface per line, numbered as tcpdump -D numbers them. */
function formatInterfaces(): string {
  return listInterfaces()
    .map((dev, i) => {
      const notes = [dev.loopback ? 'loopback' : '', dev.description ?? '', dev.addresses.join(' ')].filter((n) => n !== '');
      return `${i + 1}.${dev.name}${notes.length ? ` (${notes.join(', ')})` : ''}\n`;
    })
    .join('');
}

/** One sink per output, in order (runCapture and runLive fan an event out to their sinks). */
function outputSinks(outputs: FlowOutput[]): FlowEventSink[] {
  return outputs.map((output) => (event: FlowEvent) => output.handle(event));
}

/** Resolves when every output that asked the producer to wait has caught up; undefined if none did. */
function backlogOf(outputs: FlowOutput[]): Promise<void> | undefined {
  let waits: Promise<void>[] | undefined;
  for (const output of outputs) {
    const wait = output.backlog?.();
    if (wait) (waits ??= []).push(wait);
  }
  return waits && Promise.all(waits).then(() => undefined);
}

/** One error line on stderr. Messages may quote a file name, a filter or a host name: escaped, never raw. */
function reportError(message: string): void {
  process.stderr.write(`flowspy: ${escapeText(message)}\n`);
}

async function closeAll(outputs: FlowOutput[]): Promise<void> {
  for (const output of outputs) await output.close();
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof OutputClosedError) {
      process.exitCode = 0;
      return;
    }
    if (err instanceof UserError) {
      reportError(err.message);
      process.exitCode = err.exitCode;
      return;
    }
    reportError(`internal error: ${errorLine(err)} (set FLOWSPY_DEBUG=1 for details)`);
    if (process.env.FLOWSPY_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    process.exitCode = 70;
  },
).then(() => {
  if (exitWhenDone) process.exit();
});
