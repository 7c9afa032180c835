// The demo clients built from the vendors' real SPA SDKs (demo/client/sdk/<name>.js, each importing its SDK from
// node_modules, unmodified) are bundled for the browser with vite into dist-demo/sdk/<name>.js, which the client
// app serves. A stamp (a hash of the lockfile and of the pages' sources) says whether a bundle is current, so the
// recorder and the end-to-end tests, which start the demo many times, build once. `npm run build` builds them too.
//
//   npx tsx demo/sdk-bundles.ts   build them if stale
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The SDK client pages, by the name of their entry module in demo/client/sdk/. */
export const SDK_CLIENTS = ['auth0', 'okta', 'oidc-client-ts', 'keycloak', 'msal'] as const;
export type SdkClient = (typeof SDK_CLIENTS)[number];

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SOURCE_DIR = `${ROOT}demo/client/sdk/`;
/** Where the client app finds the bundles. */
export const SDK_BUNDLE_DIR = `${ROOT}dist-demo/sdk/`;
const STAMP = `${SDK_BUNDLE_DIR}.stamp`;

async function currentStamp(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await readFile(`${ROOT}package-lock.json`));
  for (const name of (await readdir(SOURCE_DIR)).sort()) hash.update(name).update(await readFile(SOURCE_DIR + name));
  return hash.digest('hex');
}

/** Builds the bundles unless the ones in dist-demo/sdk/ were built from the same lockfile and sources. */
export async function ensureSdkBundles(): Promise<void> {
  const stamp = await currentStamp();
  if ((await readFile(STAMP, 'utf8').catch(() => '')) === stamp) return;
  // Built beside the old copy and moved in place, so a demo starting meanwhile never sees half a build.
  const staging = `${ROOT}dist-demo/.staging-${process.pid}/`;
  // Loaded only when a build is due: every demo start checks the stamp, few build.
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir: staging,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      modulePreload: false,
      rollupOptions: {
        input: Object.fromEntries(SDK_CLIENTS.map((name) => [name, `${SOURCE_DIR}${name}.js`])),
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  });
  await writeFile(`${staging}.stamp`, stamp);
  await rm(SDK_BUNDLE_DIR, { recursive: true, force: true });
  await rename(staging, SDK_BUNDLE_DIR).catch(async (error: NodeJS.ErrnoException) => {
    // Another process moved its identical build in first.
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    await rm(staging, { recursive: true, force: true });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await ensureSdkBundles();
