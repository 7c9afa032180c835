import { describe, expect, it } from 'vitest';
import {
  type CorsRefusal,
  DIAGNOSIS_TITLES,
  type DiagnosisHint,
  type DiagnosisHintKind,
  type DiagnosisKind,
  type PreflightFailure,
} from '../core/diagnose/types.ts';
import { diagnosisLines, hintText, LIKELIHOOD_LABEL, NEAR_MISS_PHRASES } from './diagnoses.ts';

const difference = { kind: 'trailing-slash' as const, explanation: 'a trailing slash was added' };
const earlier = { earlierExchangeId: 'x1', earlierTime: Date.UTC(2026, 0, 1), earlierStatus: 200, earlierError: null };

/** One hint of every kind: the type makes the list complete, so a new kind without a phrase fails to compile here. */
const SAMPLES: { [K in DiagnosisHintKind]: Extract<DiagnosisHint, { kind: K }> } = {
  'authorization-chain-ended': { kind: 'authorization-chain-ended', method: 'GET', status: 400, url: 'https://as.example/authorize' },
  'sign-in-loop': { kind: 'sign-in-loop', page: 'https://as.example/login', loads: 3 },
  'error-page-instead-of-redirect': { kind: 'error-page-instead-of-redirect' },
  'redirect-uri-against-last-working': {
    kind: 'redirect-uri-against-last-working',
    lastWorking: 'https://app.example/cb',
    current: 'https://app.example/cb/',
    workedFlowId: 'flow-1',
    difference,
  },
  'callback-rewritten': {
    kind: 'callback-rewritten',
    status: 301,
    from: 'http://app.example/cb',
    to: 'https://app.example/cb',
    difference,
  },
  'form-post-body-dropped': { kind: 'form-post-body-dropped', status: 302 },
  'callback-origin-changed': { kind: 'callback-origin-changed', from: 'http://app.example', to: 'https://app.example' },
  'callback-in-other-tab': { kind: 'callback-in-other-tab', authorizationTab: 1, callbackTab: 2 },
  'callback-at-other-origin': {
    kind: 'callback-at-other-origin',
    startedFrom: 'http://localhost:3000',
    arrivedAt: 'http://127.0.0.1:3000',
  },
  'state-matches-no-request': { kind: 'state-matches-no-request', state: 'forged', pending: ['s1'] },
  'form-post-without-cookie': { kind: 'form-post-without-cookie' },
  'app-started-over': { kind: 'app-started-over', afterMs: 120, clientId: 'spa' },
  'callback-loaded-again': { kind: 'callback-loaded-again', loads: 2, afterMs: 1_800, sameTab: true },
  'repeat-found-no-transaction': { kind: 'repeat-found-no-transaction' },
  'repeat-sent-code-again': { kind: 'repeat-sent-code-again', exchangeId: 'x5', status: 400, error: 'invalid_grant' },
  'strip-code-after-handling': { kind: 'strip-code-after-handling' },
  'code-exchange-not-seen': { kind: 'code-exchange-not-seen', callbackStatus: 200 },
  'state-loss-leaves-no-trace': { kind: 'state-loss-leaves-no-trace' },
  'token-response-blocked': {
    kind: 'token-response-blocked',
    exchangeId: 'x2',
    grantType: 'authorization_code',
    origin: 'https://app.example',
    endpoint: 'https://as.example/token',
    status: 200,
    browserError: 'net::ERR_FAILED',
    refusal: { kind: 'allow-origin-missing' },
    withCredentials: false,
  },
  'code-used-up-by-blocked-request': {
    kind: 'code-used-up-by-blocked-request',
    blockedExchangeId: 'x2',
    retryExchangeId: 'x3',
    afterMs: 24,
    blockedStatus: 200,
    retryStatus: 400,
    retryError: null,
  },
  'preflight-failed': {
    kind: 'preflight-failed',
    exchangeId: 'x4',
    endpoint: 'https://as.example/token',
    origin: 'https://app.example',
    method: 'POST',
    requestedHeaders: ['content-type', 'x-requested-with'],
    failure: { kind: 'no-response', error: 'net::ERR_FAILED' },
    unsentError: 'net::ERR_FAILED',
  },
  'error-code-not-observed': { kind: 'error-code-not-observed', status: 400 },
  'code-reused': {
    kind: 'code-reused',
    likelihood: 'certain',
    ...earlier,
    earlierNetworkError: null,
    gapMs: 24,
    sameTab: true,
    pattern: 'double-effect',
    earlierCount: 1,
  },
  'code-expired': { kind: 'code-expired', likelihood: 'possible', ageMs: 61_200, beyondMaximum: false },
  'pkce-mismatch': { kind: 'pkce-mismatch', likelihood: 'certain', nearMiss: 'other-flow-verifier', otherFlowId: 'flow-2' },
  'pkce-verifier-missing': { kind: 'pkce-verifier-missing', likelihood: 'certain' },
  'pkce-verifier-without-challenge': { kind: 'pkce-verifier-without-challenge', likelihood: 'certain' },
  'redirect-uri-differs': {
    kind: 'redirect-uri-differs',
    likelihood: 'certain',
    atAuthorize: 'https://app.example/cb',
    atToken: 'https://app.example/cb/',
    difference,
  },
  'redirect-uri-omitted': { kind: 'redirect-uri-omitted', likelihood: 'possible', atAuthorize: 'https://app.example/cb' },
  'client-id-differs': {
    kind: 'client-id-differs',
    likelihood: 'certain',
    atAuthorize: 'spa',
    atToken: 'legacy',
    source: 'body',
    grant: 'code',
  },
  'token-endpoint-not-in-metadata': {
    kind: 'token-endpoint-not-in-metadata',
    likelihood: 'certain',
    used: 'https://other.example/token',
    inMetadata: 'https://as.example/token',
    grant: 'code',
  },
  'token-endpoint-other-origin': {
    kind: 'token-endpoint-other-origin',
    likelihood: 'possible',
    used: 'https://other.example/token',
    authorizationEndpoint: 'https://as.example/authorize',
  },
  'dpop-proof-missing': { kind: 'dpop-proof-missing', likelihood: 'certain' },
  'refresh-token-reused': { kind: 'refresh-token-reused', likelihood: 'certain', reuse: 'after-rotation', ...earlier },
  'no-earlier-exchange': { kind: 'no-earlier-exchange' },
  'code-age': { kind: 'code-age', ageMs: 350 },
  'pkce-status': { kind: 'pkce-status', status: 'match' },
  'redirect-uri-identical': { kind: 'redirect-uri-identical' },
  'client-id-same': { kind: 'client-id-same' },
  'client-authentication-sent': { kind: 'client-authentication-sent', methods: ['basic', 'client_secret'] },
  'several-authentication-methods': { kind: 'several-authentication-methods' },
  'basic-credentials-encoding': { kind: 'basic-credentials-encoding' },
  'authorization-header-removed': { kind: 'authorization-header-removed' },
  'pkce-near-miss': { kind: 'pkce-near-miss', nearMiss: 'verifier-whitespace', otherFlowId: null },
  'not-form-encoded': { kind: 'not-form-encoded', encoding: 'json' },
  'redirect-uri-missing': { kind: 'redirect-uri-missing' },
  'duplicated-parameters': { kind: 'duplicated-parameters', names: ['code'] },
  'read-error-description': { kind: 'read-error-description' },
  'authorization-error': { kind: 'authorization-error', error: 'access_denied', promptNone: false, framed: false },
  'authorization-refused': {
    kind: 'authorization-refused',
    method: 'GET',
    status: 400,
    url: 'https://as.example/authorize?client_id=spa',
    at: 'authorization-request',
    errorPage: false,
  },
  'refusal-reason': { kind: 'refusal-reason', term: 'AADSTS50011', provider: 'entra', cause: 'redirect-uri', source: 'page' },
  'usual-refusal-causes': { kind: 'usual-refusal-causes', status: 400, bodyObserved: false },
  'redirect-uri-has-fragment': { kind: 'redirect-uri-has-fragment', redirectUri: 'https://app.example/cb#done' },
  'provider-setting': {
    kind: 'provider-setting',
    provider: 'auth0',
    recognizedBy: 'host',
    cause: 'redirect-uri',
    confirmed: true,
    setting: 'Allowed Callback URLs',
    location: 'Auth0 Dashboard → Applications → Applications → your application → Settings',
    redirectUri: 'https://app.example/cb',
    clientId: 'spa',
  },
};

/** The variants inside hints: every CORS refusal, preflight failure, reuse pattern and error case. */
const REFUSALS: CorsRefusal[] = [
  { kind: 'no-cors-mode' },
  { kind: 'allow-origin-missing' },
  { kind: 'allow-origin-several', values: ['https://a.example', 'https://b.example'] },
  { kind: 'allow-origin-wildcard-with-credentials' },
  { kind: 'allow-origin-other', allowed: 'https://other.example' },
  { kind: 'allow-credentials-missing' },
];
const FAILURES: PreflightFailure[] = [
  { kind: 'no-response', error: null },
  { kind: 'status-not-ok', status: 404 },
  { kind: 'origin-refused', status: 204, refusal: { kind: 'allow-origin-missing' } },
  { kind: 'method-not-allowed', status: 204, allowed: [] },
  { kind: 'headers-not-allowed', status: 204, allowed: ['content-type'], refused: ['x-requested-with'] },
];
const VARIANTS: DiagnosisHint[] = [
  ...REFUSALS.map((refusal) => ({ ...SAMPLES['token-response-blocked'], refusal, withCredentials: true })),
  { ...SAMPLES['token-response-blocked'], withCredentials: null },
  ...FAILURES.map((failure) => ({ ...SAMPLES['preflight-failed'], failure })),
  ...(['in-flight', 'callback-loaded-again', 'other-tab', null] as const).map((pattern) => ({
    ...SAMPLES['code-reused'],
    pattern,
    earlierStatus: null,
  })),
  ...(['concurrent', 'rotation-unknown'] as const).map((reuse) => ({ ...SAMPLES['refresh-token-reused'], reuse })),
  { ...SAMPLES['authorization-error'], error: null },
  { ...SAMPLES['authorization-error'], error: 'not_a_known_code' },
  { ...SAMPLES['authorization-error'], error: 'login_required', promptNone: true, framed: true },
  { ...SAMPLES['client-authentication-sent'], methods: [] },
  { ...SAMPLES['redirect-uri-against-last-working'], difference: null },
  { ...SAMPLES['callback-loaded-again'], sameTab: false },
  { ...SAMPLES['repeat-sent-code-again'], status: null, error: null },
  { ...SAMPLES['code-expired'], beyondMaximum: true },
  {
    ...SAMPLES['authorization-refused'],
    at: 'server-page',
    errorPage: true,
    url: 'https://x.auth.eu-west-1.amazoncognito.com/error?error=redirect_mismatch',
  },
  { ...SAMPLES['authorization-refused'], at: 'server-page', status: 500 },
  { ...SAMPLES['authorization-refused'], status: null },
  { ...SAMPLES['authorization-refused'], status: 200, errorPage: true },
  { ...SAMPLES['refusal-reason'], term: 'invalid_scope', provider: null, cause: 'scope', source: 'error-parameters' },
  { ...SAMPLES['refusal-reason'], term: 'AADSTS99999999', cause: 'unknown', source: 'error-description' },
  { ...SAMPLES['refusal-reason'], term: 'redirect_uri_mismatch', provider: null, source: 'error-code' },
  { ...SAMPLES['usual-refusal-causes'], bodyObserved: true },
  { ...SAMPLES['usual-refusal-causes'], status: 503 },
  { ...SAMPLES['provider-setting'], recognizedBy: 'layout', confirmed: false },
  { ...SAMPLES['provider-setting'], recognizedBy: 'vocabulary', cause: 'client-id', setting: 'Client ID' },
  { ...SAMPLES['provider-setting'], confirmed: false, redirectUri: null },
  { ...SAMPLES['provider-setting'], provider: 'entra', cause: 'spa-cross-origin', setting: 'Single-page application redirect URIs' },
];

/** A phrase was written: one sentence or more, no value left unformatted. */
function expectPhrased(text: string): void {
  expect(text.length).toBeGreaterThan(10);
  expect(text).toMatch(/[.?)]$/);
  expect(text).not.toMatch(/undefined|\[object|NaN/);
}

describe('the wording of the diagnoses', () => {
  it('has a title for every kind and a label for every likelihood', () => {
    const kinds: DiagnosisKind[] = [
      'callback-never-reached',
      'callback-redirected',
      'state-lost',
      'no-token-request',
      'token-cors-blocked',
      'invalid-grant',
      'invalid-client',
      'invalid-request',
      'authorization-error',
      'authorization-refused',
      'callback-loaded-again',
    ];
    expect(Object.keys(DIAGNOSIS_TITLES).sort()).toEqual([...kinds].sort());
    for (const kind of kinds) expect(DIAGNOSIS_TITLES[kind].length).toBeGreaterThan(5);
    expect(Object.keys(LIKELIHOOD_LABEL).sort()).toEqual(['certain', 'likely', 'possible']);
  });

  it('phrases every hint kind, each differently', () => {
    const texts = Object.values(SAMPLES).map(hintText);
    for (const text of texts) expectPhrased(text);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('phrases every variant inside a hint', () => {
    const texts = VARIANTS.map(hintText);
    for (const text of texts) expectPhrased(text);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('has a phrase for every PKCE near miss', () => {
    for (const phrase of Object.values(NEAR_MISS_PHRASES)) expect(phrase.length).toBeGreaterThan(10);
  });

  it('says the lines of a diagnosis in the order of its hints', () => {
    const hints = [SAMPLES['code-exchange-not-seen'], SAMPLES['state-loss-leaves-no-trace']];
    expect(diagnosisLines({ hints })).toEqual(hints.map(hintText));
  });

  it('quotes a client id from the network only when it is a plain token', () => {
    const hostile = hintText({ ...SAMPLES['client-id-differs'], atToken: 'evil\u001b[31m' });
    expect(hostile).not.toContain('\u001b');
  });

  it('names the provider, how it was recognised, and the value to register', () => {
    expect(hintText(SAMPLES['provider-setting'])).toBe(
      'In Auth0, list https://app.example/cb in Allowed Callback URLs, character for character (Auth0 Dashboard → Applications → Applications → your application → Settings).',
    );
    expect(hintText({ ...SAMPLES['provider-setting'], provider: 'okta', recognizedBy: 'layout', confirmed: false })).toMatch(
      /^This looks like Okta \(by its endpoint layout\); if that is the cause, list https:\/\/app\.example\/cb in Allowed Callback URLs/,
    );
    expect(hintText(SAMPLES['refusal-reason'])).toBe(
      `Its page says Microsoft Entra ID's "AADSTS50011": InvalidReplyTo: the redirect_uri does not match the app registration's redirect URIs.`,
    );
  });
});
