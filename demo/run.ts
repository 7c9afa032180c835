// `npm run demo`: the demo servers on fixed ports, and Chromium with the built extension (dist/) on the
// client's list of variants. Runs until Ctrl-C.
//
// Ports: DEMO_AS_PORT (default 9400), DEMO_CLIENT_PORT (9401), DEMO_ROGUE_PORT (9402), and the servers laid out like
// the vendors' for the SDK clients: DEMO_AUTH0_PORT (9403), DEMO_OKTA_PORT (9404), DEMO_KEYCLOAK_PORT (9405),
// DEMO_ENTRA_PORT (9406, https with a throwaway self-signed certificate).
import { DIST, launchWithExtension, type ExtensionBrowser } from './browser.ts';
import { startDemo } from './index.ts';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const demo = await startDemo({
  asPort: port('DEMO_AS_PORT', 9400),
  clientPort: port('DEMO_CLIENT_PORT', 9401),
  roguePort: port('DEMO_ROGUE_PORT', 9402),
  vendorPorts: {
    auth0: port('DEMO_AUTH0_PORT', 9403),
    okta: port('DEMO_OKTA_PORT', 9404),
    keycloak: port('DEMO_KEYCLOAK_PORT', 9405),
    entra: port('DEMO_ENTRA_PORT', 9406),
  },
});
const start = `${demo.clientOrigin}/`;
console.log(`Authorization server  ${demo.issuer}`);
console.log(`Rogue server          ${demo.rogueIssuer}  (misbehaves on purpose)`);
for (const [vendor, issuer] of Object.entries(demo.vendorIssuers)) console.log(`${`Like ${vendor}`.padEnd(22)}${issuer}`);
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
(from this machine, or through a tunnel to it). The Entra-like server's certificate is self-signed: open
${demo.vendorIssuers.entra}/.well-known/openid-configuration once and accept it before the sdk-msal variants.`);
}
console.log(`
Next: pick a variant on ${start} and sign in (alice / wonderland). The OAuth Lens icon in the toolbar (pin it
from the puzzle-piece menu) shows the verdict on its badge; click it for the findings. For the details, open
DevTools (F12) on the variant's tab and choose the OAuth panel (in the » menu when the tabs do not fit).`);
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
