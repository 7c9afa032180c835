// The demo client built from Okta's auth SDK (@okta/okta-auth-js), against the server laid out like an Okta
// custom authorization server (…/oauth2/default). Its default configuration: signInWithRedirect with PKCE,
// handleLoginRedirect on the callback page (it parses the callback, redeems the code and stores the tokens).
import { OktaAuth } from '@okta/okta-auth-js';
import { config, leaving, log, onCallback, runVariant, summary } from './page.js';

function oktaAuth(options = {}) {
  return new OktaAuth({
    issuer: config.vendorIssuers.okta,
    clientId: 'okta-spa',
    redirectUri: `${location.origin}/cb/okta`,
    pkce: true,
    // The demo's loopback server is plain http, which the SDK refuses unless told this is a test.
    testing: { disableHttpsCheck: true },
    // Stay on the callback page when done (the default goes back to the page the sign-in started from).
    restoreOriginalUri: async () => {},
    ...options,
  });
}

/** The SDK's default callback handling (it parses the callback, redeems the code and stores the tokens). */
async function handleRedirect(auth) {
  log('handleLoginRedirect()');
  await auth.handleLoginRedirect();
  const { idToken, accessToken } = await auth.tokenManager.getTokens();
  log(`signed in as ${idToken.claims.sub}`);
  return summary(idToken.claims, { accessToken: accessToken.accessToken });
}

async function start(auth) {
  log('signInWithRedirect()');
  await auth.signInWithRedirect();
  return leaving();
}

runVariant(
  {
    async 'sdk-okta'() {
      const auth = oktaAuth();
      if (!onCallback) return start(auth);
      return handleRedirect(auth);
    },

    // The mistake: the callback is handled twice, as a React effect runs twice under StrictMode, each run parsing
    // the URL it was given. The SDK queues its token calls and drops its transaction (with the code_verifier) once
    // the first is answered, so the second run fails in the app and never reaches the server.
    async 'sdk-okta-callback-twice'() {
      const auth = oktaAuth();
      if (!onCallback) return start(auth);
      const url = location.href;
      log('token.parseFromUrl(url), twice');
      const [first, second] = await Promise.allSettled([auth.token.parseFromUrl({ url }), auth.token.parseFromUrl({ url })]);
      const outcome = (result) => (result.status === 'fulfilled' ? 'tokens' : String(result.reason?.message ?? result.reason));
      log(`first: ${outcome(first)}; second: ${outcome(second)}`);
      const parsed = [first, second].find((result) => result.status === 'fulfilled');
      if (!parsed) throw first.reason;
      const { idToken, accessToken } = parsed.value.tokens;
      return { ...summary(idToken.claims, { accessToken: accessToken.accessToken }), handled: [outcome(first), outcome(second)] };
    },

    // The mistake: PKCE switched off (pkce: false), for an Okta app that still allows the implicit grant. The SDK
    // then asks for the tokens themselves in the fragment (response_type "token id_token") instead of a code.
    async 'sdk-okta-no-pkce'() {
      const auth = oktaAuth({ clientId: 'okta-implicit-spa', pkce: false });
      if (!onCallback) return start(auth);
      return handleRedirect(auth);
    },

    // The mistake: a redirect URI the app never registered (here with a trailing slash): the server refuses the
    // request with its error page and never redirects back.
    async 'sdk-okta-redirect-uri-unregistered'() {
      return start(oktaAuth({ redirectUri: `${location.origin}/cb/okta/` }));
    },
  },
  async () => oktaAuth().handleLoginRedirect(),
);
