/**
 * The normalized model of what was observed. Everything the analysis decides is computed from
 * `Exchange`s; capture adapters (webRequest details, HAR entries) map into this shape and nothing in
 * `src/core` knows where an exchange came from.
 */
import type { Diagnosis } from './diagnose/types.ts';

export interface Header {
  /** Lower-cased header name. */
  name: string;
  value: string;
}

/** One decoded parameter, in the order it appeared (duplicates are kept: they are a finding). */
export interface Param {
  name: string;
  value: string;
}

/**
 * A request or response body as far as it was observed.
 * - `form`: application/x-www-form-urlencoded, decoded once with form rules (`+` is a space).
 * - `text`: any other textual body (JSON, HTML…), possibly cut at the size cap (`truncated`).
 * - `binary`: bytes we do not interpret; only the size is kept.
 * - `none`: observed, and there was no body.
 */
export type Body =
  | { kind: 'none' }
  | { kind: 'form'; params: Param[]; raw: string; malformedEncoding?: boolean }
  | { kind: 'text'; text: string; mimeType?: string; truncated?: boolean; size: number }
  | { kind: 'binary'; size: number; mimeType?: string };

/** How the browser issued the request. Navigations and form posts are front-channel; fetch is script. */
export type InitiatorType = 'navigation' | 'subframe' | 'form' | 'fetch' | 'other';

export interface Exchange {
  /** Unique within one analysis. */
  id: string;
  /** Request start, ms since the epoch. */
  time: number;
  /** Response end (or error), ms since the epoch, when known. */
  endTime?: number;
  tabId?: number;
  frameId?: number;
  initiator: InitiatorType;
  /** The origin that initiated the request (webRequest `initiator`, HAR `Origin`/initiator URL) when known. */
  initiatorOrigin?: string;
  method: string;
  /** Absolute URL exactly as requested, raw percent-encoding preserved, no fragment. */
  url: string;
  requestHeaders: Header[];
  requestBody: Body;
  /** HTTP status; undefined when no response was observed (network error, blocked, still pending). */
  status?: number;
  /** Network-level error (e.g. `net::ERR_FAILED`) when the request did not complete. */
  error?: string;
  responseHeaders: Header[];
  /** Absolute redirect target from `Location` (fragment included) when the response redirected. */
  location?: string;
  /** Response body; undefined when not observed (webRequest alone never sees bodies). */
  responseBody?: Body;
  /**
   * 'page': the response body was reported by the page that made the request (Chrome without DevTools:
   * src/capture/page-bodies.ts), not read from the network by the browser; the page could have altered it.
   */
  responseBodyFrom?: 'page';
  /**
   * Lower-cased names of headers the capture removed before we saw this exchange (Chrome's sanitized HAR
   * export drops `authorization`, `cookie` and `set-cookie`): their absence here is not evidence of anything.
   */
  headersRemoved?: readonly RemovableHeader[];
  /**
   * 'navigation': the request left before the extension listened (it arms its capture when a sign-in starts:
   * src/capture/arming.ts), so only the browser's navigation event saw it: its method and URL are exact, and
   * nothing else was observed (no headers, status, Location or body; their absence is not evidence).
   */
  observedBy?: 'navigation';
}

/** The headers an exporter is known to remove (Chrome DevTools' "Export HAR (sanitized)"). */
export type RemovableHeader = 'authorization' | 'cookie' | 'set-cookie';

export type Severity = 'error' | 'warning' | 'info';

/**
 * The front-channel authorization request (RFC 6749 §4.1.1), via query, form POST, or PAR reference.
 * `params` are the front-channel parameters as sent; the named fields are the effective parameters the
 * authorization server acts on: pushed ones merged in (RFC 9126 §4) and a readable request object's claims
 * winning (RFC 9101 §6.3, OIDC Core §6.3.3). See src/core/authorization-parameters.ts.
 */
export interface AuthorizationRequest {
  exchange: Exchange;
  via: 'query' | 'form';
  /** Origin + path of the authorization endpoint (no query). */
  endpoint: string;
  params: Param[];
  /** Where the effective parameters were read: the front channel, the PAR request, or a request object. */
  carrier: 'query' | 'form' | 'par' | 'request-object';
  /**
   * One phrase why the effective parameters cannot be read (a `request_uri` whose PAR request was not
   * observed, a request object that does not decode); rules that need them then say nothing.
   */
  unreadable?: string;
  clientId?: string;
  responseType?: string;
  /**
   * The provider whose documented authorization request carries no response_type (GitHub, Slack, Facebook:
   * known-authorization-endpoints.ts): `responseType` then holds the `code` it implies, not a value on the wire.
   */
  responseTypeImpliedBy?: string;
  responseMode?: string;
  redirectUri?: string;
  scope?: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  /** PAR reference (RFC 9126 §4). */
  requestUri?: string;
  /** The PAR request this authorization request referenced, when observed. */
  par?: ParRequest;
}

/** A pushed authorization request (RFC 9126 §2): the parameters travel in the POST body. */
export interface ParRequest {
  exchange: Exchange;
  endpoint: string;
  params: Param[];
  /** `request_uri` from the PAR response body, when the body was observed. */
  requestUri?: string;
  /** Client authentication sent with the PAR request (RFC 9126 §2: as at the token endpoint). */
  clientAuth?: ClientAuthentication;
}

/** The authorization response (RFC 6749 §4.1.2 / §4.1.2.1), however it reached the client. */
export interface Callback {
  /** Where the parameters were read: the AS response whose Location carries them, or the request to redirect_uri. */
  exchange: Exchange;
  /** The browser's request to the redirect_uri, when observed (in fragment mode it carries no parameters: they stay in the fragment). */
  arrival?: Exchange;
  mode: 'query' | 'fragment' | 'form_post';
  /** The full callback URL (fragment included for fragment mode). */
  url: string;
  /** Origin + path of the callback target. */
  target: string;
  params: Param[];
  code?: string;
  state?: string;
  iss?: string;
  error?: string;
  errorDescription?: string;
  errorUri?: string;
  accessToken?: string;
  idToken?: string;
}

export type ClientAuthentication = {
  /** Decoded HTTP Basic credentials (RFC 6749 §2.3.1: form-urlencoded before base64). */
  basic?: { clientId: string; secret: string };
  /** client_secret in the body. */
  secretInBody?: boolean;
  /** client_assertion JWT (RFC 7523) with its header `alg` when decodable. */
  assertion?: { alg?: string };
};

/** A token endpoint request (RFC 6749 §3.2, §4.1.3, §6) and its response as far as observed. */
export interface TokenRequest {
  exchange: Exchange;
  endpoint: string;
  /** How the parameters were carried; only `form` is correct (RFC 6749 §3.2). */
  encoding: 'form' | 'json' | 'query' | 'none' | 'other';
  params: Param[];
  grantType?: string;
  code?: string;
  codeVerifier?: string;
  redirectUri?: string;
  clientId?: string;
  refreshToken?: string;
  clientAuth: ClientAuthentication;
  response?: TokenResponse;
}

export interface TokenResponse {
  status?: number;
  /** Parsed JSON body, when the body was observed and was a JSON object. */
  json?: Record<string, unknown>;
  /** Why the body could not be used (not observed, too large, not JSON…). */
  bodyProblem?: string;
  error?: string;
  errorDescription?: string;
  accessToken?: string;
  idToken?: string;
  refreshToken?: string;
  tokenType?: string;
}

/** Authorization server metadata (RFC 8414 §2 / OIDC Discovery §3), from a discovery response body. */
export interface ServerMetadata {
  exchange: Exchange;
  /** The URL the document was fetched from. */
  url: string;
  issuer?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  parEndpoint?: string;
  userinfoEndpoint?: string;
  revocationEndpoint?: string;
  jwksUri?: string;
  deviceAuthorizationEndpoint?: string;
  codeChallengeMethodsSupported?: string[];
  authorizationResponseIssParameterSupported?: boolean;
  raw: Record<string, unknown>;
}

/**
 * A device authorization request (RFC 8628 §3.1) and what its response issued (§3.2), as far as observed: the
 * extension's webRequest capture sees no response body, so the codes may be unknown.
 */
export interface DeviceAuthorization {
  exchange: Exchange;
  /** Origin + path of the device authorization endpoint. */
  endpoint: string;
  clientId?: string;
  deviceCode?: string;
  userCode?: string;
  verificationUri?: string;
  verificationUriComplete?: string;
}

/** What PKCE recomputation found (RFC 7636 §4.6). */
export interface PkceResult {
  /** The method as sent; `absent` means the AS applies `plain` (RFC 7636 §4.3). */
  method: 'S256' | 'plain' | 'absent' | 'other';
  /** Overall outcome. `not-observable` when the evidence needed is missing. */
  status: 'match' | 'mismatch' | 'no-challenge' | 'no-verifier' | 'not-observable';
  challenge?: string;
  verifier?: string;
  /** BASE64URL(SHA-256(ASCII(verifier))), when a verifier was seen. */
  computedS256?: string;
  nearMiss?: PkceNearMiss;
}

export type PkceNearMissKind =
  | 'verifier-whitespace'
  | 'challenge-padded'
  | 'challenge-standard-base64'
  | 'challenge-hex'
  | 'method-omitted'
  | 'wrong-method'
  | 'other-flow-verifier';

export interface PkceNearMiss {
  kind: PkceNearMissKind;
  /** One sentence for people. Never contains a secret value. */
  explanation: string;
  /** For `other-flow-verifier`: the flow whose challenge this verifier answers. */
  otherFlowId?: string;
}

/**
 * How a step was attached to its flow: the value it shares with the flow, strongest first. `state` and
 * `redirect_uri` pair a callback, `request_uri` an authorization request to its PAR request, `code` a token
 * request, `refresh_token` a refresh or a revocation, `access_token` a userinfo call or a revocation, and
 * `client` (the same client at the same server, when no shared value was observed) a refresh or a pushed
 * authorization whose PAR response was not seen; `device_code` a device grant's poll (RFC 8628 §3.4),
 * `user_code` and `verification_uri` its verification pages (§3.3).
 */
export type PairedBy =
  | 'state'
  | 'code'
  | 'redirect_uri'
  | 'request_uri'
  | 'refresh_token'
  | 'access_token'
  | 'client'
  | 'device_code'
  | 'user_code'
  | 'verification_uri';

/** `device-authorization` and `verification` are the device grant's (RFC 8628 §3.1, §3.3); its polls are `token` steps. */
export type StepKind =
  | 'par'
  | 'authorize'
  | 'sign-in'
  | 'callback'
  | 'device-authorization'
  | 'verification'
  | 'token'
  | 'refresh'
  | 'userinfo'
  | 'revocation';

export interface Step {
  kind: StepKind;
  exchangeId: string;
  time: number;
  method: string;
  url: string;
  status?: number;
  /** Copied from the exchange: rebuilt from a navigation, so no status or headers were observed (not "no response"). */
  observedBy?: Exchange['observedBy'];
  pairedBy?: PairedBy;
}

/**
 * A flow as correlation pairs it (src/core/correlate.ts): what was observed, its steps and its evidence gaps.
 * Correlation hands it to the flow builder (src/core/build-flows.ts) alone; rules and views get the complete `Flow`.
 * src/core/flow-facts.ts reads what several rules and views need from it (all callbacks, all token requests,
 * the client, the server).
 */
export interface CorrelatedFlow {
  id: string;
  authorization?: AuthorizationRequest;
  /** The device authorization request a device grant's flow starts with (RFC 8628 §3.1), when observed. */
  deviceAuthorization?: DeviceAuthorization;
  callback?: Callback;
  /** Later callbacks carrying the same state (one authorization response processed twice). */
  repeatedCallbacks: Callback[];
  /** authorization_code grants presenting this flow's code (more than one is a replay). */
  codeExchanges: TokenRequest[];
  refreshes: TokenRequest[];
  /** Issuer identifier when known from metadata or `iss`; otherwise the authorization endpoint's origin. */
  issuer?: string;
  issuerSource?: 'metadata' | 'iss' | 'authorization-origin';
  metadata?: ServerMetadata;
  steps: Step[];
  /** Evidence gaps, said plainly ("token response not observed"). */
  notes: string[];
}

/** A flow with what is recomputed from its evidence (src/core/build-flows.ts), as rules and views see it. */
export interface Flow extends CorrelatedFlow {
  pkce: PkceResult;
  /**
   * The ID tokens' at_hash / c_hash recomputed (OIDC Core §3.1.3.8, §3.2.2.9, §3.3.2.10–11) by
   * src/core/id-token.ts; absent when the flow has no ID token claim to check.
   */
  idTokenHashes?: IdTokenHashCheck[];
  /**
   * The ID tokens' signatures checked against the issuer's observed JWKS (OIDC Core §3.1.3.7 step 6) by
   * src/core/id-token-signature.ts, one per readable ID token; absent when the flow has none.
   */
  idTokenSignatures?: IdTokenSignatureCheck[];
}

/**
 * One ID token's signature against the keys the browser fetched from its issuer. Holds no secret: the token is
 * found again through `exchangeId` and `source`.
 */
export interface IdTokenSignatureCheck {
  /** The exchange whose response delivered the ID token. */
  exchangeId: string;
  source: IdTokenHashCheck['source'];
  /**
   * `verified` with an observed key; `invalid` when the observed keys prove it wrong; `unsigned` for alg none
   * (id-token-invalid judges it); `not-observable` when no observed key can settle it (`reason` says why).
   */
  signature: 'verified' | 'invalid' | 'unsigned' | 'not-observable';
  alg?: string;
  /** The header's kid, or the verifying key's kid when the header names none. */
  kid?: string;
  /** The JWKS response whose key verified the signature, or was used to find it wrong. */
  jwksUrl?: string;
  jwksExchangeId?: string;
  /** Why the signature cannot be settled (`not-observable`). */
  reason?: string;
  /** What is wrong, each with the level its spec text calls for (empty when nothing is). */
  problems: IdTokenSignatureProblem[];
}

export interface IdTokenSignatureProblem {
  check: 'kid' | 'alg' | 'key' | 'signature';
  detail: string;
  severity: Severity;
}

/**
 * One hash claim of one ID token, checked against the value delivered with it: `at_hash` against the access
 * token of the same response, `c_hash` against the code. Holds no secret: the hashes only.
 */
export interface IdTokenHashCheck {
  /** The exchange whose response delivered the ID token (the authorization response's or a token response's). */
  exchangeId: string;
  /** Where the ID token came from. */
  source: 'authorization-response' | 'token-response' | 'refresh-response';
  claim: 'at_hash' | 'c_hash';
  /** True when the response makes the claim REQUIRED (an ID token from the authorization endpoint with an access token or a code). */
  required: boolean;
  /** The claim as the ID token carries it (undefined: absent; a non-string value is given as JSON). */
  claimed?: string;
  /** `match`, `mismatch`, `missing` (absent although REQUIRED), or `not-computable` (the hash function cannot be told from alg). */
  status: 'match' | 'mismatch' | 'missing' | 'not-computable';
  /** The ID token's JWS alg. */
  alg?: string;
  /** The hash function the alg implies (`SHA-256`, `SHA-384`, `SHA-512`). */
  hash?: string;
  /** An assumption made to pick the hash (EdDSA without `crv`: Ed25519 assumed), or why none could be picked. */
  hashNote?: string;
  /** base64url(left half of H(ASCII(value))), when computed. */
  computed?: string;
}

/** A piece of evidence behind a finding. Secret values are flagged so every output can redact them. */
export interface Evidence {
  label: string;
  value: string;
  secret?: boolean;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
  citation: string;
  fix: string;
  flowId?: string;
  exchangeIds: string[];
  evidence: Evidence[];
}

export type Verdict = 'error' | 'warning' | 'info' | 'pass';

export interface Analysis {
  flows: Flow[];
  /** Every finding; `flowId` ties one to its flow. */
  findings: Finding[];
  /** Every flow's stuck-flow diagnoses (src/core/diagnose/): where to look when it did not finish. Never findings. */
  diagnoses: Diagnosis[];
  exchangeCount: number;
  metadata: ServerMetadata[];
  /** Internal problems (a rule that threw) — reported, never thrown. */
  problems: string[];
}
