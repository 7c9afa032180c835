// `npm run demo`: the demo servers on fixed ports, and Chromium with the built extension (dist/) on the
// client's list of variants. Runs until Ctrl-C.
//
// Ports: DEMO_AS_PORT (default 9400), DEMO_CLIENT_PORT (9401), DEMO_ROGUE_PORT (9402).
import { DIST, launchWithExtension, type ExtensionBrowser } from './browser.ts';
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
let session: ExtensionBrowser | undefined;
try {
  session = await launchWithExtension({
    headless: !headful,
    // Our own Ctrl-C handler below closes everything; puppeteer's would exit before it ran.
    handleSIGINT: false,
    handleSIGTERM: false,
    defaultViewport: null,
  });
  console.log(`Extension             ${session.extensionId} (from dist/)`);
  const browser = session.browser;
  const page = await browser.newPage();
  await page.goto(start);
  browser.on('disconnected', () => console.log('Chromium was closed; the servers keep running until Ctrl-C.'));
} catch (error) {
  console.error(`Could not start Chromium with the extension: ${error instanceof Error ? error.message : String(error)}`);
}
if (!headful) {
  console.log(`
No DISPLAY, so Chromium runs headless. To watch a flow yourself: open chrome://extensions in your own
Chrome, turn on Developer mode, "Load unpacked" the folder ${DIST}, then open ${start}
(from this machine, or through a tunnel to it).`);
}
console.log('Ctrl-C to stop.');

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await session?.close();
  await demo.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
