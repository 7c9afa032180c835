// The demo client built from Microsoft's MSAL for the browser (@azure/msal-browser), against the server laid out
// like an Entra ID tenant (https, /{tenant}/oauth2/v2.0/…, issuer /{tenant}/v2.0). MSAL 5's documented setup: the
// redirect URI is a bridge page (broadcastResponseToMainFrame) that hands a popup's response to the window that
// opened it, or after a redirect goes back to the page the sign-in started from; that page's
// handleRedirectPromise redeems the code.
import { PublicClientApplication } from '@azure/msal-browser';
import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';
import { config, finish, leaving, log, onCallback, runVariant, summary } from './page.js';

/** Entra's authority is the tenant's URL: the issuer without its /v2.0. */
const authority = config.vendorIssuers.entra.replace(/\/v2\.0$/, '');

async function msalClient(auth) {
  const msal = new PublicClientApplication({
    auth: {
      clientId: 'msal-spa',
      authority,
      // Not login.microsoftonline.com: MSAL must be told to trust this host instead of asking Microsoft about it.
      knownAuthorities: [new URL(authority).host],
      ...auth,
    },
  });
  await msal.initialize();
  return msal;
}

const signedIn = (result) => {
  log(`signed in as ${result.idTokenClaims.sub}`);
  return summary(result.idTokenClaims, { accessToken: result.accessToken });
};

async function signInWithRedirect(auth) {
  const msal = await msalClient(auth);
  const result = await msal.handleRedirectPromise();
  if (result) return signedIn(result);
  log('loginRedirect()');
  await msal.loginRedirect({ scopes: ['openid'] });
  return leaving();
}

const redirectUri = `${location.origin}/cb/msal`;

if (onCallback) {
  broadcastResponseToMainFrame().catch((error) => finish('error', error));
} else {
  runVariant({
    'sdk-msal': () => signInWithRedirect({ redirectUri }),

    // MSAL's other usual way: the sign-in runs in a popup window, whose bridge page hands the response back.
    async 'sdk-msal-popup'() {
      const msal = await msalClient({ redirectUri });
      log('loginPopup()');
      return signedIn(await msal.loginPopup({ scopes: ['openid'] }));
    },

    // The mistake: no redirectUri, so MSAL uses the page's own URL, which was never registered. Entra answers
    // AADSTS50011 on its own error page; the demo server refuses it the same way.
    'sdk-msal-redirect-uri-unregistered': () => signInWithRedirect({}),
  });
}
