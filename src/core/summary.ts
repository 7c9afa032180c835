/**
 * Per-tab and per-flow summaries the views and the badge share: which flow is "the last flow" of a tab, and
 * its verdict with counts. Pure, so the popup and the worker cannot disagree.
 */
import { verdictOf } from './verdict.ts';
import type { Analysis, Exchange, Finding, Flow, Verdict } from './model.ts';

export interface FlowVerdict {
  flowId: string;
  verdict: Verdict;
  errors: number;
  warnings: number;
  infos: number;
}

export function findingsOfFlow(analysis: Analysis, flowId: string): Finding[] {
  return analysis.findings.filter((f) => f.flowId === flowId);
}

export function flowVerdict(analysis: Analysis, flow: Flow): FlowVerdict {
  const findings = findingsOfFlow(analysis, flow.id);
  const count = (severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;
  return { flowId: flow.id, verdict: verdictOf(findings), errors: count('error'), warnings: count('warning'), infos: count('info') };
}

/** When a flow began: its first step. */
export function flowStart(flow: Flow): number {
  return flow.steps[0]?.time ?? 0;
}

/**
 * The tabs a flow touched (a flow may start in a popup window and end in its opener), from its steps'
 * exchanges.
 */
export function tabsOfFlow(flow: Flow, exchangesById: ReadonlyMap<string, Exchange>): Set<number> {
  const tabs = new Set<number>();
  for (const step of flow.steps) {
    const tabId = exchangesById.get(step.exchangeId)?.tabId;
    if (tabId !== undefined) tabs.add(tabId);
  }
  return tabs;
}

/** The most recently started flow of each tab. */
export function lastFlowByTab(analysis: Analysis, exchanges: readonly Exchange[]): Map<number, Flow> {
  const byId = new Map(exchanges.map((e) => [e.id, e]));
  const last = new Map<number, Flow>();
  for (const flow of analysis.flows) {
    for (const tab of tabsOfFlow(flow, byId)) {
      const current = last.get(tab);
      if (!current || flowStart(flow) >= flowStart(current)) last.set(tab, flow);
    }
  }
  return last;
}
