/**
 * A source is one set of exchanges analysed together: the worker's live capture, or a HAR file the user
 * imported. Flows never span two sources (as in the CLI, where flows never span two files). Pure.
 *
 * The panel holds every source behind one interface, `PanelSource`: the rows of the flow list, the findings
 * tied to no flow, and `open(flowId)` for one flow's detail. The live capture (a few hundred flows at most)
 * is analysed in the panel and opens a flow at once; an imported file can hold 10,000 flows and 200 MB of
 * exchanges, so it stays in its import worker (src/devtools/import/) and the panel receives only its rows,
 * then the slice of a flow the user opens (as React DevTools' backend keeps the tree and its frontend asks
 * for one element's details).
 */
import { analyze } from '../core/analyze.ts';
import { clientOf, serverOf } from '../core/flow-facts.ts';
import type { Analysis, Exchange, Finding, Flow } from '../core/model.ts';
import { buildInputReport, type InputReport } from '../core/report.ts';
import { collectSecrets, createRedactor, type Redactor, type SecretValue } from '../core/redact.ts';
import type { Diagnosis } from '../core/diagnose/types.ts';
import { flowStart, flowVerdict, tabsOfFlow, type FlowVerdict } from '../core/summary.ts';
import { flowStanding, isStuck } from '../report/verdict.ts';

/** Exchanges with their analysis: a whole source where it was analysed, or the slice of one opened flow. */
export interface Source {
  id: string;
  /** `live capture`, or the imported file's name. */
  label: string;
  /** `kept`: a flow the user kept, read back from storage.local (kept.ts). */
  kind: 'live' | 'import' | 'kept';
  exchanges: Exchange[];
  exchangeById: Map<string, Exchange>;
  analysis: Analysis;
  /** Redacts this source's secrets wherever they appear: the view's mask until the user reveals. */
  redactor: Redactor;
  /** HAR entries the import skipped, and why. */
  skipped: string[];
}

export async function buildSource(
  id: string,
  label: string,
  kind: Source['kind'],
  exchanges: Exchange[],
  skipped: string[] = [],
): Promise<Source> {
  return (await buildSourceWithSecrets(id, label, kind, exchanges, skipped)).source;
}

/** The source and the secrets its redactor was built from (an import worker sends them to the panel). */
export async function buildSourceWithSecrets(
  id: string,
  label: string,
  kind: Source['kind'],
  exchanges: Exchange[],
  skipped: string[] = [],
): Promise<{ source: Source; secrets: SecretValue[] }> {
  const analysis = await analyze(exchanges);
  const exchangeById = new Map(exchanges.map((e) => [e.id, e]));
  const secrets = collectSecrets(analysis.flows, analysis.findings, (x) => exchangeById.get(x));
  return { source: { id, label, kind, exchanges, exchangeById, analysis, redactor: createRedactor(secrets), skipped }, secrets };
}

/** One row of the flow list: plain data (it crosses from the import worker), plus its source on the panel side. */
export interface FlowRowData {
  /** Unique across sources: flow ids restart in every analysis. */
  key: string;
  flowId: string;
  verdict: FlowVerdict;
  /** Passed no rule's fault but did not finish, by a likely diagnosis (src/report/verdict.ts isStuck). */
  stuck: boolean;
  clientId: string | undefined;
  server: string | undefined;
  started: number;
  /** First step to the last step's end, when known. */
  durationMs: number | undefined;
  tabs: number[];
  ruleIds: string[];
  /** The flow's most severe finding (the first of equals), for the list's "first finding" column. */
  firstFinding: Pick<Finding, 'ruleId' | 'title' | 'severity'> | undefined;
  /** What the filter matches (client id, server, step URLs, rule ids, source), lower-cased. */
  searchText: string;
}

export interface FlowRow extends FlowRowData {
  source: PanelSource;
}

/** A finding tied to no flow (a token in a resource request's URL) and the tabs of its exchanges. */
export interface UnboundFinding {
  finding: Finding;
  tabs: number[];
}

/** An opened flow: everything the detail views show, with the (slice of the) source it came from. */
export interface FlowItem extends FlowRowData {
  source: Source;
  flow: Flow;
  /** The flow's own findings. */
  findings: Finding[];
  /** The flow's stuck-flow diagnoses, computed by analyze() against the whole source (the last redirect_uri that worked…). */
  diagnoses: Diagnosis[];
}

export interface PanelSource {
  id: string;
  label: string;
  kind: Source['kind'];
  /** False while an import shows the preview of its file's first entries. */
  complete: boolean;
  exchangeCount: number;
  skipped: readonly string[];
  redactor: Redactor;
  rows: readonly FlowRow[];
  unbound: readonly UnboundFinding[];
  /** The flow's detail: at once for an analysed source, from the import worker for an import. */
  open(flowId: string): FlowItem | Promise<FlowItem>;
  /** This source as one input of a JSON/Markdown report (the CLI's schema). */
  inputReport(options: { redact: boolean }): Promise<InputReport>;
  /** Stops what the source holds elsewhere (its import worker). */
  dispose(): void;
}

/** A source analysed in the panel (the live capture) behind the common interface. */
export function localSource(source: Source): PanelSource {
  const index = indexSource(source.analysis);
  const panelSource: PanelSource = {
    id: source.id,
    label: source.label,
    kind: source.kind,
    complete: true,
    exchangeCount: source.exchanges.length,
    skipped: source.skipped,
    redactor: source.redactor,
    rows: [],
    unbound: unboundOf(source, index),
    open(flowId) {
      const slice = sliceOf(source, flowId, index);
      if (!slice) throw new Error(`no flow ${flowId} in ${source.label}`);
      return itemOfSlice(panelSource, slice);
    },
    inputReport: async ({ redact }) => buildInputReportOf(source, redact),
    dispose: () => undefined,
  };
  panelSource.rows = rowsOf(source, index).map((row) => ({ ...row, source: panelSource }));
  return panelSource;
}

export function buildInputReportOf(source: Source, redact: boolean): InputReport {
  return buildInputReport(source.analysis, { file: source.label, redact, exchanges: source.exchanges, skippedEntries: source.skipped });
}

export interface SourceIndex {
  flowById: Map<string, Flow>;
  byFlow: Map<string, Finding[]>;
  unbound: Finding[];
  diagnosesByFlow: Map<string, Diagnosis[]>;
}

/** Flows by id, and findings and diagnoses grouped by flow once (linear), not filtered per flow. */
export function indexSource(analysis: Analysis): SourceIndex {
  const flowById = new Map(analysis.flows.map((f) => [f.id, f]));
  const diagnosesByFlow = new Map<string, Diagnosis[]>();
  for (const diagnosis of analysis.diagnoses) {
    const list = diagnosesByFlow.get(diagnosis.flowId);
    if (list) list.push(diagnosis);
    else diagnosesByFlow.set(diagnosis.flowId, [diagnosis]);
  }
  const byFlow = new Map<string, Finding[]>();
  const unbound: Finding[] = [];
  for (const finding of analysis.findings) {
    if (finding.flowId === undefined || !flowById.has(finding.flowId)) {
      unbound.push(finding);
      continue;
    }
    const list = byFlow.get(finding.flowId);
    if (list) list.push(finding);
    else byFlow.set(finding.flowId, [finding]);
  }
  return { flowById, byFlow, unbound, diagnosesByFlow };
}

export function rowsOf(source: Source, index: SourceIndex = indexSource(source.analysis)): FlowRowData[] {
  return source.analysis.flows.map((flow) => rowOf(source, flow, index));
}

function rowOf(source: Source, flow: Flow, index: SourceIndex): FlowRowData {
  const last = flow.steps[flow.steps.length - 1];
  const end = last ? (source.exchangeById.get(last.exchangeId)?.endTime ?? last.time) : undefined;
  const started = flowStart(flow);
  const findings = index.byFlow.get(flow.id) ?? [];
  const clientId = clientOf(flow);
  const server = serverOf(flow);
  const ruleIds = [...new Set(findings.map((f) => f.ruleId))];
  const first = mostSevere(findings);
  return {
    key: `${source.id}/${flow.id}`,
    flowId: flow.id,
    // flowVerdict over the flow's own findings only: the same result, without a scan of all findings.
    verdict: flowVerdict({ ...source.analysis, findings }, flow),
    stuck: isStuck(index.diagnosesByFlow.get(flow.id) ?? []),
    clientId,
    server,
    started,
    durationMs: end !== undefined && flow.steps.length ? Math.max(0, end - started) : undefined,
    tabs: [...tabsOfFlow(flow, source.exchangeById)],
    ruleIds,
    firstFinding: first && { ruleId: first.ruleId, title: first.title, severity: first.severity },
    searchText: [clientId ?? '', server ?? '', ...flow.steps.map((s) => s.url), ...ruleIds, source.label].join('\n').toLowerCase(),
  };
}

const SEVERITY_RANK: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

function mostSevere(findings: readonly Finding[]): Finding | undefined {
  let worst: Finding | undefined;
  for (const f of findings) if (!worst || SEVERITY_RANK[f.severity] < SEVERITY_RANK[worst.severity]) worst = f;
  return worst;
}

export function unboundOf(source: Source, index: SourceIndex = indexSource(source.analysis)): UnboundFinding[] {
  return index.unbound.map((finding) => ({
    finding,
    tabs: [...new Set(finding.exchangeIds.flatMap((id) => source.exchangeById.get(id)?.tabId ?? []))],
  }));
}

/**
 * The part of a source one flow's detail needs: the flow, its findings, and the exchanges its steps and
 * requests reference (the sign-in pages too, so the exports' redactor learns their secrets).
 */
export interface FlowSlice {
  row: FlowRowData;
  flow: Flow;
  findings: Finding[];
  exchanges: Exchange[];
  diagnoses: Diagnosis[];
  /** Of the whole source, for the report of this flow. */
  exchangeCount: number;
  problems: string[];
}

export function sliceOf(source: Source, flowId: string, index: SourceIndex): FlowSlice | undefined {
  const flow = index.flowById.get(flowId);
  if (!flow) return undefined;
  const diagnoses = index.diagnosesByFlow.get(flow.id) ?? [];
  // A diagnosis may point at exchanges of no flow (a CORS preflight): the slice carries them too.
  const ids = new Set([...flow.steps.map((s) => s.exchangeId), ...diagnoses.flatMap((d) => d.exchangeIds)]);
  return {
    row: rowOf(source, flow, index),
    flow,
    findings: index.byFlow.get(flow.id) ?? [],
    exchanges: [...ids].flatMap((id) => source.exchangeById.get(id) ?? []),
    diagnoses,
    exchangeCount: source.exchanges.length,
    problems: source.analysis.problems,
  };
}

/** An opened flow from its slice, on the panel side. */
export function itemOfSlice(panelSource: PanelSource, slice: FlowSlice): FlowItem {
  const source: Source = {
    id: panelSource.id,
    label: panelSource.label,
    kind: panelSource.kind,
    exchanges: slice.exchanges,
    exchangeById: new Map(slice.exchanges.map((e) => [e.id, e])),
    // The source's other discovery documents stay behind (one per flow in a big HAR): the flow keeps its own.
    analysis: {
      flows: [slice.flow],
      findings: slice.findings,
      diagnoses: slice.diagnoses,
      exchangeCount: slice.exchangeCount,
      metadata: slice.flow.metadata ? [slice.flow.metadata] : [],
      problems: slice.problems,
    },
    redactor: panelSource.redactor,
    skipped: [...panelSource.skipped],
  };
  return { ...slice.row, source, flow: slice.flow, findings: slice.findings, diagnoses: slice.diagnoses };
}

export interface ListFilter {
  /** The inspected tab; undefined shows every tab's flows. */
  tabId: number | undefined;
  allTabs: boolean;
  /** Matched, case-insensitively, against client id, server, step URLs and rule ids. */
  query: string;
  /** Only flows of this standing; 'all' by default. */
  verdict?: VerdictFilter;
  /** Only flows with a finding of this rule; '' (or absent) for any. */
  ruleId?: string;
}

/**
 * The list's verdict filter. A stuck flow (passed every rule, did not finish) counts as failing: it is what the
 * developer is debugging.
 */
export type VerdictFilter = 'all' | 'failing' | 'warnings' | 'passing';

export function matchesVerdict(row: Pick<FlowRowData, 'verdict' | 'stuck'>, filter: VerdictFilter): boolean {
  if (filter === 'all') return true;
  const standing = flowStanding(row.verdict.verdict, row.stuck);
  if (filter === 'failing') return standing === 'error' || standing === 'stuck';
  if (filter === 'warnings') return standing === 'warning';
  return standing === 'pass' || standing === 'info';
}

/**
 * The list: newest first; live flows of the inspected tab unless `allTabs`; imported flows always (they
 * belong to no tab).
 */
export function visibleRows(rows: readonly FlowRow[], filter: ListFilter): FlowRow[] {
  const q = filter.query.trim().toLowerCase();
  return rows
    .filter((row) => inTabScope(row, filter))
    .filter((row) => !q || row.searchText.includes(q))
    .filter((row) => matchesVerdict(row, filter.verdict ?? 'all') && (!filter.ruleId || row.ruleIds.includes(filter.ruleId)))
    .sort((a, b) => b.started - a.started);
}

/** Live flows of the inspected tab unless `allTabs`; imported and kept flows always (they belong to no tab). */
export function inTabScope(row: FlowRow, filter: Pick<ListFilter, 'tabId' | 'allTabs'>): boolean {
  return row.source.kind !== 'live' || filter.allTabs || filter.tabId === undefined || row.tabs.includes(filter.tabId);
}

/** Findings tied to no flow, per source: a live source's only when one of their exchanges is in the inspected tab (unless `allTabs`). */
export function unboundFindings(
  sources: readonly PanelSource[],
  filter: Omit<ListFilter, 'query'>,
): { source: PanelSource; findings: Finding[] }[] {
  return sources.flatMap((source) => {
    const findings = source.unbound
      .filter((u) => source.kind !== 'live' || filter.allTabs || filter.tabId === undefined || u.tabs.includes(filter.tabId))
      .map((u) => u.finding);
    return findings.length ? [{ source, findings }] : [];
  });
}
