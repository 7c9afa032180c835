// The demo client built from Keycloak's JavaScript adapter (keycloak-js), against the server laid out like a
// Keycloak realm. Its usual configuration: init with onLoad 'login-required' and S256 PKCE, no session-status
// iframe; the adapter's default fragment response mode; init on the callback page completes the sign-in.
import Keycloak from 'keycloak-js';
import { config, log, runVariant, summary } from './page.js';

/** Keycloak's server URL and realm: the issuer is <url>/realms/<realm>. */
const [url, realm] = config.vendorIssuers.keycloak.split('/realms/');

async function signIn(clientId, initOptions) {
  const keycloak = new Keycloak({ url, realm, clientId });
  log(`init(${JSON.stringify(initOptions)})`);
  // On the start page init sends the browser to the login page; on the callback it redeems the code.
  const authenticated = await keycloak.init({
    onLoad: 'login-required',
    checkLoginIframe: false,
    redirectUri: `${location.origin}/cb/keycloak`,
    ...initOptions,
  });
  if (!authenticated) throw new Error('not authenticated');
  log(`signed in as ${keycloak.tokenParsed.sub}`);
  return summary(keycloak.idTokenParsed, { accessToken: keycloak.token });
}

runVariant({
  'sdk-keycloak': () => signIn('keycloak-spa', { pkceMethod: 'S256' }),

  // The mistake: PKCE switched off (pkceMethod: false), against a client registration that does not require it
  // (Keycloak's default): the code flow runs without any code_challenge, so a stolen code can be redeemed.
  'sdk-keycloak-no-pkce': () => signIn('keycloak-legacy-spa', { pkceMethod: false }),
});
