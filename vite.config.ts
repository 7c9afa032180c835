import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { crx } from '@crxjs/vite-plugin';
import manifest from './manifest.json' with { type: 'json' };

// The extension build. The panel page is only referenced at run time by
// `devtools.panels.create`, so crxjs cannot discover it from the manifest: it is an extra input.
export default defineConfig({
  plugins: [preact(), crx({ manifest })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        panel: 'src/devtools/panel.html',
      },
    },
  },
});
