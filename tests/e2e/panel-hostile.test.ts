/**
 * Issue #4's hostile input in the DevTools panel (inline shell, the built extension in Chromium): HAR files
 * imported through the panel's own file input whose token endpoint answered 5 MB (a huge access_token, a huge
 * member, an HTML page, binary), or an ID token whose payload is broken. Asserts what a person sees: the flow
 * listed, the token card's words, the body cut with a note, secrets masked in the view and the exports, no
 * markup or `javascript:` link made live, no layout blowup, and a panel that still answers clicks.
 *
 * Only the file input drives the import (the store's import path is free to change: streaming, a worker),
 * and every wait is on the DOM.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../../demo/browser.ts';
import {
  brokenIdTokens,
  FIVE_MB,
  goodHarWithTokenContent,
  goodTokenResponse,
  hugeTokenResponses,
  jsonContent,
  JWT_SHAPED_ACCESS_TOKEN,
} from '../panel/hostile-har.ts';
import { captureExports } from './support/exports.ts';
import { IMPORT_TIMEOUT, importAndOpen as importFileAndOpen } from './support/panel-import.ts';

/** Imports of 5 MB on a busy two-core machine: generous, never the point of the test. */

describe('the DevTools panel with hostile input (inline shell)', () => {
  let chromium: ExtensionBrowser;
  let panel: Page;
  let dir: string;
  let accessToken: string;
  const files: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oauth-lens-hostile-'));
    const huge = hugeTokenResponses();
    accessToken = JSON.parse(huge.hugeAccessToken.text).access_token as string;
    const hars: Record<string, string> = {
      'huge-access-token.har': goodHarWithTokenContent(huge.hugeAccessToken),
      'huge-member.har': goodHarWithTokenContent(huge.hugeMember),
      'html-page.har': goodHarWithTokenContent(huge.htmlPage),
      'binary.har': goodHarWithTokenContent(huge.binary),
      'jwt-shaped-access-token.har': goodHarWithTokenContent(
        jsonContent({ ...goodTokenResponse(), access_token: JWT_SHAPED_ACCESS_TOKEN }),
      ),
    };
    for (const [kind, { token }] of Object.entries(brokenIdTokens())) {
      hars[`id-token-${kind.replace(/ /g, '-')}.har`] = goodHarWithTokenContent(jsonContent({ ...goodTokenResponse(), id_token: token }));
    }
    for (const [name, text] of Object.entries(hars)) {
      files[name] = join(dir, name);
      await writeFile(files[name], text);
    }

    chromium = await launchWithExtension();
    panel = await chromium.browser.newPage();
    // Every flow row in view at once (the list is virtual), beside a detail pane of ordinary width.
    await panel.setViewport({ width: 1280, height: 1600 });
    await captureExports(panel);
    await panel.goto(`chrome-extension://${chromium.extensionId}/src/devtools/panel.html?tab=-1`);
    await panel.waitForSelector('#import-har');
  });

  afterAll(async () => {
    await chromium?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Imports a file through the panel's input and waits until its flow is the one shown; returns the ms that took. */
  async function importAndOpen(name: string, ready: string): Promise<number> {
    const started = Date.now();
    await importFileAndOpen(panel, files[name]!, name, ready);
    return Date.now() - started;
  }

  /** Shows one of the detail's tabs (timeline, tokens…): only the shown tab's buttons can be clicked. */
  async function showTab(tab: string): Promise<void> {
    await panel.click(`#flow-detail [role="tab"][data-tab="${tab}"]`);
    await panel.waitForSelector(`#flow-detail [data-tabpanel="${tab}"]:not([hidden])`);
  }

  /** Opens the token exchange of the flow shown; returns the ms until its response body is on screen. */
  async function openTokenExchange(): Promise<number> {
    const started = Date.now();
    await showTab('timeline');
    await panel.click('#flow-detail [data-step-kind="token"] button');
    await panel.waitForSelector('[data-section="exchange"] [data-field="body-text"], [data-section="exchange"] p.muted:last-child', {
      timeout: IMPORT_TIMEOUT,
    });
    return Date.now() - started;
  }

  /** What must hold whatever was imported: inert text, no live link but the spec links, no horizontal blowup. */
  async function expectInertAndContained(): Promise<void> {
    const page = await panel.evaluate(() => {
      const detail = document.querySelector<HTMLElement>('.detail-pane')!;
      return {
        title: document.title,
        injected: document.querySelectorAll('#app img, #app script, #app iframe, #app table td[onclick]').length,
        hrefs: [...document.querySelectorAll<HTMLAnchorElement>('#app a[href]')].map((a) => a.getAttribute('href') ?? ''),
        overflowX: detail.scrollWidth - detail.clientWidth,
        pageOverflowX: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };
    });
    expect(page.title).toBe('OAuth Lens');
    expect(page.injected).toBe(0);
    for (const href of page.hrefs) expect(href).toMatch(/^https:\/\//);
    expect(page.hrefs.some((href) => href.toLowerCase().includes('javascript:'))).toBe(false);
    expect(page.overflowX).toBeLessThanOrEqual(1);
    expect(page.pageOverflowX).toBeLessThanOrEqual(1);
  }

  it('a 5 MB access_token: the flow is listed, the token masked with its length, the body small once masked, every export redacted', async () => {
    const importMs = await importAndOpen('huge-access-token.har', '[data-token="access_token"]');
    const exchangeMs = await openTokenExchange();
    console.log(
      `huge-access-token.har (${(FIVE_MB / 1e6).toFixed(0)} MB access_token): import → flow detail ${importMs} ms; token exchange with its body opened in ${exchangeMs} ms`,
    );

    const marker = `‹redacted access_token, ${FIVE_MB} chars›`;
    const view = await panel.evaluate(() => {
      const card = document.querySelector('#flow-detail [data-token="access_token"]')!;
      return {
        kind: card.getAttribute('data-token-kind'),
        heading: card.querySelector('h4')?.textContent ?? '',
        masked: card.querySelector('.secret code')?.textContent ?? '',
        revealButton: card.querySelector('button[data-reveal]')?.textContent ?? '',
        format: card.querySelector('[data-field="token-format"]')?.textContent ?? '',
        body: document.querySelector('[data-section="exchange"] [data-field="body-text"]')?.textContent ?? '',
        omitted: document.querySelector('[data-section="exchange"] [data-field="body-omitted"]') !== null,
        appText: document.getElementById('app')!.textContent!.length,
      };
    });
    expect(view.kind).toBe('opaque');
    expect(view.heading).toContain('5,000,000 characters');
    expect(view.masked).toBe(marker);
    expect(view.revealButton).toBe('reveal');
    expect(view.format).toBe('Opaque token: not a JWT, nothing to decode.');
    expect(view.body).toContain(marker);
    expect(view.omitted).toBe(false);
    expect(view.appText).toBeLessThan(200_000);
    await expectInertAndContained();

    // Every export of the flow: the token's middle appears nowhere, its marker does.
    const probe = accessToken.slice(2_500_000, 2_500_040);
    for (const format of ['json', 'markdown', 'har']) {
      const before = await panel.evaluate(() => (window as unknown as { exportedBlobs: Blob[] }).exportedBlobs.length);
      await panel.click(`#flow-detail [data-export="${format}"]`);
      const exported = await panel.evaluate(
        async (count, secret, mark) => {
          const blobs = (window as unknown as { exportedBlobs: Blob[] }).exportedBlobs;
          if (blobs.length <= count) return undefined;
          const text = await blobs.at(-1)!.text();
          return { size: text.length, leaks: text.includes(secret), marked: text.includes(mark) };
        },
        before,
        probe,
        // The HAR export numbers its markers (`…, 5000000 chars, value 3›`): match up to the length.
        marker.slice(0, -1),
      );
      expect(exported, format).toMatchObject({ leaks: false });
      expect(exported!.size, format).toBeLessThan(200_000);
      if (format === 'har') expect(exported!.marked).toBe(true);
    }

    // Revealed, the 5 MB token shows its start, says how much more there is, and offers to copy it whole.
    await showTab('tokens');
    const revealStarted = Date.now();
    await panel.click('#flow-detail [data-token="access_token"] button[data-reveal]');
    await panel.waitForSelector('#flow-detail [data-token="access_token"] .secret[data-revealed="true"]', { timeout: IMPORT_TIMEOUT });
    const revealed = await panel.evaluate(() => {
      const secret = document.querySelector<HTMLElement>('#flow-detail [data-token="access_token"] .secret')!;
      const code = secret.querySelector<HTMLElement>('code')!;
      return {
        length: code.textContent!.length,
        height: code.getBoundingClientRect().height,
        omitted: secret.querySelector('[data-field="secret-omitted"]')?.textContent ?? '',
        copy: secret.querySelector('button[data-copy]')?.textContent ?? '',
      };
    });
    console.log(`revealing the 5 MB access_token took ${Date.now() - revealStarted} ms`);
    expect(revealed.length).toBe(4096);
    expect(revealed.height).toBeLessThan(400);
    expect(revealed.omitted).toContain(`${(FIVE_MB - 4096).toLocaleString('en')} more characters`);
    expect(revealed.copy).toBe(`copy all ${FIVE_MB.toLocaleString('en')}`);
    await expectInertAndContained();
    await panel.click('#flow-detail [data-token="access_token"] button[data-reveal]');
    await panel.waitForSelector('#flow-detail [data-token="access_token"] .secret[data-revealed="false"]');
  });

  it.each([
    ['huge-member.har', 'a 5 MB JSON member'],
    ['html-page.har', 'a 5 MB HTML error page'],
  ])('%s (%s): the exchange view shows the body cut, with a note saying how much is not shown', async (name, what) => {
    const importMs = await importAndOpen(name, '[data-section="timeline"] [data-step-kind="token"]');
    const exchangeMs = await openTokenExchange();
    console.log(`${name} (${what}): import → flow detail ${importMs} ms; token exchange with its body opened in ${exchangeMs} ms`);
    const view = await panel.evaluate(() => {
      const exchange = document.querySelector('[data-section="exchange"]')!;
      const body = exchange.querySelector<HTMLElement>('[data-field="body-text"]')!;
      const note = exchange.querySelector<HTMLElement>('[data-field="body-omitted"]');
      return {
        bodyLength: body.textContent!.length,
        bodyHeight: body.getBoundingClientRect().height,
        bodyScrolls: body.scrollHeight > body.clientHeight,
        note: note?.textContent ?? '',
        omitted: Number(note?.dataset.omittedChars),
        notes: [...document.querySelectorAll('#flow-detail .notes li')].map((li) => li.textContent),
        tokens: document.querySelectorAll('#flow-detail [data-token]').length,
      };
    });
    expect(view.bodyLength).toBeLessThan(100_000);
    expect(view.bodyHeight).toBeLessThan(500);
    expect(view.bodyScrolls).toBe(true);
    expect(view.omitted).toBeGreaterThan(FIVE_MB - 100_000);
    expect(view.note).toMatch(
      /^Showing the first 65,536 of [\d,]+ characters: [\d,]+ more are not shown\. Export the HAR to see the whole body\.$/,
    );
    expect(view.note).toContain(`${view.omitted.toLocaleString('en')} more`);
    if (name === 'html-page.har') {
      expect(view.notes).toContain('token response body: response body is not JSON');
      expect(view.tokens).toBe(0);
    } else {
      expect(view.tokens).toBe(2);
    }
    await expectInertAndContained();
  });

  it('binary.har (5 MB of binary): the body is counted, not shown', async () => {
    const importMs = await importAndOpen('binary.har', '[data-section="timeline"] [data-step-kind="token"]');
    const exchangeMs = await openTokenExchange();
    console.log(`binary.har (5 MB binary): import → flow detail ${importMs} ms; token exchange opened in ${exchangeMs} ms`);
    const body = await panel.evaluate(() => document.querySelector('[data-section="exchange"]')!.lastElementChild!.textContent);
    expect(body).toBe(`${FIVE_MB} bytes of binary data (application/octet-stream)`);
    await expectInertAndContained();
  });

  it.each(Object.entries(brokenIdTokens()))(
    'an id_token with a broken part (%s): the card says what is wrong, the raw value masked until revealed, id-token-invalid reports it',
    async (kind, { token, problem }) => {
      await importAndOpen(`id-token-${kind.replace(/ /g, '-')}.har`, '[data-token="id_token"]');
      const card = async () =>
        panel.evaluate(() => {
          const el = document.querySelector('#flow-detail [data-token="id_token"]')!;
          return {
            kind: el.getAttribute('data-token-kind'),
            problem: el.querySelector('[data-field="jwt-problem"]')?.textContent ?? '',
            value: el.querySelector('.secret code')?.textContent ?? '',
            revealButton: el.querySelector('button[data-reveal]')?.textContent ?? '',
            header: el.querySelector('pre')?.textContent ?? '',
            ruleIds: [...document.querySelectorAll<HTMLElement>('#flow-detail [data-section="findings"] [data-rule-id]')].map(
              (e) => e.dataset.ruleId,
            ),
          };
        });
      const masked = await card();
      expect(masked.kind).toBe('undecodable');
      expect(masked.problem).toMatch(/^Does not decode as a JWT: /);
      expect(masked.problem.slice('Does not decode as a JWT: '.length)).toMatch(problem);
      expect(masked.value).toBe(`‹redacted id_token, ${token.length} chars›`);
      expect(masked.revealButton).toBe('reveal');
      expect(masked.header).toBe('');
      expect(masked.ruleIds).toContain('id-token-invalid');

      await showTab('tokens');
      await panel.click('#flow-detail [data-token="id_token"] button[data-reveal]');
      await panel.waitForSelector('#flow-detail [data-token="id_token"] .secret[data-revealed="true"]');
      const revealed = await card();
      expect(revealed.value).toBe(token);
      // The header did decode: it is shown with the raw value.
      expect(JSON.parse(revealed.header)).toEqual({ alg: 'RS256', kid: 'demo-rs256' });
      await expectInertAndContained();
    },
  );

  it('an access token shaped like a JWT that is not one: opaque, and the card says why', async () => {
    await importAndOpen('jwt-shaped-access-token.har', '[data-token="access_token"]');
    const format = await panel.$eval('#flow-detail [data-token="access_token"]', (el) => ({
      kind: el.getAttribute('data-token-kind'),
      text: el.querySelector('[data-field="token-format"]')?.textContent ?? '',
    }));
    expect(format).toEqual({
      kind: 'opaque',
      text: 'Opaque token, not a JWT: header decodes from base64url to text that is not JSON (RFC 7519 §7.2 steps 3–4).',
    });
  });

  it('stays responsive after all of it: a click opens another flow, then another', async () => {
    const rows = await panel.$$eval('#flow-list [data-flow-key]', (els) =>
      els.map((e) => ({ key: e.getAttribute('data-flow-key')!, label: e.querySelector('[data-field="source"]')?.textContent })),
    );
    expect(rows.map((r) => r.label)).toEqual(expect.arrayContaining(Object.keys(files)));
    for (const label of ['huge-access-token.har', 'html-page.har']) {
      const { key } = rows.find((r) => r.label === label)!;
      const started = Date.now();
      await panel.click(`#flow-list [data-flow-key="${key}"]`);
      await panel.waitForFunction(
        (k) => document.querySelector('#flow-detail')?.getAttribute('data-flow-key') === k,
        { timeout: 10_000 },
        key,
      );
      console.log(`a click opened the flow of ${label} in ${Date.now() - started} ms`);
    }
  });
});
