import { defineConfig } from 'vite';
import { builtinModules } from 'node:module';

// The npm package: the command line (oauth-lens.js) and the API (index.js, `import { audit } from 'oauth-lens'`),
// the pure core and the HAR adapter bundled in, sharing one chunk. Node's own modules are the only imports, so
// the package has no dependencies to install. Its types are emitted next to it by tsconfig.api.json.
export default defineConfig({
  build: {
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    ssr: true,
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: { 'oauth-lens': 'src/cli/main.ts', index: 'src/cli/api.ts' },
      external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
      output: { entryFileNames: '[name].js', chunkFileNames: '[name].js', format: 'es' },
    },
  },
  ssr: { noExternal: true },
});
