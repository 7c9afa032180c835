/**
 * Two flows side by side: what changed from A (the older) to B. Pure: the compare view only renders this.
 *
 * Values are compared as the wire carried them. Three kinds of parameter are never diffed character by
 * character, because a diff would mislead or leak:
 * - secrets (codes, verifiers, tokens: src/core/secret-parameters.ts): only whether each flow sent one, and its
 *   length, so the compare view shows nothing the masked detail view would not;
 * - values that are fresh in every sign-in (state, nonce, code_challenge, a PAR request_uri): they always differ,
 *   so only their presence and length are compared (a 44-character S256 challenge is the padded-challenge bug);
 * - values over MAX_DIFFED_CHARS: "values differ (N vs M chars)", never a diff of a hostile megabyte.
 */
import { clientOf, firstTokenRequestOf, serverOf } from '../core/flow-facts.ts';
import type { Finding, Flow, Param, PkceResult, Severity } from '../core/model.ts';
import { isRedacted } from '../core/redaction-marker.ts';
import { isSecretParameter } from '../core/secret-parameters.ts';
import { pkceMethodText, pkceStatusText } from '../report/pkce.ts';
import { ALIGNED_PARAMETERS } from './detail.ts';
import { diffChars, type DiffSegment } from './diff.ts';
import type { FlowRowData } from './sources.ts';

/** Past this length (either side), two values are said to differ with their lengths, not diffed. */
export const MAX_DIFFED_CHARS = 4096;

/** Parameters whose value a client makes afresh for each sign-in (RFC 6749 §10.12, RFC 7636 §4.1, OIDC Core §3.1.2.1, RFC 9126 §2.2). */
const FRESH_PARAMETERS: ReadonlySet<string> = new Set(['state', 'nonce', 'code_challenge', 'request_uri', 'session_state']);

/**
 * - `same`: equal values (or, for a secret or fresh value, present in both with the same length);
 * - `changed`: both present, different; `only-a` / `only-b`: present on one side only;
 * - `unobservable`: both present, but one side's value was redacted before the analysis (a kept flow, a redacted
 *   HAR), so whether they differ is not known: not counted as a difference.
 */
export type FieldStatus = 'same' | 'changed' | 'only-a' | 'only-b' | 'unobservable';

export interface FieldComparison {
  /** The parameter's name, or what the field is (`token endpoint`). */
  name: string;
  status: FieldStatus;
  a?: string;
  b?: string;
  /** A secret: shown masked, compared by presence and length only. */
  secret: boolean;
  /** A fresh per-sign-in value: compared by presence and length only. */
  fresh: boolean;
  /** A → B character by character, for a changed value that is neither secret, fresh nor too long. */
  diff?: DiffSegment[];
  /** A changed value compared by length only (secret, fresh or too long): `43 vs 44 chars`. */
  lengths?: { a: number; b: number };
}

export interface ParameterGroup {
  step: 'authorization request' | 'callback' | 'token request';
  fields: FieldComparison[];
}

export interface SetComparison {
  onlyA: string[];
  onlyB: string[];
  both: string[];
}

export interface FindingComparison {
  ruleId: string;
  severity: Severity;
  title: string;
  where: 'only-a' | 'only-b' | 'both';
}

export interface FlowComparison {
  endpoints: FieldComparison[];
  client: FieldComparison[];
  parameters: ParameterGroup[];
  scopes: SetComparison;
  pkce: FieldComparison[];
  findings: FindingComparison[];
  /** Fields that differ (every section), findings only on one side, scopes on one side: 0 for two equal flows. */
  differenceCount: number;
}

/** What the comparison needs of one flow (an opened FlowItem has it). */
export interface ComparedFlow {
  flow: Flow;
  findings: readonly Finding[];
}

export function compareFlows(a: ComparedFlow, b: ComparedFlow): FlowComparison {
  const endpoints = [
    compareField('authorization server', serverOf(a.flow), serverOf(b.flow)),
    compareField('authorization endpoint', a.flow.authorization?.endpoint, b.flow.authorization?.endpoint),
    compareField('PAR endpoint', a.flow.authorization?.par?.endpoint, b.flow.authorization?.par?.endpoint),
    compareField('callback', a.flow.callback?.target, b.flow.callback?.target),
    compareField('token endpoint', firstTokenRequestOf(a.flow)?.endpoint, firstTokenRequestOf(b.flow)?.endpoint),
  ].filter(isObserved);
  const client = [
    compareField('client_id', clientOf(a.flow), clientOf(b.flow)),
    compareField('client authentication', clientAuthenticationOf(a.flow), clientAuthenticationOf(b.flow)),
  ].filter(isObserved);
  const parameters: ParameterGroup[] = [
    { step: 'authorization request' as const, fields: compareParams(authorizationParams(a.flow), authorizationParams(b.flow)) },
    { step: 'callback' as const, fields: compareParams(a.flow.callback?.params ?? [], b.flow.callback?.params ?? []) },
    {
      step: 'token request' as const,
      fields: compareParams(a.flow.codeExchanges[0]?.params ?? [], b.flow.codeExchanges[0]?.params ?? []),
    },
  ].filter((group) => group.fields.length > 0);
  const scopes = compareSets(scopesOf(a.flow), scopesOf(b.flow));
  const pkce = comparePkce(a.flow, b.flow);
  const findings = compareFindings(a.findings, b.findings);
  const differing = (fields: readonly FieldComparison[]) => fields.filter((f) => f.status !== 'same' && f.status !== 'unobservable').length;
  const differenceCount =
    differing(endpoints) +
    differing(client) +
    parameters.reduce((n, group) => n + differing(group.fields), 0) +
    scopes.onlyA.length +
    scopes.onlyB.length +
    differing(pkce) +
    findings.filter((f) => f.where !== 'both').length;
  return { endpoints, client, parameters, scopes, pkce, findings, differenceCount };
}

/** One field: equal, changed (with its diff or its lengths), or present on one side only. */
export function compareField(
  name: string,
  a: string | undefined,
  b: string | undefined,
  { secret = false, fresh = false, unobservable = false }: { secret?: boolean; fresh?: boolean; unobservable?: boolean } = {},
): FieldComparison {
  const base = { name, secret, fresh, ...(a !== undefined ? { a } : {}), ...(b !== undefined ? { b } : {}) };
  if (a === undefined && b === undefined) return { ...base, status: 'same' };
  if (b === undefined) return { ...base, status: 'only-a' };
  if (a === undefined) return { ...base, status: 'only-b' };
  if (secret || fresh) {
    // A redaction marker states the length of what it replaced (redaction-marker.ts): that much is still comparable.
    const lengthA = isRedacted(a) ? markedLength(a) : a.length;
    const lengthB = isRedacted(b) ? markedLength(b) : b.length;
    if (lengthA === undefined || lengthB === undefined) return { ...base, status: 'unobservable' };
    return lengthA === lengthB ? { ...base, status: 'same' } : { ...base, status: 'changed', lengths: { a: lengthA, b: lengthB } };
  }
  if (a === b) return { ...base, status: 'same' };
  if (unobservable) return { ...base, status: 'unobservable' };
  if (a.length > MAX_DIFFED_CHARS || b.length > MAX_DIFFED_CHARS)
    return { ...base, status: 'changed', lengths: { a: a.length, b: b.length } };
  return { ...base, status: 'changed', diff: diffChars(a, b) };
}

/** The length a marker says its value had, `‹redacted code, 43 chars, value 2›` → 43. */
function markedLength(marker: string): number | undefined {
  const length = /^‹redacted [^,]*, (\d+) chars?[,›]/.exec(marker)?.[1];
  return length === undefined ? undefined : Number(length);
}

/** Neither flow has it: not worth a row. */
function isObserved(field: FieldComparison): boolean {
  return field.a !== undefined || field.b !== undefined;
}

/** The effective authorization parameters (PAR merged in), as the parameters view reads them (detail.ts). */
function authorizationParams(flow: Flow): Param[] {
  const auth = flow.authorization;
  if (!auth) return [];
  return auth.par ? [...auth.par.params, ...auth.params] : auth.params;
}

/**
 * Parameters by name, in the parameters view's order: those that must agree across steps first, the rest by
 * name. A repeated name is compared by its first value (duplicate-parameter reports the repetition). Linear
 * in the parameters, plus the sort of their names.
 */
function compareParams(a: readonly Param[], b: readonly Param[]): FieldComparison[] {
  const first = (params: readonly Param[]) => {
    const byName = new Map<string, string>();
    for (const p of params) if (!byName.has(p.name)) byName.set(p.name, p.value);
    return byName;
  };
  const inA = first(a);
  const inB = first(b);
  const names = new Set([...inA.keys(), ...inB.keys()]);
  const aligned = ALIGNED_PARAMETERS.filter((n) => names.has(n));
  const alignedSet = new Set(aligned);
  const ordered = [...aligned, ...[...names].filter((n) => !alignedSet.has(n)).sort()];
  return ordered.map((name) =>
    compareField(name, inA.get(name), inB.get(name), { secret: isSecretParameter(name), fresh: FRESH_PARAMETERS.has(name) }),
  );
}

/** RFC 6749 §3.3: scope is a space-delimited list; the order carries no meaning. */
function scopesOf(flow: Flow): string[] {
  const scope = authorizationParams(flow).find((p) => p.name === 'scope')?.value ?? '';
  return scope.split(' ').filter(Boolean);
}

/** Set difference, each list sorted. */
export function compareSets(a: Iterable<string>, b: Iterable<string>): SetComparison {
  const setA = new Set(a);
  const setB = new Set(b);
  return {
    onlyA: [...setA].filter((x) => !setB.has(x)).sort(),
    onlyB: [...setB].filter((x) => !setA.has(x)).sort(),
    both: [...setA].filter((x) => setB.has(x)).sort(),
  };
}

/** How the client authenticated at the token endpoint (RFC 6749 §2.3), in a word or two. */
function clientAuthenticationOf(flow: Flow): string | undefined {
  const request = firstTokenRequestOf(flow);
  if (!request) return undefined;
  const { clientAuth } = request;
  if (clientAuth.basic) return 'HTTP Basic (client_secret_basic)';
  if (clientAuth.secretInBody) return 'client_secret in the body (client_secret_post)';
  if (request.params.some((p) => p.name === 'client_assertion')) return 'client assertion (private_key_jwt or client_secret_jwt)';
  return 'none (public client)';
}

/** The method and whether the verifier answered the challenge (RFC 7636 §4.6), in the PKCE card's words. */
function comparePkce(a: Flow, b: Flow): FieldComparison[] {
  const facts = (flow: Flow) => ({ ...flow.pkce, methodSent: flow.authorization?.codeChallengeMethod });
  const challenge = (pkce: PkceResult) => pkce.challenge;
  return [
    compareField('method', pkceMethodText(facts(a)), pkceMethodText(facts(b))),
    compareField('code_challenge', challenge(a.pkce), challenge(b.pkce), { fresh: true }),
    compareField('verifier check', pkceStatusText(facts(a)), pkceStatusText(facts(b)), {
      unobservable: verifierRedacted(a) || verifierRedacted(b),
    }),
  ];
}

/** The verifier check could not run: the verifier was a redaction marker (src/core/build-flows.ts). */
function verifierRedacted(flow: Flow): boolean {
  return flow.pkce.status === 'not-observable' && flow.pkce.verifier !== undefined && isRedacted(flow.pkce.verifier);
}

/** By rule id: raised for A only, for B only, or for both (each flow's findings are sorted by severity already). */
function compareFindings(a: readonly Finding[], b: readonly Finding[]): FindingComparison[] {
  const idsA = new Set(a.map((f) => f.ruleId));
  const idsB = new Set(b.map((f) => f.ruleId));
  const out: FindingComparison[] = [];
  const seen = new Set<string>();
  for (const finding of [...b, ...a]) {
    if (seen.has(finding.ruleId)) continue;
    seen.add(finding.ruleId);
    const where = idsA.has(finding.ruleId) ? (idsB.has(finding.ruleId) ? 'both' : 'only-a') : 'only-b';
    out.push({ ruleId: finding.ruleId, severity: finding.severity, title: finding.title, where });
  }
  const order = { 'only-b': 0, 'only-a': 1, both: 2 } as const;
  const severity = { error: 0, warning: 1, info: 2 } as const;
  return out.sort((x, y) => order[x.where] - order[y.where] || severity[x.severity] - severity[y.severity]);
}

/** A row's standing: failing (an error or a warning, or stuck), or passing. */
export function isPassing(row: Pick<FlowRowData, 'verdict' | 'stuck'>): boolean {
  return (row.verdict.verdict === 'pass' || row.verdict.verdict === 'info') && !row.stuck;
}

/**
 * The flow of the same client (client_id) at the same authorization server that passed most recently before
 * `failing` started, among `rows` (live, imported and kept flows alike). Linear.
 */
export function lastPassingBefore<R extends Pick<FlowRowData, 'key' | 'clientId' | 'server' | 'started' | 'verdict' | 'stuck'>>(
  failing: Pick<FlowRowData, 'key' | 'clientId' | 'server' | 'started'>,
  rows: readonly R[],
): R | undefined {
  if (failing.clientId === undefined) return undefined;
  let best: R | undefined;
  for (const row of rows) {
    if (row.key === failing.key || row.clientId !== failing.clientId || row.server !== failing.server) continue;
    if (row.started >= failing.started || !isPassing(row)) continue;
    if (!best || row.started > best.started) best = row;
  }
  return best;
}

/**
 * The flows offered by "Compare with…": the same client's first, then the others, each newest first, at most
 * `limit` (a 10,000-flow import must not become a 10,000-option menu). O(n log n).
 */
export function compareCandidates<R extends Pick<FlowRowData, 'key' | 'clientId' | 'server' | 'started'>>(
  current: Pick<FlowRowData, 'key' | 'clientId' | 'server' | 'started'>,
  rows: readonly R[],
  limit = 100,
): { candidates: R[]; omitted: number } {
  const sameClient = (row: R) => row.clientId === current.clientId && row.server === current.server;
  const others = rows.filter((row) => row.key !== current.key);
  others.sort((x, y) => Number(sameClient(y)) - Number(sameClient(x)) || y.started - x.started);
  return { candidates: others.slice(0, limit), omitted: Math.max(0, others.length - limit) };
}

/** `values differ (43 vs 44 chars)`, `only in A`, …: a changed field that shows no diff, in words. */
export function fieldStatusText(field: FieldComparison): string {
  switch (field.status) {
    case 'same':
      return field.secret || field.fresh ? 'present in both, same length' : 'same';
    case 'only-a':
      return 'only in A';
    case 'only-b':
      return 'only in B';
    case 'changed':
      return field.lengths ? `values differ (${field.lengths.a} vs ${field.lengths.b} chars)` : 'changed';
    case 'unobservable':
      return 'not comparable: redacted in one flow (a kept flow or a redacted HAR)';
  }
}
