/**
 * A source is one set of exchanges analysed together: the worker's live capture, or a HAR file the user
 * imported. Flows never span two sources (as in the CLI, where flows never span two files). Pure.
 */
import { analyze } from '../core/analyze.ts';
import type { Analysis, Exchange, Finding, Flow } from '../core/model.ts';
import { collectSecrets, createRedactor, type Redactor } from '../core/redact.ts';
import { flowStart, flowVerdict, tabsOfFlow, type FlowVerdict } from '../core/summary.ts';

export interface Source {
  id: string;
  /** `live capture`, or the imported file's name. */
  label: string;
  kind: 'live' | 'import';
  exchanges: Exchange[];
  exchangeById: Map<string, Exchange>;
  analysis: Analysis;
  /** Redacts this source's secrets wherever they appear: the view's mask until the user reveals. */
  redactor: Redactor;
  /** HAR entries the import skipped, and why. */
  skipped: string[];
}

export async function buildSource(id: string, label: string, kind: Source['kind'], exchanges: Exchange[], skipped: string[] = []): Promise<Source> {
  const analysis = await analyze(exchanges);
  const exchangeById = new Map(exchanges.map((e) => [e.id, e]));
  const redactor = createRedactor(collectSecrets(analysis.flows, analysis.findings, (x) => exchangeById.get(x)));
  return { id, label, kind, exchanges, exchangeById, analysis, redactor, skipped };
}

/** One row of the flow list. */
export interface FlowItem {
  /** Unique across sources: flow ids restart in every analysis. */
  key: string;
  source: Source;
  flow: Flow;
  verdict: FlowVerdict;
  clientId: string | undefined;
  server: string | undefined;
  started: number;
  /** First step to the last step's end, when known. */
  durationMs: number | undefined;
  tabs: Set<number>;
  ruleIds: string[];
}

/**
 * The rows of a source, computed once per source (sources are immutable: a new snapshot is a new source), so
 * a live update does not rebuild the rows of every import. Linear in flows + findings: findings are grouped
 * by flow once, not filtered per flow.
 */
export function flowItems(source: Source): FlowItem[] {
  let items = itemsBySource.get(source);
  if (!items) itemsBySource.set(source, (items = buildItems(source)));
  return items;
}

const itemsBySource = new WeakMap<Source, FlowItem[]>();

function buildItems(source: Source): FlowItem[] {
  const byFlow = new Map<string, Finding[]>();
  for (const finding of source.analysis.findings) {
    if (finding.flowId === undefined) continue;
    const list = byFlow.get(finding.flowId);
    if (list) list.push(finding);
    else byFlow.set(finding.flowId, [finding]);
  }
  return source.analysis.flows.map((flow) => {
    const token = flow.codeExchanges[0] ?? flow.refreshes[0];
    const last = flow.steps[flow.steps.length - 1];
    const end = last ? (source.exchangeById.get(last.exchangeId)?.endTime ?? last.time) : undefined;
    const started = flowStart(flow);
    const findings = byFlow.get(flow.id) ?? [];
    return {
      key: `${source.id}/${flow.id}`,
      source,
      flow,
      // flowVerdict over the flow's own findings only: the same result, without a scan of all findings.
      verdict: flowVerdict({ ...source.analysis, findings }, flow),
      clientId: flow.authorization?.clientId ?? token?.clientId ?? token?.clientAuth.basic?.clientId,
      server: flow.issuer ?? flow.authorization?.endpoint ?? token?.endpoint,
      started,
      durationMs: end !== undefined && flow.steps.length ? Math.max(0, end - started) : undefined,
      tabs: tabsOfFlow(flow, source.exchangeById),
      ruleIds: [...new Set(findings.map((f) => f.ruleId))],
    };
  });
}

export interface ListFilter {
  /** The inspected tab; undefined shows every tab's flows. */
  tabId: number | undefined;
  allTabs: boolean;
  /** Matched, case-insensitively, against client id, server, step URLs and rule ids. */
  query: string;
}

/**
 * The list: newest first; live flows of the inspected tab unless `allTabs`; imported flows always (they
 * belong to no tab).
 */
export function visibleItems(items: readonly FlowItem[], filter: ListFilter): FlowItem[] {
  const q = filter.query.trim().toLowerCase();
  return items
    .filter((item) => item.source.kind === 'import' || filter.allTabs || filter.tabId === undefined || item.tabs.has(filter.tabId))
    .filter((item) => !q || searchText(item).includes(q))
    .sort((a, b) => b.started - a.started);
}

/** What the filter matches, built once per row (typing in the filter re-runs it over every row). */
function searchText(item: FlowItem): string {
  let text = searchTexts.get(item);
  if (text === undefined) searchTexts.set(item, (text = rowText(item)));
  return text;
}

const searchTexts = new WeakMap<FlowItem, string>();

function rowText(item: FlowItem): string {
  return [item.clientId ?? '', item.server ?? '', ...item.flow.steps.map((s) => s.url), ...item.ruleIds, item.source.label].join('\n').toLowerCase();
}

/**
 * Findings tied to no flow (a token in a resource request's URL), per source: a live source's only when one
 * of their exchanges is in the inspected tab (unless `allTabs`).
 */
export function unboundFindings(sources: readonly Source[], filter: Omit<ListFilter, 'query'>): { source: Source; findings: Finding[] }[] {
  return sources.flatMap((source) => {
    const flowIds = new Set(source.analysis.flows.map((f) => f.id));
    const findings = source.analysis.findings.filter((f) => {
      if (f.flowId !== undefined && flowIds.has(f.flowId)) return false;
      if (source.kind === 'import' || filter.allTabs || filter.tabId === undefined) return true;
      return f.exchangeIds.some((id) => source.exchangeById.get(id)?.tabId === filter.tabId);
    });
    return findings.length ? [{ source, findings }] : [];
  });
}
