// The correct client: every request is built and every response checked by oauth4webapi. The good variants
// use only this; broken variants use it for the parts that are not the point of their bug.
import * as oauth from 'oauth4webapi';
import { callbackParams, INSECURE } from './run.js';

/**
 * A fresh code + S256 PKCE authorization request, with state and nonce. `par` pushes the parameters first
 * (RFC 9126) so that the front channel carries only client_id and request_uri.
 */
export async function buildRequest(as, client, redirectUri, { scope = 'openid', responseMode, prompt, par = false } = {}) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const params = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  if (responseMode) params.set('response_mode', responseMode);
  if (prompt) params.set('prompt', prompt);

  const url = new URL(as.authorization_endpoint);
  if (par) {
    const response = await oauth.pushedAuthorizationRequest(as, client, oauth.None(), params, INSECURE);
    const { request_uri } = await oauth.processPushedAuthorizationResponse(as, client, response);
    url.search = new URLSearchParams({ client_id: client.client_id, request_uri }).toString();
  } else {
    url.search = params.toString();
  }
  return { url: url.href, redirectUri, verifier, state, nonce };
}

/** Signs in through a top-level redirect; resolves on the page load that brings the callback. */
export async function signIn(run, key, { issuer, clientId = 'spa', redirectPath = '/cb', ...options } = {}) {
  const as = await run.discover(issuer);
  const client = { client_id: clientId };
  const flow = await run.authorize(key, () => buildRequest(as, client, `${location.origin}${redirectPath}`, options));
  return { as, client, flow };
}

/** Checks the callback (iss, state, error) the way oauth4webapi does; throws on any mismatch or error. */
export function validateCallback({ as, client, flow }, callback = flow.callback) {
  return oauth.validateAuthResponse(as, client, callbackParams(callback), flow.state);
}

/** Redeems the code from validated callback parameters and checks the token response and ID token. */
export function redeem(run, key, { as, client, flow }, params) {
  return run.once(key, async () => {
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, flow.redirectUri, flow.verifier, INSECURE);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: flow.nonce,
      requireIdToken: true,
    });
    run.log(`POST token (authorization_code) → ${response.status}: ${Object.keys(tokens).join(', ')}`);
    return tokens;
  });
}

/** Sign-in, callback check and code exchange: the whole correct flow. */
export async function signInAndRedeem(run, key, options) {
  const signedIn = await signIn(run, key, options);
  const tokens = await redeem(run, `${key}:token`, signedIn, validateCallback(signedIn));
  return { ...signedIn, tokens };
}

export function refresh(run, key, as, client, refreshToken) {
  return run.once(key, async () => {
    const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, INSECURE);
    const tokens = await oauth.processRefreshTokenResponse(as, client, response);
    run.log(`POST token (refresh_token) → ${response.status}: ${Object.keys(tokens).join(', ')}`);
    return tokens;
  });
}
