import { defineConfig } from 'vite';
import { builtinModules } from 'node:module';

// The command line: the pure core and the HAR adapter bundled into one Node ESM file.
export default defineConfig({
  build: {
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    ssr: 'src/cli/main.ts',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
      output: { entryFileNames: 'oauth-lens.js', format: 'es' },
    },
  },
  ssr: { noExternal: true },
});
