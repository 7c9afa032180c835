/**
 * fast-check arbitraries for OAuth Lens: exchanges (the core model) and HAR entries (the capture adapter's
 * input). Two ingredients are mixed everywhere:
 * - coherent OAuth traffic built from small shared pools (so states, codes, verifiers, redirect URIs and
 *   tokens collide between exchanges and the correlation and the rules actually fire), and
 * - hostile strings (markup, `javascript:` URIs, unicode, lone surrogates, broken percent-encoding, very long
 *   values, broken JWTs, prototype keys) in every slot a value can travel.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Body, Exchange, Header, InitiatorType } from '../../src/core/model.ts';
import { parseForm } from '../../src/core/params.ts';

// ---------------------------------------------------------------------------------------------------------
// Constants and pools

export const T0 = Date.parse('2026-11-22T10:00:00Z');

/** Bodies over a megabyte: exercise the long paths (tests/cli/bad-input.test.ts covers bodies over MAX_PARSED_BODY). Built once, shared by reference. */
export const HUGE_TEXT = 'x'.repeat(1_200_000);
export const HUGE_JSON = JSON.stringify({ access_token: 'at-huge', token_type: 'Bearer', pad: 'p'.repeat(1_100_000) });
const LONG_VALUE = 'A'.repeat(20_000);
const LONG_ENCODED = '%41'.repeat(10_000);

const b64u = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
export const s256 = (verifier: string) => createHash('sha256').update(verifier, 'utf8').digest('base64url');

export const AS_ORIGINS = [
  'https://as.example',
  'https://as.example:443',
  'https://AS.example',
  'http://127.0.0.1:39945',
  'https://idp.test',
];
const AS_PATHS = {
  authorize: ['/authorize', '/auth', '/oauth2/v1/authorize', '/tenant/authorize', '/authorize/'],
  token: ['/token', '/oauth/token', '/oauth2/v1/token', '/token/'],
  par: ['/par', '/oauth2/par'],
  other: ['/userinfo', '/me', '/revoke', '/jwks', '/certs', '/interaction/abc', '/authorize/resume', '/login', '/'],
};
export const REDIRECT_URIS = [
  'https://app.example/cb',
  'https://app.example/cb/',
  'https://APP.example/cb',
  'https://app.example:443/cb',
  'http://app.example/cb',
  'http://localhost:3000/cb',
  'http://127.0.0.1:8080/cb',
  'http://[::1]:8080/cb',
  'com.example.app:/oauth2redirect',
  'chrome-extension://abcdefghijklmnop/cb',
  'https://app.example/cb#frag',
  'https://app.example/cb?next=https%3A%2F%2Fevil.example',
  'https://evil.example/cb',
  'javascript:alert(1)',
  'https://app.example/c%62',
  'https%3A%2F%2Fapp.example%2Fcb',
  'https://app.example/cb\n',
];
const STATES = ['Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm', 'af0ifjsldkj', '1', '2', '', 'state with space', 'x'.repeat(200), 'ü'];
const NONCES = ['n-0S6_WzA2Mj-Xq9Tr3Lp8Vc2Hh5Ke1', 'nonce', '', 'n2'];
const CODES = ['SplxlOBeZQQYbYS6WxSbIA', 'c2', 'code-3', '', 'a b', 'c+d'];
const CLIENTS = ['spa', 'other-client', '', 'spa ', 'client:with:colons', 'é'];
export const VERIFIERS = [
  'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', // RFC 7636 Appendix B
  'e4CnXeiU5-RWJt3oK0XWOGpi94m2n2UX3HQnmfS9RcQ',
  'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk\n',
  ' dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  'short',
  'a'.repeat(129),
  'with=padding+and/slash',
  '',
];
const digestOf = (v: string) => createHash('sha256').update(v, 'utf8').digest();
export const CHALLENGES = [
  ...VERIFIERS.map(s256),
  ...VERIFIERS.slice(0, 2), // plain
  `${s256(VERIFIERS[0]!)}=`, // padded
  digestOf(VERIFIERS[0]!).toString('base64'), // standard base64
  digestOf(VERIFIERS[0]!).toString('hex'), // hex
  s256(VERIFIERS[0]!.trim()),
  'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
];
const METHODS = ['S256', 'plain', 's256', 'SHA256', ''];
const RESPONSE_TYPES = ['code', 'code id_token', 'id_token token', 'token', 'id_token', 'none', '', 'CODE', 'code code'];
const RESPONSE_MODES = ['query', 'fragment', 'form_post', 'query.jwt', 'web_message'];
const SCOPES = ['openid', 'openid profile email', 'profile', '', 'openid offline_access'];
const GRANTS = [
  'authorization_code',
  'refresh_token',
  'password',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
  '',
  'AUTHORIZATION_CODE',
];
const ACCESS_TOKENS = ['at-1', 'at-2', '-NWD-iYLhTNACtw61txtTYJxPinp16bhk-GXCqrpzEc', ''];
const REFRESH_TOKENS = ['rt-1', 'rt-2', 'rt-3', ''];
const REQUEST_URIS = ['urn:ietf:params:oauth:request_uri:abc', 'urn:ietf:params:oauth:request_uri:def', 'https://as.example/r/1', ''];
const ERRORS = [
  'access_denied',
  'invalid_request',
  'invalid_grant',
  'server_error',
  'login_required',
  'invalid_client',
  'use_dpop_nonce',
  '',
];

/** Strings meant to break naive code: markup, script URIs, unicode, broken escapes, prototype keys, size. */
export const HOSTILE_CONSTANTS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '</textarea><svg/onload=alert(1)>',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(document.cookie)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  '%zz',
  '%E0%A4%A',
  '%',
  '%%',
  '%2',
  '%C0%AF',
  '%00',
  '%FF%FE',
  '%ED%A0%80',
  '%252F',
  '\u0000',
  '\ud800',
  '\udfff',
  'a\ud83dz',
  'é',
  'e\u0301',
  '💥',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '\u202e',
  '\ufeff',
  '\u2028',
  '+',
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\t',
  '=',
  '==',
  '&',
  '&&',
  '#',
  '?',
  '/',
  '\\',
  ';',
  ',',
  ':',
  '@',
  '"',
  "'",
  '%2B',
  '%25',
  '%20',
  'a=b&c=d',
  '&code=injected&state=injected',
  '#access_token=x',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  '[]',
  '{}',
  '{"a":',
  '[1,',
  '"',
  'true',
  'eyJ',
  'eyJhbGciOiJub25lIn0',
  'eyJhbGciOiJub25lIn0.',
  'eyJhbGciOiJub25lIn0..',
  'a.b.c',
  '...',
  'a.b.c.d.e',
  `${b64u('[1]')}.${b64u('{}')}.sig`,
  `${b64u('{"alg":"HS256"}')}.${b64u('not json')}.sig`,
  `${b64u('{"alg":"none"}')}.${b64u('{"nonce":{"x":1},"aud":[1,null],"exp":"soon"}')}.`,
  `${b64u('{"alg":')}.e30.x`,
  'Basic',
  'Bearer',
  'Basic !!!',
  'Bearer  ',
  'DPoP',
  LONG_VALUE,
  LONG_ENCODED,
];

// ---------------------------------------------------------------------------------------------------------
// Strings and values

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_CONSTANTS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...HOSTILE_CONSTANTS), fc.constantFrom(...HOSTILE_CONSTANTS)).map(([a, b]) => a + b) },
);

/** Mostly a pool value (so exchanges agree), sometimes hostile. */
const fromPool = (pool: readonly string[], hostileWeight = 5): fc.Arbitrary<string> =>
  fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...pool) }, { weight: hostileWeight, arbitrary: hostileString });

const jwtHeaderArb = fc.record(
  {
    alg: fromPool(['RS256', 'ES256', 'HS256', 'none', 'EdDSA', 'PS512']),
    typ: fromPool(['JWT', 'dpop+jwt', 'at+jwt']),
    kid: fromPool(['k1']),
    jwk: fc.constant({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }),
  },
  { requiredKeys: [] },
);

const claimsArb = fc.record(
  {
    iss: fromPool([...AS_ORIGINS, 'https://as.example/']),
    aud: fc.oneof(fromPool(CLIENTS), fc.array(fromPool(CLIENTS), { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
    azp: fromPool(CLIENTS),
    sub: fromPool(['alice']),
    exp: fc.oneof(fc.integer({ min: 0, max: 4_000_000_000 }), fc.jsonValue({ maxDepth: 1 })),
    iat: fc.oneof(fc.integer({ min: 0, max: 4_000_000_000 }), fc.jsonValue({ maxDepth: 1 })),
    nonce: fromPool(NONCES),
    at_hash: fromPool(['x', 'LDktKdoQak3Pk0cnXxCltA']),
    c_hash: fromPool(['y']),
    htm: fromPool(['POST', 'GET']),
    htu: fromPool(['https://as.example/token']),
    jti: fromPool(['j1', 'j2']),
    ath: fromPool(['a']),
  },
  { requiredKeys: [] },
);

/** Well-formed (unsigned) JWTs with random, sometimes ill-typed claims, and broken ones. */
export const jwtArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(jwtHeaderArb, claimsArb, fc.constantFrom('sig', '', 'x'.repeat(342)))
      .map(([h, c, s]) => `${b64u(JSON.stringify(h))}.${b64u(JSON.stringify(c))}.${s}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }))
      .map(([h, c]) => `${b64u(JSON.stringify(h) ?? '')}.${b64u(JSON.stringify(c) ?? '')}.s`),
  },
  { weight: 1, arbitrary: hostileString },
  {
    weight: 1,
    arbitrary: fc.array(fc.string({ unit: 'binary-ascii', maxLength: 8 }), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.')),
  },
);

const PARAM_VALUES: Record<string, fc.Arbitrary<string>> = {
  response_type: fromPool(RESPONSE_TYPES),
  response_mode: fromPool(RESPONSE_MODES),
  client_id: fromPool(CLIENTS),
  redirect_uri: fromPool(REDIRECT_URIS),
  scope: fromPool(SCOPES),
  state: fromPool(STATES),
  nonce: fromPool(NONCES),
  code_challenge: fromPool(CHALLENGES),
  code_challenge_method: fromPool(METHODS),
  request_uri: fromPool(REQUEST_URIS),
  prompt: fromPool(['none', 'login', 'consent']),
  code: fromPool(CODES),
  iss: fromPool([...AS_ORIGINS, 'https://as.example/', 'https://evil.example']),
  error: fromPool(ERRORS),
  error_description: hostileString,
  error_uri: fromPool(['https://as.example/err', 'javascript:alert(1)']),
  access_token: fromPool(ACCESS_TOKENS),
  id_token: jwtArb,
  token_type: fromPool(['Bearer', 'bearer', 'DPoP', 'mac']),
  expires_in: fromPool(['3600', '-1', '0', 'soon']),
  grant_type: fromPool(GRANTS),
  code_verifier: fromPool(VERIFIERS),
  refresh_token: fromPool(REFRESH_TOKENS),
  client_secret: fromPool(['s3cret', '']),
  client_assertion: jwtArb,
  client_assertion_type: fromPool(['urn:ietf:params:oauth:client-assertion-type:jwt-bearer']),
  dpop_jkt: fromPool(['jkt1']),
  password: fromPool(['hunter2']),
  username: fromPool(['alice']),
  session_state: fromPool(['ss']),
  token: fromPool([...ACCESS_TOKENS, ...REFRESH_TOKENS]),
  next: fromPool(['https://evil.example/', '/home', '//evil.example']),
  returnTo: fromPool(['https://evil.example/']),
};
const PARAM_NAMES = Object.keys(PARAM_VALUES);

type Pair = [string, string];

const pairOf = (name: string): fc.Arbitrary<Pair> => (PARAM_VALUES[name] ?? hostileString).map((v): Pair => [name, v]);

/** A parameter with a name from `names` (or, rarely, any OAuth name or a hostile name). */
const pairArb = (names: readonly string[]): fc.Arbitrary<Pair> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...names).chain(pairOf) },
    { weight: 2, arbitrary: fc.constantFrom(...PARAM_NAMES).chain(pairOf) },
    { weight: 1, arbitrary: fc.tuple(hostileString, hostileString) },
  );

/** Parameters: a random subset of `names` in random order, plus extras and duplicates. */
export const paramsArb = (names: readonly string[], always: readonly string[] = []): fc.Arbitrary<Pair[]> =>
  fc
    .tuple(
      fc.tuple(...always.map(pairOf)),
      fc.shuffledSubarray(names.filter((n) => !always.includes(n))).chain((picked) => fc.tuple(...picked.map(pairOf))),
      fc.array(pairArb(names), { maxLength: 3 }),
    )
    .map(([a, b, extra]) => [...a, ...b, ...extra]);

type Encoding = 'standard' | 'raw' | 'component' | 'double';

/** Serialise parameters the way clients do, and the ways broken clients do. */
export function encodeParams(pairs: readonly Pair[], encoding: Encoding): string {
  switch (encoding) {
    case 'standard':
      return new URLSearchParams(pairs.map(([n, v]) => [wellFormed(n), wellFormed(v)])).toString();
    case 'raw':
      return pairs.map(([n, v]) => `${n}=${v}`).join('&');
    case 'component':
      return pairs.map(([n, v]) => `${encodeURIComponent(wellFormed(n))}=${encodeURIComponent(wellFormed(v))}`).join('&');
    case 'double':
      return pairs.map(([n, v]) => `${n}=${encodeURIComponent(encodeURIComponent(wellFormed(v)))}`).join('&');
  }
}

/** encodeURIComponent throws on lone surrogates; callers who encode go through toWellFormed first. */
const wellFormed = (s: string) => (s as string & { toWellFormed(): string }).toWellFormed();

const encodingArb: fc.Arbitrary<Encoding> = fc.constantFrom<Encoding>('standard', 'standard', 'standard', 'component', 'raw', 'double');

// ---------------------------------------------------------------------------------------------------------
// Bodies and headers

export function formBody(raw: string): Body {
  const { params, malformedEncoding } = parseForm(raw);
  return { kind: 'form', params, raw, ...(malformedEncoding ? { malformedEncoding } : {}) };
}

const textBody = (text: string, mimeType?: string, truncated?: boolean): Body => ({
  kind: 'text',
  text,
  size: text.length,
  ...(mimeType !== undefined ? { mimeType } : {}),
  ...(truncated ? { truncated } : {}),
});

const MIME_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/html',
  'text/plain',
  'application/jwt',
  'image/png',
  'application/octet-stream',
  '',
];

const tokenResponseObjectArb = fc.record(
  {
    access_token: fromPool(ACCESS_TOKENS),
    id_token: jwtArb,
    refresh_token: fromPool(REFRESH_TOKENS),
    token_type: fromPool(['Bearer', 'DPoP', 'bearer']),
    expires_in: fc.oneof(fc.constant(3600), fc.jsonValue({ maxDepth: 1 })),
    scope: fromPool(SCOPES),
    error: fromPool(ERRORS),
    error_description: hostileString,
    request_uri: fromPool(REQUEST_URIS),
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);

/** A response body for an OAuth endpoint: JSON tokens most often, then every other shape. */
export const responseBodyArb: fc.Arbitrary<Body | undefined> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(tokenResponseObjectArb, fc.constantFrom(...MIME_TYPES), fc.constantFrom(false, false, false, true))
      .map(([o, m, t]) => textBody(JSON.stringify(o), m, t)),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => textBody(JSON.stringify(v) ?? '', 'application/json')) },
  { weight: 1, arbitrary: fc.tuple(hostileString, fc.constantFrom(...MIME_TYPES), fc.boolean()).map(([s, m, t]) => textBody(s, m, t)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      textBody(HUGE_TEXT, 'text/plain'),
      textBody(HUGE_JSON, 'application/json'),
      textBody('', 'application/json'),
      textBody('{"access_token":"at-1"', 'application/json', true),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...MIME_TYPES)).map(([size, mimeType]): Body => ({ kind: 'binary', size, mimeType })),
  },
  { weight: 1, arbitrary: paramsArb(['access_token', 'token_type', 'error']).map((p) => formBody(encodeParams(p, 'standard'))) },
);

const basicHeader = fc
  .tuple(fromPool(CLIENTS), fromPool(['s3cret', '', 'p:ss', 'p%3Ass', 'ü']))
  .map(([c, s]) => `Basic ${b64(`${c}:${s}`)}`);

const REQUEST_HEADER_VALUES: Record<string, fc.Arbitrary<string>> = {
  authorization: fc.oneof(
    basicHeader,
    fromPool(['Bearer at-1', 'Bearer at-2', 'DPoP at-1', 'Basic !!!', 'Basic', 'bearer  at-1  ', `Basic ${b64('nocolon')}`]),
  ),
  dpop: jwtArb,
  origin: fromPool(['https://app.example', 'null', 'https://evil.example', 'http://localhost:3000']),
  referer: fromPool([
    'https://app.example/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=1',
    'https://app.example/',
    'https://as.example/authorize?response_type=code',
    'not a url',
  ]),
  'content-type': fromPool(['application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x']),
  cookie: fromPool(['sid=1', 'state=Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm']),
  'sec-fetch-mode': fromPool(['navigate', 'cors', 'no-cors']),
  'sec-fetch-site': fromPool(['cross-site', 'same-origin', 'none']),
};
const RESPONSE_HEADER_VALUES: Record<string, fc.Arbitrary<string>> = {
  'cache-control': fromPool(['no-store', 'no-cache', 'max-age=3600', 'private, no-store']),
  pragma: fromPool(['no-cache']),
  'content-type': fromPool(MIME_TYPES),
  location: fromPool(REDIRECT_URIS),
  'referrer-policy': fromPool(['no-referrer', 'unsafe-url', 'strict-origin-when-cross-origin']),
  'access-control-allow-origin': fromPool(['*', 'https://app.example', 'null']),
  date: fromPool(['Sun, 22 Nov 2026 10:00:00 GMT', 'Thu, 01 Jan 1970 00:00:00 GMT', 'yesterday', '']),
  'www-authenticate': fromPool(['DPoP error="use_dpop_nonce"', 'Bearer error="invalid_token"']),
  'dpop-nonce': fromPool(['n1']),
  'set-cookie': fromPool(['sid=1; SameSite=None; Secure', 'state=x; SameSite=Lax']),
};

const headersArb = (values: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<Header[]> =>
  fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...Object.keys(values)).chain((name) => values[name]!.map((value) => ({ name, value }))) },
      { weight: 1, arbitrary: fc.tuple(hostileString, hostileString).map(([n, value]) => ({ name: n.toLowerCase(), value })) },
    ),
    { maxLength: 5 },
  );

// ---------------------------------------------------------------------------------------------------------
// Exchanges

/** An exchange without its id (ids are assigned once the whole sequence is known, to keep them unique). */
export type ExchangeDraft = Omit<Exchange, 'id'>;

const timeArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(T0, T0, T0 + 1, T0 + 100, T0 + 61_000, T0 + 601_000) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 900_000 }).map((d) => T0 + d) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1, 8.64e15, -8.64e15, 0.5) },
);

const initiatorArb: fc.Arbitrary<InitiatorType> = fc.constantFrom('navigation', 'subframe', 'form', 'fetch', 'other');

/** Everything around the request line: timing, frame, headers, status, response. */
const envelopeArb = fc.record({
  time: timeArb,
  duration: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
  tabId: fc.option(fc.constantFrom(1, 2, -1), { nil: undefined }),
  frameId: fc.option(fc.constantFrom(0, 5), { nil: undefined }),
  initiatorOrigin: fc.option(fromPool(['https://app.example', 'https://as.example', 'null']), { nil: undefined }),
  requestHeaders: headersArb(REQUEST_HEADER_VALUES),
  responseHeaders: headersArb(RESPONSE_HEADER_VALUES),
  status: fc.option(fc.constantFrom<number>(200, 200, 200, 201, 204, 302, 303, 307, 308, 400, 401, 403, 500, 503), { nil: undefined }),
  error: fc.option(fc.constantFrom('net::ERR_FAILED', 'net::ERR_BLOCKED_BY_CLIENT', 'net::ERR_ABORTED', ''), { nil: undefined }),
  responseBody: responseBodyArb,
});

interface RequestLine {
  method: string;
  url: string;
  initiator: InitiatorType;
  requestBody?: Body;
  location?: string;
  status?: number;
  responseBody?: Body | undefined;
  keepResponseBody?: boolean;
}

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

function draftOf(line: RequestLine, env: ValueOf<typeof envelopeArb>): ExchangeDraft {
  const status = 'status' in line ? line.status : env.status;
  const hashAt = line.url.indexOf('#');
  return {
    time: env.time,
    ...(env.duration !== undefined ? { endTime: env.time + env.duration } : {}),
    ...(env.tabId !== undefined ? { tabId: env.tabId } : {}),
    ...(env.frameId !== undefined ? { frameId: env.frameId } : {}),
    initiator: line.initiator,
    ...(env.initiatorOrigin !== undefined ? { initiatorOrigin: env.initiatorOrigin } : {}),
    method: line.method,
    // The model's url never holds a fragment (capture adapters cut it); the hostile part is everything else.
    url: hashAt === -1 ? line.url : line.url.slice(0, hashAt),
    requestHeaders: env.requestHeaders,
    requestBody: line.requestBody ?? { kind: 'none' },
    ...(status !== undefined ? { status } : {}),
    ...(status === undefined && env.error !== undefined ? { error: env.error } : {}),
    responseHeaders: env.responseHeaders,
    ...(line.location !== undefined ? { location: line.location } : {}),
    ...('responseBody' in line
      ? line.responseBody
        ? { responseBody: line.responseBody }
        : {}
      : env.responseBody
        ? { responseBody: env.responseBody }
        : {}),
  };
}

/** Mostly real AS origins; sometimes an origin that is `null` for WHATWG URL (Electron, Capacitor, extensions). */
const asOriginArb = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...AS_ORIGINS) },
  { weight: 2, arbitrary: fc.constantFrom('app://local', 'capacitor://localhost', 'chrome-extension://abcdefghijklmnop', 'file://') },
  { weight: 1, arbitrary: hostileString },
);
const pathArb = (paths: readonly string[]) =>
  fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...paths) }, { weight: 1, arbitrary: hostileString.map((s) => `/${s}`) });

const AUTHORIZE_NAMES = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'response_mode',
  'prompt',
  'request_uri',
  'dpop_jkt',
];
const CALLBACK_NAMES = [
  'code',
  'state',
  'iss',
  'error',
  'error_description',
  'error_uri',
  'access_token',
  'id_token',
  'token_type',
  'session_state',
  'expires_in',
];
const TOKEN_NAMES = [
  'grant_type',
  'code',
  'redirect_uri',
  'client_id',
  'code_verifier',
  'refresh_token',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'scope',
  'password',
  'username',
];

/** Authorization request: query (GET) most often; a form POST; sometimes from script. */
const authorizeArb: fc.Arbitrary<RequestLine> = fc
  .record({
    as: asOriginArb,
    path: pathArb(AS_PATHS.authorize),
    params: paramsArb(AUTHORIZE_NAMES, ['response_type']),
    encoding: encodingArb,
    via: fc.constantFrom('query', 'query', 'query', 'form'),
    initiator: fc.constantFrom<InitiatorType>('navigation', 'navigation', 'subframe', 'fetch', 'form'),
    location: fc.option(
      fc.oneof(
        fromPool(REDIRECT_URIS).map((r) => `${r}?error=login_required&state=1`),
        fc.constant('https://as.example/interaction/abc'),
      ),
      { nil: undefined },
    ),
  })
  .map(({ as, path, params, encoding, via, initiator, location }) => {
    const encoded = encodeParams(params, encoding);
    return via === 'query'
      ? { method: 'GET', url: `${as}${path}?${encoded}`, initiator, ...(location ? { location } : {}) }
      : { method: 'POST', url: `${as}${path}`, initiator, requestBody: formBody(encoded) };
  });

/** Authorization response as the AS redirect carries it (query or fragment in Location). */
const asRedirectArb: fc.Arbitrary<RequestLine> = fc
  .record({
    as: asOriginArb,
    redirect: fromPool(REDIRECT_URIS),
    params: paramsArb(CALLBACK_NAMES, ['code']),
    encoding: encodingArb,
    sep: fc.constantFrom('?', '#', '&', '?#'),
    status: fc.constantFrom(302, 303, 307, 308, 301),
  })
  .map(({ as, redirect, params, encoding, sep, status }) => ({
    method: 'GET',
    url: `${as}/authorize/resume`,
    initiator: 'navigation' as const,
    status,
    location: `${redirect}${sep}${encodeParams(params, encoding)}`,
  }));

/** The browser's arrival at the redirect_uri (query mode), possibly redirected again. */
const arrivalArb: fc.Arbitrary<RequestLine> = fc
  .record({
    redirect: fromPool(REDIRECT_URIS),
    params: paramsArb(CALLBACK_NAMES, ['code']),
    encoding: encodingArb,
    initiator: fc.constantFrom<InitiatorType>('navigation', 'subframe', 'fetch'),
    location: fc.option(fromPool([...REDIRECT_URIS, 'https://evil.example/steal']), { nil: undefined }),
  })
  .map(({ redirect, params, encoding, initiator, location }) => ({
    method: 'GET',
    url: `${redirect}?${encodeParams(params, encoding)}`,
    initiator,
    ...(location ? { location } : {}),
  }));

const formPostArb: fc.Arbitrary<RequestLine> = fc
  .record({
    redirect: fromPool(REDIRECT_URIS),
    params: paramsArb(CALLBACK_NAMES, ['state']),
    encoding: encodingArb,
  })
  .map(({ redirect, params, encoding }) => ({
    method: 'POST',
    url: redirect,
    initiator: 'form' as const,
    requestBody: formBody(encodeParams(params, encoding)),
  }));

/** Token request: form (correct), JSON, query, none, binary; any grant; any method. */
const tokenArb: fc.Arbitrary<RequestLine> = fc
  .record({
    as: asOriginArb,
    path: pathArb(AS_PATHS.token),
    params: paramsArb(TOKEN_NAMES, ['grant_type']),
    encoding: encodingArb,
    carrier: fc.constantFrom('form', 'form', 'form', 'json', 'query', 'none', 'binary', 'text'),
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'OPTIONS', 'post'),
    initiator: fc.constantFrom<InitiatorType>('fetch', 'fetch', 'other', 'navigation', 'form'),
  })
  .map(({ as, path, params, encoding, carrier, method, initiator }): RequestLine => {
    const base = `${as}${path}`;
    switch (carrier) {
      case 'form':
        return { method, url: base, initiator, requestBody: formBody(encodeParams(params, encoding)) };
      case 'json':
        return { method, url: base, initiator, requestBody: textBody(JSON.stringify(Object.fromEntries(params)), 'application/json') };
      case 'query':
        return { method, url: `${base}?${encodeParams(params, encoding)}`, initiator };
      case 'binary':
        return { method, url: base, initiator, requestBody: { kind: 'binary', size: 10 } };
      case 'text':
        return { method, url: base, initiator, requestBody: textBody(`"grant_type"=${encodeParams(params, encoding)}`, 'text/plain') };
      default:
        return { method, url: base, initiator };
    }
  });

const parArb: fc.Arbitrary<RequestLine> = fc
  .record({
    as: asOriginArb,
    path: pathArb(AS_PATHS.par),
    params: paramsArb(AUTHORIZE_NAMES, ['response_type', 'client_id']),
    requestUri: fromPool(REQUEST_URIS),
    hasBody: fc.boolean(),
  })
  .map(({ as, path, params, requestUri, hasBody }) => ({
    method: 'POST',
    url: `${as}${path}`,
    initiator: 'fetch' as const,
    requestBody: formBody(encodeParams(params, 'standard')),
    status: 201,
    responseBody: hasBody ? textBody(JSON.stringify({ request_uri: requestUri, expires_in: 60 }), 'application/json') : undefined,
  }));

const urlOrJunk = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(asOriginArb, pathArb([...AS_PATHS.authorize, ...AS_PATHS.token, ...AS_PATHS.par, ...AS_PATHS.other]))
      .map(([o, p]) => `${o}${p}`),
  },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);

const metadataArb: fc.Arbitrary<RequestLine> = fc
  .record({
    as: asOriginArb,
    suffix: fc.constantFrom(
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
      '/tenant/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server/tenant',
    ),
    doc: fc.record(
      {
        issuer: fc.oneof(fromPool([...AS_ORIGINS, 'https://as.example/', 'https://as.example/tenant']), fc.jsonValue({ maxDepth: 1 })),
        authorization_endpoint: urlOrJunk,
        token_endpoint: urlOrJunk,
        pushed_authorization_request_endpoint: urlOrJunk,
        require_pushed_authorization_requests: fc.jsonValue({ maxDepth: 0 }),
        userinfo_endpoint: urlOrJunk,
        revocation_endpoint: urlOrJunk,
        jwks_uri: urlOrJunk,
        code_challenge_methods_supported: fc.oneof(fc.array(fromPool(METHODS), { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
        authorization_response_iss_parameter_supported: fc.jsonValue({ maxDepth: 0 }),
        dpop_signing_alg_values_supported: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    ),
    asText: fc.boolean(),
  })
  .map(({ as, suffix, doc, asText }) => ({
    method: 'GET',
    url: `${as}${suffix}`,
    initiator: 'fetch' as const,
    status: 200,
    responseBody: asText ? textBody(JSON.stringify(doc), 'application/json') : ({ kind: 'binary', size: 3 } as Body),
  }));

const resourceArb: fc.Arbitrary<RequestLine> = fc
  .record({
    as: asOriginArb,
    path: pathArb(AS_PATHS.other),
    method: fc.constantFrom('GET', 'POST'),
    params: paramsArb(['token', 'token_type_hint', 'access_token', 'client_id']),
    withBody: fc.boolean(),
    encoding: encodingArb,
  })
  .map(({ as, path, method, params, withBody, encoding }) => ({
    method,
    url: withBody ? `${as}${path}` : `${as}${path}?${encodeParams(params, encoding)}`,
    initiator: 'fetch' as const,
    ...(withBody ? { requestBody: formBody(encodeParams(params, encoding)) } : {}),
  }));

/** Anything at all: odd URLs (unparseable, other schemes), methods, bodies. */
const noiseArb: fc.Arbitrary<RequestLine> = fc
  .record({
    url: fc.oneof(
      fc.constantFrom(
        'not a url',
        'http://[::1',
        'javascript:alert(1)',
        'data:text/html,<b>x</b>',
        'about:blank',
        'blob:https://app.example/uuid',
        'https://app.example/?code=1&state=2',
        'https://app.example/#code=1&state=2',
        'chrome-extension://abc/cb?code=1&state=2',
        'com.example.app:/oauth2redirect?code=SplxlOBeZQQYbYS6WxSbIA&state=1',
        'https://app.example/cb?code=%zz&state=%E0%A4%A',
        'https://user:pass@as.example/token?grant_type=password',
        'https://as.example/.well-known/openid-configuration',
        '',
      ),
      fc.tuple(fromPool(REDIRECT_URIS), hostileString).map(([a, b]) => a + b),
      hostileString,
    ),
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'OPTIONS', 'HEAD', 'get'), hostileString),
    initiator: initiatorArb,
    body: fc.oneof(
      fc.constant<Body>({ kind: 'none' }),
      paramsArb([...AUTHORIZE_NAMES, ...CALLBACK_NAMES, ...TOKEN_NAMES]).map((p) => formBody(encodeParams(p, 'raw'))),
      hostileString.map((s) => textBody(s)),
    ),
    location: fc.option(fc.oneof(fromPool(REDIRECT_URIS), hostileString), { nil: undefined }),
  })
  .map(({ url, method, initiator, body, location }) => ({
    method,
    url,
    initiator,
    requestBody: body,
    ...(location !== undefined ? { location } : {}),
  }));

/** One exchange of any kind. */
export const exchangeDraftArb: fc.Arbitrary<ExchangeDraft> = fc
  .tuple(
    fc.oneof(
      { weight: 3, arbitrary: authorizeArb },
      { weight: 3, arbitrary: asRedirectArb },
      { weight: 2, arbitrary: arrivalArb },
      { weight: 1, arbitrary: formPostArb },
      { weight: 3, arbitrary: tokenArb },
      { weight: 1, arbitrary: parArb },
      { weight: 1, arbitrary: metadataArb },
      { weight: 1, arbitrary: resourceArb },
      { weight: 2, arbitrary: noiseArb },
    ),
    envelopeArb,
  )
  .map(([line, env]) => draftOf(line, env));

// ---------------------------------------------------------------------------------------------------------
// Coherent flows: authorize → (sign-in) → callback → token → refreshes, with random defects

/** A deviation from the coherent flow: undefined (no deviation) four times in five. */
const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const scenarioArb: fc.Arbitrary<ExchangeDraft[]> = fc
  .record({
    as: fc.constantFrom(...AS_ORIGINS),
    authPath: fc.constantFrom(...AS_PATHS.authorize),
    tokenPath: fc.constantFrom(...AS_PATHS.token),
    client: fromPool(CLIENTS, 1),
    redirect: fromPool(REDIRECT_URIS, 1),
    tokenRedirect: rarely(fromPool(REDIRECT_URIS)),
    state: fc.option(fromPool(STATES, 2), { nil: undefined }),
    returnedState: rarely(fromPool(STATES, 2)),
    nonce: fc.option(fromPool(NONCES, 2), { nil: undefined }),
    verifier: fromPool(VERIFIERS, 2),
    challengeKind: fc.constantFrom('s256', 's256', 's256', 'plain', 'other', 'none'),
    method: fc.oneof(
      { weight: 6, arbitrary: fc.constant<string | undefined>('S256') },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fromPool(METHODS, 2) },
    ),
    sentVerifier: rarely(fromPool(VERIFIERS, 2)),
    code: fromPool(CODES, 2),
    iss: fc.option(fromPool([...AS_ORIGINS, 'https://evil.example']), { nil: undefined }),
    mode: fc.constantFrom('query', 'query', 'fragment', 'form_post', 'error', 'none'),
    responseType: fromPool(RESPONSE_TYPES, 1),
    tokenCount: fc.constantFrom(0, 1, 1, 1, 2),
    refreshCount: fc.constantFrom(0, 0, 1, 2),
    rotate: fc.boolean(),
    tokenStatus: fc.constantFrom<number | undefined>(200, 200, 200, 400, 401, 500, undefined),
    tokenBody: responseBodyArb,
    idToken: jwtArb,
    extraAuth: fc.array(pairArb(AUTHORIZE_NAMES), { maxLength: 2 }),
    extraToken: fc.array(pairArb(TOKEN_NAMES), { maxLength: 2 }),
    basic: fc.option(basicHeader, { nil: undefined }),
    signIn: fc.nat({ max: 3 }),
    par: fc.constantFrom(false, false, true),
    parOrigin: asOriginArb,
    parPath: pathArb(AS_PATHS.par),
    parResponse: fc.boolean(),
    requestUri: fromPool(REQUEST_URIS, 2),
    tabs: fc.tuple(fc.option(fc.constantFrom(1, 2), { nil: undefined }), fc.option(fc.constantFrom(1, 2), { nil: undefined })),
    t0: fc.integer({ min: 0, max: 600_000 }).map((d) => T0 + d),
    gaps: fc.array(fc.constantFrom(0, 0, 1, 50, 500, 61_000, 700_000, -100), { minLength: 12, maxLength: 12 }),
    envs: fc.array(envelopeArb, { minLength: 12, maxLength: 12 }),
  })
  .map((s) => {
    const out: ExchangeDraft[] = [];
    let t = s.t0;
    let step = 0;
    const push = (line: RequestLine) => {
      const env = s.envs[step % s.envs.length]!;
      t += s.gaps[step % s.gaps.length]!;
      step++;
      const tabId = line.initiator === 'fetch' ? s.tabs[1] : s.tabs[0];
      out.push(draftOf(line, { ...env, time: t, tabId, status: line.status ?? env.status }));
    };
    const challenge =
      s.challengeKind === 's256'
        ? s256(s.verifier)
        : s.challengeKind === 'plain'
          ? s.verifier
          : s.challengeKind === 'other'
            ? s256(`${s.verifier}x`)
            : undefined;
    const authParams: Pair[] = [
      ['response_type', s.responseType],
      ['client_id', s.client],
      ['redirect_uri', s.redirect],
      ['scope', 'openid'],
      ...(s.state !== undefined ? [['state', s.state] as Pair] : []),
      ...(s.nonce !== undefined ? [['nonce', s.nonce] as Pair] : []),
      ...(challenge !== undefined ? [['code_challenge', challenge] as Pair] : []),
      ...(s.method !== undefined ? [['code_challenge_method', s.method] as Pair] : []),
      ...s.extraAuth,
    ];
    if (s.par) {
      // RFC 9126: the parameters are pushed from script; the front channel carries client_id and request_uri only.
      push({
        method: 'POST',
        url: `${s.parOrigin}${s.parPath}`,
        initiator: 'fetch',
        requestBody: formBody(encodeParams(authParams, 'standard')),
        status: 201,
        responseBody: s.parResponse
          ? textBody(JSON.stringify({ request_uri: s.requestUri, expires_in: 60 }), 'application/json')
          : undefined,
      });
      push({
        method: 'GET',
        url: `${s.as}${s.authPath}?${encodeParams(
          [
            ['client_id', s.client],
            ['request_uri', s.requestUri],
          ],
          'standard',
        )}`,
        initiator: 'navigation',
        status: 303,
        location: `${s.as}/interaction/1`,
      });
    } else {
      push({
        method: 'GET',
        url: `${s.as}${s.authPath}?${encodeParams(authParams, 'standard')}`,
        initiator: 'navigation',
        status: 303,
        location: `${s.as}/interaction/1`,
      });
    }
    for (let i = 0; i < s.signIn; i++)
      push({
        method: i % 2 ? 'POST' : 'GET',
        url: `${s.as}/interaction/1`,
        initiator: i % 2 ? 'form' : 'navigation',
        status: i % 2 ? 303 : 200,
      });

    const callbackParams: Pair[] =
      s.mode === 'error'
        ? [['error', 'access_denied'], ...(s.returnedState !== undefined ? [['state', s.returnedState] as Pair] : [])]
        : [
            ['code', s.code],
            ...(s.returnedState !== undefined
              ? [['state', s.returnedState] as Pair]
              : s.state !== undefined
                ? [['state', s.state] as Pair]
                : []),
            ...(s.iss !== undefined ? [['iss', s.iss] as Pair] : []),
            ...(s.mode === 'fragment' ? [['id_token', s.idToken] as Pair, ['access_token', 'at-1'] as Pair] : []),
          ];
    const query = encodeParams(callbackParams, 'standard');
    if (s.mode === 'form_post') {
      push({ method: 'POST', url: s.redirect, initiator: 'form', requestBody: formBody(query), status: 200 });
    } else if (s.mode !== 'none') {
      const sep = s.mode === 'fragment' ? '#' : s.redirect.includes('?') ? '&' : '?';
      const location = `${s.redirect}${sep}${query}`;
      push({ method: 'GET', url: `${s.as}${s.authPath}/resume`, initiator: 'navigation', status: 303, location });
      push({ method: 'GET', url: s.mode === 'fragment' ? s.redirect : location, initiator: 'navigation', status: 200 });
    }

    const tokenHeaders = s.basic !== undefined ? [{ name: 'authorization', value: s.basic }] : [];
    const tokenResponse = (refresh: string) =>
      s.tokenBody?.kind === 'text' && s.tokenStatus === 200
        ? textBody(
            JSON.stringify({
              access_token: 'at-1',
              token_type: 'Bearer',
              id_token: s.idToken,
              ...(s.rotate ? { refresh_token: refresh } : {}),
            }),
            'application/json',
          )
        : s.tokenBody;
    for (let i = 0; i < s.tokenCount; i++) {
      const params: Pair[] = [
        ['grant_type', 'authorization_code'],
        ['code', s.code],
        ['redirect_uri', s.tokenRedirect ?? s.redirect],
        ['client_id', s.client],
        ...(s.sentVerifier !== undefined
          ? [['code_verifier', s.sentVerifier] as Pair]
          : s.challengeKind !== 'none'
            ? [['code_verifier', s.verifier] as Pair]
            : []),
        ...s.extraToken,
      ];
      push({
        method: 'POST',
        url: `${s.as}${s.tokenPath}`,
        initiator: 'fetch',
        requestBody: formBody(encodeParams(params, 'standard')),
        status: s.tokenStatus,
        responseBody: tokenResponse('rt-1'),
      });
      out.at(-1)!.requestHeaders = [...tokenHeaders, ...out.at(-1)!.requestHeaders];
    }
    for (let i = 0; i < s.refreshCount; i++) {
      const presented = s.rotate ? `rt-${i + 1}` : 'rt-1';
      const params: Pair[] = [
        ['grant_type', 'refresh_token'],
        ['refresh_token', presented],
        ['client_id', s.client],
      ];
      push({
        method: 'POST',
        url: `${s.as}${s.tokenPath}`,
        initiator: 'fetch',
        requestBody: formBody(encodeParams(params, 'standard')),
        status: s.tokenStatus,
        responseBody: tokenResponse(`rt-${i + 2}`),
      });
    }
    return out;
  });

/**
 * A whole capture: coherent flows and stray exchanges, times overlapping and out of order; sometimes an
 * exchange is replayed verbatim (same request sent twice, e.g. a double-clicked button).
 */
export const trafficArb: fc.Arbitrary<Traffic> = fc
  .tuple(
    fc.array(fc.oneof({ weight: 2, arbitrary: scenarioArb }, { weight: 3, arbitrary: exchangeDraftArb.map((d) => [d]) }), { maxLength: 8 }),
    fc.array(fc.nat(), { maxLength: 2 }),
  )
  .map(([groups, replays]) => {
    const drafts = groups.flat();
    for (const r of replays) if (drafts.length) drafts.push({ ...drafts[r % drafts.length]! });
    return new Traffic(drafts.map((d, i) => ({ id: `x${i}`, ...d })));
  });

/** The generated input, printed compactly (long strings elided) when fast-check reports a counterexample. */
export class Traffic {
  constructor(readonly exchanges: Exchange[]) {}
  [fc.toStringMethod](): string {
    return `Traffic(${elide(this.exchanges)})`;
  }
}

/** JSON with strings over 300 characters shortened, for readable counterexamples. */
export function elide(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'string' && v.length > 300 ? `${v.slice(0, 60)}…(${v.length} chars)` : v),
    1,
  );
}

// ---------------------------------------------------------------------------------------------------------
// HAR-shaped JSON (for the capture adapter)

const anyJson = fc.jsonValue({ maxDepth: 2 });
const maybeJunk = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> =>
  fc.oneof({ weight: 6, arbitrary: arb }, { weight: 1, arbitrary: anyJson });

const harHeaderArb = maybeJunk(
  fc.record(
    {
      name: fc.oneof(
        fc.constantFrom(
          'Location',
          'location',
          'Authorization',
          'Origin',
          'Sec-Fetch-Dest',
          'Sec-Fetch-Mode',
          'Content-Type',
          ':authority',
          'Referer',
        ),
        hostileString,
      ),
      value: fc.oneof(
        fromPool([
          'https://app.example/cb?code=c2&state=1',
          'navigate',
          'iframe',
          'cors',
          'document',
          'null',
          'https://app.example',
          'Basic !!!',
        ]),
        hostileString,
      ),
    },
    { requiredKeys: [] },
  ),
);

const base64Of = fc.oneof(
  fc.constantFrom(
    b64('{"access_token":"at-1","token_type":"Bearer"}'),
    b64('plain text'),
    Buffer.from([0xff, 0xfe, 0x00]).toString('base64'),
    '!!!not base64',
    '',
    '====',
  ),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a).toString('base64')),
);

const harUrlArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom('https://as.example', 'http://localhost:45931', 'https://app.example'),
        fc.constantFrom('/auth', '/token', '/cb', '/'),
        fc.option(paramsArb([...AUTHORIZE_NAMES, ...CALLBACK_NAMES]), { nil: undefined }),
        encodingArb,
        fc.option(hostileString, { nil: undefined }),
      )
      .map(
        ([o, p, params, enc, frag]) => `${o}${p}${params ? `?${encodeParams(params, enc)}` : ''}${frag !== undefined ? `#${frag}` : ''}`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', 'not a url', 'http://[::1', 'javascript:alert(1)', 'data:,x', 'com.example.app:/cb?code=1&state=2'),
  },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: anyJson },
);

export const harEntryArb = maybeJunk(
  fc.record(
    {
      startedDateTime: fc.oneof(
        fc.constantFrom(
          '2026-11-22T03:23:52.951Z',
          '2026-11-22T03:23:52.951+01:00',
          'yesterday',
          '',
          '9999-99-99T99:99:99Z',
          '+275760-09-13T00:00:00.000Z',
        ),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        anyJson,
      ),
      time: fc.oneof(fc.double(), anyJson),
      _resourceType: fc.oneof(fc.constantFrom('document', 'Document', 'xhr', 'fetch', 'script', 'image', 'other', 'ping'), anyJson),
      _initiator: fc.oneof(
        fc.constantFrom('http://localhost:45931/app.js', 'not a url', ''),
        fc.record(
          { url: fc.oneof(fc.constant('https://app.example/'), hostileString, anyJson), type: fc.constant('script') },
          { requiredKeys: [] },
        ),
        anyJson,
      ),
      _error: fc.oneof(fc.constant('net::ERR_FAILED'), anyJson),
      request: maybeJunk(
        fc.record(
          {
            method: fc.oneof(fc.constantFrom('GET', 'POST', 'get', 'OPTIONS'), hostileString, anyJson),
            url: harUrlArb,
            headers: maybeJunk(fc.array(harHeaderArb, { maxLength: 5 })),
            postData: maybeJunk(
              fc.record(
                {
                  mimeType: fc.oneof(
                    fc.constantFrom(
                      'application/x-www-form-urlencoded',
                      'application/x-www-form-urlencoded;charset=UTF-8',
                      'application/json',
                      'text/plain',
                      'multipart/form-data',
                      '',
                    ),
                    anyJson,
                  ),
                  text: fc.oneof(
                    paramsArb(TOKEN_NAMES).map((p) => encodeParams(p, 'standard')),
                    hostileString,
                    fc.constantFrom('', '{"grant_type":"authorization_code","code":"c2"}', '\u0000\u0001binary'),
                    anyJson,
                  ),
                  params: maybeJunk(
                    fc.array(
                      maybeJunk(
                        fc.record(
                          {
                            name: fc.oneof(fc.constantFrom(...TOKEN_NAMES), hostileString, anyJson),
                            value: fc.oneof(hostileString, anyJson),
                          },
                          { requiredKeys: [] },
                        ),
                      ),
                      { maxLength: 4 },
                    ),
                  ),
                  encoding: fc.oneof(fc.constant('base64'), anyJson),
                },
                { requiredKeys: [] },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
      response: maybeJunk(
        fc.record(
          {
            status: fc.oneof(fc.constantFrom(0, 200, 204, 302, 303, 307, 400, -1, 999, 1.5, Number.MAX_VALUE), anyJson),
            redirectURL: fc.oneof(
              fc.constantFrom(
                '',
                '/interaction/x',
                'https://app.example/cb?code=c2&state=1',
                'https://app.example/cb#code=c2&state=1',
                '//evil.example/x',
                'javascript:alert(1)',
                'http://[::1',
              ),
              hostileString,
              anyJson,
            ),
            headers: maybeJunk(fc.array(harHeaderArb, { maxLength: 4 })),
            _error: fc.oneof(fc.constantFrom('net::ERR_FAILED'), anyJson),
            content: maybeJunk(
              fc.record(
                {
                  mimeType: fc.oneof(
                    fc.constantFrom('application/json', 'text/html', 'image/png', 'application/jwt', 'application/vnd.api+json', ''),
                    anyJson,
                  ),
                  size: fc.oneof(fc.nat(), fc.constantFrom(-1, 0, Number.NaN), anyJson),
                  text: fc.oneof(
                    base64Of,
                    fc.constant(JSON.stringify({ access_token: 'at-1', refresh_token: 'rt-1' })),
                    hostileString,
                    anyJson,
                  ),
                  encoding: fc.oneof(fc.constant('base64'), anyJson),
                },
                { requiredKeys: [] },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);

/** `{ log: { entries } }` with HAR-like entries, and sometimes not. */
export const harLikeArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      log: fc.record({ version: fc.constant('1.2'), entries: fc.array(harEntryArb, { maxLength: 8 }) }, { requiredKeys: ['entries'] }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ log: maybeJunk(fc.record({ entries: anyJson }, { requiredKeys: [] })) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: anyJson },
);
