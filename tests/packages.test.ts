/**
 * The store packages of `npm run package` (scripts/packages.ts), unzipped as a store would: the manifest at the
 * root, of this version; only the files on the allowlist below (no source maps, tests or fixtures); every file
 * the manifest and the pages name is in the zip. The source archive AMO asks for builds, by its own BUILD.md,
 * into exactly the Firefox package. The zips are made from the dist/ and dist-firefox/ that `npm test` built
 * (a lone `vitest run` builds them when missing); their sizes are printed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../src/cli/input.ts';
import { filesUnder, ROOT, type StorePackage, storePackages } from '../scripts/packages.ts';
import { childBuildEnv } from './support/child-build.ts';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** What a built extension may hold: its manifest, the worker's loader, the three pages, bundles, styles, icons. */
const EXTENSION_FILES = [
  /^manifest\.json$/,
  /^service-worker-loader\.js$/,
  /^src\/popup\/index\.html$/,
  /^src\/devtools\/(devtools|panel)\.html$/,
  /^assets\/[\w.-]+\.(js|css)$/,
  /^assets\/icons\/icon-(16|32|48|128)\.png$/,
  // Chrome's page-body scripts, registered at run time (src/background/page-bodies.ts); Firefox's build carries
  // them too, unregistered.
  /^src\/content\/(page-hook|relay)\.js$/,
];
const FORBIDDEN = /\.map$|\.test\.|(^|\/)(tests?|fixtures)\//;

const viteBuild = (cwd: string, config: string) =>
  execFileSync('npx', ['vite', 'build', '--config', config], { cwd, env: childBuildEnv, stdio: 'pipe' });

let packages: StorePackage[];
const tmp = mkdtempSync(join(tmpdir(), 'oauth-lens-packages-'));

beforeAll(() => {
  for (const [dir, config] of [
    ['dist', 'vite.config.ts'],
    ['dist-firefox', 'vite.firefox.config.ts'],
  ] as const) {
    if (!existsSync(join(ROOT, dir, 'manifest.json'))) viteBuild(ROOT, config);
  }
  packages = storePackages();
  for (const { file, bytes } of packages) console.log(`${file}: ${formatBytes(bytes.length)}`);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const unzipped = (kind: string): Record<string, Uint8Array> => {
  const found = packages.find((p) => p.file === `oauth-lens-${kind}-${version}.zip`);
  if (!found) throw new Error(`no ${kind} package among ${packages.map((p) => p.file).join(', ')}`);
  return unzipSync(found.bytes);
};

/** The files a manifest names, and those its HTML pages and scripts load (`/assets/…` and `./…` imports). */
function referencedFiles(files: Record<string, Uint8Array>): string[] {
  const manifest = JSON.parse(strFromU8(files['manifest.json']!));
  const named: string[] = [
    ...Object.values<string>(manifest.icons),
    ...Object.values<string>(manifest.action.default_icon),
    manifest.action.default_popup,
    manifest.devtools_page,
    ...(manifest.background.service_worker ? [manifest.background.service_worker] : manifest.background.scripts),
  ];
  for (const [file, bytes] of Object.entries(files)) {
    if (!/\.(js|html)$/.test(file)) continue;
    const text = strFromU8(bytes);
    for (const [, path] of text.matchAll(/["'(]\/(assets\/[\w./-]+\.(?:js|css))["')]/g)) named.push(path!);
    for (const [, path] of text.matchAll(/from\s*["'](\.\.?\/[\w./-]+\.js)["']/g)) named.push(posix.join(posix.dirname(file), path!));
  }
  return [...new Set(named)];
}

describe.each(['chrome', 'firefox'])('the %s package', (kind) => {
  it('has its manifest at the root, of this version, with the icons and the CSP', () => {
    const files = unzipped(kind);
    const manifest = JSON.parse(strFromU8(files['manifest.json']!));
    expect(manifest).toMatchObject({
      manifest_version: 3,
      version,
      content_security_policy: { extension_pages: "script-src 'self'; object-src 'none'" },
    });
    expect(Object.keys(manifest.icons)).toEqual(['16', '32', '48', '128']);
    if (kind === 'firefox') expect(manifest.browser_specific_settings.gecko.id).toBe('oauth-lens@oauth-lens.dev');
    else expect(manifest.background.service_worker).toBe('service-worker-loader.js');
  });

  it('holds only the allowed files, and every file its manifest and pages load', () => {
    const files = unzipped(kind);
    const names = Object.keys(files);
    expect(names.filter((name) => !EXTENSION_FILES.some((allowed) => allowed.test(name)))).toEqual([]);
    expect(names.filter((name) => FORBIDDEN.test(name))).toEqual([]);
    expect(referencedFiles(files).filter((name) => !(name in files))).toEqual([]);
  });
});

describe('the source archive', () => {
  it('holds the sources without tests, the lock file and BUILD.md', () => {
    const files = unzipped('source');
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['BUILD.md', 'LICENSE', 'package-lock.json', 'manifest.json', 'src/background/index.ts']),
    );
    expect(Object.keys(files).filter((name) => FORBIDDEN.test(name))).toEqual([]);
    expect(strFromU8(files['BUILD.md']!)).toContain('npx vite build --config vite.firefox.config.ts');
  });

  it('builds, as BUILD.md says, into exactly the files of the Firefox package', () => {
    const source = join(tmp, 'source');
    for (const [file, bytes] of Object.entries(unzipped('source'))) {
      mkdirSync(dirname(join(source, file)), { recursive: true });
      writeFileSync(join(source, file), bytes);
    }
    // `npm ci` would fetch the lock file's versions: the repository's node_modules are those versions.
    symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
    viteBuild(source, 'vite.firefox.config.ts');
    const firefox = unzipped('firefox');
    const built = filesUnder(join(source, 'dist-firefox'));
    expect(built).toEqual(Object.keys(firefox).sort());
    for (const file of built) expect(readFileSync(join(source, 'dist-firefox', file)).equals(firefox[file]!), file).toBe(true);
  }, 120_000);
});
