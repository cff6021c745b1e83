// One vitest run for the whole repository, so `npm test` ends with one summary: the backend and
// integration tests (tests/**, Node, real ptys, brokers, stores and browser) and the dashboard's
// component tests (jsdom, configured in dashboard/vite.config.ts). Run one file with
// `npx vitest run tests/edge/modbus-rtu.test.ts`, one project with `--project node`.
import { defineConfig } from 'vitest/config';

// Deadlines only stop a broken test from hanging; no test asserts on elapsed time.
const DEADLINE_MS = 180_000;

export default defineConfig({
  test: {
    // Two test files at a time across both projects, as before on a 2-core machine: each backend
    // file starts processes (socat, brokers, influxd, hallmon, Chromium) of its own.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'node',
          include: ['tests/**/*.test.ts'],
          environment: 'node',
          // Child processes, not worker threads: the tests load native addons (better-sqlite3,
          // serialport), spawn and signal processes, and change process-wide state.
          pool: 'forks',
          testTimeout: DEADLINE_MS,
          hookTimeout: DEADLINE_MS,
          // The product logs at info; tests read warnings and errors only unless asked otherwise.
          env: { HALLMON_LOG_LEVEL: process.env.HALLMON_LOG_LEVEL ?? 'warn' },
        },
      },
      'dashboard/vite.config.ts',
    ],
  },
});
