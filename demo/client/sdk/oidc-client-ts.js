// The demo client built from oidc-client-ts, against the demo's own oidc-provider server (its issuer is the
// authority). Its default configuration: signinRedirect, the code flow with S256 PKCE, signinRedirectCallback on
// the callback page, the user kept in sessionStorage.
import { UserManager } from 'oidc-client-ts';
import { config, leaving, log, onCallback, reloadCallbackPage, reloaded, runVariant, summary } from './page.js';

function userManager(settings = {}) {
  return new UserManager({
    authority: config.issuer,
    client_id: 'oidc-client-ts-spa',
    redirect_uri: `${location.origin}/cb/oidc-client-ts`,
    ...settings,
  });
}

async function signIn(manager) {
  if (!onCallback) {
    log('signinRedirect()');
    await manager.signinRedirect();
    return leaving();
  }
  log('signinRedirectCallback()');
  const user = await manager.signinRedirectCallback();
  log(`signed in as ${user.profile.sub}`);
  return user;
}

runVariant(
  {
    async 'sdk-oidc-client-ts'() {
      const user = await signIn(userManager());
      return summary(user.profile, { accessToken: user.access_token });
    },

    // The mistake: the app leaves the callback page as it is after signinRedirectCallback (the code and state stay in
    // its URL; react-oidc-context's onSigninCallback is where apps strip them), and the user reloads it. The SDK
    // removed the state it stored once it read the response, so the second run fails before any request: "No
    // matching state found in storage".
    async 'sdk-oidc-client-ts-callback-reloaded'() {
      const manager = userManager();
      if (onCallback && reloaded) {
        log('signinRedirectCallback() on the reloaded page');
        await manager.signinRedirectCallback();
        throw new Error('signinRedirectCallback() accepted the same response twice');
      }
      await signIn(manager);
      return reloadCallbackPage();
    },

    // The mistake: two parts of the app renew the session at the same moment (two components, or two timers),
    // each with signinSilent(). Both send the one refresh token the user holds; the server rotates refresh tokens,
    // so the first answer makes it void and the second is refused (invalid_grant).
    async 'sdk-oidc-client-ts-refresh-twice'() {
      // offline_access brings a refresh token; oidc-provider honours it with prompt=consent (OIDC Core §11).
      const manager = userManager({ scope: 'openid offline_access', prompt: 'consent' });
      const user = await signIn(manager);
      log('signinSilent() twice at once');
      const [first, second] = await Promise.allSettled([manager.signinSilent(), manager.signinSilent()]);
      const outcome = (result) => (result.status === 'fulfilled' ? 'renewed' : String(result.reason?.message ?? result.reason));
      log(`first: ${outcome(first)}; second: ${outcome(second)}`);
      return { ...summary(user.profile, { accessToken: user.access_token }), renewals: [outcome(first), outcome(second)] };
    },
  },
  async () => userManager().signinRedirectCallback(),
);
