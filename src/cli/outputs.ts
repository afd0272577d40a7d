/**
 * Builds the headless outputs the command line asked for. The one place that picks them.
 */
import { ConsoleOutput } from '../outputs/console.js';
import { outputFileBudget } from '../outputs/descriptorBudget.js';
import { DirectoryOutput } from '../outputs/dir.js';
import { HarOutput } from '../outputs/har.js';
import { JsonOutput } from '../outputs/json.js';
import { LogOutput } from '../outputs/log.js';
import { openPcapFileOutput } from '../outputs/pcapFile.js';
import type { FlowOutput, TextSink } from '../outputs/types.js';
import { escapeText } from '../render/escape.js';
import { liveRamBudget } from '../store/payloadStore.js';
import type { CliConfig } from './args.js';
import { packageVersion } from './version.js';

/** How long `--log` holds a partial line of a live source before writing it as it is. */
const PARTIAL_LINE_MS = 200;

/**
 * The outputs for `config`, text ones writing to `out`. When one cannot be opened, those already
 * opened are closed (a directory output's writer thread would keep the process alive) and the
 * error is thrown. In proxy mode (no `-r`, no `-i`) the directory output keeps only a small share
 * of the free descriptors open, leaving the rest for the proxy's sockets; for a live capture it
 * may hold as much waiting for the disk as the store holds in RAM. `--har` reports the
 * exchanges it left out, `-o` the big gaps its files hold as sparse holes, on stderr when they close (unless `-q`).
 */
export function buildOutputs(config: CliConfig, out: TextSink): FlowOutput[] {
  const outputs: FlowOutput[] = [];
  const report = config.quiet ? undefined : (line: string) => void process.stderr.write(`flowspy: ${escapeText(line)}\n`);
  try {
    if (config.outputDir !== undefined) {
      const proxy = config.forwards.length > 0;
      // A live capture cannot be asked to wait: a burst the disk does not take at once waits in RAM, as the store's does.
      const live = config.interface !== undefined ? { maxPendingBytes: liveRamBudget() } : {};
      outputs.push(new DirectoryOutput({ dir: config.outputDir, maxOpenFiles: outputFileBudget(proxy ? 'proxy' : 'capture'), ...live, ...(report ? { report } : {}) }));
    }
    if (config.writePcap !== undefined) outputs.push(openPcapFileOutput(config.writePcap));
    if (config.har !== undefined) outputs.push(new HarOutput({ path: config.har, creatorVersion: packageVersion(), ...(report ? { report } : {}) }));
  } catch (err) {
    for (const output of outputs) void Promise.resolve(output.close()).catch(() => undefined);
    throw err;
  }
  const live = config.forwards.length > 0 || config.interface !== undefined;
  switch (config.textView) {
    case 'console': outputs.push(new ConsoleOutput(out, { hex: config.hex })); break;
    // Live (the proxy, an interface): a prompt waiting for its answer is shown, as sockspy shows it.
    case 'log': outputs.push(new LogOutput(out, { timestamps: config.timestamps, hex: config.hex, ...(live ? { partialLineMs: PARTIAL_LINE_MS } : {}) })); break;
    case 'json': outputs.push(new JsonOutput(out)); break;
  }
  return outputs;
}
