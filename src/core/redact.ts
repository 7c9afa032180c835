/**
 * Redaction of secrets in everything a report shows: authorization codes, PKCE verifiers, access / ID /
 * refresh tokens, client secrets and assertions, passwords, Basic credentials and cookies. Pure (no I/O), so
 * the CLI and the extension's exports share it.
 *
 * Three layers, applied to every output string:
 * 1. parameters with a secret name (`code=…`, `code_verifier=…`, `#access_token=…`) inside URLs, query
 *    strings, form bodies and free text, and JSON members with a secret name (`"access_token": "…"`) in
 *    bodies, including those too big for the analysis to parse (whose tokens the safety net never learns);
 * 2. evidence that a rule marked `secret: true` (and evidence labelled like a secret parameter or header);
 * 3. a safety net: any occurrence of a secret value collected from the analysed flows (8 characters or
 *    more), wherever it turns up.
 *
 * The redacted form names what was removed and how long it was, never a prefix:
 * `‹redacted code_verifier, 43 chars›` (src/core/redaction-marker.ts). A HAR export numbers them
 * (`‹redacted code, 43 chars, value 3›`, see `Redactor.numbered`) so that an audit of the export still pairs a code
 * with its exchange and tells a replay from two sign-ins.
 */
import { callbacksOf, tokenRequestsOf } from './flow-facts.ts';
import type { Diagnosis } from './diagnose/types.ts';
import type { Evidence, Exchange, Flow, Finding, Header, Param, TokenRequest } from './model.ts';
import { jsonStringEnd } from './json-string-end.ts';
import { parseForm } from './params.ts';
import { isRedacted, redactionMarker } from './redaction-marker.ts';
import { isSecretParameter, SECRET_PARAMETERS } from './secret-parameters.ts';

/** Evidence labels that are secrets even when a rule forgot `secret: true`. */
const SECRET_LABELS: ReadonlySet<string> = new Set([...SECRET_PARAMETERS, 'cookie', 'set-cookie', 'authorization', 'basic credentials']);

/** Values shorter than this are not searched for by the safety net (too likely to match ordinary text). */
export const MIN_SECRET_LENGTH = 8;

/** Writes the marker of one secret value. */
type Mark = (label: string, value: string) => string;

// A `name=value` pair at the start of the text or after `?`, `&`, `#`, whitespace or a quote; the value ends
// at `&`, `#`, whitespace, a quote or an angle bracket (raw secrets in URLs and form bodies never contain those).
const PARAMETER = /(^|[?&#\s"'(])([A-Za-z][\w.-]*)=([^&#\s"'<>]*)/g;

/**
 * Redact the values of secret parameters in a URL, a query string, a form body, or any text quoting one.
 * The length given is the decoded value's. Idempotent.
 */
export function redactParameters(text: string, mark: Mark = redactionMarker): string {
  if (!text.includes('=')) return text;
  return text.replace(PARAMETER, (whole, before: string, name: string, value: string) => {
    if (!value || !isSecretParameter(name) || isRedacted(decodeValue(value))) return whole;
    return `${before}${name}=${mark(name, decodeValue(value))}`;
  });
}

// The start of a JSON string member, `"name": "`; the value's end is found by `jsonStringEnd` (a regex over a
// multi-megabyte value would overflow its backtracking stack).
const JSON_MEMBER_START = /"([A-Za-z][\w.-]*)"(\s*:\s*)"/g;

/** Redact the string values of JSON members with a secret name (a token response's `access_token`…). Idempotent. */
export function redactJsonMembers(text: string, mark: Mark = redactionMarker): string {
  if (!text.includes('":')) return text;
  let out = '';
  let copiedTo = 0;
  for (const match of text.matchAll(JSON_MEMBER_START)) {
    const valueStart = match.index + match[0].length;
    if (valueStart < copiedTo || !isSecretParameter(match[1]!)) continue;
    const valueEnd = jsonStringEnd(text, valueStart);
    if (valueEnd === -1) break;
    const raw = text.slice(valueStart, valueEnd);
    if (!raw || isRedacted(raw)) continue;
    out += text.slice(copiedTo, valueStart) + mark(match[1]!, decodeJsonString(raw));
    copiedTo = valueEnd;
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

function decodeJsonString(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

function decodeValue(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

export interface SecretValue {
  value: string;
  /** What it is, for the marker: `code`, `access_token`, `cookie`… */
  label: string;
}

/** Replaces secrets in strings. `noRedaction` shows everything (`--show-secrets`). */
export interface Redactor {
  /** Redact a string (a URL, a message, a note, an evidence value). */
  text(value: string): string;
  /** Redact one piece of evidence: secret evidence becomes a marker, the rest goes through `text`. */
  evidence(evidence: Evidence): Evidence & { redacted?: boolean };
  /** Redact a value known to be a secret (a verifier, a token) with its label. */
  secret(label: string, value: string): string;
  /**
   * The same redaction with numbered markers, `‹redacted code, 43 chars, value 3›`: equal values get equal numbers
   * (in order of first sight, nothing of the value), so an audit of a redacted HAR export still pairs the
   * code in a callback with the token request that redeems it, and tells a replayed code from two codes of
   * the same length. One numbering per call: one export.
   */
  numbered(): Redactor;
  readonly active: boolean;
}

export const noRedaction: Redactor = {
  text: (value) => value,
  evidence: (evidence) => ({ ...evidence }),
  secret: (_label, value) => value,
  numbered: () => noRedaction,
  active: false,
};

/**
 * A redactor for one analysis: parameter redaction plus the safety net over `secrets`. Searching costs a
 * character-pair look-up per position whatever the number of secrets (a bitmap of the secrets' first two
 * characters), then a map look-up on the first characters, confirmed with `startsWith`; so it stays linear in
 * the text with tens of thousands of secrets. Repeated strings (a URL in steps and in findings) are redacted once.
 */
export function createRedactor(secrets: Iterable<SecretValue>, { numbered = false } = {}): Redactor {
  const numbers = new Map<string, number>();
  const mark: Mark = numbered
    ? (label, value) => {
        let number = numbers.get(value);
        if (number === undefined) numbers.set(value, (number = numbers.size + 1));
        return redactionMarker(label, value, number);
      }
    : redactionMarker;
  const kept: SecretValue[] = [];
  const firstPairs = new Uint8Array(1 << 16);
  const byPrefix = new Map<string, SecretValue[]>();
  const seen = new Set<string>();
  for (const secret of secrets) {
    if (secret.value.length < MIN_SECRET_LENGTH || isRedacted(secret.value) || seen.has(secret.value)) continue;
    seen.add(secret.value);
    kept.push(secret);
    firstPairs[pairKey(secret.value, 0)] = 1;
    const prefix = secret.value.slice(0, PREFIX_LENGTH);
    const list = byPrefix.get(prefix);
    if (list) list.push(secret);
    else byPrefix.set(prefix, [secret]);
  }
  // Longest first, so a token that contains another secret is replaced whole.
  for (const list of byPrefix.values()) list.sort((a, b) => b.value.length - a.value.length);

  const scrub = (value: string): string => {
    if (byPrefix.size === 0 || value.length < MIN_SECRET_LENGTH) return value;
    let out = '';
    let copiedTo = 0;
    const last = value.length - MIN_SECRET_LENGTH;
    for (let i = 0; i <= last; i++) {
      if (firstPairs[pairKey(value, i)] === 0) continue;
      const hit = byPrefix.get(value.slice(i, i + PREFIX_LENGTH))?.find((s) => value.startsWith(s.value, i));
      if (hit === undefined) continue;
      out += value.slice(copiedTo, i) + mark(hit.label, hit.value);
      i += hit.value.length - 1;
      copiedTo = i + 1;
    }
    return copiedTo === 0 ? value : out + value.slice(copiedTo);
  };

  const cache = new Map<string, string>();
  const text = (value: string): string => {
    const cached = cache.get(value);
    if (cached !== undefined) return cached;
    const redacted = scrub(redactJsonMembers(redactParameters(value, mark), mark));
    if (cache.size < 100_000) cache.set(value, redacted);
    return redacted;
  };
  return {
    active: true,
    text,
    // Idempotent, as the text layers are: a marker read back from a redacted export is not masked by its own length.
    secret: (label, value) => (isRedacted(value) ? value : mark(label, value)),
    numbered: () => createRedactor(kept, { numbered: true }),
    evidence(evidence) {
      if (evidence.secret || SECRET_LABELS.has(evidence.label.toLowerCase())) {
        return {
          ...evidence,
          value: isRedacted(evidence.value) ? evidence.value : mark(evidence.label, evidence.value),
          redacted: true,
        };
      }
      return { ...evidence, value: text(evidence.value) };
    },
  };
}

/** Secrets are found by their first characters (they are at least MIN_SECRET_LENGTH long). */
const PREFIX_LENGTH = 6;

/** A 16-bit key from two characters (collisions are fine: candidates are confirmed with startsWith). */
function pairKey(value: string, at: number): number {
  return ((value.charCodeAt(at) & 0xff) << 8) | (value.charCodeAt(at + 1) & 0xff);
}

/**
 * Every secret value the analysed flows carry: codes, verifiers, tokens, client secrets and assertions,
 * passwords and Basic credentials from the flows' own requests, cookies and Authorization headers of the
 * flows' exchanges (`exchangeById` resolves the sign-in pages, which a flow only references by id), and
 * evidence marked secret (of findings and diagnoses). Values the flows show publicly (state, nonce,
 * client_id, redirect_uri, challenge, a cookie value that is also a URL path segment) are left out, so the
 * safety net does not hide them.
 */
export function collectSecrets(
  flows: readonly Flow[],
  findings: readonly (Finding | Diagnosis)[] = [],
  exchangeById?: (id: string) => Exchange | undefined,
): SecretValue[] {
  const found = new Map<string, string>();
  const add = (label: string, value: string | undefined) => {
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH && !found.has(value)) found.set(value, label);
  };
  const addParams = (params: readonly Param[] | undefined) => {
    for (const p of params ?? []) if (isSecretParameter(p.name)) add(p.name.toLowerCase(), p.value);
  };
  const publicValues = new Set<string>();
  // Path segments and parameter values of the flows' URLs: a cookie value among them is not hidden anywhere.
  const urlParts = new Set<string>();

  const addExchange = (exchange: Exchange | undefined) => {
    if (!exchange) return;
    for (const part of exchange.url.split(/[/?&=#;,]/)) if (part.length >= MIN_SECRET_LENGTH) urlParts.add(part);
    const query = exchange.url.indexOf('?');
    if (query !== -1) addParams(parseForm(exchange.url.slice(query + 1)).params);
    if (exchange.requestBody.kind === 'form') addParams(exchange.requestBody.params);
    if (exchange.location) {
      const split = exchange.location.search(/[?#]/);
      if (split !== -1) addParams(parseForm(exchange.location.slice(split + 1).replace('#', '&')).params);
    }
    addHeaderSecrets(exchange.requestHeaders, exchange.responseHeaders, add);
  };
  const addTokenRequest = (request: TokenRequest) => {
    addExchange(request.exchange);
    addParams(request.params);
    add('code', request.code);
    add('code_verifier', request.codeVerifier);
    add('refresh_token', request.refreshToken);
    add('client_secret', request.clientAuth.basic?.secret);
    add('access_token', request.response?.accessToken);
    add('id_token', request.response?.idToken);
    add('refresh_token', request.response?.refreshToken);
  };

  for (const flow of flows) {
    const auth = flow.authorization;
    for (const value of [
      auth?.state,
      auth?.nonce,
      auth?.clientId,
      auth?.redirectUri,
      auth?.codeChallenge,
      auth?.scope,
      flow.issuer,
      flow.callback?.state,
      flow.callback?.iss,
    ]) {
      if (value !== undefined) publicValues.add(value);
    }
    addExchange(auth?.exchange);
    addParams(auth?.params);
    addExchange(auth?.par?.exchange);
    addParams(auth?.par?.params);
    for (const callback of callbacksOf(flow)) {
      addExchange(callback.exchange);
      addExchange(callback.arrival);
      addParams(callback.params);
      add('code', callback.code);
      add('access_token', callback.accessToken);
      add('id_token', callback.idToken);
    }
    for (const request of tokenRequestsOf(flow)) addTokenRequest(request);
    add('code_verifier', flow.pkce.verifier);
    if (exchangeById) for (const step of flow.steps) addExchange(exchangeById(step.exchangeId));
  }
  for (const finding of findings) {
    for (const e of finding.evidence) if (e.secret) add(e.label, e.value);
  }

  const secrets: SecretValue[] = [];
  for (const [value, label] of found) {
    if (publicValues.has(value)) continue;
    // A cookie value the server also puts in its URLs (an interaction id in the path) is not hidden anywhere.
    if (label === 'cookie' && urlParts.has(value)) continue;
    secrets.push({ value, label });
  }
  return secrets;
}

function addHeaderSecrets(
  request: readonly Header[],
  response: readonly Header[],
  add: (label: string, value: string | undefined) => void,
): void {
  for (const h of request) {
    if (h.name === 'cookie') {
      for (const pair of h.value.split(';')) add('cookie', cookieValue(pair));
    } else if (h.name === 'authorization' || h.name === 'proxy-authorization') {
      const credentials = /^\s*\S+\s+(\S+)\s*$/.exec(h.value)?.[1];
      add('authorization', credentials ?? h.value);
    }
  }
  for (const h of response)
    if (h.name === 'set-cookie') for (const line of h.value.split('\n')) add('cookie', cookieValue(line.split(';')[0] ?? ''));
}

function cookieValue(pair: string): string | undefined {
  const eq = pair.indexOf('=');
  if (eq === -1) return undefined;
  const value = pair.slice(eq + 1).trim();
  return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value;
}
