/**
 * Proxy mode: one {@link RecordingProxy} per `-L`, sharing one flow-id counter, all feeding the
 * same sink. Runs until SIGINT/SIGTERM: then stops accepting, lets the outputs flush and
 * resolves with exit code 0.
 */
import type { FlowEventSink } from '../core/types.js';
import { parseForwardSpec } from '../proxy/forwardSpec.js';
import { RecordingProxy } from '../proxy/proxy.js';
import type { CliConfig } from './args.js';

/** Starts the proxies and waits for a stop signal; `finish` flushes the outputs. */
export async function runProxy(config: CliConfig, sink: FlowEventSink, finish: () => Promise<void>): Promise<number> {
  const specs = config.forwards.map(parseForwardSpec);
  let nextId = 1;
  const nextFlowId = () => nextId++;
  const proxies = specs.map((spec) => new RecordingProxy({ spec, emit: sink, nextFlowId }));
  try {
    for (const proxy of proxies) {
      const bound = await proxy.listen();
      const spec = specs[proxies.indexOf(proxy)];
      if (!config.quiet) {
        process.stderr.write(`flowspy: listening on ${formatHostPort(bound.address, bound.port)}, relaying to ${formatHostPort(spec.targetHost, spec.targetPort)}\n`);
      }
    }
  } catch (err) {
    await Promise.all(proxies.map((p) => p.close().catch(() => undefined)));
    throw err;
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await Promise.all(proxies.map((p) => p.close()));
  await finish();
  if (!config.quiet) process.stderr.write(`flowspy: ${nextId - 1} connections relayed\n`);
  return 0;
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
