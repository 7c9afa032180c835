/**
 * The rule registry: an explicit list (no globbing), so a rule that is not listed here does not run, and
 * the meta-test (`tests/rules-registry.test.ts`) checks every file under `rules/` is listed, tested and cited.
 */
import type { Rule } from './rule.ts';
import pkceChallengeMismatch from './pkce-challenge-mismatch.ts';
import pkceMissing from './pkce-missing.ts';
import pkceVerifierMissing from './pkce-verifier-missing.ts';
import pkceVerifierMalformed from './pkce-verifier-malformed.ts';
import pkceChallengeMalformed from './pkce-challenge-malformed.ts';
import pkceMethodOmitted from './pkce-method-omitted.ts';
import pkcePlainMethod from './pkce-plain-method.ts';
import pkceDowngrade from './pkce-downgrade.ts';
import pkceValueReused from './pkce-value-reused.ts';
import valueReused from './value-reused.ts';
import codeReplayed from './code-replayed.ts';
import codeExchangeLate from './code-exchange-late.ts';
// imports: pkce and code
import stateMissing from './state-missing.ts';
import stateMismatch from './state-mismatch.ts';
import redirectUriTokenMismatch from './redirect-uri-token-mismatch.ts';
import callbackUriMismatch from './callback-uri-mismatch.ts';
import tokenClientIdMismatch from './token-client-id-mismatch.ts';
import clientSecretInBrowser from './client-secret-in-browser.ts';
import clientAuthMultiple from './client-auth-multiple.ts';
import redirectUriInsecure from './redirect-uri-insecure.ts';
import redirectUriFragment from './redirect-uri-fragment.ts';
import issMismatch from './iss-mismatch.ts';
import tokenEndpointIssuerMismatch from './token-endpoint-issuer-mismatch.ts';
// imports: state, redirect and client
import credentialInUrl from './credential-in-url.ts';
import credentialInReferer from './credential-in-referer.ts';
import openRedirectOnCallback from './open-redirect-on-callback.ts';
import as307CredentialRedirect from './as-307-credential-redirect.ts';
import authorizeViaCors from './authorize-via-cors.ts';
import mcpResourceMismatch from './mcp-resource-mismatch.ts';
import deviceCodePolling from './device-code-polling.ts';
import tokensInQueryResponse from './tokens-in-query-response.ts';
import implicitGrant from './implicit-grant.ts';
import ropcGrant from './ropc-grant.ts';
import oidcNonceMissing from './oidc-nonce-missing.ts';
import duplicateParameter from './duplicate-parameter.ts';
import oauthErrorResponse from './oauth-error-response.ts';
import weakRandom from './weak-random.ts';
import tokenRequestMalformed from './token-request-malformed.ts';
import parMisuse from './par-misuse.ts';
// imports: request hygiene
import oidcNonceMismatch from './oidc-nonce-mismatch.ts';
import idTokenInvalid from './id-token-invalid.ts';
import hashClaimMismatch from './hash-claim-mismatch.ts';
import issMissing from './iss-missing.ts';
import idTokenSignatureInvalid from './id-token-signature-invalid.ts';
// imports: id tokens
import refreshTokenReused from './refresh-token-reused.ts';
import refreshTokenNotRotated from './refresh-token-not-rotated.ts';
import tokenResponseCacheable from './token-response-cacheable.ts';
import dpopProofInvalid from './dpop-proof-invalid.ts';
import dpopBindingMismatch from './dpop-binding-mismatch.ts';
import metadataInconsistent from './metadata-inconsistent.ts';
// imports: token responses

export const rules = [
  pkceChallengeMismatch,
  pkceMissing,
  pkceVerifierMissing,
  pkceVerifierMalformed,
  pkceChallengeMalformed,
  pkceMethodOmitted,
  pkcePlainMethod,
  pkceDowngrade,
  pkceValueReused,
  valueReused,
  codeReplayed,
  codeExchangeLate,
  // rules: pkce and code
  stateMissing,
  stateMismatch,
  redirectUriTokenMismatch,
  callbackUriMismatch,
  tokenClientIdMismatch,
  clientSecretInBrowser,
  clientAuthMultiple,
  redirectUriInsecure,
  redirectUriFragment,
  issMismatch,
  tokenEndpointIssuerMismatch,
  // rules: state, redirect and client
  credentialInUrl,
  credentialInReferer,
  openRedirectOnCallback,
  as307CredentialRedirect,
  authorizeViaCors,
  mcpResourceMismatch,
  deviceCodePolling,
  tokensInQueryResponse,
  implicitGrant,
  ropcGrant,
  oidcNonceMissing,
  duplicateParameter,
  oauthErrorResponse,
  weakRandom,
  tokenRequestMalformed,
  parMisuse,
  // rules: request hygiene
  oidcNonceMismatch,
  idTokenInvalid,
  hashClaimMismatch,
  issMissing,
  idTokenSignatureInvalid,
  // rules: id tokens
  refreshTokenReused,
  refreshTokenNotRotated,
  tokenResponseCacheable,
  dpopProofInvalid,
  dpopBindingMismatch,
  metadataInconsistent,
  // rules: token responses
] as const satisfies readonly Rule[];

export type RuleId = (typeof rules)[number]['meta']['id'];
