// The demo client built from Microsoft's MSAL for the browser (@azure/msal-browser), against the server laid out
// like an Entra ID tenant (https, /{tenant}/oauth2/v2.0/…, issuer /{tenant}/v2.0). Its usual configuration:
// loginRedirect, and handleRedirectPromise on every page load (on the redirect URI it sends the browser back to
// the page the sign-in started from, which completes it: MSAL's navigateToLoginRequestUrl default).
import { PublicClientApplication } from '@azure/msal-browser';
import { config, leaving, log, runVariant, summary } from './page.js';

/** Entra's authority is the tenant's URL: the issuer without its /v2.0. */
const authority = config.vendorIssuers.entra.replace(/\/v2\.0$/, '');

async function signIn(auth) {
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
  const result = await msal.handleRedirectPromise();
  if (result) {
    log(`signed in as ${result.idTokenClaims.sub}`);
    return summary(result.idTokenClaims, { accessToken: result.accessToken });
  }
  log('loginRedirect()');
  await msal.loginRedirect({ scopes: ['openid'] });
  return leaving();
}

runVariant(
  {
    'sdk-msal': () => signIn({ redirectUri: `${location.origin}/cb/msal` }),

    // The mistake: no redirectUri, so MSAL uses the page's own URL, which was never registered. Entra answers
    // AADSTS50011 on its own error page; the demo server refuses it the same way.
    'sdk-msal-redirect-uri-unregistered': () => signIn({}),
  },
  async () => {
    throw new Error('No sign-in in progress in this tab.');
  },
);
