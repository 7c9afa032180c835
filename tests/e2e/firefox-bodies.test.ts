/**
 * Response bodies in real Firefox ESR, DevTools closed: the add-on's stream filters copy the token responses, so
 * the body rules (ID token checks, nonce, at_hash, refresh rotation, token error codes) run live in the popup and
 * on the badge, while the page still gets every byte (its client completes the sign-in, which checks the ID token
 * itself). A body past the bound reaches the page whole and is kept as its size alone; a compressed one is read as
 * the page reads it; a body outlives the background page's suspension.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveVariant, expectedEnd } from '../../demo/drive.ts';
import { startDemo, type RunningDemo } from '../../demo/index.ts';
import { variants } from '../../demo/variants.ts';
import type { Exchange } from '../../src/core/model.ts';
import { MAX_RESPONSE_BODY_BYTES } from '../../src/capture/stream-filter.ts';
import { launchFirefoxWithAddon, type FirefoxWithAddon } from './support/firefox.ts';
import { expectedBadge, settledPopupView, type PopupView } from './support/session.ts';
import { snapshotExchanges } from './support/worker-snapshot.ts';

const variant = (id: string) => variants.find((v) => v.id === id)!;

/** A userinfo response past the bound (3 MiB of JSON) and a gzip-compressed JWKS: served by a test-only server. */
const BIG_USERINFO = JSON.stringify({ sub: 'alice', padding: 'x'.repeat(3 * 1024 * 1024) });
const JWKS = JSON.stringify({
  keys: [
    {
      kty: 'EC',
      crv: 'P-256',
      kid: 'k1',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
    },
  ],
});
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

function startBodyServer(): Promise<{ server: Server; origin: string }> {
  const page = `<!doctype html><title>bodies</title><script type="module">
    const hex = async (buffer) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', buffer))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const big = await (await fetch('/oauth/userinfo')).arrayBuffer();
    const jwks = await (await fetch('/oauth/jwks')).text();
    document.body.dataset.userinfo = await hex(big);
    document.body.dataset.userinfoBytes = String(big.byteLength);
    document.body.dataset.jwks = jwks;
    document.body.dataset.status = 'done';
  </script>`;
  const server = createServer((request, response) => {
    if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else if (request.url === '/oauth/userinfo') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(BIG_USERINFO);
    } else if (request.url === '/oauth/jwks') {
      response
        .writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip', 'cache-control': 'no-store' })
        .end(gzipSync(JWKS));
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

describe('response bodies in Firefox ESR, DevTools closed', () => {
  let demo: RunningDemo;
  let firefox: FirefoxWithAddon;
  let bodies: { server: Server; origin: string };
  /** A page turned into the add-on's popup as needed. */
  let viewer: Page;

  beforeAll(async () => {
    demo = await startDemo();
    bodies = await startBodyServer();
    firefox = await launchFirefoxWithAddon();
    viewer = await firefox.browser.newPage();
  });
  afterAll(async () => {
    await firefox?.close();
    await demo?.close();
    bodies?.server.close();
  });

  /** The add-on's popup for a tab, read once settled, with its evidence-gap notes and the badge's text. */
  async function popupFor(tabId: number): Promise<{ view: PopupView; notes: string[]; badge: string }> {
    await firefox.openPopup(viewer, `?tabId=${tabId}`);
    const view = await settledPopupView(viewer);
    const notes = await viewer.evaluate(() => [...document.querySelectorAll('#current-flow .notes li')].map((li) => li.textContent ?? ''));
    return { view, notes, badge: await firefox.badgeText(tabId) };
  }

  /** The worker's captured exchanges, as it sends them to its views. */
  async function capturedExchanges(): Promise<Exchange[]> {
    await firefox.openPopup(viewer);
    return snapshotExchanges(viewer);
  }

  /** Runs a variant to its designed end in a tab of its own; returns the tab's id. */
  async function run(id: string): Promise<number> {
    const page = await firefox.browser.newPage();
    const outcome = await driveVariant(page, demo, variant(id), { timeoutMs: 60_000 });
    expect(outcome.status, outcome.detail).toBe(expectedEnd(variant(id)));
    return firefox.tabIdOf(page);
  }

  /** The tab's code exchange as captured: a POST to a token endpoint. */
  async function tokenExchangeOf(tabId: number): Promise<Exchange | undefined> {
    const exchanges = await capturedExchanges();
    return exchanges.find(
      (x) =>
        x.tabId === tabId &&
        x.method === 'POST' &&
        /\/token$/.test(x.url) &&
        /grant_type=authorization_code/.test(x.requestBody.kind === 'form' ? x.requestBody.raw : ''),
    );
  }

  it.each(['good', 'sdk-auth0'])('%s: the token response body is read, so the ID token checks run and pass', async (id) => {
    const tabId = await run(id);
    const { view, notes, badge } = await popupFor(tabId);
    expect(['pass', 'info']).toContain(view.current?.verdict);
    expect(view.current).toMatchObject({ errors: 0, warnings: 0 });
    expect(
      notes.filter((note) => /not observed/.test(note)),
      'no evidence gap about the token response',
    ).toEqual([]);
    expect(badge).toBe(expectedBadge(view));
    expect(badge).toBe('✓');

    const token = await tokenExchangeOf(tabId);
    expect(token?.responseBody?.kind).toBe('text');
    const json = JSON.parse(token?.responseBody?.kind === 'text' ? token.responseBody.text : '{}');
    expect(json).toHaveProperty('id_token');
    expect(json).toHaveProperty('access_token');
  });

  /**
   * Defects only a response body shows: the ID token's nonce and at_hash (the rogue server), a refresh token never
   * rotated (the rogue server), and a refresh refused with invalid_grant (the error code in the body).
   */
  it.each(['id-token-nonce-mismatch', 'hash-claim-mismatch', 'refresh-token-not-rotated', 'refresh-token-reused'])(
    '%s: the findings that rest on the body show in the popup and on the badge',
    async (id) => {
      const tabId = await run(id);
      const { view, badge } = await popupFor(tabId);
      for (const ruleId of variant(id).expectedRuleIds) expect(view.current?.ruleIds, ruleId).toContain(ruleId);
      for (const ruleId of variant(id).absentRuleIds ?? []) expect(view.current?.ruleIds, ruleId).not.toContain(ruleId);
      expect(badge).toBe(expectedBadge(view));
      expect(Number(badge)).toBeGreaterThan(0);
    },
  );

  it('a body past the bound reaches the page whole and is kept as cut; a gzip body is read decoded', async () => {
    const page = await firefox.browser.newPage();
    await page.goto(`${bodies.origin}/`);
    await page.waitForFunction(() => document.body?.dataset.status === 'done', { timeout: 30_000 });
    const seen = await page.evaluate(() => ({ ...document.body.dataset }));
    expect(seen.userinfoBytes).toBe(String(Buffer.byteLength(BIG_USERINFO)));
    expect(seen.userinfo).toBe(sha256(BIG_USERINFO));
    expect(seen.jwks).toBe(JWKS);
    expect(Buffer.byteLength(BIG_USERINFO)).toBeGreaterThan(MAX_RESPONSE_BODY_BYTES);

    let exchanges: Exchange[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      exchanges = (await capturedExchanges()).filter((x) => x.url.startsWith(bodies.origin));
      if (exchanges.length >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const userinfo = exchanges.find((x) => x.url.endsWith('/oauth/userinfo'));
    const jwks = exchanges.find((x) => x.url.endsWith('/oauth/jwks'));
    // The copy stopped past the bound: the size is what it had seen then.
    expect(userinfo?.responseBody).toMatchObject({ kind: 'text', text: '', truncated: true, mimeType: 'application/json' });
    const seenBytes = userinfo?.responseBody?.kind === 'text' ? userinfo.responseBody.size : 0;
    expect(seenBytes).toBeGreaterThan(MAX_RESPONSE_BODY_BYTES);
    // It let go of the rest, which reached the page all the same (the digest above).
    expect(seenBytes).toBeLessThan(Buffer.byteLength(BIG_USERINFO));
    expect(jwks?.responseBody).toMatchObject({ kind: 'text', text: JWKS });
  });
});

describe('response bodies in Firefox ESR, the background suspended mid-flow', () => {
  let demo: RunningDemo;
  let firefox: FirefoxWithAddon;
  beforeAll(async () => {
    demo = await startDemo();
    // Firefox suspends an idle event page after 30 s; a second here.
    firefox = await launchFirefoxWithAddon({ prefs: { 'extensions.background.idle.timeout': 1_000 } });
  });
  afterAll(async () => {
    await firefox?.close();
    await demo?.close();
  });

  const suspension = () => expect.poll(() => firefox.backgroundDocumentId(), { timeout: 15_000, interval: 200 }).toBeUndefined();

  it('after a suspension on the login page the token response body is read, and outlives the next suspension (storage.session)', async () => {
    await firefox.freshStart();
    const page = await firefox.browser.newPage();
    let suspendedOnLogin = false;
    const outcome = await driveVariant(page, demo, variant('good'), {
      timeoutMs: 60_000,
      async onPrompt({ prompt }) {
        if (prompt !== 'login' || suspendedOnLogin) return;
        await suspension();
        suspendedOnLogin = true;
      },
    });
    expect(outcome.status, outcome.detail).toBe('done');
    expect(suspendedOnLogin).toBe(true);
    const tabId = await firefox.tabIdOf(page);
    // Suspended again: what the popup shows comes from what the background stored, the token response body with it.
    await suspension();
    const popup = await firefox.browser.newPage();
    await firefox.openPopup(popup, `?tabId=${tabId}`);
    const view = await settledPopupView(popup);
    expect(view.current).toMatchObject({ verdict: 'pass', errors: 0, warnings: 0 });
    const notes = await popup.evaluate(() => [...document.querySelectorAll('#current-flow .notes li')].map((li) => li.textContent ?? ''));
    expect(notes.filter((note) => /not observed/.test(note))).toEqual([]);
    const token = (await snapshotExchanges(popup)).find((x) => x.tabId === tabId && x.method === 'POST' && x.url.endsWith('/token'));
    expect(token?.responseBody?.kind === 'text' && JSON.parse(token.responseBody.text)).toHaveProperty('id_token');
    expect(await firefox.badgeText(tabId)).toBe('✓');
  });
});
