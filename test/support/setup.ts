/**
 * Runs for every test file (vitest setupFiles), also when a worker runs several files: hooks
 * that helpers need after each test are registered here, not at a helper's import (a module is
 * imported once per worker).
 */
import { afterEach } from 'vitest';
import { checkHarnessesAgainstTwins } from '../reassembly/helpers.js';

// The TUI shows local times: every test (and every CLI it starts) runs in UTC unless it sets TZ itself.
process.env.TZ = 'UTC';

afterEach(() => checkHarnessesAgainstTwins());
