import { defineConfig, type Plugin, type PluginOption, type UserConfig } from 'vite';
import preact from '@preact/preset-vite';
import { crx } from '@crxjs/vite-plugin';
import manifest from './manifest.json' with { type: 'json' };

/**
 * The extension build for one browser, given its crxjs plugin and output folder (Firefox: vite.firefox.config.ts).
 * The panel page is only referenced at run time by `devtools.panels.create`, so crxjs cannot discover it from
 * the manifest: it is an extra input.
 */
export function extensionConfig(crxPlugin: PluginOption, outDir: string): UserConfig {
  return {
    plugins: [preact(), crxPlugin, contentScriptsNotWebAccessible()],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: {
        input: {
          panel: 'src/devtools/panel.html',
        },
        output: { entryFileNames: backgroundWithoutHash, chunkFileNames: backgroundWithoutHash },
      },
    },
  };
}

/**
 * The worker's chunk gets a fixed name. crxjs names the scripts it imports with `?iife` by a hash of their absolute
 * path, which reaches the worker's chunk before Rollup hashes it: its name would change with the folder the
 * extension is built in, and the add-on built from the source archive would differ from the one submitted.
 */
function backgroundWithoutHash(chunk: { facadeModuleId: string | null }): string {
  return chunk.facadeModuleId?.endsWith('/src/background/index.ts') ? 'assets/background.js' : 'assets/[name]-[hash].js';
}

/**
 * crxjs lists the scripts imported with `?iife` (src/background/page-bodies.ts registers them at run time) in
 * `web_accessible_resources` for every http(s) page, which would let any site load them and so tell that OAuth Lens
 * is installed. The browser loads a registered content script itself, which needs no such entry
 * (crxjs/chrome-extension-tools#1130): drop them again.
 */
function contentScriptsNotWebAccessible(): Plugin & { renderCrxManifest(manifest: chrome.runtime.ManifestV3): chrome.runtime.ManifestV3 } {
  return {
    name: 'oauth-lens:content-scripts-not-web-accessible',
    enforce: 'post',
    renderCrxManifest(manifest) {
      const resources = (manifest.web_accessible_resources ?? [])
        .map((entry) => ({ ...entry, resources: entry.resources.filter((file) => !file.startsWith('src/content/')) }))
        .filter((entry) => entry.resources.length);
      const { web_accessible_resources: _exposed, ...rest } = manifest;
      return resources.length ? { ...rest, web_accessible_resources: resources } : rest;
    },
  };
}

// The Chrome extension.
export default defineConfig(extensionConfig(crx({ manifest }), 'dist'));
