/**
 * `npm run package`: writes the store packages of scripts/packages.ts into packages/ (after `npm run
 * build:extension`, which the npm script runs first) and prints their sizes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../src/cli/input.ts';
import { ROOT, storePackages } from './packages.ts';

const out = join(ROOT, 'packages');
mkdirSync(out, { recursive: true });
for (const { file, bytes } of storePackages()) {
  writeFileSync(join(out, file), bytes);
  console.log(`packages/${file}  ${formatBytes(bytes.length)}`);
}
