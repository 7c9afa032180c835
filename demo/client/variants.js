// What each variant does in the browser, keyed by the ids of demo/variants.ts (which says what an auditor
// should find). Every script returns a summary for the page; the recording is the real output.
// The broken variants are wrong on purpose, each in one way; the comment on each says how.
import * as oauth from 'oauth4webapi';
import { callbackError, exchangeCode, newFlow, randomValue, s256, tokenRequest } from './by-hand.js';
import { buildRequest, redeem, refresh, signIn, signInAndRedeem, validateCallback } from './correct.js';
import { callbackParams, INSECURE } from './run.js';

/**
 * A hand-built sign-in and its code exchange; stops at the callback when the server refused the request.
 * `makeOverrides` runs once, inside the stored request, so any random values in it are made only once.
 */
async function signInByHand(run, key, as, makeOverrides = () => ({}), exchangeOverrides = () => ({}), exchangeOptions) {
  const flow = await run.authorize(key, async () => newFlow(as, await makeOverrides()));
  const refused = callbackError(flow);
  if (refused) return { flow, outcome: { authorization: refused } };
  const token = await exchangeCode(run, `${key}:token`, as, flow, exchangeOverrides(flow), exchangeOptions);
  return { flow, outcome: { token } };
}

/**
 * The code exchange of a hand-built flow where the browser may withhold the answer (CORS): fetch then rejects
 * with a TypeError and tells the app nothing more, whatever the server did.
 */
async function exchangeOrBlocked(run, key, as, flow, options) {
  try {
    return await exchangeCode(run, key, as, flow, {}, options);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    run.log(`POST token (authorization_code) → blocked by the browser: ${error.message}`);
    return { blocked: error.message };
  }
}

/** The server's JWKS (its jwks_uri), fetched once after the token response, as a client verifying the ID token does. */
function fetchKeys(run, as) {
  return run.once('jwks', async () => {
    const response = await fetch(as.jwks_uri);
    const kids = ((await response.json()).keys ?? []).map((key) => key.kid);
    run.log(`GET jwks → ${response.status}: ${kids.join(', ')}`);
    return { status: response.status, kids };
  });
}

/**
 * The user's side of a device grant (RFC 8628 §3.3): the verification page, and the user_code typed into its form.
 * On a real device grant the user does this on another device (a phone); here it happens in a frame of this page,
 * so that one capture holds the whole grant. The code is typed as people do, in lower case without its dash.
 */
function enterUserCode(run, device) {
  const loaded = (frame) => new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  return new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.title = 'Verification page';
    frame.name = 'verification';
    const container = document.getElementById('frames');
    loaded(frame).then(async () => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = device.verification_uri;
      form.target = 'verification';
      const input = document.createElement('input');
      input.name = 'user_code';
      input.value = device.user_code.toLowerCase().replace(/-/g, '');
      form.append(input);
      container.append(form);
      const entered = loaded(frame);
      form.submit();
      await entered;
      run.log(`verification page: user_code ${input.value} entered`);
      container.replaceChildren();
      resolve();
    });
    frame.src = device.verification_uri;
    container.append(frame);
  });
}

/** An ES256 key pair for DPoP proofs (RFC 9449), its private key not extractable. */
function dpopKeyPair() {
  return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
}

const base64urlOf = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const jsonPart = (value) => base64urlOf(new TextEncoder().encode(JSON.stringify(value)));

async function publicJwk(keyPair) {
  const { crv, kty, x, y } = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
  return { crv, kty, x, y };
}

/** RFC 7638: SHA-256 of the required members in lexicographic order (crv, kty, x, y for EC). */
async function jwkThumbprint(keyPair) {
  const canonical = JSON.stringify(await publicJwk(keyPair));
  return base64urlOf(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical))));
}

/** A DPoP proof made by hand (RFC 9449 §4.2), so that a variant can get one part of it wrong. */
async function handMadeProof(keyPair, htm, htu) {
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: await publicJwk(keyPair) };
  const input = `${jsonPart(header)}.${jsonPart({ htm, htu, jti: randomValue(), iat: Math.floor(Date.now() / 1000) })}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keyPair.privateKey, new TextEncoder().encode(input));
  return `${input}.${base64urlOf(new Uint8Array(signature))}`;
}

/** Authorization and token requests without any PKCE parameter. */
const NO_PKCE = { verifier: undefined, challenge: undefined, method: undefined };

/** offline_access is only honoured with prompt=consent (OIDC Core §11); it brings a refresh token. */
const OFFLINE = { scope: 'openid offline_access', prompt: 'consent' };

/** Two authorization requests pending at once (in frames), each callback paired with its flow by state. */
async function twoPendingFlows(run, _as, build) {
  const flows = await run.once('requests', async () => [await build(), await build()]);
  const callbacks = await run.frames(
    'sign-ins',
    flows.map((flow) => flow.url),
  );
  return flows.map((flow, i) => {
    const callback = callbacks.find((c) => callbackParams(c).get('state') === flow.state);
    if (!callback) throw new Error(`no callback carries the state of flow ${i + 1}`);
    return { ...flow, callback };
  });
}

function countdown(seconds) {
  const status = document.getElementById('status');
  return new Promise((resolve) => {
    const tick = () => {
      status.textContent = `Waiting ${seconds} s before the token request…`;
      if (seconds-- === 0) resolve(true);
      else setTimeout(tick, 1000);
    };
    tick();
  });
}

/**
 * An MCP client's sign-in (docs/mcp.md): the MCP server answers 401 with where its protected resource metadata is
 * (RFC 9728 §5.1), the metadata names the authorization server, and the authorization request carries the
 * server's resource identifier (RFC 8707). `tokenResource` is what the token request sends as resource.
 */
async function mcpSignIn(run, tokenResource) {
  const mcp = await run.once('mcp-discovery', async () => {
    const call = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    const unauthorized = await fetch('/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(call),
    });
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(unauthorized.headers.get('www-authenticate') ?? '')?.[1];
    const metadata = await (await fetch(metadataUrl)).json();
    run.log(`POST /mcp → ${unauthorized.status}; its metadata names ${metadata.authorization_servers.join(', ')}`);
    return { resource: metadata.resource, issuer: metadata.authorization_servers[0] };
  });
  const as = await run.discover(mcp.issuer);
  const flow = await run.authorize('sign-in', () => newFlow(as, { scope: 'openid mcp:tools', extraParams: [['resource', mcp.resource]] }));
  const refused = callbackError(flow);
  if (refused) return { authorization: refused };
  return { token: await exchangeCode(run, 'sign-in:token', as, flow, { resource: tokenResource(mcp.resource) }) };
}

export const scripts = {
  async good(run) {
    const { tokens } = await signInAndRedeem(run, 'sign-in');
    return { tokens };
  },

  async 'form-post'(run) {
    const { tokens } = await signInAndRedeem(run, 'sign-in', { responseMode: 'form_post', redirectPath: '/cb/form-post' });
    return { tokens };
  },

  async fragment(run) {
    const { tokens } = await signInAndRedeem(run, 'sign-in', { responseMode: 'fragment' });
    return { tokens };
  },

  async par(run) {
    const { tokens } = await signInAndRedeem(run, 'sign-in', { par: true });
    return { tokens };
  },

  // Correct, with the authorization request in a popup window: the popup's callback page hands the response
  // to this page, which checks it and redeems the code.
  async 'popup-window'(run) {
    const as = await run.discover();
    const client = { client_id: 'spa' };
    const flow = await run.authorizeInPopup('sign-in', () => buildRequest(as, client, `${location.origin}/cb`));
    const signedIn = { as, client, flow };
    const tokens = await redeem(run, 'sign-in:token', signedIn, validateCallback(signedIn));
    return { tokens };
  },

  async concurrent(run) {
    const as = await run.discover();
    const client = { client_id: 'spa' };
    const flows = await twoPendingFlows(run, as, () => buildRequest(as, client, `${location.origin}/cb`));
    // Redeem the later flow first: only pairing by state (never "the latest request") gets this right.
    const tokens = [];
    for (const [i, flow] of [...flows.entries()].reverse()) {
      const params = validateCallback({ as, client, flow });
      tokens.push(await redeem(run, `token-${i + 1}`, { as, client, flow }, params));
    }
    return { tokens };
  },

  async refresh(run) {
    const { as, client, tokens } = await signInAndRedeem(run, 'sign-in', OFFLINE);
    const first = await refresh(run, 'refresh-1', as, client, tokens.refresh_token);
    const second = await refresh(run, 'refresh-2', as, client, first.refresh_token);
    return { tokens, first, second };
  },

  async 'access-denied'(run) {
    const signedIn = await signIn(run, 'sign-in');
    try {
      validateCallback(signedIn);
    } catch (error) {
      if (!(error instanceof oauth.AuthorizationResponseError)) throw error;
      run.log(`sign-in refused: ${error.error}`);
      return { authorization: { error: error.error, error_description: error.error_description } };
    }
    throw new Error('this variant expects you to click Cancel on the authorization server');
  },

  // BUG: no state parameter at all.
  async 'no-state'(run) {
    const as = await run.discover();
    return (await signInByHand(run, 'sign-in', as, () => ({ state: undefined }))).outcome;
  },

  // BUG: no nonce although scope=openid.
  async 'oidc-no-nonce'(run) {
    const as = await run.discover();
    return (await signInByHand(run, 'sign-in', as, () => ({ nonce: undefined }))).outcome;
  },

  // BUG: the verifier picks up a line ending (as when read back from a file or a textarea); the challenge was
  // computed from the clean value.
  async 'verifier-trailing-newline'(run) {
    const as = await run.discover();
    return (await signInByHand(run, 'sign-in', as, undefined, (flow) => ({ code_verifier: `${flow.verifier}\n` }))).outcome;
  },

  // BUG: the S256 challenge keeps its base64 "=" padding, as a generic base64 encoder leaves it.
  async 'padded-challenge'(run) {
    const as = await run.discover();
    const padded = async () => {
      const verifier = randomValue();
      return { verifier, challenge: `${await s256(verifier)}=` };
    };
    return (await signInByHand(run, 'sign-in', as, padded)).outcome;
  },

  // BUG: code_challenge_method left out, so the server would take the challenge as plain.
  async 'method-omitted'(run) {
    const as = await run.discover();
    return (await signInByHand(run, 'sign-in', as, () => ({ method: undefined }))).outcome;
  },

  // BUG: the plain method: the challenge is the verifier itself.
  async plain(run) {
    const as = await run.discover();
    const plain = () => {
      const verifier = randomValue();
      return { verifier, challenge: verifier, method: 'plain' };
    };
    return (await signInByHand(run, 'sign-in', as, plain)).outcome;
  },

  // BUG: no PKCE. The legacy client is allowed to skip it and gets tokens; the spa client is refused.
  async 'no-pkce'(run) {
    const as = await run.discover();
    const legacy = await signInByHand(run, 'legacy', as, () => ({ ...NO_PKCE, clientId: 'legacy' }));
    const spa = await signInByHand(run, 'spa', as, () => NO_PKCE);
    return { legacy: legacy.outcome, spa: spa.outcome };
  },

  // BUG: no challenge at /authorize, but a verifier at /token (a downgrade an attacker could exploit).
  async 'pkce-downgrade'(run) {
    const as = await run.discover();
    const downgrade = () => ({ clientId: 'legacy', challenge: undefined, method: undefined });
    return (await signInByHand(run, 'sign-in', as, downgrade)).outcome;
  },

  // BUG: the challenge was sent, the verifier is forgotten at /token.
  async 'pkce-verifier-missing'(run) {
    const as = await run.discover();
    return (await signInByHand(run, 'sign-in', as, undefined, () => ({ code_verifier: undefined }))).outcome;
  },

  // BUG: one verifier made at start-up and reused for every sign-in.
  async 'pkce-value-reused'(run) {
    const as = await run.discover();
    const verifier = await run.once('verifier', randomValue);
    const sameVerifier = async () => ({ verifier, challenge: await s256(verifier) });
    const first = await signInByHand(run, 'sign-in-1', as, sameVerifier);
    const second = await signInByHand(run, 'sign-in-2', as, sameVerifier);
    return { first: first.outcome, second: second.outcome };
  },

  // BUG: the state is made once and kept for every later sign-in (a one-time CSRF token reused).
  async 'value-reused'(run) {
    const as = await run.discover();
    const state = await run.once('state', randomValue);
    const first = await signInByHand(run, 'sign-in-1', as, () => ({ state }));
    const second = await signInByHand(run, 'sign-in-2', as, () => ({ state }));
    return { first: first.outcome, second: second.outcome };
  },

  // BUG: two flows pending at once, and each code is sent with the other flow's verifier.
  async 'other-flow-verifier'(run) {
    const as = await run.discover();
    const flows = await twoPendingFlows(run, as, () => newFlow(as));
    const tokens = [];
    for (const [i, flow] of flows.entries()) {
      const other = flows[1 - i];
      tokens.push(await exchangeCode(run, `token-${i + 1}`, as, flow, { code_verifier: other.verifier }));
    }
    return { tokens };
  },

  // BUG: redirect_uri at /token gains a trailing slash.
  async 'redirect-uri-trailing-slash'(run) {
    const as = await run.discover();
    return (await signInByHand(run, 'sign-in', as, undefined, (flow) => ({ redirect_uri: `${flow.redirectUri}/` }))).outcome;
  },

  // BUG: the code is exchanged a second time (a double-mounted effect, or a retry).
  async 'code-twice'(run) {
    const as = await run.discover();
    const { flow, outcome } = await signInByHand(run, 'sign-in', as);
    return { first: outcome, second: await exchangeCode(run, 'token-again', as, flow) };
  },

  // BUG: the code sits for 61 s before the exchange (longer than the server's 60 s code lifetime).
  async 'code-exchange-late'(run) {
    const as = await run.discover();
    const flow = await run.authorize('sign-in', () => newFlow(as));
    await run.once('wait', () => countdown(61));
    return { token: await exchangeCode(run, 'token', as, flow) };
  },

  // BUG: authorized as spa, redeemed as legacy.
  async 'token-client-id-mismatch'(run) {
    const as = await run.discover();
    return (await signInByHand(run, 'sign-in', as, undefined, () => ({ client_id: 'legacy' }))).outcome;
  },

  // BUG: the token request body is JSON (it also costs a CORS preflight).
  async 'token-request-malformed'(run) {
    const as = await run.discover();
    return (await signInByHand(run, 'sign-in', as, undefined, undefined, { json: true })).outcome;
  },

  // BUG: a second, different state is appended, as when a library and the app each add one.
  async 'duplicate-parameter'(run) {
    const as = await run.discover();
    return (await signInByHand(run, 'sign-in', as, () => ({ extraParams: [['state', randomValue()]] }))).outcome;
  },

  // BUG: guessable values: state "1" and nonce "abc", then the next sign-in's state is "2".
  async 'weak-random'(run) {
    const as = await run.discover();
    const first = await signInByHand(run, 'sign-in-1', as, () => ({ state: '1', nonce: 'abc' }));
    const second = await signInByHand(run, 'sign-in-2', as, () => ({ state: '2' }));
    return { first: first.outcome, second: second.outcome };
  },

  // BUG: confidential clients driven from the browser, which then has to hold their secret: once in the
  // body (client_secret_post), once in a Basic header (client_secret_basic).
  async 'client-secret-in-browser'(run) {
    const as = await run.discover();
    // Bundled into the page's code, where anyone can read it. (The demo server's throwaway value:
    // CONFIDENTIAL_CLIENT_SECRET in demo/authorization-server.ts.)
    const secret = 'throwaway-demo-secret-not-for-production';
    const post = await signInByHand(
      run,
      'post',
      as,
      () => ({ clientId: 'confidential-web' }),
      () => ({ client_secret: secret }),
    );
    // RFC 6749 §2.3.1: id and secret are form-encoded before base64.
    const basic = `Basic ${btoa(`${encodeURIComponent('confidential-web-basic')}:${encodeURIComponent(secret)}`)}`;
    const viaBasic = await signInByHand(
      run,
      'basic',
      as,
      () => ({ clientId: 'confidential-web-basic' }),
      () => ({ client_id: undefined }),
      { headers: { authorization: basic } },
    );
    return { post: post.outcome, basic: viaBasic.outcome };
  },

  // BUG: two client authentication methods in one token request (RFC 6749 §2.3): Basic and client_secret.
  async 'client-auth-multiple'(run) {
    const as = await run.discover();
    const secret = 'throwaway-demo-secret-not-for-production';
    const basic = `Basic ${btoa(`${encodeURIComponent('confidential-web-basic')}:${encodeURIComponent(secret)}`)}`;
    const twice = await signInByHand(
      run,
      'sign-in',
      as,
      () => ({ clientId: 'confidential-web-basic' }),
      () => ({ client_secret: secret }),
      { headers: { authorization: basic } },
    );
    return twice.outcome;
  },

  // BUG: the callback page sends its URL, code and state included, to a third party (an analytics pixel on
  // another origin) with Referrer-Policy unsafe-url. The page asks for it per request: the demo serves every page
  // with no-referrer, and the app has already taken the code out of the address bar, so the pixel is sent as a
  // page that loads it before doing so would send it.
  async 'credential-in-referer'(run) {
    const as = await run.discover();
    const flow = await run.authorize('sign-in', () => newFlow(as));
    const callbackUrl = `${location.origin}${flow.callback.path}?${flow.callback.params}`;
    await run.once('analytics', async () => {
      const pixel = `${location.protocol}//localhost:${location.port}/analytics/pixel?e=signed-in`;
      const response = await fetch(pixel, { mode: 'no-cors', referrer: callbackUrl, referrerPolicy: 'unsafe-url' });
      run.log(`GET ${pixel} (Referer: the callback URL) → ${response.type}`);
      return { type: response.type };
    });
    return { token: await exchangeCode(run, 'sign-in:token', as, flow) };
  },

  // BUG: the callback page forwards to whatever its returnTo parameter names, here another origin (an open
  // redirect). The redirect URI registered with the demo server carries it, as it would arrive from a link.
  async 'open-redirect-on-callback'(run) {
    const as = await run.discover();
    const returnTo = `${location.protocol}//localhost:${location.port}/welcome`;
    const redirectUri = `${location.origin}/cb?returnTo=${encodeURIComponent(returnTo)}`;
    const flow = await run.authorize('sign-in', () => newFlow(as, { redirectUri }));
    const token = await exchangeCode(run, 'sign-in:token', as, flow);
    const target = callbackParams(flow.callback).get('returnTo');
    run.log(`forwarding to returnTo: ${target}`);
    location.assign(target);
    // The run ends on the page it forwards to; this one is leaving.
    return new Promise(() => token);
  },

  // BUG: before sending the browser to sign in, the app "checks the session" by fetching the authorization
  // endpoint with prompt=none from script. The server sends no CORS headers there, so the browser refuses the
  // answer to the script; the app then signs in correctly.
  async 'authorize-via-cors'(run) {
    const as = await run.discover();
    await run.once('session-check', async () => {
      const check = await newFlow(as, { extraParams: [['prompt', 'none']] });
      try {
        const response = await fetch(check.url, { credentials: 'include' });
        run.log(`fetch authorization endpoint → ${response.status}`);
        return { status: response.status };
      } catch (error) {
        run.log(`fetch authorization endpoint → blocked by the browser: ${error.message}`);
        return { blocked: error.message };
      }
    });
    const { tokens } = await signInAndRedeem(run, 'sign-in');
    return { tokens };
  },

  // Correct MCP authorization: protected resource metadata, then resource on the authorization and token requests.
  async mcp(run) {
    return mcpSignIn(run, (resource) => resource);
  },

  // BUG: an MCP client that sends resource on the authorization request but not on the token request.
  async 'mcp-resource-missing'(run) {
    return mcpSignIn(run, () => undefined);
  },

  // BUG: after a correct sign-in, the access token goes to userinfo in the query string.
  async 'credential-in-url'(run) {
    const { as, tokens } = await signInAndRedeem(run, 'sign-in');
    const userinfo = await run.once('userinfo', async () => {
      const url = new URL(as.userinfo_endpoint);
      url.searchParams.set('access_token', tokens.access_token);
      const response = await fetch(url);
      run.log(`GET userinfo?access_token=… → ${response.status}`);
      return { status: response.status, body: await response.json().catch(() => null) };
    });
    return { userinfo };
  },

  // BUG: the implicit grant: tokens come back in the front channel (the fragment).
  async implicit(run) {
    const as = await run.discover();
    const flow = await run.authorize('sign-in', () =>
      newFlow(as, { ...NO_PKCE, clientId: 'implicit-spa', responseType: 'id_token token' }),
    );
    const params = callbackParams(flow.callback);
    if (params.get('state') !== flow.state) throw new Error('state mismatch');
    const userinfo = await run.once('userinfo', async () => {
      const response = await fetch(as.userinfo_endpoint, { headers: { authorization: `Bearer ${params.get('access_token')}` } });
      run.log(`GET userinfo (Bearer header) → ${response.status}`);
      return { status: response.status, body: await response.json().catch(() => null) };
    });
    return { received: [...params.keys()], userinfo };
  },

  // BUG: the resource owner password grant, with the user's password typed into the app.
  async ropc(run) {
    const as = await run.discover();
    const grant = { grant_type: 'password', username: 'alice', password: 'wonderland', client_id: 'spa', scope: 'openid' };
    return { token: await tokenRequest(run, 'password', as, grant) };
  },

  // A correct flow, but its client registered http://localhost (the page runs there).
  async 'redirect-uri-insecure'(run) {
    const { tokens } = await signInAndRedeem(run, 'sign-in', { clientId: 'localhost-spa' });
    return { tokens };
  },

  // BUG: redirect_uri with a fragment. The server refuses it and cannot redirect back, so this page never
  // returns; the run ends on the server's error page.
  async 'redirect-uri-fragment'(run) {
    const as = await run.discover();
    await run.authorize('sign-in', () => newFlow(as, { redirectUri: `${location.origin}/cb#signed-in` }));
    throw new Error('the server should have refused this redirect_uri');
  },

  // BUG: the sign-in runs in a new tab without this tab's sessionStorage (as in a tab that a target=_blank link
  // opens, noopener: see Run.newTab), so the callback landing there finds no record of the state or the
  // verifier, and the code is never exchanged. Told so by that tab, this one signs in again in place, which works.
  async 'state-lost-new-tab'(run) {
    const as = await run.discover();
    const lost = await run.once('lost-request', () => newFlow(as));
    const orphanState = await run.newTab('lost', lost.url);
    run.log(
      orphanState === lost.state
        ? 'the sign-in came back in the other tab, which had no record of it'
        : 'another tab reported an unknown callback',
    );
    const { outcome } = await signInByHand(run, 'sign-in', as);
    return { lost: { stateCameBack: orphanState === lost.state }, ...outcome };
  },

  // A correct app under attack: while its sign-in is pending (left in a frame), a forged callback arrives,
  // as from an attacker's link. The app rejects it: its state matches no pending flow.
  async 'state-mismatch'(run) {
    const as = await run.discover();
    const pending = await run.once('pending-request', () => newFlow(as));
    await run.leaveInFrame('pending', pending.url);
    const forged = await run.navigate('forged', `${location.origin}/cb?code=forged&state=forged`);
    const state = callbackParams(forged).get('state');
    if (state === pending.state) throw new Error('the forged callback matched the pending flow');
    run.log('callback rejected: its state matches no pending sign-in');
    return { rejected: { state } };
  },

  // HOSTILE: an error response crafted by an attacker, echoing the pending state. Its strings are markup and a
  // script URL; an auditor must show them as text.
  async 'hostile-error-response'(run) {
    const as = await run.discover();
    const pending = await run.once('pending-request', () => newFlow(as));
    await run.leaveInFrame('pending', pending.url);
    const hostile = new URLSearchParams({
      error: 'invalid_request',
      error_description: "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script><b>bold</b>",
      error_uri: "javascript:document.title='pwned'",
      state: pending.state,
    });
    const callback = await run.navigate('hostile', `${location.origin}/cb?${hostile}`);
    run.log(`error callback received: ${callbackParams(callback).get('error')}`);
    return { authorization: { error: callbackParams(callback).get('error') } };
  },

  // BUG: after the refresh token was rotated, the old one is used again (say, by a second tab).
  async 'refresh-token-reused'(run) {
    const { as, client, tokens } = await signInAndRedeem(run, 'sign-in', OFFLINE);
    const rotated = await refresh(run, 'refresh', as, client, tokens.refresh_token);
    const stale = await tokenRequest(run, 'refresh-stale', as, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: client.client_id,
    });
    return { rotated, stale };
  },

  // Rogue server: the implicit tokens come back in the query string.
  async 'tokens-in-query-response'(run) {
    const as = await run.discover(run.config.rogueIssuer);
    const flow = await run.authorize('sign-in', () =>
      newFlow(as, { ...NO_PKCE, clientId: 'query-tokens', responseType: 'id_token token' }),
    );
    return { mode: flow.callback.mode, received: [...callbackParams(flow.callback).keys()] };
  },

  // Rogue server: the callback lands on /callback; the (correct) client still redeems the code.
  async 'callback-uri-mismatch'(run) {
    const { tokens, flow } = await signInAndRedeem(run, 'sign-in', { issuer: run.config.rogueIssuer, clientId: 'wrong-path' });
    return { landedOn: flow.callback.path, tokens };
  },

  // Rogue server: the callback's iss names the other server; the correct client rejects the response.
  async 'iss-mismatch'(run) {
    const signedIn = await signIn(run, 'sign-in', { issuer: run.config.rogueIssuer, clientId: 'wrong-iss' });
    try {
      validateCallback(signedIn);
    } catch (error) {
      run.log(`callback rejected: ${error.message}`);
      return { rejected: error.message };
    }
    throw new Error('the client should have rejected the iss');
  },

  // Rogue server: the same code is redeemed twice and the server answers 200 both times.
  async 'code-replay-accepted'(run) {
    const as = await run.discover(run.config.rogueIssuer);
    const { flow, outcome } = await signInByHand(run, 'sign-in', as, () => ({ clientId: 'replay-ok' }));
    return { first: outcome, second: await exchangeCode(run, 'token-again', as, flow) };
  },

  // Rogue server: each of these clients gets one broken ID token or callback; the client under test takes it
  // as it is (a correct client would reject it), so the recording shows what the auditor must catch.
  async 'id-token-nonce-mismatch'(run) {
    const as = await run.discover(run.config.rogueIssuer);
    return (await signInByHand(run, 'sign-in', as, () => ({ clientId: 'wrong-nonce' }))).outcome;
  },

  async 'id-token-invalid'(run) {
    const as = await run.discover(run.config.rogueIssuer);
    return (await signInByHand(run, 'sign-in', as, () => ({ clientId: 'bad-id-token' }))).outcome;
  },

  async 'hash-claim-mismatch'(run) {
    const as = await run.discover(run.config.rogueIssuer);
    return (await signInByHand(run, 'sign-in', as, () => ({ clientId: 'wrong-at-hash' }))).outcome;
  },

  async 'iss-missing'(run) {
    const as = await run.discover(run.config.rogueIssuer);
    return (await signInByHand(run, 'sign-in', as, () => ({ clientId: 'no-iss' }))).outcome;
  },

  // Rogue server: its sign-in form is answered with a 307 to the redirect URI, which re-sends the form here.
  async 'as-307-credential-redirect'(run) {
    const as = await run.discover(run.config.rogueIssuer);
    return (await signInByHand(run, 'sign-in', as, () => ({ clientId: 'login-307' }))).outcome;
  },

  // BUG: a device authorization grant (RFC 8628) client that polls every 300 ms, although the server asks for a
  // 1 s interval, and goes on at that pace after the server answers slow_down.
  async 'device-code-polling'(run) {
    const as = await run.discover(run.config.rogueIssuer);
    return run.once('device', async () => {
      const post = (params) => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params),
      });
      const device = await (await fetch(as.device_authorization_endpoint, post({ client_id: 'device-fast', scope: 'openid' }))).json();
      run.log(`device authorization → user_code ${device.user_code}, interval ${device.interval} s`);
      await enterUserCode(run, device);
      const poll = {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: device.device_code,
        client_id: 'device-fast',
      };
      for (let attempt = 1; attempt <= 6; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const response = await fetch(as.token_endpoint, post(poll));
        const body = await response.json();
        run.log(`poll ${attempt} → ${response.status}: ${body.error ?? 'tokens'}`);
        if (response.ok) return { polls: attempt };
      }
      return { polls: 6, tokens: false };
    });
  },

  // Correct: the code exchange, then the server's keys, as a client that verifies the ID token fetches them.
  async 'id-token-signature-verified'(run) {
    const { as, tokens } = await signInAndRedeem(run, 'sign-in');
    return { tokens, jwks: await fetchKeys(run, as) };
  },

  // Rogue server: the ID token's signature is made with a key the JWKS does not hold.
  async 'id-token-signature-invalid'(run) {
    const as = await run.discover(run.config.rogueIssuer);
    const { outcome } = await signInByHand(run, 'sign-in', as, () => ({ clientId: 'bad-signature' }));
    return { ...outcome, jwks: await fetchKeys(run, as) };
  },

  // Correct: oauth4webapi's DPoP, with a key made for this session (RFC 9449).
  async dpop(run) {
    const signedIn = await signIn(run, 'sign-in');
    const params = validateCallback(signedIn);
    return run.once('sign-in:token', async () => {
      const { as, client, flow } = signedIn;
      const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      const options = { ...INSECURE, DPoP };
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.None(),
        params,
        flow.redirectUri,
        flow.verifier,
        options,
      );
      const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
        expectedNonce: flow.nonce,
        requireIdToken: true,
      });
      run.log(`POST token (authorization_code, DPoP) → ${response.status}: token_type ${tokens.token_type}`);
      return { token_type: tokens.token_type };
    });
  },

  // BUG: the proof's htu has a trailing slash the token endpoint's URL does not (RFC 9449 §4.3 step 9).
  async 'dpop-proof-invalid'(run) {
    const as = await run.discover();
    const flow = await run.authorize('sign-in', () => newFlow(as));
    const proof = await handMadeProof(await dpopKeyPair(), 'POST', `${as.token_endpoint}/`);
    return { token: await exchangeCode(run, 'sign-in:token', as, flow, {}, { headers: { dpop: proof } }) };
  },

  // BUG: dpop_jkt names one key, and the token request proves a key made later (RFC 9449 §10).
  async 'dpop-binding-mismatch'(run) {
    const as = await run.discover();
    const flow = await run.authorize('sign-in', async () =>
      newFlow(as, { extraParams: [['dpop_jkt', await jwkThumbprint(await dpopKeyPair())]] }),
    );
    const proof = await handMadeProof(await dpopKeyPair(), 'POST', as.token_endpoint);
    return { token: await exchangeCode(run, 'sign-in:token', as, flow, {}, { headers: { dpop: proof } }) };
  },

  // BUG: the request object (RFC 9101) was built for another client than the one the URL names (§6.3).
  async 'request-object-client-id-mismatch'(run) {
    const as = await run.discover();
    const { outcome } = await signInByHand(run, 'sign-in', as, async () => {
      const claims = { client_id: 'another-client', response_type: 'code', redirect_uri: `${location.origin}/cb`, scope: 'openid' };
      return { extraParams: [['request', `${jsonPart({ alg: 'none' })}.${jsonPart(claims)}.`]] };
    });
    return outcome;
  },

  // BUG: a PAR retry that pushes the parameters again with the request_uri of the first push (RFC 9126 §2.1).
  async 'par-request-uri-pushed'(run) {
    const as = await run.discover();
    return run.once('par', async () => {
      const flow = await newFlow(as);
      const body = new URLSearchParams(new URL(flow.url).searchParams);
      body.set('request_uri', 'urn:ietf:params:oauth:request_uri:from-an-earlier-push');
      const response = await fetch(as.pushed_authorization_request_endpoint, { method: 'POST', body });
      const answer = await response.json().catch(() => null);
      run.log(`POST par → ${response.status}: ${answer?.error ?? Object.keys(answer ?? {}).join(', ')}`);
      return { status: response.status, error: answer?.error ?? null };
    });
  },

  // BUG (mix-up): the sign-in is at the demo server, with its iss in the callback, but the client sends the code
  // to the token endpoint of the other server it knows (RFC 9700 §4.4).
  async 'token-endpoint-issuer-mismatch'(run) {
    const signedIn = await signIn(run, 'sign-in');
    validateCallback(signedIn);
    const other = { token_endpoint: new URL('/token', run.config.rogueIssuer).href };
    return { token: await exchangeCode(run, 'token', other, { ...signedIn.flow, clientId: signedIn.client.client_id }) };
  },

  // Rogue server: a metadata document naming another issuer than its URL's. oauth4webapi's discovery would
  // refuse it (RFC 8414 §3.3), so it is fetched as it is, and no sign-in follows.
  async 'metadata-inconsistent'(run) {
    return run.once('metadata', async () => {
      const response = await fetch(new URL('/.well-known/oauth-authorization-server/tenant-a', run.config.rogueIssuer));
      const { issuer } = await response.json();
      run.log(`GET tenant-a metadata → ${response.status}: issuer ${issuer}`);
      return { status: response.status, issuer };
    });
  },

  // Rogue server: the token endpoint answers without Access-Control-Allow-Origin. fetch rejects although the
  // server answered 200 and used up the code; the app retries with the same code, as apps do after a network
  // error, and that attempt is refused (invalid_grant) and withheld the same way.
  async 'token-cors-blocked'(run) {
    const as = await run.discover(run.config.rogueIssuer);
    const flow = await run.authorize('sign-in', () => newFlow(as, { clientId: 'no-cors' }));
    return { first: await exchangeOrBlocked(run, 'token', as, flow), retry: await exchangeOrBlocked(run, 'token-retry', as, flow) };
  },

  // BUG: the token request carries X-Requested-With, as a global HTTP interceptor adds to every call. The header
  // makes the browser send a CORS preflight first, the server's preflight does not allow it, so the POST is
  // never sent.
  async 'token-preflight-blocked'(run) {
    const as = await run.discover(run.config.rogueIssuer);
    const flow = await run.authorize('sign-in', () => newFlow(as, { clientId: 'custom-header' }));
    return { token: await exchangeOrBlocked(run, 'token', as, flow, { headers: { 'x-requested-with': 'XMLHttpRequest' } }) };
  },

  // Rogue server: the token response is cacheable.
  async 'token-response-cacheable'(run) {
    const as = await run.discover(run.config.rogueIssuer);
    const { outcome } = await signInByHand(run, 'sign-in', as, () => ({ clientId: 'cacheable' }));
    return outcome;
  },

  // Rogue server: the refresh token is never rotated, so the client keeps presenting the same one.
  async 'refresh-token-not-rotated'(run) {
    const as = await run.discover(run.config.rogueIssuer);
    const { outcome } = await signInByHand(run, 'sign-in', as, () => ({ clientId: 'no-rotation' }));
    const refreshWith = (key) =>
      tokenRequest(run, key, as, {
        grant_type: 'refresh_token',
        refresh_token: outcome.token.body.refresh_token,
        client_id: 'no-rotation',
      });
    return { first: await refreshWith('refresh-1'), second: await refreshWith('refresh-2') };
  },
};
