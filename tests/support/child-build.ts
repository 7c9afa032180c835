/**
 * The environment for a build a test starts (`vite build`, `npm pack`): the test's own minus what vitest sets.
 * vitest sets NODE_ENV=test, which a child `vite build` would inherit and bundle Preact's development build with.
 */
export const childBuildEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV' && !name.startsWith('VITEST')),
);
