// Drives one variant in a browser page as a person would: opens it, fills in and clicks the authorization
// server's login and consent forms wherever they appear (top level, in a frame, or in a popup window that the
// variant opened), and waits for the end. Used by the fixture recorder and by the end-to-end tests.
import type { Frame, Page } from 'puppeteer';
import type { RunningDemo } from './index.ts';
import type { Variant } from './variants.ts';

export interface VariantOutcome {
  /** 'done' / 'error': the client page's data-status. 'as-error': the server's error page (endsAt). */
  status: 'done' | 'error' | 'as-error';
  /** The page's status line, or the server's error code. */
  detail: string;
}

/** How a run of the variant ends when it goes as designed (its `endsAt`). */
export function expectedEnd(variant: Variant): VariantOutcome['status'] {
  if (variant.endsAt === 'authorization-server-error') return 'as-error';
  return variant.endsAt === 'client-error' ? 'error' : 'done';
}

export type Prompt = 'login' | 'consent';

export interface PromptInfo {
  /** The page the prompt is in: the variant's page, or a popup window it opened. */
  page: Page;
  /** The frame showing the prompt (the page's main frame, or a frame inside it). */
  frame: Frame;
  prompt: Prompt;
}

export interface DriveOptions {
  /** Default 30 s, 120 s for a slow variant. */
  timeoutMs?: number;
  /**
   * Called once per prompt page, when its form is there and before it is answered (signed in, allowed or
   * cancelled). The time it takes counts towards the timeout.
   */
  onPrompt?: (info: PromptInfo) => Promise<void>;
}

const POLL_MS = 100;

/** Runs a variant to its end and returns how it ended; throws if it does not end in time. */
export async function driveVariant(
  page: Page,
  demo: RunningDemo,
  variant: Variant,
  { timeoutMs = variant.slow ? 120_000 : 30_000, onPrompt }: DriveOptions = {},
): Promise<VariantOutcome> {
  const handled = new Set<string>();
  // The variant's page and every window it (or one of its windows) opens, while they are open.
  const pages = new Set<Page>();
  const track = (opened: Page | null) => {
    if (!opened || pages.has(opened)) return;
    pages.add(opened);
    opened.on('popup', track);
    opened.once('close', () => pages.delete(opened));
  };
  track(page);
  try {
    await page.goto(demo.variantUrl(variant));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // Each check races with navigations: a frame may go away between two calls, a popup may close. Try
      // again next round.
      try {
        const outcome = await ended(page, demo, variant);
        if (outcome) return outcome;
        if (variant.interaction !== 'none') {
          await openBlockedPopup(page, handled);
          for (const open of [...pages]) {
            if (open.isClosed()) continue;
            for (const frame of open.frames()) await answerPrompt(open, frame, demo, variant, handled, onPrompt);
          }
        }
      } catch (error) {
        if (!isNavigationRace(error)) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error(`variant ${variant.id} did not finish within ${timeoutMs} ms (at ${page.url()})`);
  } finally {
    for (const open of pages) open.off('popup', track);
  }
}

async function ended(page: Page, demo: RunningDemo, variant: Variant): Promise<VariantOutcome | undefined> {
  const frame = page.mainFrame();
  if (variant.endsAt === 'authorization-server-error') {
    if (!isServerPage(demo, frame.url())) return undefined;
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

/**
 * A browser that blocks popups no click opened makes the client page show a button instead (Run.popup in
 * demo/client/run.js); click it, once. (Puppeteer's Chromium allows popups, so this is only a fallback.)
 */
async function openBlockedPopup(page: Page, handled: Set<string>): Promise<void> {
  if (handled.has('#open-popup')) return;
  const button = await page.$('#open-popup');
  if (!button) return;
  handled.add('#open-popup');
  await button.click();
  await button.dispose();
}

/** Signs in, consents or cancels on an interaction page of the demo server, once per page. */
async function answerPrompt(
  page: Page,
  frame: Frame,
  demo: RunningDemo,
  variant: Variant,
  handled: Set<string>,
  onPrompt: DriveOptions['onPrompt'],
): Promise<void> {
  const url = frame.url();
  if (!isServerPage(demo, url) || !new URL(url).pathname.startsWith('/interaction/') || handled.has(url)) return;
  const prompt = await frame.$eval('form[data-prompt]', (form) => (form as HTMLElement).dataset.prompt).catch(() => undefined);
  if (prompt !== 'login' && prompt !== 'consent') return; // not loaded yet
  handled.add(url);
  await onPrompt?.({ page, frame, prompt });
  if (variant.interaction === 'cancel') return frame.click('#cancel');
  if (prompt === 'login') {
    await fill(frame, 'input[name="login"]', 'alice');
    await fill(frame, 'input[name="password"]', 'wonderland');
  }
  await frame.click('#submit');
}

/** A page of one of the demo's authorization servers (the oidc-provider one, the rogue one, the vendor-shaped ones). */
function isServerPage(demo: RunningDemo, url: string): boolean {
  const origin = URL.parse(url)?.origin;
  return origin !== undefined && demo.serverOrigins.includes(origin);
}

async function fill(frame: Frame, selector: string, value: string): Promise<void> {
  await frame.$eval(selector, (input) => {
    (input as HTMLInputElement).value = '';
  });
  await frame.type(selector, value);
}

function isNavigationRace(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  // Firefox (WebDriver BiDi) says "no such handle" for an element of a document that has navigated away, and
  // fails a call whose frame went to another origin meanwhile with "Not allowed to define cross-origin object".
  return /context was destroyed|detached|Target closed|Session closed|Cannot find context|frame got detached|no such handle|cross-origin object/i.test(
    message,
  );
}
