// Requests built by hand, for the broken variants: every parameter is explicit, so a variant can drop one,
// repeat one or give it a wrong value. Nothing here validates anything on purpose.
import { callbackParams } from './run.js';

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** 32 random bytes, base64url: 43 characters, 256 bits. */
export function randomValue() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function s256(verifier) {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/**
 * A correct code + S256 flow, then `overrides`: an override of `undefined` leaves that parameter out.
 * `extraParams` are appended as they are, duplicates included.
 */
export async function newFlow(as, overrides = {}) {
  const verifier = randomValue();
  const flow = {
    clientId: 'spa',
    responseType: 'code',
    redirectUri: `${location.origin}/cb`,
    scope: 'openid',
    state: randomValue(),
    nonce: randomValue(),
    verifier,
    challenge: await s256(verifier),
    method: 'S256',
    extraParams: [],
    ...overrides,
  };
  const url = new URL(as.authorization_endpoint);
  const params = [
    ['response_type', flow.responseType],
    ['client_id', flow.clientId],
    ['redirect_uri', flow.redirectUri],
    ['scope', flow.scope],
    ['state', flow.state],
    ['nonce', flow.nonce],
    ['code_challenge', flow.challenge],
    ['code_challenge_method', flow.method],
    ...flow.extraParams,
  ];
  for (const [name, value] of params) if (value !== undefined) url.searchParams.append(name, value);
  return { ...flow, url: url.href };
}

/** The authorization error of a callback, or null. */
export function callbackError(flow) {
  const params = callbackParams(flow.callback);
  return params.has('error') ? { error: params.get('error'), error_description: params.get('error_description') } : null;
}

/**
 * POSTs to the token endpoint once and records the answer, whatever it is. Parameters set to `undefined` are
 * left out. `json` sends a JSON body instead of a form (a bug in itself).
 */
export function tokenRequest(run, key, as, params, { headers = {}, json = false } = {}) {
  return run.once(key, async () => {
    const pairs = Object.entries(params).filter(([, value]) => value !== undefined);
    const body = json ? JSON.stringify(Object.fromEntries(pairs)) : new URLSearchParams(pairs);
    if (json) headers = { 'content-type': 'application/json', ...headers };
    const response = await fetch(as.token_endpoint, { method: 'POST', headers, body });
    const result = { status: response.status, body: await response.json().catch(() => null) };
    const outcome = result.body?.error ?? Object.keys(result.body ?? {}).join(', ');
    run.log(`POST token (${params.grant_type}) → ${result.status}: ${outcome}`);
    return result;
  });
}

/** The code exchange for a hand-built flow; `overrides` change or (with undefined) drop parameters. */
export function exchangeCode(run, key, as, flow, overrides = {}, options) {
  return tokenRequest(
    run,
    key,
    as,
    {
      grant_type: 'authorization_code',
      code: callbackParams(flow.callback).get('code') ?? undefined,
      redirect_uri: flow.redirectUri,
      client_id: flow.clientId,
      code_verifier: flow.verifier,
      ...overrides,
    },
    options,
  );
}
