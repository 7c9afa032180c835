/**
 * The store packages, from the built extension (`npm run package`, scripts/package.ts):
 * - `oauth-lens-chrome-<version>.zip`: dist/ with manifest.json at the root, as the Chrome Web Store takes it;
 * - `oauth-lens-firefox-<version>.zip`: dist-firefox/, as addons.mozilla.org takes it;
 * - `oauth-lens-source-<version>.zip`: what AMO asks of an add-on whose code is bundled: the sources the
 *   add-on is built from, the lock file, and BUILD.md saying how to build it.
 * Source maps are left out of the add-ons (a store does not need them, and they would double the size). The zips
 * are reproducible: entries sorted, one fixed date.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type Zippable, zipSync } from 'fflate';

export const ROOT = join(import.meta.dirname, '..');

/** Every file under `dir`, as `/`-separated paths relative to it, sorted. */
export function filesUnder(dir: string): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) files.push(relative(dir, child).split(sep).join('/'));
    }
  };
  walk(dir);
  return files.sort();
}

// Zip's DOS dates start in 1980; any fixed date makes two builds of the same files byte-identical.
const FIXED_DATE = new Date('2026-01-01T00:00:00Z');

/** A zip of the given files of `dir`, each stored at its path relative to `dir`. */
export function zipFiles(dir: string, files: readonly string[]): Uint8Array {
  const entries: Zippable = {};
  for (const file of files) entries[file] = [readFileSync(join(dir, file)), { mtime: FIXED_DATE }];
  return zipSync(entries, { level: 9 });
}

/** A built extension (dist/ or dist-firefox/) as a store zip: everything but source maps. */
export function extensionZip(buildDir: string): Uint8Array {
  return zipFiles(
    buildDir,
    filesUnder(buildDir).filter((file) => !file.endsWith('.map')),
  );
}

/**
 * What the add-on is built from (vite.config.ts, vite.firefox.config.ts and what they read): the sources
 * without their tests, the icons, the manifest, the TypeScript settings and the exact dependency versions.
 */
export const SOURCE_ROOT_FILES = [
  'LICENSE',
  'README.md',
  'manifest.json',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'vite.config.ts',
  'vite.firefox.config.ts',
];
export const SOURCE_DIRECTORIES = ['src', 'assets'];
const isTest = (file: string) => /\.test\.tsx?$/.test(file);

export function sourceFiles(root = ROOT): string[] {
  const inDirectories = SOURCE_DIRECTORIES.flatMap((dir) => filesUnder(join(root, dir)).map((file) => `${dir}/${file}`));
  return [...SOURCE_ROOT_FILES, ...inDirectories.filter((file) => !isTest(file))].sort();
}

/** BUILD.md of the source archive: the steps an AMO reviewer follows to get dist-firefox/ from it. */
export function buildInstructions(version: string): string {
  return `# Building OAuth Lens ${version} for Firefox from this source

The add-on's JavaScript is bundled by Vite from the TypeScript and Preact sources in \`src/\`. Nothing is
minified beyond what Vite does by default, and no code is fetched at run time.

Requirements: Node.js 20.19 or later (with npm 10), on Linux, macOS or Windows; no other tool.

\`\`\`sh
# the exact dependency versions of package-lock.json; puppeteer is only used by the tests, skip its browser
PUPPETEER_SKIP_DOWNLOAD=1 npm ci
npx vite build --config vite.firefox.config.ts
\`\`\`

The add-on is then in \`dist-firefox/\`: its files are those of the submitted \`oauth-lens-firefox-${version}.zip\`,
byte for byte. (\`npx vite build\` builds the Chrome extension into \`dist/\` the same way.)

Source: https://github.com/oauth-lens/oauth-lens (licence: MIT, see LICENSE).
`;
}

export function sourceZip(version: string, root = ROOT): Uint8Array {
  const entries: Zippable = {};
  for (const file of sourceFiles(root)) entries[file] = [readFileSync(join(root, file)), { mtime: FIXED_DATE }];
  entries['BUILD.md'] = [new TextEncoder().encode(buildInstructions(version)), { mtime: FIXED_DATE }];
  return zipSync(entries, { level: 9 });
}

export interface StorePackage {
  file: string;
  bytes: Uint8Array;
}

/** The three packages of this version, from dist/ and dist-firefox/ as built. */
export function storePackages(root = ROOT): StorePackage[] {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return [
    { file: `oauth-lens-chrome-${version}.zip`, bytes: extensionZip(join(root, 'dist')) },
    { file: `oauth-lens-firefox-${version}.zip`, bytes: extensionZip(join(root, 'dist-firefox')) },
    { file: `oauth-lens-source-${version}.zip`, bytes: sourceZip(version, root) },
  ];
}
