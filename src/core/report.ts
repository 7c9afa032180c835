/**
 * The report model: an `Analysis` turned into the stable, documented shape every output format renders
 * (the CLI's `json` format is this model as is; `text`, `markdown` and `sarif` are views of it). Pure.
 *
 * Redaction happens here, once: every string that reaches the model has gone through the redactor, so no
 * format can leak a secret by forgetting to redact it. The schema is documented in README.md; additive
 * changes bump the minor version of `schemaVersion`, anything else its major.
 */
import { citationLinks } from './citations.ts';
import type { Diagnosis, DiagnosisHint, DiagnosisKind, Likelihood } from './diagnose/types.ts';
import { clientOf, firstTokenRequestOf } from './flow-facts.ts';
import type {
  Analysis,
  Evidence,
  Exchange,
  Finding,
  Flow,
  IdTokenSignatureCheck,
  IdTokenSignatureProblem,
  PairedBy,
  PkceNearMissKind,
  PkceResult,
  RemovableHeader,
  Severity,
  StepKind,
  Verdict,
} from './model.ts';
import { collectSecrets, createRedactor, noRedaction, type Redactor } from './redact.ts';
import { headersRemovedFrom } from './removed-headers.ts';
import { redactedInput, type RedactedInput } from './redacted-input.ts';
import { ruleDocsUrl } from './rule-docs.ts';
import { verdictOf } from './verdict.ts';

export const REPORT_FORMAT = 'oauth-lens-audit';
export const REPORT_SCHEMA_VERSION = '1.3';

export interface AuditReport {
  format: typeof REPORT_FORMAT;
  schemaVersion: string;
  tool: { name: string; version: string };
  /** False only with `--show-secrets`. */
  redacted: boolean;
  /** One per input file, in command-line order; flows never span two inputs. */
  inputs: InputReport[];
  summary: OverallSummary;
}

export interface InputReport {
  /** The file name as given on the command line. */
  file: string;
  flows: FlowReport[];
  /** Findings tied to no flow. */
  findings: FindingReport[];
  /** HAR entries that could not be used, and why (`entry 12: request has no URL`). */
  skippedEntries: string[];
  /**
   * Headers the HAR's exporter removed (schema 1.2): Chrome's sanitized export drops `authorization`, `cookie`
   * and `set-cookie`. Nothing is concluded from their absence; empty when nothing was removed.
   */
  headersRemoved: RemovableHeader[];
  /**
   * Secrets in the HAR were redaction markers (schema 1.2), as in OAuth Lens's own redacted export: `numbered`
   * when equal values share a marker's number (codes and tokens still compare), `unnumbered` when they do not,
   * null when the HAR carried its secrets. Nothing is concluded from a marker.
   */
  redactedExport: RedactedInput;
  /** Internal problems (a rule that failed); the rest of the analysis still ran. */
  problems: string[];
  summary: Summary;
}

export interface SeverityCounts {
  total: number;
  error: number;
  warning: number;
  info: number;
}

export interface Summary {
  /** The worst finding's severity, or `pass`. */
  verdict: Verdict;
  flows: number;
  exchanges: number;
  skippedEntries: number;
  findings: SeverityCounts;
}

export interface OverallSummary extends Summary {
  inputs: number;
}

export interface FlowReport {
  id: string;
  file: string;
  verdict: Verdict;
  clientId: string | null;
  issuer: string | null;
  issuerSource: Flow['issuerSource'] | null;
  authorizationEndpoint: string | null;
  parEndpoint: string | null;
  tokenEndpoint: string | null;
  redirectUri: string | null;
  /** As sent, or the `code` its provider implies when `responseTypeImpliedBy` names one. */
  responseType: string | null;
  /**
   * The provider whose documented authorization request has no response_type and implies `code` (GitHub, Slack,
   * Facebook: src/core/known-authorization-endpoints.ts; schema 1.2); null when response_type was sent.
   */
  responseTypeImpliedBy: string | null;
  /** As sent; null means the response type's default (query for `code`). */
  responseMode: string | null;
  scope: string | null;
  state: string | null;
  nonce: string | null;
  /** How the authorization response came back, when observed. */
  callbackMode: 'query' | 'fragment' | 'form_post' | null;
  pkce: PkceReport;
  /** The ID tokens' signatures (schema 1.3), one per readable ID token; empty when the flow has none. */
  idTokenSignatures: IdTokenSignatureReport[];
  steps: StepReport[];
  /** Evidence gaps, in words. */
  notes: string[];
  findings: FindingReport[];
  /** Why the flow may be stuck (schema 1.1): where to look, never findings, no effect on the verdict. */
  diagnostics: DiagnosisReport[];
}

export interface PkceReport {
  /** `absent` means no code_challenge_method was sent (the AS applies plain). */
  method: PkceResult['method'];
  /** code_challenge_method exactly as sent. */
  methodSent: string | null;
  status: PkceResult['status'];
  challenge: string | null;
  /** BASE64URL(SHA-256(verifier)) recomputed from the verifier seen at the token endpoint. */
  computedS256: string | null;
  /** The verifier (a secret: redacted unless --show-secrets). */
  verifier: string | null;
  nearMiss: { kind: PkceNearMissKind; explanation: string; otherFlowId: string | null } | null;
}

/**
 * One ID token's signature against the keys the browser fetched from its issuer (OIDC Core §3.1.3.7 step 6,
 * src/core/id-token-signature.ts). Never the token nor a key: the JWKS is named by its URL and the key by its kid.
 */
export interface IdTokenSignatureReport {
  /** The exchange whose response delivered the ID token. */
  exchangeId: string;
  harEntry: number | null;
  source: IdTokenSignatureCheck['source'];
  /** `verified` only with an observed key of the issuer; `not-observable` when none settles it (never a pass). */
  signature: IdTokenSignatureCheck['signature'];
  alg: string | null;
  /** The header's kid, or the verifying key's kid when the header names none. */
  kid: string | null;
  /** The JWKS response whose key verified the signature, or proves it wrong. */
  jwksUrl: string | null;
  /** Why the signature cannot be settled (`not-observable`). */
  reason: string | null;
  /** What is wrong, each at the level its spec text calls for (the rule id-token-signature-invalid reports them). */
  problems: IdTokenSignatureProblem[];
}

export interface StepReport {
  /** 1-based position in the flow. */
  index: number;
  kind: StepKind;
  exchangeId: string;
  /** Index in the HAR's `log.entries`, when the exchange came from a HAR. */
  harEntry: number | null;
  /** Request start, ISO 8601. */
  time: string | null;
  method: string;
  url: string;
  status: number | null;
  pairedBy: PairedBy | null;
}

export interface ExchangeRef {
  id: string;
  harEntry: number | null;
  method: string | null;
  url: string | null;
  status: number | null;
}

export interface CitationLinkReport {
  spec: string;
  text: string;
  label: string;
  url: string | null;
}

export interface EvidenceReport {
  label: string;
  value: string;
  secret: boolean;
  /** The value was replaced by a `‹redacted …›` marker. */
  redacted: boolean;
}

export interface FindingReport {
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
  citation: string;
  citationLinks: CitationLinkReport[];
  /** The rule's page (docs/rules/<id>.md): what it detects, why, the spec text, the fix, its false-positive traps. */
  docsUrl: string;
  fix: string;
  flowId: string | null;
  file: string;
  exchanges: ExchangeRef[];
  evidence: EvidenceReport[];
}

/**
 * A stuck-flow diagnosis (src/core/diagnose/) as data: its hints are facts every view phrases the same way
 * (src/report/diagnoses.ts), redacted like the rest of the report.
 */
export interface DiagnosisReport {
  /** Stable within the report's input. */
  id: string;
  kind: DiagnosisKind;
  title: string;
  likelihood: Likelihood;
  flowId: string;
  file: string;
  evidence: EvidenceReport[];
  exchanges: ExchangeRef[];
  hints: DiagnosisHint[];
}

export interface InputReportOptions {
  /** The input's name as shown in every format. */
  file: string;
  /** Redact secrets (the default). */
  redact?: boolean;
  /** The analysed exchanges: resolve finding references and sign-in pages (for secrets) by id. */
  exchanges?: readonly Exchange[];
  /** Entries the capture adapter skipped, with the reason. */
  skippedEntries?: readonly string[];
  /** HAR entry index of an exchange id, when known. */
  harEntryOf?: (exchangeId: string) => number | undefined;
}

/** One input's part of the report. Cost scales with flows and findings, not with exchanges. */
export function buildInputReport(analysis: Analysis, options: InputReportOptions): InputReport {
  const { file } = options;
  const exchangeById = indexNeeded(analysis, options.exchanges);
  const redactor =
    options.redact === false
      ? noRedaction
      : createRedactor(collectSecrets(analysis.flows, [...analysis.findings, ...analysis.diagnoses], (id) => exchangeById.get(id)));
  const harEntryOf = (id: string) => options.harEntryOf?.(id) ?? null;

  const exchangeRef = (id: string): ExchangeRef => {
    const ex = exchangeById.get(id);
    return { id, harEntry: harEntryOf(id), method: ex?.method ?? null, url: ex ? redactor.text(ex.url) : null, status: ex?.status ?? null };
  };
  const evidenceReport = (e: Evidence): EvidenceReport => {
    const r = redactor.evidence(e);
    return { label: r.label, value: r.value, secret: e.secret === true, redacted: r.redacted === true };
  };

  const findingReport = (f: Finding): FindingReport => ({
    ruleId: f.ruleId,
    severity: f.severity,
    title: f.title,
    message: redactor.text(f.message),
    citation: f.citation,
    citationLinks: citationLinks(f.citation).map((l) => ({ spec: l.spec, text: l.text, label: l.label, url: l.url ?? null })),
    docsUrl: ruleDocsUrl(f.ruleId),
    fix: redactor.text(f.fix),
    flowId: f.flowId ?? null,
    file,
    exchanges: f.exchangeIds.map(exchangeRef),
    evidence: f.evidence.map(evidenceReport),
  });

  const diagnosisReport = (d: Diagnosis): DiagnosisReport => ({
    id: d.id,
    kind: d.kind,
    title: d.title,
    likelihood: d.likelihood,
    flowId: d.flowId,
    file,
    evidence: d.evidence.map(evidenceReport),
    exchanges: d.exchangeIds.map(exchangeRef),
    hints: d.hints.map((h) => redactedHint(h, redactor)),
  });
  const diagnosesByFlow = new Map<string, DiagnosisReport[]>();
  for (const diagnosis of analysis.diagnoses) {
    const list = diagnosesByFlow.get(diagnosis.flowId);
    if (list) list.push(diagnosisReport(diagnosis));
    else diagnosesByFlow.set(diagnosis.flowId, [diagnosisReport(diagnosis)]);
  }

  const flowIds = new Set(analysis.flows.map((f) => f.id));
  const byFlow = new Map<string, Finding[]>();
  const unattached: Finding[] = [];
  for (const finding of analysis.findings) {
    if (finding.flowId !== undefined && flowIds.has(finding.flowId)) {
      const list = byFlow.get(finding.flowId);
      if (list) list.push(finding);
      else byFlow.set(finding.flowId, [finding]);
    } else {
      unattached.push(finding);
    }
  }

  const flows = analysis.flows.map((flow) => ({
    ...flowReport(flow, byFlow.get(flow.id) ?? [], file, redactor, harEntryOf, findingReport),
    diagnostics: diagnosesByFlow.get(flow.id) ?? [],
  }));
  const skippedEntries = (options.skippedEntries ?? []).map((w) => redactor.text(w));
  return {
    file,
    flows,
    findings: unattached.map(findingReport),
    skippedEntries,
    headersRemoved: headersRemovedFrom(options.exchanges ?? []),
    redactedExport: redactedInput(analysis.flows),
    problems: analysis.problems.map((p) => redactor.text(p)),
    summary: {
      verdict: verdictOf(analysis.findings),
      flows: flows.length,
      exchanges: analysis.exchangeCount,
      skippedEntries: skippedEntries.length,
      findings: countSeverities(analysis.findings),
    },
  };
}

function flowReport(
  flow: Flow,
  findings: readonly Finding[],
  file: string,
  r: Redactor,
  harEntryOf: (id: string) => number | null,
  findingReport: (f: Finding) => FindingReport,
): Omit<FlowReport, 'diagnostics'> {
  const auth = flow.authorization;
  const token = firstTokenRequestOf(flow);
  const text = (value: string | undefined) => (value === undefined ? null : r.text(value));
  const { pkce } = flow;
  return {
    id: flow.id,
    file,
    verdict: verdictOf(findings),
    clientId: text(clientOf(flow)),
    issuer: text(flow.issuer),
    issuerSource: flow.issuerSource ?? null,
    authorizationEndpoint: text(auth?.endpoint),
    parEndpoint: text(auth?.par?.endpoint),
    tokenEndpoint: text(token?.endpoint),
    redirectUri: text(auth?.redirectUri ?? token?.redirectUri),
    responseType: text(auth?.responseType),
    responseTypeImpliedBy: auth?.responseTypeImpliedBy ?? null,
    responseMode: text(auth?.responseMode),
    scope: text(auth?.scope),
    state: text(auth?.state ?? flow.callback?.state),
    nonce: text(auth?.nonce),
    callbackMode: flow.callback?.mode ?? null,
    pkce: {
      method: pkce.method,
      methodSent: text(auth?.codeChallengeMethod),
      status: pkce.status,
      challenge: text(pkce.challenge),
      computedS256: text(pkce.computedS256),
      verifier: pkce.verifier === undefined ? null : r.active ? r.secret('code_verifier', pkce.verifier) : pkce.verifier,
      nearMiss: pkce.nearMiss
        ? { kind: pkce.nearMiss.kind, explanation: r.text(pkce.nearMiss.explanation), otherFlowId: pkce.nearMiss.otherFlowId ?? null }
        : null,
    },
    idTokenSignatures: (flow.idTokenSignatures ?? []).map((check) => ({
      exchangeId: check.exchangeId,
      harEntry: harEntryOf(check.exchangeId),
      source: check.source,
      signature: check.signature,
      alg: text(check.alg),
      kid: text(check.kid),
      jwksUrl: text(check.jwksUrl),
      reason: text(check.reason),
      problems: check.problems.map((p) => ({ check: p.check, detail: r.text(p.detail), severity: p.severity })),
    })),
    steps: flow.steps.map((s, i) => ({
      index: i + 1,
      kind: s.kind,
      exchangeId: s.exchangeId,
      harEntry: harEntryOf(s.exchangeId),
      time: isoTime(s.time),
      method: s.method,
      url: r.text(s.url),
      status: s.status ?? null,
      pairedBy: s.pairedBy ?? null,
    })),
    notes: flow.notes.map((n) => r.text(n)),
    findings: findings.map(findingReport),
  };
}

/** Only the exchanges a report refers to (steps, finding and diagnosis references), found in one pass. */
function indexNeeded(analysis: Analysis, exchanges: readonly Exchange[] | undefined): Map<string, Exchange> {
  const index = new Map<string, Exchange>();
  if (!exchanges) return index;
  const needed = new Set<string>();
  for (const flow of analysis.flows) for (const step of flow.steps) needed.add(step.exchangeId);
  for (const finding of analysis.findings) for (const id of finding.exchangeIds) needed.add(id);
  for (const diagnosis of analysis.diagnoses) for (const id of diagnosis.exchangeIds) needed.add(id);
  if (!needed.size) return index;
  for (const ex of exchanges) {
    if (needed.has(ex.id)) {
      index.set(ex.id, ex);
      if (index.size === needed.size) break;
    }
  }
  return index;
}

/**
 * A hint with every string redacted (URLs, origins, error texts), but not its discriminants (`kind`, at any
 * depth). Hints hold no secret by construction; the safety net still runs over them, as over everything else.
 */
function redactedHint(hint: DiagnosisHint, r: Redactor): DiagnosisHint {
  return redactStrings(hint, r, undefined) as DiagnosisHint;
}

function redactStrings(value: unknown, r: Redactor, key: string | undefined): unknown {
  if (typeof value === 'string') return key === 'kind' ? value : r.text(value);
  if (Array.isArray(value)) return value.map((v) => redactStrings(v, r, undefined));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v, r, k)]));
  }
  return value;
}

function isoTime(ms: number): string | null {
  return Number.isFinite(ms) && ms > 0 && ms < 8.64e15 ? new Date(ms).toISOString() : null;
}

export function countSeverities(findings: readonly { severity: Severity }[]): SeverityCounts {
  const counts: SeverityCounts = { total: findings.length, error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

const VERDICT_RANK: Record<Verdict, number> = { pass: 0, info: 1, warning: 2, error: 3 };

/** The whole report: the inputs in order and an overall summary. */
export function buildAuditReport(inputs: InputReport[], options: { toolVersion: string; redacted: boolean }): AuditReport {
  const sum = (pick: (s: Summary) => number) => inputs.reduce((n, i) => n + pick(i.summary), 0);
  return {
    format: REPORT_FORMAT,
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'oauth-lens', version: options.toolVersion },
    redacted: options.redacted,
    inputs,
    summary: {
      verdict: inputs.reduce<Verdict>((v, i) => (VERDICT_RANK[i.summary.verdict] > VERDICT_RANK[v] ? i.summary.verdict : v), 'pass'),
      inputs: inputs.length,
      flows: sum((s) => s.flows),
      exchanges: sum((s) => s.exchanges),
      skippedEntries: sum((s) => s.skippedEntries),
      findings: {
        total: sum((s) => s.findings.total),
        error: sum((s) => s.findings.error),
        warning: sum((s) => s.findings.warning),
        info: sum((s) => s.findings.info),
      },
    },
  };
}

export type FailOn = Severity | 'never';

/** Whether a summary has a finding at or above `failOn` (the CLI's exit status 1). */
export function reachesFailOn(summary: Summary, failOn: FailOn): boolean {
  switch (failOn) {
    case 'never':
      return false;
    case 'error':
      return summary.findings.error > 0;
    case 'warning':
      return summary.findings.error + summary.findings.warning > 0;
    case 'info':
      return summary.findings.total > 0;
  }
}

/** Every finding of an input, flow by flow, then those tied to no flow. */
export function allFindings(input: InputReport): FindingReport[] {
  return [...input.flows.flatMap((f) => f.findings), ...input.findings];
}
