/**
 * Every recorded capture (the demo's HAR files, and a HAR of node oidc-provider's own sign-in): the stuck
 * variants yield the diagnoses that explain them, the correct ones none.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarText } from '../src/capture/har.ts';
import { demoFixture } from './support/token-responses.ts';
import { analyze } from '../src/core/analyze.ts';

/** Each recording's diagnoses as `kind/likelihood`, flow by flow; recordings without any left out. */
async function diagnosedRecordings(): Promise<Record<string, string[][]>> {
  const names = readdirSync(new URL('./fixtures/demo/', import.meta.url)).map((f) => f.replace(/\.har$/, ''));
  const found: Record<string, string[][]> = {};
  for (const name of names.sort()) {
    const { flows, diagnoses } = await analyze(demoFixture(name));
    if (!diagnoses.length) continue;
    found[name] = flows.map((flow) => diagnoses.filter((d) => d.flowId === flow.id).map((d) => `${d.kind}/${d.likelihood}`));
  }
  return found;
}

describe('the recorded demo captures', () => {
  it('raise diagnoses only where the recording shows a stuck or failed flow', async () => {
    expect(await diagnosedRecordings()).toEqual({
      'access-denied': [['authorization-error/likely']],
      // The script's request with prompt=none gets login_required back; the sign-in that follows is correct.
      'authorize-via-cors': [['authorization-error/likely'], []],
      // The server refuses a token request that authenticates the client twice (invalid_request).
      'client-auth-multiple': [['invalid-request/possible']],
      'code-exchange-late': [['invalid-grant/possible']],
      'code-twice': [['invalid-grant/certain']],
      // The server refuses a token request whose DPoP proof key is not the one the authorization request bound.
      'dpop-binding-mismatch': [['invalid-grant/possible']],
      'duplicate-parameter': [['authorization-error/likely']],
      'hostile-error-response': [['authorization-error/likely']],
      // The client refuses a response from another issuer and stops: no token request.
      'iss-mismatch': [['no-token-request/possible']],
      'method-omitted': [['authorization-error/likely']],
      'no-pkce': [[], ['authorization-error/likely']],
      'other-flow-verifier': [['invalid-grant/certain'], ['invalid-grant/certain']],
      'padded-challenge': [['authorization-error/likely']],
      'pkce-downgrade': [['invalid-grant/certain']],
      'pkce-verifier-missing': [['invalid-grant/certain']],
      plain: [['authorization-error/likely']],
      // The authorization server refuses the redirect_uri with a 400 page that names the cause.
      'redirect-uri-fragment': [['authorization-refused/certain']],
      'redirect-uri-trailing-slash': [['invalid-grant/certain']],
      'refresh-token-reused': [['invalid-grant/certain']],
      // The server refuses a request object whose client_id is not the one beside it.
      'request-object-client-id-mismatch': [['authorization-error/possible']],
      // The sign-in succeeds, then the user reloads the callback page: the same response arrives again, and the
      // SDK, which removed its transaction when it redeemed the code, fails without a request (as oidc-client-ts below).
      'sdk-auth0-callback-reloaded': [['callback-loaded-again/possible']],
      // The server shows its error page for a redirect URI nobody registered (oidc-provider's words name it), as
      // in the Okta and MSAL variants below.
      'sdk-auth0-redirect-uri-unregistered': [['authorization-refused/certain']],
      // The callback lands in a tab without the SDK's transaction; the app's own tab signs in again, correctly.
      'sdk-auth0-state-lost-new-tab': [['state-lost/likely', 'no-token-request/possible'], []],
      'sdk-msal-redirect-uri-unregistered': [['authorization-refused/certain']],
      'sdk-oidc-client-ts-callback-reloaded': [['callback-loaded-again/possible']],
      'sdk-oidc-client-ts-refresh-twice': [['invalid-grant/certain']],
      'sdk-okta-redirect-uri-unregistered': [['authorization-refused/certain']],
      'state-lost-new-tab': [['state-lost/likely', 'no-token-request/possible'], []],
      'state-mismatch': [['callback-never-reached/possible'], ['state-lost/possible', 'no-token-request/possible']],
      'token-client-id-mismatch': [['invalid-grant/certain']],
      // The mix-up: a code redeemed at another server's token endpoint, which does not know it.
      'token-endpoint-issuer-mismatch': [['invalid-grant/certain']],
      'token-cors-blocked': [['token-cors-blocked/certain', 'invalid-grant/certain']],
      'token-preflight-blocked': [['token-cors-blocked/certain']],
      'token-request-malformed': [['invalid-request/certain']],
      'verifier-trailing-newline': [['invalid-request/likely']],
    });
  });
});

describe('a clean sign-in recorded from node oidc-provider', () => {
  it('has no diagnosis', async () => {
    const har = readFileSync(new URL('./fixtures/oidc-provider-code-pkce-good.har', import.meta.url), 'utf8');
    const analysis = await analyze(parseHarText(har).exchanges);
    expect(analysis.flows.length).toBeGreaterThan(0);
    expect(analysis.diagnoses).toEqual([]);
  });
});
