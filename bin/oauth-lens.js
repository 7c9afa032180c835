#!/usr/bin/env node
// Thin launcher: the CLI is bundled by `npm run build` into dist-cli/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist-cli/oauth-lens.js', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write('oauth-lens: the CLI is not built yet; run `npm run build` first\n');
  process.exit(2);
}
await import(bundle.href);
