/**
 * A source is one set of exchanges analysed together: the worker's live capture, or a HAR file the user
 * imported. Flows never span two sources (as in the CLI, where flows never span two files). Pure.
 */
import { analyze } from '../core/analyze.ts';
import type { Analysis, Exchange, Finding, Flow } from '../core/model.ts';
import { collectSecrets, createRedactor, type Redactor } from '../core/redact.ts';
import { findingsOfFlow, flowStart, flowVerdict, tabsOfFlow, type FlowVerdict } from '../core/summary.ts';

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

export function flowItems(source: Source): FlowItem[] {
  return source.analysis.flows.map((flow) => {
    const token = flow.codeExchanges[0] ?? flow.refreshes[0];
    const last = flow.steps[flow.steps.length - 1];
    const end = last ? (source.exchangeById.get(last.exchangeId)?.endTime ?? last.time) : undefined;
    const started = flowStart(flow);
    return {
      key: `${source.id}/${flow.id}`,
      source,
      flow,
      verdict: flowVerdict(source.analysis, flow),
      clientId: flow.authorization?.clientId ?? token?.clientId ?? token?.clientAuth.basic?.clientId,
      server: flow.issuer ?? flow.authorization?.endpoint ?? token?.endpoint,
      started,
      durationMs: end !== undefined && flow.steps.length ? Math.max(0, end - started) : undefined,
      tabs: tabsOfFlow(flow, source.exchangeById),
      ruleIds: [...new Set(findingsOfFlow(source.analysis, flow.id).map((f) => f.ruleId))],
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

function searchText(item: FlowItem): string {
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
