/**
 * oidc-provider warns, for a production deployment, about what the demo does on purpose: "Unsupported runtime"
 * on Node 20 (it wants Node 22 LTS; the demo and its tests run on 20.19 too), and, once per server (six of them),
 * "a quick start development-only in-memory adapter is used" (the demo's servers keep nothing: restart one and
 * sign in again). Instead of those seven lines, one says so, once per process; any other notice of oidc-provider
 * is printed as it comes. Imported before oidc-provider, whose import prints the first one.
 */
const EXPECTED = [
  /^oidc-provider WARNING: Unsupported runtime\b/,
  /^oidc-provider WARNING: a quick start development-only in-memory adapter/,
];
const EXPLANATION =
  'demo: oidc-provider warns that it prefers Node 22 and keeps its state in memory: both expected (the demo servers are throwaway)';

let explained = false;
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  // oidc-provider colours the line when stderr is a terminal.
  const text = typeof args[0] === 'string' ? args[0].replace(/\x1b\[[\d;]*m/g, '') : '';
  if (EXPECTED.some((notice) => notice.test(text))) {
    if (!explained) warn(EXPLANATION);
    explained = true;
    return;
  }
  warn(...args);
};
