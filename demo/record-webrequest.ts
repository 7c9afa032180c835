// Records tests/fixtures/webrequest/<variant>.json: the raw webRequest details objects Chromium hands to an
// extension's listeners during a demo variant, in order, so the capture mapping (src/capture/webrequest.ts) is
// tested against what the browser really sends. A throwaway recorder extension, generated here, registers the
// same six listeners with the same filters as OAuth Lens and keeps every details object it receives
// (ArrayBuffer request bodies as base64).
//
//   npm run fixtures:record-webrequest -- good form-post fragment token-cors-blocked token-preflight-blocked state-lost-new-tab
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NAVIGATIONS, SCRIPT_REQUESTS } from '../src/background/filters.ts';
import { browserVersion, launchChromium } from './browser.ts';
import { driveVariant, expectedEnd } from './drive.ts';
import { startDemo } from './index.ts';
import { variants } from './variants.ts';

const OUT_DIR = fileURLToPath(new URL('../tests/fixtures/webrequest/', import.meta.url));

const recorderWorker = `
const events = [];
const bodyToJson = (body) => body && {
  ...body,
  raw: body.raw?.map((part) => part.bytes ? { bytes: btoa(String.fromCharCode(...new Uint8Array(part.bytes))) } : part),
};
const keep = (event) => (details) => { events.push({ event, details: { ...details, requestBody: bodyToJson(details.requestBody) } }); };
for (const filter of ${JSON.stringify([NAVIGATIONS, SCRIPT_REQUESTS])}) {
  chrome.webRequest.onBeforeRequest.addListener(keep('beforeRequest'), filter, ['requestBody']);
  chrome.webRequest.onBeforeSendHeaders.addListener(keep('sendHeaders'), filter, ['requestHeaders', 'extraHeaders']);
  chrome.webRequest.onHeadersReceived.addListener(keep('headersReceived'), filter, ['responseHeaders']);
  chrome.webRequest.onBeforeRedirect.addListener(keep('redirected'), filter, ['responseHeaders']);
  chrome.webRequest.onCompleted.addListener(keep('completed'), filter, ['responseHeaders']);
  chrome.webRequest.onErrorOccurred.addListener(keep('failed'), filter);
}
globalThis.recorded = () => events;
`;

const manifest = {
  manifest_version: 3,
  name: 'webRequest recorder',
  version: '1.0',
  permissions: ['webRequest'],
  host_permissions: ['<all_urls>'],
  background: { service_worker: 'worker.js' },
};

async function record(id: string): Promise<number> {
  const variant = variants.find((v) => v.id === id);
  if (!variant) throw new Error(`unknown variant ${id}`);
  const dir = await mkdtemp(join(tmpdir(), 'oauth-lens-recorder-'));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  await writeFile(join(dir, 'worker.js'), recorderWorker);
  const demo = await startDemo();
  const chromium = await launchChromium({ pipe: true, enableExtensions: true });
  try {
    const extensionId = await chromium.browser.installExtension(dir);
    const target = await chromium.browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().includes(extensionId));
    const worker = (await target.worker())!;
    const page = await chromium.browser.newPage();
    const outcome = await driveVariant(page, demo, variant);
    const expected = expectedEnd(variant);
    if (outcome.status !== expected) throw new Error(`variant ${id} ended with ${outcome.status}: ${outcome.detail}`);
    await new Promise((r) => setTimeout(r, 300));
    const events = (await worker.evaluate('recorded()')) as unknown[];
    const file = {
      comment: `webRequest details of demo variant "${id}", recorded by demo/record-webrequest.ts with Chromium ${await browserVersion(chromium.browser)}. Ports, ids and times are those of the recording run.`,
      issuer: variant.rogue ? demo.rogueIssuer : demo.issuer,
      clientOrigin: demo.clientOrigin,
      events,
    };
    await writeFile(`${OUT_DIR}${id}.json`, `${JSON.stringify(file, null, 1)}\n`);
    return events.length;
  } finally {
    await chromium.close();
    await demo.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await mkdir(OUT_DIR, { recursive: true });
for (const id of process.argv.slice(2)) console.log(`${id}: ${await record(id)} events`);
