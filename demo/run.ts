// `npm run demo`: the demo servers on fixed ports, and Chromium with the built extension (dist/) on the
// client's list of variants. Runs until Ctrl-C.
//
// Ports: DEMO_AS_PORT (default 9400), DEMO_CLIENT_PORT (9401), DEMO_ROGUE_PORT (9402).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer';
import { CHROME_PATH, QUIET_ARGS } from './browser.ts';
import { startDemo } from './index.ts';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const demo = await startDemo({
  asPort: port('DEMO_AS_PORT', 9400),
  clientPort: port('DEMO_CLIENT_PORT', 9401),
  roguePort: port('DEMO_ROGUE_PORT', 9402),
});
const start = `${demo.clientOrigin}/`;
console.log(`Authorization server  ${demo.issuer}`);
console.log(`Rogue server          ${demo.rogueIssuer}  (misbehaves on purpose)`);
console.log(`Demo client           ${start}`);

// Without a display, Chromium can only run headless, where nobody can look at the panel.
const headful = Boolean(process.env.DISPLAY);
const profile = await mkdtemp(join(tmpdir(), 'oauth-lens-demo-'));
let browser: Browser | undefined;
try {
  browser = await puppeteer.launch({
    executablePath: CHROME_PATH,
    headless: !headful,
    pipe: true,
    enableExtensions: true,
    // Our own Ctrl-C handler below closes everything; puppeteer's would exit before it ran.
    handleSIGINT: false,
    handleSIGTERM: false,
    defaultViewport: null,
    args: [...QUIET_ARGS, `--user-data-dir=${profile}`],
  });
  const extensionId = await browser.installExtension(resolve('dist'));
  console.log(`Extension             ${extensionId} (from dist/)`);
  const page = await browser.newPage();
  await page.goto(start);
  browser.on('disconnected', () => console.log('Chromium was closed; the servers keep running until Ctrl-C.'));
} catch (error) {
  console.error(`Could not start Chromium with the extension: ${error instanceof Error ? error.message : String(error)}`);
}
if (!headful) {
  console.log(`
No DISPLAY, so Chromium runs headless. To watch a flow yourself: open chrome://extensions in your own
Chrome, turn on Developer mode, "Load unpacked" the folder ${resolve('dist')}, then open ${start}
(from this machine, or through a tunnel to it).`);
}
console.log('Ctrl-C to stop.');

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await browser?.close().catch(() => undefined);
  await demo.close();
  await rm(profile, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
