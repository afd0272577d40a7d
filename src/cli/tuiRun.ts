/**
 * The TUI command: one source (capture file, live interface or proxy) fills a `FlowStore` and
 * the recordings (`-o`, `-w`) while the full-screen app shows the store. The source is started
 * first and the screen opens only once it is known to work (a missing file, a bad filter or a
 * port in use is one line on stderr, with no screen flash). At `q` (or a signal) the source
 * stops, the terminal is restored, the recordings are finished, then the summary line goes to
 * stderr.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../core/errors.js';
import type { FlowEventSink } from '../core/types.js';
import { captureSourceName } from '../capture/read.js';
import { fanOut, formatCaptureSummary, runCapture, type CaptureRunSummary } from '../engine/captureRun.js';
import type { SourceCounters } from '../engine/counters.js';
import { formatLiveSummary, runLive } from '../engine/liveRun.js';
import { formatProxySummary, runProxy, type ProxyControl } from '../engine/proxyRun.js';
import { FailSafeOutputs } from '../outputs/failSafe.js';
import { escapeText } from '../render/escape.js';
import { FlowStore } from '../store/flowStore.js';
import { liveRamBudget } from '../store/payloadStore.js';
import { MessageTable } from '../messages/messageTable.js';
import { TuiApp, type TuiActions, type TuiSource } from '../tui/app.js';
import { checkTerminal, TerminalError, type CheckedTerminal, type TerminalOptions } from '../tui/terminal.js';
import type { CliConfig } from './args.js';
import { buildOutputs } from './outputs.js';
import { messageFeed } from './messageFeed.js';
import { ProxyListeners, retargetPrompt } from './proxyListeners.js';
import { fileStem } from './fileStem.js';
import { EXIT_DAMAGED, EXIT_INTERRUPTED, EXIT_OUTPUT_FAILED } from './exitCodes.js';
import { tuiActions } from './tuiActions.js';

/**
 * Flows the TUI's store holds (the oldest ended ones are evicted beyond): enough for a
 * 200,000-connection scan, bounded so that a larger one does not take the machine.
 */
const TUI_MAX_FLOWS = 300_000;

/** How long finishing the recordings after the screen closed may take before stderr says it is under way. */
const FINISHING_SAID_MS = 2000;

/** How long the screen waits for a source to prove it works before opening anyway (a FIFO with no writer yet). */
const START_WAIT_MS = 300;

/**
 * True when the TUI should open: stdout is a terminal, keys can come from stdin (a terminal) or,
 * for `-r -`, from /dev/tty, no text view was asked for and `--no-tui` was not given.
 */
export function wantsTui(config: CliConfig): boolean {
  if (config.noTui || config.textView !== undefined || !process.stdout.isTTY) return false;
  return Boolean(process.stdin.isTTY) || config.readFile === '-';
}

/**
 * A source being run: its promise settles with the summary line and exit code when it ends, and
 * what stopped it early: `problem` for stderr, `shownProblem` (when it differs) for the screen.
 */
interface RunningSource {
  readonly ended: Promise<{ summary: string; code: number; problem?: string; shownProblem?: string }>;
  /** Resolves once the source works (file read, interface open, ports bound) or has ended. */
  readonly started: Promise<void>;
}

/** Runs the TUI until the user quits; returns the exit code. Throws UserError before the screen opens. */
export async function runTuiCommand(config: CliConfig): Promise<number> {
  let signalled = false;
  let wake: () => void = () => undefined;
  const onSignal = new Promise<void>((resolve) => (wake = resolve));
  // Before the source starts: a terminal the screen cannot work on is one line, nothing started.
  const checked = checkedTerminal({
    mouse: !config.noMouse,
    onSignal: () => {
      signalled = true;
      wake();
    },
  });
  const stop = new AbortController();
  const kind: TuiSource['kind'] = config.readFile !== undefined ? 'file' : config.interface !== undefined ? 'live' : 'proxy';
  const sourceFile = config.readFile !== undefined && isRegularFile(config.readFile) ? config.readFile : undefined;
  const store = new FlowStore({ maxFlows: TUI_MAX_FLOWS, ramBudgetBytes: liveRamBudget(), ...(sourceFile ? { sourceFile } : {}) });
  let problem: string | undefined;
  let app: TuiApp | undefined;
  const outputs = buildOutputs({ ...config, textView: undefined }, () => undefined);
  // What the outputs that failed said: on the screen as it happens, and on stderr once it is gone.
  const outputFailures: string[] = [];
  const failSafe = new FailSafeOutputs(outputs, (line) => {
    problem = line;
    outputFailures.push(line);
    app?.sourceChanged();
  });
  const messages = new MessageTable();
  const feed = messageFeed(store, messages, sourceFile !== undefined, (flowId) => app?.sourceChanged(flowId));
  // Without outputs (or a message feed) the store's sink is the only one: no fan-out per event.
  const sinks: FlowEventSink[] = [(event) => store.apply(event), ...feed.sinks, ...(outputs.length > 0 ? [failSafe.sink] : [])];
  const state: { counters?: SourceCounters; running: boolean; listeners: ProxyListeners; control?: ProxyControl } = { running: true, listeners: new ProxyListeners(config.forwards) };
  // A problem the source goes on with does not hide one shown already (an output that failed).
  const run = startSource(kind, config, sinks, state, stop.signal, () => failSafe.close(), (line) => {
    problem ??= line;
    app?.sourceChanged();
  });
  const ended = run.ended.then(
    (result) => {
      state.running = false;
      if (result.problem) problem = result.shownProblem ?? result.problem;
      // The status row says so at once: the source's end, then the messages' (`parsing` gone).
      void feed.sourceEnded().then(() => app?.sourceEnded());
      app?.sourceEnded();
      return result;
    },
    (error: unknown) => {
      state.running = false;
      throw error;
    },
  );
  await Promise.race([run.started, ended.then(() => undefined), delay(START_WAIT_MS)]);
  if (!state.running) {
    // Ended before the screen opened: an error, or a source with nothing to show (an empty file is fine).
    const result = await ended;
    if (result.code === EXIT_DAMAGED && store.size === 0) {
      await failSafe.close();
      throw new UserError(result.problem ?? 'damaged capture');
    }
  }

  const terminal = checked.open();
  const recording = recordingLabel(config);
  const source: TuiSource = {
    kind,
    piped: kind === 'file' && sourceFile === undefined,
    label: () => sourceLabel(kind, config, state.listeners),
    ...(kind === 'proxy' ? { shorterLabels: () => state.listeners.shorter() } : {}),
    ...(recording ? { recording } : {}),
    counters: () => state.counters,
    running: () => state.running,
    problem: () => problem,
    activity: () => feed.activity(),
    ...(kind === 'proxy' ? { retarget: (text: string) => state.listeners.retarget(state.control, text), retargetPrompt: retargetPrompt(config.forwards.length), retargetInitial: () => state.listeners.currentTarget() } : {}),
  };
  const actions: TuiActions = tuiActions(store, sourceFile, fileStem(config));
  app = new TuiApp({ terminal, store, source, actions, follow: kind !== 'file', messages: (id) => messages.get(id) });
  await Promise.race([app.closed, onSignal]);
  feed.stop();
  app.dispose();
  terminal.restore();
  stop.abort();
  // A big recording takes a while to finish once the screen is gone: said, rather than a silent terminal.
  const finishing = recording && !config.quiet ? setTimeout(() => process.stderr.write(`flowspy: finishing ${recording.slice('rec '.length)}...\n`), FINISHING_SAID_MS) : undefined;
  let result: Awaited<typeof ended>;
  try {
    result = await ended;
  } finally {
    await failSafe.close().catch(() => undefined);
    clearTimeout(finishing);
    store.dispose();
  }
  if (!config.quiet) process.stderr.write(result.summary + '\n');
  if (result.problem && result.code !== 0) process.stderr.write(`flowspy: ${escapeText(result.problem)}\n`);
  for (const line of outputFailures) process.stderr.write(`flowspy: ${escapeText(line)}\n`);
  if (failSafe.failed) return EXIT_OUTPUT_FAILED;
  // A capture stopped early is interrupted for a signal or ctrl-c, and a choice for `q` (exit 0).
  if ((signalled || app.interrupted) && (result.code === 0 || result.code === EXIT_INTERRUPTED)) return EXIT_INTERRUPTED;
  return result.code === EXIT_INTERRUPTED ? 0 : result.code;
}

/** {@link checkTerminal}, its refusal as a `UserError` (one line, exit 2). */
function checkedTerminal(options: TerminalOptions): CheckedTerminal {
  try {
    return checkTerminal(options);
  } catch (error) {
    throw error instanceof TerminalError ? new UserError(error.message) : error;
  }
}

/** Starts the source in the background; `onProblem` hears a problem it goes on with (the proxy near the open-files limit). */
function startSource(
  kind: TuiSource['kind'],
  config: CliConfig,
  sinks: FlowEventSink[],
  state: { counters?: SourceCounters; listeners: ProxyListeners; control?: ProxyControl },
  signal: AbortSignal,
  finishOutputs: () => Promise<void>,
  onProblem: (line: string) => void,
): RunningSource {
  let started: () => void = () => undefined;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const onCounters = (counters: SourceCounters): void => {
    state.counters = counters;
  };
  const filter = config.filter ? { filter: config.filter } : {};
  if (kind === 'file') {
    // Started once a packet was read: a capture damaged before its first packet ends before the screen opens.
    const onProgress = (): void => {
      if ((state.counters?.packets ?? 0) > 0) started();
    };
    const ended = runCapture({ source: config.readFile!, ...filter, sinks, signal, onCounters, onProgress }).then((summary: CaptureRunSummary) => ({
      summary: formatCaptureSummary(summary),
      code: summary.error ? EXIT_DAMAGED : summary.interrupted ? EXIT_INTERRUPTED : 0,
      // The screen names the file as its status row does (by its base name); stderr by its path.
      ...(summary.error ? { problem: summary.error.message, shownProblem: summary.error.from(fileLabel(config)).message } : {}),
    }));
    return { ended, started: startedPromise };
  }
  if (kind === 'live') {
    const device = config.interface!;
    const ended = runLive({ device, ...filter, sinks, signal, onCounters, onStart: () => started() }).then((summary) => ({
      summary: formatLiveSummary(summary),
      code: 0,
    }));
    return { ended, started: startedPromise };
  }
  const ended = runProxy(
    {
      forwards: config.forwards,
      onCounters,
      onProblem,
      onControl: (control) => (state.control = control),
      onListening: (listen, target) => {
        state.listeners.listening(listen, target);
        if (state.listeners.bound) started();
      },
    },
    fanOut(sinks),
    finishOutputs,
    signal,
  ).then((stats) => ({ summary: formatProxySummary(stats), code: 0 }));
  return { ended, started: startedPromise };
}

/** `rec -o out/ -w run.pcap --har run.har`, the run's recording outputs as typed; '' when none. */
function recordingLabel(config: CliConfig): string {
  const outputs = [
    config.outputDir !== undefined ? `-o ${config.outputDir}` : '',
    config.writePcap !== undefined ? `-w ${config.writePcap}` : '',
    config.har !== undefined ? `--har ${config.har}` : '',
  ].filter(Boolean);
  return outputs.length > 0 ? `rec ${outputs.join(' ')}` : '';
}

function sourceLabel(kind: TuiSource['kind'], config: CliConfig, listeners: ProxyListeners): string {
  const filter = config.filter ? ` ${config.filter}` : '';
  if (kind === 'file') return fileLabel(config) + filter;
  if (kind === 'live') return config.interface! + filter;
  return listeners.label();
}

/** The capture read (`-r`) as the screen names it: its base name, or `stdin`. */
function fileLabel(config: CliConfig): string {
  return basename(captureSourceName(config.readFile!));
}

function isRegularFile(path: string): boolean {
  if (path === '-') return false;
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
