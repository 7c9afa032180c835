/**
 * What the detail view shows of one flow, derived from the core's `Flow`: the timeline with sign-in pages
 * collapsed, the parameters of the authorization request, callback and token request side by side, and the
 * tokens the flow received. Pure: the views only render these.
 */
import type { Exchange, Flow, Param, Step } from '../core/model.ts';
import type { TextExcerpt } from '../core/body.ts';
import { decodeJwtParts, type DecodedJwt } from '../core/jwt.ts';
import { compareRedirectUris, type RedirectUriDifference } from '../core/redirect-uri.ts';
import { isSecretParameter } from '../core/secret-parameters.ts';
import { bodySourceSuffix } from '../report/body-source.ts';
import { diffChars, type DiffSegment } from './diff.ts';

export type TimelineEntry =
  | { kind: 'step'; step: Step; exchange: Exchange | undefined; durationMs: number | undefined }
  | { kind: 'sign-in'; steps: Step[]; startMs: number; durationMs: number | undefined };

/** The steps in order, each run of consecutive sign-in pages collapsed into one counted entry. */
export function timeline(flow: Flow, exchangeById: ReadonlyMap<string, Exchange>): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const durationOf = (s: Step) => {
    const end = exchangeById.get(s.exchangeId)?.endTime;
    return end === undefined ? undefined : Math.max(0, end - s.time);
  };
  for (const step of flow.steps) {
    const last = entries[entries.length - 1];
    if (step.kind === 'sign-in') {
      const end = exchangeById.get(step.exchangeId)?.endTime;
      if (last?.kind === 'sign-in') {
        last.steps.push(step);
        last.durationMs = end === undefined ? last.durationMs : Math.max(0, end - last.startMs);
      } else {
        entries.push({ kind: 'sign-in', steps: [step], startMs: step.time, durationMs: durationOf(step) });
      }
      continue;
    }
    entries.push({ kind: 'step', step, exchange: exchangeById.get(step.exchangeId), durationMs: durationOf(step) });
  }
  return entries;
}

export type ParamColumn = 'authorize' | 'callback' | 'token';
export const PARAM_COLUMNS: readonly ParamColumn[] = ['authorize', 'callback', 'token'];

export interface ParamCell {
  value: string;
  /** Against the row's reference value (its first present cell), when they differ. */
  diff?: DiffSegment[];
}

export interface ParamRow {
  name: string;
  secret: boolean;
  cells: Partial<Record<ParamColumn, ParamCell>>;
  /** Some present cells disagree. */
  differs: boolean;
  /** For redirect_uri: how they differ, in the terms people fix it by. */
  redirectDifference?: RedirectUriDifference;
}

/** The parameters that must agree across the steps come first, in this order; the rest follow by name. */
export const ALIGNED_PARAMETERS: readonly string[] = [
  'redirect_uri',
  'client_id',
  'state',
  'code',
  'iss',
  'code_challenge',
  'code_verifier',
  'code_challenge_method',
  'response_type',
  'response_mode',
  'scope',
  'nonce',
  'grant_type',
];

export function parameterRows(flow: Flow): ParamRow[] {
  const auth = flow.authorization;
  // The effective authorization parameters (PAR merged in) when readable, else what the front channel sent.
  const authParams: Param[] = auth ? (auth.par ? [...auth.par.params, ...auth.params] : auth.params) : [];
  const columns: Record<ParamColumn, Param[]> = {
    authorize: authParams,
    callback: flow.callback?.params ?? [],
    token: flow.codeExchanges[0]?.params ?? [],
  };
  const names = new Set<string>();
  for (const column of PARAM_COLUMNS) for (const p of columns[column]) names.add(p.name);
  const ordered = [...ALIGNED_PARAMETERS.filter((n) => names.has(n)), ...[...names].filter((n) => !ALIGNED_PARAMETERS.includes(n)).sort()];
  return ordered.map((name) => {
    const cells: ParamRow['cells'] = {};
    let reference: string | undefined;
    let differs = false;
    for (const column of PARAM_COLUMNS) {
      const value = columns[column].find((p) => p.name === name)?.value;
      if (value === undefined) continue;
      if (reference === undefined) {
        reference = value;
        cells[column] = { value };
      } else if (value === reference) {
        cells[column] = { value };
      } else {
        differs = true;
        cells[column] = { value, diff: diffChars(reference, value) };
      }
    }
    const row: ParamRow = { name, secret: isSecretParameter(name), cells, differs };
    if (name === 'redirect_uri' && differs && reference !== undefined) {
      const other = PARAM_COLUMNS.map((c) => cells[c]).find((c) => c?.diff)?.value;
      const difference =
        other === undefined ? undefined : compareRedirectUris(reference, other, { expected: 'authorize', actual: 'token' });
      if (difference) row.redirectDifference = difference;
    }
    return row;
  });
}

export interface TokenView {
  /** Stable within the flow: the reveal key. */
  id: string;
  name: 'id_token' | 'access_token' | 'refresh_token';
  /** Where it was seen. */
  from: string;
  value: string;
  /** The JWT decoded (without verification) or why it does not decode; undefined for an opaque token. */
  decoded: DecodedJwt | undefined;
  /** An opaque token with periods in it: why it is not a JWT all the same. */
  notJwt?: string;
}

/**
 * Tokens the flow received. An ID token is a JWT by definition (OIDC Core §2), so one that does not decode is
 * a broken JWT and says why. Access tokens are opaque to the client (RFC 6749 §1.4) unless they are JWTs
 * (RFC 9068): one is read as a JWT when its first part is a JOSE header (RFC 7519 §7.2 steps 1–4) or it has
 * a JWE's five parts (RFC 7516 §9), and is opaque otherwise, with the reason when its periods made it look
 * like one. Refresh tokens are opaque.
 */
export function tokensOf(flow: Flow): TokenView[] {
  const out: TokenView[] = [];
  const add = (name: TokenView['name'], from: string, value: string | undefined) => {
    if (!value || out.some((t) => t.value === value)) return;
    const id = `${name}-${out.length}`;
    if (name === 'refresh_token') {
      out.push({ id, name, from, value, decoded: undefined });
      return;
    }
    const decoded = decodeJwtParts(value);
    if (name === 'id_token' || decoded.ok || decoded.header || decoded.encrypted) out.push({ id, name, from, value, decoded });
    else out.push({ id, name, from, value, decoded: undefined, ...(value.includes('.') ? { notJwt: decoded.problem } : {}) });
  };
  add('id_token', 'callback', flow.callback?.idToken);
  add('access_token', 'callback', flow.callback?.accessToken);
  flow.codeExchanges.forEach((t, i) => {
    const from = `token response${flow.codeExchanges.length > 1 ? ` ${i + 1}` : ''}${bodySourceSuffix(t.exchange)}`;
    add('id_token', from, t.response?.idToken);
    add('access_token', from, t.response?.accessToken);
    add('refresh_token', from, t.response?.refreshToken);
  });
  flow.refreshes.forEach((t, i) => {
    const from = `refresh ${i + 1}${bodySourceSuffix(t.exchange)}`;
    add('id_token', from, t.response?.idToken);
    add('access_token', from, t.response?.accessToken);
    add('refresh_token', from, t.response?.refreshToken);
  });
  return out;
}

/** What a body excerpt leaves out, in words; undefined when it is whole. */
export function omissionNote(excerpt: TextExcerpt): string | undefined {
  if (excerpt.omittedChars === 0) return undefined;
  const count = (n: number) => n.toLocaleString('en');
  return `Showing the first ${count(excerpt.text.length)} of ${count(excerpt.totalChars)} characters: ${count(excerpt.omittedChars)} more are not shown. Export the HAR to see the whole body.`;
}

/**
 * A time claim (a NumericDate, RFC 7519 §2) for people: `2026-11-22T10:00:00.000Z, in 5 min`. Claims are
 * captured data: one beyond the range of a Date (±8.64e15 ms) is said to be, not converted.
 */
export function claimTime(epochSeconds: number, nowMs: number): string {
  if (!Number.isFinite(epochSeconds) || Math.abs(epochSeconds * 1000) > 8.64e15) return 'not a representable date';
  return `${new Date(epochSeconds * 1000).toISOString()}, ${relativeTime(epochSeconds, nowMs)}`;
}

/** `in 5 min`, `2 h ago`: a claim's time (seconds since the epoch) against now. */
export function relativeTime(epochSeconds: number, nowMs: number): string {
  const delta = Math.round(epochSeconds - nowMs / 1000);
  const abs = Math.abs(delta);
  const [n, unit] =
    abs < 60
      ? [abs, 's']
      : abs < 3600
        ? [Math.round(abs / 60), 'min']
        : abs < 86_400
          ? [Math.round(abs / 3600), 'h']
          : [Math.round(abs / 86_400), 'd'];
  if (abs === 0) return 'now';
  return delta > 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
}
