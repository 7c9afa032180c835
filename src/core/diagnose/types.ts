/**
 * Stuck-flow diagnoses as data. A rule says what is wrong against a spec (a finding, with a severity); a
 * diagnosis says where to look when a flow did not finish, and how sure the traffic makes that. It never
 * changes a verdict: "no token request followed the callback" is normal for a confidential client that
 * redeems its code on a server.
 *
 * Nothing here is a sentence: the hints are facts, phrased for every view by src/report/diagnoses.ts. Secret
 * values (codes, verifiers, refresh tokens) appear only in `evidence`, flagged; hints hold public values
 * (URLs, origins, state values, header names, error codes) that the report model still redacts.
 */
import type { Evidence, PkceNearMissKind, PkceResult } from '../model.ts';
import type { ProviderId, RecognizedBy, RefusalCause } from '../providers.ts';
import type { RedirectUriDifferenceKind } from '../redirect-uri.ts';

export type DiagnosisKind =
  | 'callback-never-reached'
  | 'callback-redirected'
  | 'state-lost'
  | 'no-token-request'
  | 'token-cors-blocked'
  | 'invalid-grant'
  | 'invalid-client'
  | 'invalid-request'
  | 'authorization-error'
  | 'authorization-refused'
  | 'callback-loaded-again';

/**
 * How well the traffic supports the explanation. `certain`: the request breaks a check the server or the
 * browser must apply; `likely`: the usual cause of what was observed; `possible`: worth checking, not
 * established (the same traffic also fits a working flow).
 */
export type Likelihood = 'certain' | 'likely' | 'possible';

export interface Diagnosis {
  /** Stable within one analysis: the flow, the kind, and for per-request kinds the request's exchange. */
  id: string;
  kind: DiagnosisKind;
  flowId: string;
  /** A short name for the diagnosis, the same for every diagnosis of a kind (as a rule's title). */
  title: string;
  likelihood: Likelihood;
  evidence: Evidence[];
  /** The exchanges that show it, the flow's own steps and others (a CORS preflight belongs to no flow). */
  exchangeIds: string[];
  /** What to look at, most telling first; see `DiagnosisHint`. */
  hints: DiagnosisHint[];
}

/** A redirect_uri difference as src/core/redirect-uri.ts classifies it (its phrase names the components). */
export interface RedirectUriDifferenceFacts {
  kind: RedirectUriDifferenceKind;
  explanation: string;
}

/** Why the browser withholds a cross-origin response from the script (Fetch Standard, "CORS check"). */
export type CorsRefusal =
  | { kind: 'no-cors-mode' }
  | { kind: 'allow-origin-missing' }
  | { kind: 'allow-origin-several'; values: string[] }
  | { kind: 'allow-origin-wildcard-with-credentials' }
  | { kind: 'allow-origin-other'; allowed: string }
  | { kind: 'allow-credentials-missing' };

/** Why a CORS preflight failed (Fetch Standard, "CORS-preflight fetch"). */
export type PreflightFailure =
  | { kind: 'no-response'; error: string | null }
  | { kind: 'status-not-ok'; status: number }
  | { kind: 'origin-refused'; status: number; refusal: CorsRefusal }
  | { kind: 'method-not-allowed'; status: number; allowed: string[] }
  | { kind: 'headers-not-allowed'; status: number; allowed: string[]; refused: string[] };

/**
 * How an earlier exchange of the same code came about, when the timing says; `callback-loaded-again`: the same
 * authorization response arrived again between the two exchanges (see that diagnosis).
 */
export type CodeReusePattern = 'in-flight' | 'callback-loaded-again' | 'double-effect' | 'other-tab';

/** A cause of an invalid_grant the traffic shows, with its own likelihood. */
export type InvalidGrantCause =
  | {
      kind: 'code-reused';
      likelihood: Likelihood;
      earlierExchangeId: string;
      earlierTime: number;
      /** The earlier exchange's HTTP status, null when it got no response. */
      earlierStatus: number | null;
      /** The earlier response's error code, when a plain token (src/core/evidence.ts, quotable). */
      earlierError: string | null;
      /** The browser's error when the earlier exchange got no response. */
      earlierNetworkError: string | null;
      gapMs: number;
      /** Null when a tab is unknown (a HAR has none). */
      sameTab: boolean | null;
      pattern: CodeReusePattern | null;
      /** Earlier exchanges of this code. */
      earlierCount: number;
    }
  | { kind: 'code-expired'; likelihood: Likelihood; ageMs: number; beyondMaximum: boolean }
  | { kind: 'pkce-mismatch'; likelihood: Likelihood; nearMiss: PkceNearMissKind | null; otherFlowId: string | null }
  | { kind: 'pkce-verifier-missing'; likelihood: Likelihood }
  | { kind: 'pkce-verifier-without-challenge'; likelihood: Likelihood }
  | {
      kind: 'redirect-uri-differs';
      likelihood: Likelihood;
      atAuthorize: string;
      atToken: string;
      difference: RedirectUriDifferenceFacts;
    }
  | { kind: 'redirect-uri-omitted'; likelihood: Likelihood; atAuthorize: string }
  | {
      kind: 'client-id-differs';
      likelihood: Likelihood;
      atAuthorize: string;
      atToken: string;
      source: 'body' | 'basic';
      grant: 'code' | 'refresh';
    }
  | {
      kind: 'token-endpoint-not-in-metadata';
      likelihood: Likelihood;
      used: string;
      inMetadata: string;
      grant: 'code' | 'refresh';
    }
  | { kind: 'token-endpoint-other-origin'; likelihood: Likelihood; used: string; authorizationEndpoint: string }
  | { kind: 'dpop-proof-missing'; likelihood: Likelihood }
  | {
      kind: 'refresh-token-reused';
      likelihood: Likelihood;
      reuse: 'after-rotation' | 'concurrent' | 'rotation-unknown';
      earlierExchangeId: string;
      earlierTime: number;
      earlierStatus: number | null;
      earlierError: string | null;
    };

export type DiagnosisHint =
  // callback-never-reached
  | { kind: 'authorization-chain-ended'; method: string; status: number | null; url: string }
  | { kind: 'sign-in-loop'; page: string; loads: number }
  | { kind: 'error-page-instead-of-redirect' }
  | {
      kind: 'redirect-uri-against-last-working';
      lastWorking: string;
      current: string;
      workedFlowId: string;
      difference: RedirectUriDifferenceFacts | null;
    }
  // callback-redirected
  | { kind: 'callback-rewritten'; status: number; from: string; to: string; difference: RedirectUriDifferenceFacts | null }
  | { kind: 'form-post-body-dropped'; status: number }
  | { kind: 'callback-origin-changed'; from: string; to: string }
  // state-lost
  | { kind: 'callback-in-other-tab'; authorizationTab: number; callbackTab: number }
  | { kind: 'callback-at-other-origin'; startedFrom: string; arrivedAt: string }
  /** `pending`: the states still waiting for their callback at that redirect_uri, latest first (a few at most). */
  | { kind: 'state-matches-no-request'; state: string; pending: string[] }
  | { kind: 'form-post-without-cookie' }
  | { kind: 'app-started-over'; afterMs: number; clientId: string | null }
  // callback-loaded-again
  /**
   * The same authorization response (same code, same state) arrived at the redirect_uri `loads` times in all, the
   * first later one `afterMs` after a token request redeemed its code; `sameTab`: all in the first one's tab (null:
   * tabs unknown, as in a HAR).
   */
  | { kind: 'callback-loaded-again'; loads: number; afterMs: number; sameTab: boolean | null }
  /** No token request followed a later arrival: the client found nothing stored for it and stopped in the page. */
  | { kind: 'repeat-found-no-transaction' }
  /** A later arrival sent the code again: `exchangeId`, answered `status` (`error`: its error code when a plain token). */
  | { kind: 'repeat-sent-code-again'; exchangeId: string; status: number | null; error: string | null }
  | { kind: 'strip-code-after-handling' }
  // no-token-request
  | { kind: 'code-exchange-not-seen'; callbackStatus: number | null }
  | { kind: 'state-loss-leaves-no-trace' }
  // token-cors-blocked
  | {
      kind: 'token-response-blocked';
      exchangeId: string;
      grantType: string | null;
      origin: string;
      endpoint: string;
      status: number | null;
      browserError: string | null;
      refusal: CorsRefusal;
      /**
       * The request carried cookies: its credentials mode was "include". Null when the capture removed the Cookie
       * header (a sanitized HAR): the mode cannot be told.
       */
      withCredentials: boolean | null;
    }
  | {
      kind: 'code-used-up-by-blocked-request';
      blockedExchangeId: string;
      retryExchangeId: string;
      afterMs: number;
      /** The blocked request's status; a 2xx means it redeemed the code. */
      blockedStatus: number | null;
      retryStatus: number | null;
      /** The retry's error code, when a plain token. */
      retryError: string | null;
    }
  | {
      kind: 'preflight-failed';
      exchangeId: string;
      endpoint: string;
      origin: string;
      method: string;
      /** Access-Control-Request-Headers, lower-cased. */
      requestedHeaders: string[];
      failure: PreflightFailure;
      /** The token request the browser then failed without sending, when captured. */
      unsentError: string | null;
    }
  // invalid-grant
  | { kind: 'error-code-not-observed'; status: number }
  | InvalidGrantCause
  | { kind: 'no-earlier-exchange' }
  | { kind: 'code-age'; ageMs: number }
  | { kind: 'pkce-status'; status: PkceResult['status'] }
  | { kind: 'redirect-uri-identical' }
  | { kind: 'client-id-same' }
  // invalid-client
  | { kind: 'client-authentication-sent'; methods: ('basic' | 'client_secret' | 'client_assertion')[] }
  | { kind: 'several-authentication-methods' }
  | { kind: 'basic-credentials-encoding' }
  /** The capture removed the Authorization header (a sanitized HAR): HTTP Basic authentication is not observable. */
  | { kind: 'authorization-header-removed' }
  // invalid-request
  | { kind: 'pkce-near-miss'; nearMiss: PkceNearMissKind; otherFlowId: string | null }
  | { kind: 'not-form-encoded'; encoding: string }
  | { kind: 'redirect-uri-missing' }
  | { kind: 'duplicated-parameters'; names: string[] }
  | { kind: 'read-error-description' }
  // authorization-error
  /** `error`: the code when a plain token, else null (the evidence holds it, capped). */
  | { kind: 'authorization-error'; error: string | null; promptNone: boolean; framed: boolean }
  // authorization-refused (and the provider hints of authorization-error and the token errors)
  | RefusalHint;

/**
 * The authorization server refused the authorization request (RFC 6749 §4.1.2.1: a missing, invalid or
 * mismatching redirect_uri or client_id is shown to the user, never redirected), and how the provider says it.
 */
export type RefusalHint =
  /**
   * Where the chain stopped: `at` the authorization request itself or a later page of the server (reached by a
   * redirect); `errorPage`: shown as an error page (an `error` parameter or an `/error` path in its URL, or a
   * page in the provider's own words answered 2xx) rather than with an error status.
   */
  | {
      kind: 'authorization-refused';
      method: string;
      status: number | null;
      url: string;
      at: 'authorization-request' | 'server-page';
      errorPage: boolean;
    }
  /**
   * What the server's own words say: `term` is a term of src/core/providers.ts (never the page's text), read
   * from the page, the error page's URL parameters, an error response's `error` code, or its error_description.
   */
  | {
      kind: 'refusal-reason';
      term: string;
      provider: ProviderId | null;
      cause: RefusalCause;
      source: 'page' | 'error-parameters' | 'error-code' | 'error-description';
    }
  /** No words to read (no body captured, or none recognised): the usual causes for this status. */
  | { kind: 'usual-refusal-causes'; status: number | null; bodyObserved: boolean }
  /** RFC 6749 §3.1.2: a redirection endpoint URI must not include a fragment, so no server can register it. */
  | { kind: 'redirect-uri-has-fragment'; redirectUri: string }
  /**
   * Where the provider keeps the setting to fix, recognised by its host, its endpoint layout or its vocabulary;
   * `confirmed`: the cause was read from the server's words (else it is the usual one for the status).
   */
  | {
      kind: 'provider-setting';
      provider: ProviderId;
      recognizedBy: RecognizedBy;
      cause: RefusalCause;
      confirmed: boolean;
      setting: string;
      location: string;
      redirectUri: string | null;
      clientId: string | null;
    };

export type DiagnosisHintKind = DiagnosisHint['kind'];

/** The title of each kind: what the diagnosis is about (the hints say why). */
export const DIAGNOSIS_TITLES: Readonly<Record<DiagnosisKind, string>> = {
  'callback-never-reached': 'The callback was never reached',
  'callback-redirected': "The client's infrastructure redirected the callback",
  'state-lost': 'The state may have been lost',
  'no-token-request': 'Callback seen, but no token request followed',
  'token-cors-blocked': 'CORS kept the token exchange from the app',
  'invalid-grant': 'The token endpoint refused the grant: what to check',
  'invalid-client': 'invalid_client: what to check',
  'invalid-request': 'invalid_request at the token endpoint: what to check',
  'authorization-error': 'The authorization server returned an error',
  'authorization-refused': 'The authorization server refused the authorization request',
  'callback-loaded-again': 'A callback handled twice: the same response loaded again after sign-in',
};

const RANK: Readonly<Record<Likelihood, number>> = { certain: 0, likely: 1, possible: 2 };

/** The stronger of likelihoods (`possible` for none). */
export function strongest(likelihoods: readonly Likelihood[]): Likelihood {
  return likelihoods.reduce<Likelihood>((best, l) => (RANK[l] < RANK[best] ? l : best), 'possible');
}

/** Orders by likelihood, strongest first; stable otherwise. */
export function byLikelihood(a: { likelihood: Likelihood }, b: { likelihood: Likelihood }): number {
  return RANK[a.likelihood] - RANK[b.likelihood];
}
