/**
 * The Firefox add-on in dist-firefox/ as addons.mozilla.org would judge it: `web-ext lint` (Mozilla's
 * addons-linter) reports no error. Warnings are listed in the test output for a person to weigh; today the one
 * left is UNSAFE_VAR_ASSIGNMENT in Preact's runtime (its support for dangerouslySetInnerHTML, which no view of
 * OAuth Lens uses). `npm test`
 * builds first; when the add-on is missing or older than its sources (a lone `vitest run`), it is built here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import webExt, { type LintMessage } from 'web-ext';
import { beforeAll, describe, expect, it } from 'vitest';
import { childBuildEnv } from './support/child-build.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const addon = join(root, 'dist-firefox');
const builtManifest = join(addon, 'manifest.json');
const BUILD_INPUTS = ['src', 'manifest.json', 'package.json', 'vite.config.ts', 'vite.firefox.config.ts'];

/** Newest modification time of a file, or of any file under a directory. */
function newest(path: string): number {
  if (!statSync(path).isDirectory()) return statSync(path).mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

beforeAll(() => {
  const sources = Math.max(...BUILD_INPUTS.map((input) => newest(join(root, input))));
  if (!existsSync(builtManifest) || statSync(builtManifest).mtimeMs < sources) {
    execFileSync('npx', ['vite', 'build', '--config', 'vite.firefox.config.ts'], { cwd: root, stdio: 'pipe', env: childBuildEnv });
  }
}, 120_000);

const describeMessage = (m: LintMessage) =>
  `${m.code} in ${m.file ?? '?'}${m.line ? `:${m.line}:${m.column ?? 0}` : ''}: ${m.message} (${m.description})`;

describe('the Firefox add-on (dist-firefox/)', () => {
  it('declares what Firefox needs: background scripts, a gecko id, data collection none, no Chrome-only key', () => {
    const manifest = JSON.parse(readFileSync(builtManifest, 'utf8'));
    expect(manifest.background).toEqual({ scripts: [expect.any(String)], type: 'module' });
    expect(manifest.browser_specific_settings.gecko).toEqual({
      id: 'oauth-lens@oauth-lens.dev',
      strict_min_version: '140.0',
      data_collection_permissions: { required: ['none'] },
    });
    expect(manifest).not.toHaveProperty('minimum_chrome_version');
  });

  it('asks for the stream filter permissions (response bodies) in Firefox only, and not for Chrome-only ones', () => {
    const manifest = JSON.parse(readFileSync(builtManifest, 'utf8'));
    const chrome = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
    // scripting (page-reported bodies), webNavigation (arming) and the optional debugger are Chrome's alone.
    const chromeOnly = ['scripting', 'webNavigation'];
    expect(manifest.permissions).toEqual([
      ...chrome.permissions.filter((p: string) => !chromeOnly.includes(p)),
      'webRequestBlocking',
      'webRequestFilterResponse',
    ]);
    expect(manifest).not.toHaveProperty('optional_permissions');
    expect(chrome.permissions).not.toContain('webRequestBlocking');
    expect(manifest.host_permissions).toEqual(chrome.host_permissions);
  });

  it('passes web-ext lint without an error', async () => {
    const result = await webExt.cmd.lint({ sourceDir: addon, output: 'none' }, { shouldExitProgram: false });
    for (const warning of result.warnings) console.warn(`web-ext lint warning: ${describeMessage(warning)}`);
    expect(result.errors.map(describeMessage)).toEqual([]);
  }, 60_000);
});
