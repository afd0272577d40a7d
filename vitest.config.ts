import { defineConfig } from 'vitest/config';

/**
 * Three groups (vitest projects); `npm test` runs them all, as CI does.
 * - system: needs dist/ (built once, by the global setup), sockets, child processes or root;
 * - corpus: reads ../shared/corpus (located by test/support/corpus.ts) or compares with
 *   tcpflow, tshark or tcpdump (files named *.differential.test.ts);
 * - unit: the rest, the edit loop (`npm run test:unit`): no build, no sockets, no external tool.
 * A new test file is a unit test unless it is listed here or named for the corpus group.
 */
const system = [
  'test/cli/cli.test.ts',
  'test/cli/har.test.ts',
  'test/cli/captureFaults.test.ts',
  'test/cli/outputFaults.test.ts',
  'test/cli/proxy.test.ts',
  'test/cli/proxyStdout.test.ts',
  'test/proxy/proxy.test.ts',
  'test/proxy/load.test.ts',
  'test/proxy/faults.test.ts',
  'test/proxy/resetSocket.test.ts',
  'test/capture/live.test.ts',
  'test/outputs/textWriter.test.ts',
  'test/outputs/pcapFile.test.ts',
  'test/outputs/dir.test.ts',
  'test/tui/screenHarness.test.ts',
  'test/tui/terminalScreen.test.ts',
  'test/tui/terminalTmux.test.ts',
  'test/tui/actions/writePcap.tshark.test.ts',
  'test/tui/actions/curl.bash.test.ts',
  'test/tui/actions/saveFlow.dir.test.ts',
  'test/tui/app/flowList.screen.test.ts',
  'test/tui/app/conversation.screen.test.ts',
  'test/tui/app/lifecycle.screen.test.ts',
  'test/tui/app/hostile.screen.test.ts',
  'test/tui/app/terminals.screen.test.ts',
  'test/tui/app/proxy.screen.test.ts',
  'test/tui/app/live.screen.test.ts',
  'test/tui/app/unicode.screen.test.ts',
  'test/tui/app/messages.screen.test.ts',
  'test/tui/app/body.screen.test.ts',
  'test/tui/app/saveKeys.screen.test.ts',
  'test/tui/app/signals.screen.test.ts',
  'test/tui/app/exchanges.screen.test.ts',
  'test/tui/app/mouse.screen.test.ts',
  'test/tui/app/suspend.screen.test.ts',
  'test/tui/app/smallScreen.screen.test.ts',
];
const corpus = ['test/corpus/**/*.test.ts', 'test/**/corpus.test.ts', 'test/**/*.differential.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/support/setup.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...system, ...corpus] } },
      { extends: true, test: { name: 'system', include: system, globalSetup: ['test/globalSetup.ts'] } },
      { extends: true, test: { name: 'corpus', include: corpus } },
    ],
  },
});
