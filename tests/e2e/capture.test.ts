/**
 * Each demo variant, run in real Chromium with the built extension against the real authorization servers:
 * the popup shows the rule ids the variant calls for, and the badge says the same as the popup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveVariant } from '../../demo/drive.ts';
import { variants } from '../../demo/variants.ts';
import { rules } from '../../src/core/rules/index.ts';
import { badgeText, freshStart, expectedBadge, readPopup, startSession, tabIdOf, type Session } from './support/session.ts';

const implemented = new Set<string>(rules.map((r) => r.meta.id));
// Chrome reads the response bodies the pages of a sign-in report (src/background/page-bodies.ts), not those fetched
// before the sign-in started (bodyOnly), nor the requests its filters leave out (harOnly): rules that need those
// are judged on HAR files (tests/fixtures.test.ts).
const judgeable = (variant: (typeof variants)[number]) => (ruleId: string) =>
  implemented.has(ruleId) && !variant.bodyOnly?.includes(ruleId as never) && !variant.harOnly?.includes(ruleId as never);
// One variant takes over a minute by design (a late code exchange); its recording is audited in the unit tests.
const fast = variants.filter((v) => !v.slow);

describe('capture in the browser, variant by variant', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
  });
  afterAll(async () => session?.close());

  it.each(fast.map((v) => [v.id, v] as const))('%s', async (_id, variant) => {
    await freshStart(session);
    const page = await session.chromium.browser.newPage();
    try {
      // A generous ceiling: two interleaved sign-ins on a busy 2-core machine can take a while.
      await driveVariant(page, session.demo, variant, { timeoutMs: 60_000 });
      const tabId = await tabIdOf(session, page);
      const view = await readPopup(session, tabId);
      for (const ruleId of variant.expectedRuleIds.filter(judgeable(variant))) expect(view.ruleIds, `expected ${ruleId}`).toContain(ruleId);
      for (const ruleId of (variant.absentRuleIds ?? []).filter(judgeable(variant)))
        expect(view.ruleIds, `did not expect ${ruleId}`).not.toContain(ruleId);
      if (!variant.noLiveFlow) expect(view.current, 'the tab has a flow').toBeDefined();
      expect(await badgeText(session, tabId)).toBe(expectedBadge(view));
    } finally {
      await page.close();
    }
  });
});
