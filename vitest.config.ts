import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';

const FIREFOX_E2E = 'tests/e2e/firefox*.test.ts';

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [preact()],
        test: {
          name: 'unit',
          include: ['src/**/*.test.{ts,tsx}', 'tests/**/*.test.{ts,tsx}'],
          exclude: ['tests/e2e/**'],
          environment: 'node',
        },
      },
      {
        // The examples import the package by its name, as its users do; here it is the API's source.
        resolve: { alias: { 'oauth-lens': fileURLToPath(new URL('./src/cli/api.ts', import.meta.url)) } },
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts', 'examples/**/*.test.ts'],
          exclude: [FIREFOX_E2E],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One browser at a time within a project: each file starts its own browser and demo servers.
          fileParallelism: false,
        },
      },
      {
        // Firefox's files run beside Chromium's (projects run in parallel): a sign-in mostly waits on redirects
        // and timers, so two browsers share two cores without slowing each other much.
        test: {
          name: 'e2e-firefox',
          include: [FIREFOX_E2E],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
