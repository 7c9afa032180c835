// Drives one variant in a browser page as a person would: opens it, fills in and clicks the authorization
// server's login and consent forms wherever they appear (top level or in a frame), and waits for the end.
// Used by the fixture recorder and by the end-to-end tests.
import type { Frame, Page } from 'puppeteer';
import type { RunningDemo } from './index.ts';
import type { Variant } from './variants.ts';

export interface VariantOutcome {
  /** 'done' / 'error': the client page's data-status. 'as-error': the server's error page (endsAt). */
  status: 'done' | 'error' | 'as-error';
  /** The page's status line, or the server's error code. */
  detail: string;
}

const POLL_MS = 100;

/** Runs a variant to its end and returns how it ended; throws if it does not end in time. */
export async function driveVariant(
  page: Page,
  demo: RunningDemo,
  variant: Variant,
  { timeoutMs = variant.slow ? 120_000 : 30_000 } = {},
): Promise<VariantOutcome> {
  const handled = new Set<string>();
  await page.goto(demo.variantUrl(variant));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Each check races with navigations: a frame may go away between two calls. Try again next round.
    try {
      const outcome = await ended(page, demo, variant);
      if (outcome) return outcome;
      if (variant.interaction !== 'none') {
        for (const frame of page.frames()) await answerPrompt(frame, demo, variant, handled);
      }
    } catch (error) {
      if (!isNavigationRace(error)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`variant ${variant.id} did not finish within ${timeoutMs} ms (at ${page.url()})`);
}

async function ended(page: Page, demo: RunningDemo, variant: Variant): Promise<VariantOutcome | undefined> {
  const frame = page.mainFrame();
  if (variant.endsAt === 'authorization-server-error') {
    if (!frame.url().startsWith(`${demo.issuer}/`)) return undefined;
    const error = await frame.$eval('#as-error', (el) => (el as HTMLElement).dataset.error ?? '').catch(() => undefined);
    return error === undefined ? undefined : { status: 'as-error', detail: error };
  }
  const result = await frame
    .$eval('#result[data-status="done"], #result[data-status="error"]', (el) => ({
      status: (el as HTMLElement).dataset.status as 'done' | 'error',
      detail: el.querySelector('#status')?.textContent ?? '',
    }))
    .catch(() => undefined);
  return result;
}

/** Signs in, consents or cancels on an interaction page of the demo server, once per page. */
async function answerPrompt(frame: Frame, demo: RunningDemo, variant: Variant, handled: Set<string>): Promise<void> {
  const url = frame.url();
  if (!url.startsWith(`${demo.issuer}/interaction/`) || handled.has(url)) return;
  const prompt = await frame.$eval('form[data-prompt]', (form) => (form as HTMLElement).dataset.prompt).catch(() => undefined);
  if (!prompt) return; // not loaded yet
  handled.add(url);
  if (variant.interaction === 'cancel') return frame.click('#cancel');
  if (prompt === 'login') {
    await fill(frame, 'input[name="login"]', 'alice');
    await fill(frame, 'input[name="password"]', 'wonderland');
  }
  await frame.click('#submit');
}

async function fill(frame: Frame, selector: string, value: string): Promise<void> {
  await frame.$eval(selector, (input) => {
    (input as HTMLInputElement).value = '';
  });
  await frame.type(selector, value);
}

function isNavigationRace(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /context was destroyed|detached|Target closed|Cannot find context|frame got detached/i.test(message);
}
