/**
 * Which authorization server product a flow talks to, and its own words for a refusal: recognised from what is
 * on the wire (its hosts, its endpoint layout, the error codes and messages it answers with) so that a stuck
 * flow can be explained in the provider's terms and point at the setting to change ("Allowed Callback URLs",
 * "Valid redirect URIs"…). Pure data and string matching; docs/providers.md is the same table for people.
 *
 * A host is the strongest sign (login.microsoftonline.com is Entra ID). An endpoint layout is weaker: the same
 * paths are served by look-alikes (self-hosted GitHub Enterprise, or the demo's vendor-shaped oidc-provider on
 * 127.0.0.1), so the views say "looks like". A provider's own error vocabulary (AADSTS codes, Keycloak's
 * "Invalid parameter: redirect_uri") is weaker still, and only names the provider when nothing else does.
 *
 * Bodies are hostile: only a bounded prefix is read, with patterns that run in linear time (literal
 * alternatives and bounded digit runs, no nested quantifiers); a match yields a term from the table below,
 * never the page's own text.
 */
export type ProviderId = 'auth0' | 'okta' | 'entra' | 'keycloak' | 'cognito' | 'google' | 'pingfederate' | 'github' | 'oidc-provider';

export const PROVIDER_NAMES: Readonly<Record<ProviderId, string>> = {
  auth0: 'Auth0',
  okta: 'Okta',
  entra: 'Microsoft Entra ID',
  keycloak: 'Keycloak',
  cognito: 'Amazon Cognito',
  google: 'Google',
  pingfederate: 'PingFederate',
  github: 'GitHub',
  'oidc-provider': 'node oidc-provider',
};

/** How the provider was recognised, most certain first. */
export type RecognizedBy = 'host' | 'layout' | 'vocabulary';

export interface ProviderRecognition {
  provider: ProviderId;
  by: RecognizedBy;
}

/** What the traffic shows of an authorization server. */
export interface ServerTraits {
  issuer?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  /** Other pages of the server the flow went through (sign-in pages), as URLs. */
  pages?: readonly string[];
  /** The authorization request's parameter names. */
  parameterNames?: readonly string[];
}

interface HostRule {
  provider: ProviderId;
  /** Exact host names. */
  hosts?: readonly string[];
  /** Host name suffixes, each starting with a dot. */
  suffixes?: readonly string[];
  /** Host patterns (anchored, linear). */
  patterns?: readonly RegExp[];
}

const HOST_RULES: readonly HostRule[] = [
  { provider: 'auth0', suffixes: ['.auth0.com'] },
  { provider: 'okta', suffixes: ['.okta.com', '.oktapreview.com', '.okta-emea.com'] },
  {
    provider: 'entra',
    hosts: ['login.microsoftonline.com', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn', 'login.windows.net'],
  },
  // The hosted UI's domain, and the user pool's issuer (cognito-idp.<region>.amazonaws.com/<pool id>).
  { provider: 'cognito', suffixes: ['.amazoncognito.com'], patterns: [/^cognito-idp\.[a-z0-9-]{1,30}\.amazonaws\.com$/] },
  { provider: 'google', hosts: ['accounts.google.com', 'oauth2.googleapis.com'] },
  { provider: 'github', hosts: ['github.com'] },
];

/** An endpoint layout: the authorization endpoint's path, with what else must match to tell look-alikes apart. */
interface LayoutRule {
  provider: ProviderId;
  authorization?: RegExp;
  token?: RegExp;
  issuer?: RegExp;
  /** Both the authorization and the token path must match (a path too common to stand alone). */
  needsBoth?: boolean;
  /** Alternatively, an authorization request parameter only this provider's SDKs send. */
  parameter?: string;
  /** Alternatively, a page of the server only this provider serves. */
  page?: RegExp;
}

// Paths, without the origin. Vendor layouts first: the demo serves them from oidc-provider, whose own
// default layout comes last.
const LAYOUT_RULES: readonly LayoutRule[] = [
  // Custom authorization servers /oauth2/<id>/v1/…, the org authorization server /oauth2/v1/….
  { provider: 'okta', authorization: /^\/oauth2\/(?:[^/]{1,100}\/)?v1\/authorize$/, token: /^\/oauth2\/(?:[^/]{1,100}\/)?v1\/token$/ },
  {
    provider: 'entra',
    authorization: /^\/[^/]{1,100}\/oauth2\/v2\.0\/authorize$/,
    token: /^\/[^/]{1,100}\/oauth2\/v2\.0\/token$/,
    issuer: /^\/[^/]{1,100}\/v2\.0\/?$/,
  },
  // Keycloak before 17 served everything under /auth.
  {
    provider: 'keycloak',
    authorization: /^(?:\/auth)?\/realms\/[^/]{1,255}\/protocol\/openid-connect\/auth$/,
    token: /^(?:\/auth)?\/realms\/[^/]{1,255}\/protocol\/openid-connect\/token$/,
    issuer: /^(?:\/auth)?\/realms\/[^/]{1,255}\/?$/,
  },
  { provider: 'google', authorization: /^\/o\/oauth2\/(?:v2\/)?auth$/ },
  { provider: 'pingfederate', authorization: /^\/as\/authorization\.oauth2$/, token: /^\/as\/token\.oauth2$/ },
  { provider: 'github', authorization: /^\/login\/oauth\/authorize$/, token: /^\/login\/oauth\/access_token$/ },
  // auth0-spa-js and auth0.js send their name and version in `auth0Client`.
  { provider: 'auth0', authorization: /^\/authorize$/, token: /^\/oauth\/token$/, needsBoth: true, parameter: 'auth0Client' },
  // node oidc-provider's defaults: /auth, /token, and its interaction pages /interaction/<uid>.
  {
    provider: 'oidc-provider',
    authorization: /^\/auth$/,
    token: /^\/token$/,
    needsBoth: true,
    page: /^\/interaction\/[^/]{1,100}(?:\/|$)/,
  },
];

/** The provider the traffic shows by host, else by endpoint layout; undefined when neither says. */
export function recognizeProvider(traits: ServerTraits): ProviderRecognition | undefined {
  const urls = [traits.authorizationEndpoint, traits.tokenEndpoint, traits.issuer].map((u) => (u !== undefined ? parsed(u) : undefined));
  for (const rule of HOST_RULES) {
    if (urls.some((u) => u !== undefined && hostMatches(rule, u.hostname))) return { provider: rule.provider, by: 'host' };
  }
  const [authorization, token, issuer] = urls.map((u) => u?.pathname);
  const pages = (traits.pages ?? []).map((p) => parsed(p)?.pathname).filter((p): p is string => p !== undefined);
  for (const rule of LAYOUT_RULES)
    if (layoutMatches(rule, authorization, token, issuer, pages, traits.parameterNames ?? [])) {
      return { provider: rule.provider, by: 'layout' };
    }
  return undefined;
}

function hostMatches(rule: HostRule, host: string): boolean {
  return (
    (rule.hosts?.includes(host) ?? false) ||
    (rule.suffixes?.some((s) => host.endsWith(s)) ?? false) ||
    (rule.patterns?.some((p) => p.test(host)) ?? false)
  );
}

function layoutMatches(
  rule: LayoutRule,
  authorization: string | undefined,
  token: string | undefined,
  issuer: string | undefined,
  pages: readonly string[],
  parameterNames: readonly string[],
): boolean {
  const authorizationMatches = authorization !== undefined && rule.authorization?.test(authorization) === true;
  const tokenMatches = token !== undefined && rule.token?.test(token) === true;
  const issuerMatches = issuer !== undefined && rule.issuer?.test(issuer) === true;
  if (!rule.needsBoth) return authorizationMatches || tokenMatches || issuerMatches;
  if (!authorizationMatches) return false;
  if (tokenMatches) return true;
  if (rule.parameter !== undefined && parameterNames.includes(rule.parameter)) return true;
  return rule.page !== undefined && pages.some((p) => rule.page!.test(p));
}

function parsed(url: string): URL | undefined {
  return URL.canParse(url) ? new URL(url) : undefined;
}

/**
 * Why an authorization server refused, in the categories people fix: the setting that is wrong, or the step
 * the app got wrong.
 */
export type RefusalCause =
  | 'redirect-uri'
  | 'client-id'
  | 'client-not-allowed'
  | 'scope'
  | 'response-type'
  | 'request'
  | 'consent-required'
  | 'login-required'
  | 'missing-parameter'
  | 'spa-cross-origin'
  | 'client-authentication'
  | 'pkce'
  | 'code-redeemed'
  | 'grant-expired'
  | 'server-error'
  | 'unknown';

/** One term of a provider's error vocabulary. */
export interface ProviderTerm {
  /** The term as the provider writes it: an error code, an AADSTS code, a fixed message. */
  term: string;
  /** Whose words these are; null for OAuth's own codes (RFC 6749 §4.1.2.1, §5.2), which every server uses. */
  provider: ProviderId | null;
  cause: RefusalCause;
  /** What the term means, as a phrase (no final period). */
  meaning: string;
}

interface VocabularyEntry extends ProviderTerm {
  /** A regular expression source of literals and bounded alternatives, matched case-insensitively. */
  pattern: string;
}

// Entra ID's codes, from https://learn.microsoft.com/entra/identity-platform/reference-error-codes and the
// messages Entra returns (AADSTS50148, AADSTS9002326 are not in that table; their messages are quoted in the
// MSAL issue tracker). Codes change over time: unknown ones are still named, not decoded.
const AADSTS: ReadonlyMap<string, { cause: RefusalCause; meaning: string }> = new Map([
  ['50011', { cause: 'redirect-uri', meaning: "InvalidReplyTo: the redirect_uri does not match the app registration's redirect URIs" }],
  [
    '700016',
    { cause: 'client-id', meaning: 'the application (client_id) was not found in this directory (tenant): a wrong client_id or tenant' },
  ],
  [
    '65001',
    {
      cause: 'consent-required',
      meaning: 'DelegationDoesNotExist: the user or an administrator has not consented to this app: send an interactive request',
    },
  ],
  [
    '50058',
    {
      cause: 'login-required',
      meaning: 'UserInformationNotProvided: a silent sign-in (prompt=none) found no session: sign in interactively',
    },
  ],
  ['90014', { cause: 'missing-parameter', meaning: 'MissingRequiredField: a required field is missing from the request' }],
  [
    '9002326',
    {
      cause: 'spa-cross-origin',
      meaning:
        "cross-origin token redemption is permitted only for the 'Single-Page Application' client type: the redirect URI is registered under another platform",
    },
  ],
  [
    '7000218',
    {
      cause: 'client-authentication',
      meaning:
        "the request body must contain 'client_assertion' or 'client_secret': the redirect URI is registered as a confidential (web) platform",
    },
  ],
  [
    '700054',
    { cause: 'response-type', meaning: "response_type 'id_token' is not enabled for the application (implicit grant ID tokens are off)" },
  ],
  ['50148', { cause: 'pkce', meaning: 'the code_verifier does not match the code_challenge of the authorization request' }],
  ['501481', { cause: 'pkce', meaning: 'the code_verifier does not match the code_challenge of the authorization request' }],
  ['50147', { cause: 'pkce', meaning: 'the code_challenge has an invalid size' }],
  ['501491', { cause: 'pkce', meaning: 'the code_challenge has an invalid size' }],
  ['54005', { cause: 'code-redeemed', meaning: 'the authorization code was already redeemed' }],
  ['70008', { cause: 'grant-expired', meaning: 'ExpiredOrRevokedGrant: the authorization code or refresh token expired or was revoked' }],
]);

/** An apostrophe or quote, written out or as an HTML character reference. */
const QUOTE = '(?:\'|"|&#39;|&#x27;|&apos;|&quot;|&#34;)?';

// Vendor terms first: the most specific match wins (see readRefusal).
const VOCABULARY: readonly VocabularyEntry[] = [
  {
    pattern: 'Callback URL mismatch',
    term: 'Callback URL mismatch',
    provider: 'auth0',
    cause: 'redirect-uri',
    meaning: "the redirect_uri is not in the application's Allowed Callback URLs",
  },
  {
    pattern: 'must be a Login redirect URI',
    term: "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings",
    provider: 'okta',
    cause: 'redirect-uri',
    meaning: "the redirect_uri is not among the app integration's Sign-in redirect URIs",
  },
  {
    pattern: 'must be an absolute URI that is whitelisted',
    term: "The 'redirect_uri' parameter must be an absolute URI that is whitelisted in the client app settings",
    provider: 'okta',
    cause: 'redirect-uri',
    meaning: "the redirect_uri is not among the app integration's Sign-in redirect URIs",
  },
  {
    pattern: `Invalid value for ${QUOTE}client_id`,
    term: "Invalid value for 'client_id' parameter",
    provider: 'okta',
    cause: 'client-id',
    meaning: 'no app integration has this client_id on this authorization server',
  },
  {
    pattern: 'Invalid parameter: redirect_uri',
    term: 'Invalid parameter: redirect_uri',
    provider: 'keycloak',
    cause: 'redirect-uri',
    meaning:
      "the redirect_uri matches none of the client's Valid redirect URIs (some Keycloak versions say so for an unknown client_id too)",
  },
  {
    pattern: 'Client not found',
    term: 'Client not found',
    provider: 'keycloak',
    cause: 'client-id',
    meaning: 'the realm has no client with this client_id',
  },
  {
    pattern: 'redirect_mismatch',
    term: 'redirect_mismatch',
    provider: 'cognito',
    cause: 'redirect-uri',
    meaning: "the redirect_uri is not among the app client's Allowed callback URLs",
  },
  {
    pattern: 'redirect_uri did not match any of the client',
    term: "redirect_uri did not match any of the client's registered redirect_uris",
    provider: 'oidc-provider',
    cause: 'redirect-uri',
    meaning: "the redirect_uri is not among the client's registered redirect_uris",
  },
  // Not a code RFC 6749 defines at the authorization endpoint: oidc-provider's (RFC 7591 §3.2.2 names it for registration).
  {
    pattern: 'invalid_redirect_uri',
    term: 'invalid_redirect_uri',
    provider: null,
    cause: 'redirect-uri',
    meaning: "the redirect_uri is not among the client's registered redirect URIs",
  },
  // Google's and GitHub's code (GitHub sends it to the registered callback URL as an error redirect).
  {
    pattern: 'redirect_uri_mismatch',
    term: 'redirect_uri_mismatch',
    provider: null,
    cause: 'redirect-uri',
    meaning: "the redirect_uri does not match the client's registered redirect URIs",
  },
  {
    pattern: 'invalid_client',
    term: 'invalid_client',
    provider: null,
    cause: 'client-id',
    meaning: 'the server does not know this client_id',
  },
  {
    pattern: 'unsupported_response_type',
    term: 'unsupported_response_type',
    provider: null,
    cause: 'response-type',
    meaning: 'the server does not support this response_type, or this client may not use it',
  },
  {
    pattern: 'invalid_scope',
    term: 'invalid_scope',
    provider: null,
    cause: 'scope',
    meaning: 'a requested scope is unknown or not allowed for this client',
  },
  {
    pattern: 'unauthorized_client',
    term: 'unauthorized_client',
    provider: null,
    cause: 'client-not-allowed',
    meaning: 'this client is not allowed this grant or response type (Auth0 also says it for a callback URL mismatch)',
  },
  {
    pattern: 'consent_required',
    term: 'consent_required',
    provider: null,
    cause: 'consent-required',
    meaning: 'the user has not consented yet',
  },
  {
    pattern: 'login_required',
    term: 'login_required',
    provider: null,
    cause: 'login-required',
    meaning: 'there is no session to sign in silently',
  },
  {
    pattern: 'invalid_request',
    term: 'invalid_request',
    provider: null,
    cause: 'request',
    meaning: 'a parameter is missing, invalid or sent twice',
  },
  {
    pattern: 'server_error',
    term: 'server_error',
    provider: null,
    cause: 'server-error',
    meaning: 'a failure at the authorization server',
  },
];

/** How much of a body is read: error pages are small, and what is beyond is not worth the time. */
export const BODY_SCAN_CHARS = 64 * 1024;

/** At most this many matches are weighed: enough for any error page, bounded for a hostile one. */
const MATCHES_WEIGHED = 64;

const TERMS = new RegExp(
  `\\bAADSTS(\\d{5,8})\\b|\\b(E0000\\d{3})\\b|${VOCABULARY.map((entry, i) => `(?<v${i}>${word(entry.pattern)})`).join('|')}`,
  'gi',
);

/** A pattern as a whole word where it starts or ends with a word character (`invalid_request` is not `invalid_request_uri`). */
function word(pattern: string): string {
  return `${/^\w/.test(pattern) ? '\\b' : ''}${pattern}${/\w$/.test(pattern) ? '\\b' : ''}`;
}

/**
 * The most telling refusal term in a text (an error page, an error_description), or undefined. Reads at most
 * BODY_SCAN_CHARS characters. Vendor terms outrank OAuth's generic codes (the page's headline is often
 * `invalid_request` with the real reason beside it), and a decoded AADSTS code outranks an unknown one.
 */
export function readRefusal(text: string): ProviderTerm | undefined {
  const prefix = text.length > BODY_SCAN_CHARS ? text.slice(0, BODY_SCAN_CHARS) : text;
  let best: { rank: number; term: ProviderTerm } | undefined;
  TERMS.lastIndex = 0;
  let match: RegExpExecArray | null;
  for (let seen = 0; seen < MATCHES_WEIGHED && (match = TERMS.exec(prefix)); seen++) {
    const found = termOf(match);
    if (found && (!best || found.rank < best.rank)) best = found;
  }
  return best?.term;
}

function termOf(match: RegExpExecArray): { rank: number; term: ProviderTerm } | undefined {
  const [, aadsts, okta] = match;
  if (aadsts !== undefined) {
    const known = AADSTS.get(aadsts);
    const term = `AADSTS${aadsts}`;
    return known
      ? { rank: 0, term: { term, provider: 'entra', ...known } }
      : {
          rank: VOCABULARY.length + 1,
          term: {
            term,
            provider: 'entra',
            cause: 'unknown',
            meaning: 'an Entra ID error code: look it up at https://login.microsoftonline.com/error',
          },
        };
  }
  if (okta !== undefined) {
    return {
      rank: VOCABULARY.length + 1,
      term: {
        term: okta.toUpperCase(),
        provider: 'okta',
        cause: 'unknown',
        meaning: "an Okta error code: see Okta's error codes reference",
      },
    };
  }
  for (const [name, value] of Object.entries(match.groups ?? {})) {
    if (value === undefined) continue;
    const index = Number(name.slice(1));
    const { pattern: _, ...term } = VOCABULARY[index]!;
    return { rank: index + 1, term };
  }
  return undefined;
}

/** A term of the table by its exact spelling (a callback's `error` code, an AADSTS code), for the views. */
export function providerTerm(term: string): ProviderTerm | undefined {
  const aadsts = /^AADSTS(\d{5,8})$/.exec(term);
  if (aadsts) return readRefusal(term);
  const entry = VOCABULARY.find((e) => e.term === term);
  if (!entry) return undefined;
  const { pattern: _, ...found } = entry;
  return found;
}

/** Where a provider keeps a setting: its name in the provider's console, and how to get there. */
export interface ProviderSetting {
  setting: string;
  location: string;
}

const REDIRECT_URIS: Readonly<Record<ProviderId, ProviderSetting>> = {
  auth0: { setting: 'Allowed Callback URLs', location: 'Auth0 Dashboard → Applications → Applications → your application → Settings' },
  okta: {
    setting: 'Sign-in redirect URIs',
    location: 'Okta Admin Console → Applications → Applications → your app integration → General → Login',
  },
  entra: {
    setting: 'Redirect URIs',
    location:
      'Microsoft Entra admin center → App registrations → your app → Authentication → Platform configurations → Single-page application (Web, for an app that redeems its code on a server)',
  },
  keycloak: {
    setting: 'Valid redirect URIs',
    location: 'Keycloak admin console → your realm → Clients → your client → Settings → Access settings',
  },
  cognito: {
    setting: 'Allowed callback URLs',
    location: 'Amazon Cognito console → your user pool → App clients → your app client → Login pages',
  },
  google: {
    setting: 'Authorized redirect URIs',
    location: 'Google Cloud console → APIs & Services → Credentials → your OAuth 2.0 Client ID',
  },
  pingfederate: {
    setting: 'Redirect URIs',
    location: 'PingFederate administrative console → Applications → OAuth → Clients → your client',
  },
  github: {
    setting: 'Authorization callback URL',
    location: 'GitHub → Settings → Developer settings → OAuth Apps → your OAuth app',
  },
  'oidc-provider': {
    setting: 'redirect_uris',
    location: "the client's metadata, in the provider's clients configuration or its dynamic registration",
  },
};

const CLIENT_IDS: Readonly<Partial<Record<ProviderId, ProviderSetting>>> = {
  auth0: { setting: 'Client ID', location: 'Auth0 Dashboard → Applications → Applications → your application → Settings' },
  okta: {
    setting: 'Client ID',
    location: 'Okta Admin Console → Applications → Applications → your app integration → General → Client Credentials',
  },
  entra: {
    setting: 'Application (client) ID and Directory (tenant) ID',
    location: 'Microsoft Entra admin center → App registrations → your app → Overview',
  },
  keycloak: { setting: 'Client ID', location: 'Keycloak admin console → your realm → Clients' },
  cognito: { setting: 'Client ID', location: 'Amazon Cognito console → your user pool → App clients' },
  google: { setting: 'Client ID', location: 'Google Cloud console → APIs & Services → Credentials' },
  pingfederate: { setting: 'Client ID', location: 'PingFederate administrative console → Applications → OAuth → Clients' },
  github: { setting: 'Client ID', location: 'GitHub → Settings → Developer settings → OAuth Apps → your OAuth app' },
  'oidc-provider': { setting: 'client_id', location: "the provider's `clients` configuration" },
};

const ENTRA_OTHER: Readonly<Partial<Record<RefusalCause, ProviderSetting>>> = {
  // AADSTS9002326 and AADSTS7000218: the redirect URI sits under the Web platform instead of Single-page application.
  'spa-cross-origin': {
    setting: 'Single-page application redirect URIs',
    location: 'Microsoft Entra admin center → App registrations → your app → Authentication → Platform configurations',
  },
  'client-authentication': {
    setting: 'Single-page application redirect URIs',
    location: 'Microsoft Entra admin center → App registrations → your app → Authentication → Platform configurations',
  },
  'response-type': {
    setting: 'ID tokens (used for implicit and hybrid flows)',
    location: 'Microsoft Entra admin center → App registrations → your app → Authentication → Implicit grant and hybrid flows',
  },
};

/** Where the provider keeps the setting behind a cause; undefined when the cause is not a setting it has. */
export function providerSetting(provider: ProviderId, cause: RefusalCause): ProviderSetting | undefined {
  if (cause === 'redirect-uri') return REDIRECT_URIS[provider];
  if (cause === 'client-id') return CLIENT_IDS[provider];
  return provider === 'entra' ? ENTRA_OTHER[cause] : undefined;
}
