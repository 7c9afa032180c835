// The demo client built from Auth0's SPA SDK (@auth0/auth0-spa-js), against the server laid out like Auth0's
// (demo/vendor-authorization-servers.ts). Its default configuration: loginWithRedirect, the code flow with S256 PKCE
// that the SDK makes, handleRedirectCallback on the callback page, tokens cached in memory.
import { Auth0Client, createAuth0Client } from '@auth0/auth0-spa-js';
import { config, leaving, log, onCallback, openInNewTab, reloadCallbackPage, reloaded, runVariant, summary } from './page.js';

/** Auth0's `domain` is its tenant's origin; the SDK keeps an http:// scheme it is given (https:// otherwise). */
const domain = config.vendorIssuers.auth0.replace(/\/$/, '');

function settings(options = {}) {
  return { domain, clientId: 'auth0-spa', authorizationParams: { redirect_uri: `${location.origin}/cb/auth0` }, ...options };
}

function client(options = {}) {
  return createAuth0Client(settings(options));
}

/** The callback page: the SDK checks state, redeems the code and validates the ID token. */
async function completeSignIn(auth0) {
  log('handleRedirectCallback()');
  await auth0.handleRedirectCallback();
  const claims = await auth0.getIdTokenClaims();
  const accessToken = await auth0.getTokenSilently();
  log(`signed in as ${claims.sub}`);
  return summary(claims, { accessToken });
}

async function signIn() {
  const auth0 = await client();
  if (onCallback) return completeSignIn(auth0);
  log('loginWithRedirect()');
  await auth0.loginWithRedirect();
  return leaving();
}

runVariant(
  {
    'sdk-auth0': signIn,

    // Two parts of the app ask for a fresh access token at the same moment, with refresh tokens on (rotating, kept
    // in memory, sent from the SDK's Web Worker). The SDK takes a lock around getTokenSilently, so the second call
    // waits and uses the rotated refresh token: no refresh token is sent twice.
    async 'sdk-auth0-refresh-twice'() {
      const auth0 = await client({ useRefreshTokens: true });
      if (!onCallback) {
        log('loginWithRedirect()');
        await auth0.loginWithRedirect();
        return leaving();
      }
      const signedIn = await completeSignIn(auth0);
      log("getTokenSilently({ cacheMode: 'off' }) twice at once");
      const renewed = await Promise.all([auth0.getTokenSilently({ cacheMode: 'off' }), auth0.getTokenSilently({ cacheMode: 'off' })]);
      log('both renewed');
      return { ...signedIn, renewed };
    },

    // The mistake: the app does not strip the code and state from the URL after handleRedirectCallback (Auth0's
    // quickstarts do it with history.replaceState; auth0-react's onRedirectCallback does it), and the user reloads the
    // callback page. The SDK removed its transaction before redeeming the code, so the second run fails before any
    // request: "Invalid state" (error missing_transaction).
    async 'sdk-auth0-callback-reloaded'() {
      if (onCallback && reloaded) {
        // As auth0-react does on a page whose URL holds code and state: handleRedirectCallback, without the session
        // check that createAuth0Client runs first (its silent sign-in would wait on the is.authenticated cookie).
        log('handleRedirectCallback() on the reloaded page');
        await new Auth0Client(settings()).handleRedirectCallback();
        throw new Error('handleRedirectCallback() accepted the same response twice');
      }
      const auth0 = await client();
      if (!onCallback) {
        log('loginWithRedirect()');
        await auth0.loginWithRedirect();
        return leaving();
      }
      await completeSignIn(auth0);
      return reloadCallbackPage();
    },

    // The mistake: the redirect URI of Auth0's quickstarts, the app's origin, which this app never registered (its
    // callback is /cb/auth0). Auth0 answers with its "Callback URL mismatch" page; the demo server refuses it too.
    async 'sdk-auth0-redirect-uri-unregistered'() {
      const auth0 = await client({ authorizationParams: { redirect_uri: location.origin } });
      log('loginWithRedirect()');
      await auth0.loginWithRedirect();
      return leaving();
    },

    // The mistake: the sign-in page opens in a new tab (a target=_blank link, or `openUrl` opening one). The SDK
    // keeps its transaction (state, nonce, code_verifier) in this tab's sessionStorage, so the callback that lands
    // in the new tab finds none: "Invalid state". The app then signs in again in its own tab.
    async 'sdk-auth0-state-lost-new-tab'() {
      const auth0 = await client();
      if (onCallback) return completeSignIn(auth0);
      log('loginWithRedirect({ openUrl: a new tab })');
      let opened;
      await auth0.loginWithRedirect({
        openUrl: (url) => {
          opened = openInNewTab(url);
        },
      });
      await opened;
      log('loginWithRedirect() again, in this tab');
      await auth0.loginWithRedirect();
      return leaving();
    },
  },
  // A callback in a tab without a run: what the SDK says about it.
  async () => (await client()).handleRedirectCallback(),
);
