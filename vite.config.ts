import { defineConfig, type PluginOption, type UserConfig } from 'vite';
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
    plugins: [preact(), crxPlugin],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: {
        input: {
          panel: 'src/devtools/panel.html',
        },
      },
    },
  };
}

// The Chrome extension.
export default defineConfig(extensionConfig(crx({ manifest }), 'dist'));
