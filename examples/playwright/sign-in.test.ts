/**
 * The Playwright recipe, run against the demo: record a HAR of a sign-in with `recordHar`, then audit it in the
 * same test (oauth-audit.ts), failing on warnings. Plain playwright-core with the system's Chromium (Debian's, or
 * CHROME_PATH); with @playwright/test, the same two steps go in a `test()` (README, "Playwright").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../demo/index.ts';
import { expectOAuthAuditPasses } from './oauth-audit.ts';

const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const hars = mkdtempSync(join(tmpdir(), 'oauth-lens-playwright-'));
let demo: RunningDemo;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo();
  browser = await chromium.launch({ executablePath: CHROME_PATH, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
  rmSync(hars, { recursive: true, force: true });
});

/** The app under test's sign-in: the demo client starts it on load; alice signs in and consents. */
async function signIn(page: Page, variant: string): Promise<void> {
  await page.goto(demo.variantUrl({ id: variant }));
  await page.locator('form[data-prompt="login"]').waitFor();
  await page.fill('input[name="login"]', 'alice');
  await page.fill('input[name="password"]', 'wonderland');
  await page.click('#submit');
  // The app shows data-status "done" or "error" once the sign-in is over (the token request answered).
  const ended = '#result[data-status="done"], #result[data-status="error"]';
  const consentOrEnded = page.locator(`form[data-prompt="consent"], ${ended}`).first();
  if (await consentOrEnded.evaluate((element) => element.matches('form'))) await page.click('#submit');
  await page.locator(ended).waitFor();
}

/** One sign-in in a context of its own, its traffic recorded into a HAR, written when the context closes. */
async function recordSignIn(variant: string): Promise<string> {
  const harPath = join(hars, `${variant}.har`);
  const context = await browser.newContext({ recordHar: { path: harPath } });
  try {
    await signIn(await context.newPage(), variant);
  } finally {
    await context.close();
  }
  return harPath;
}

describe('a Playwright sign-in, audited by OAuth Lens', () => {
  it('passes: a correct authorization code flow with PKCE', async () => {
    const report = await expectOAuthAuditPasses(await recordSignIn('good'), 'warning');
    expect(report.summary).toMatchObject({ verdict: 'pass', flows: 1 });
  });

  it('fails, with the report, when the client sends its PKCE verifier with a trailing newline', async () => {
    const harPath = await recordSignIn('verifier-trailing-newline');
    await expect(expectOAuthAuditPasses(harPath, 'error')).rejects.toThrow(/pkce-challenge-mismatch/);
  });
});
