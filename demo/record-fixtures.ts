// Records tests/fixtures/demo/<variant>.har: each variant runs in a fresh headless Chromium against a fresh
// demo (ephemeral ports), while the page's DevTools protocol traffic is captured and converted to HAR.
//
//   npm run fixtures:record                   every variant except the slow ones
//   npm run fixtures:record -- --slow         every variant
//   npm run fixtures:record -- good no-state  just these (slow ones included when named)
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { browserVersion, launchHeadless } from './browser.ts';
import { driveVariant, expectedEnd } from './drive.ts';
import { startHarCapture } from './har.ts';
import { startDemo } from './index.ts';
import { variants, type Variant } from './variants.ts';

const OUT_DIR = fileURLToPath(new URL('../tests/fixtures/demo/', import.meta.url));
/** Lets the last responses' loadingFinished events arrive after the page reports the end. */
const SETTLE_MS = 500;

async function record(variant: Variant): Promise<string> {
  const demo = await startDemo();
  const chromium = await launchHeadless();
  try {
    const page = await chromium.browser.newPage();
    const capture = await startHarCapture(page);
    const outcome = await driveVariant(page, demo, variant);
    const expected = expectedEnd(variant);
    if (outcome.status !== expected) {
      throw new Error(`variant ${variant.id} ended with ${outcome.status}: ${outcome.detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const har = await capture.stop({ name: 'Chromium (headless)', version: await browserVersion(chromium.browser) });
    har.log.comment = `OAuth Lens demo variant "${variant.id}": ${variant.description} Recorded by demo/record-fixtures.ts.`;
    const file = `${OUT_DIR}${variant.id}.har`;
    await writeFile(file, `${JSON.stringify(har, null, 2)}\n`);
    return `${outcome.status}: ${outcome.detail} (${har.log.entries.length} entries)`;
  } finally {
    await chromium.close();
    await demo.close();
  }
}

function selectVariants(args: readonly string[]): Variant[] {
  const ids = args.filter((arg) => !arg.startsWith('--'));
  const unknown = ids.filter((id) => !variants.some((v) => v.id === id));
  if (unknown.length) throw new Error(`unknown variant(s): ${unknown.join(', ')}`);
  if (ids.length) return variants.filter((v) => ids.includes(v.id));
  return variants.filter((v) => !v.slow || args.includes('--slow'));
}

async function main(): Promise<void> {
  const selected = selectVariants(process.argv.slice(2));
  await mkdir(OUT_DIR, { recursive: true });
  let failed = 0;
  for (const variant of selected) {
    try {
      console.log(`${variant.id}: ${await record(variant)}`);
    } catch (error) {
      failed++;
      console.error(`${variant.id}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(`${selected.length - failed} recorded, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

await main();
