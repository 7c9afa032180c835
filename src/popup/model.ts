/**
 * What the popup shows, derived from the worker's capture with the pure core: the last flow of the tab the
 * popup belongs to and the most recent flows across tabs, in the report shape the CLI's JSON uses (secrets
 * redacted). Pure: tested in Node with recorded captures.
 */
import { analyze } from '../core/analyze.ts';
import type { Exchange } from '../core/model.ts';
import { buildInputReport, type FindingReport, type FlowReport } from '../core/report.ts';
import { flowStart, lastFlowByTab } from '../core/summary.ts';
import type { CaptureSnapshot } from '../messaging/protocol.ts';

export const RECENT_FLOWS = 5;

export interface PopupModel {
  /** The last flow of the popup's tab. */
  current?: FlowReport;
  /** Other recent flows, newest first, across tabs. */
  recent: FlowReport[];
  /**
   * Flows (by id) with a token request that was answered but whose response body was not observed (webRequest
   * alone never sees one): the checks that read bodies did not run on them.
   */
  bodiesNotObserved: ReadonlySet<string>;
  /** The tab of each flow (its first step's), where the panel opens it. */
  tabOfFlow: ReadonlyMap<string, number>;
  /** Findings tied to no flow (e.g. a token in a resource request's URL) from this tab's requests. */
  unbound: FindingReport[];
  exchangeCount: number;
  evicted: CaptureSnapshot['evicted'];
  paused: boolean;
}

export async function popupModel(snapshot: CaptureSnapshot, tabId: number | undefined): Promise<PopupModel> {
  const exchanges: readonly Exchange[] = snapshot.exchanges;
  const analysis = await analyze(exchanges);
  const report = buildInputReport(analysis, { file: 'browser', exchanges });
  const reportOf = new Map(report.flows.map((f) => [f.id, f]));
  const currentFlow = tabId === undefined ? undefined : lastFlowByTab(analysis, exchanges).get(tabId);
  const recent = [...analysis.flows]
    .sort((a, b) => flowStart(b) - flowStart(a))
    .filter((f) => f !== currentFlow)
    .slice(0, RECENT_FLOWS)
    .map((f) => reportOf.get(f.id)!);
  const bodiesNotObserved = new Set(
    analysis.flows
      .filter((f) =>
        [...f.codeExchanges, ...f.refreshes].some((r) => r.exchange.status !== undefined && r.exchange.responseBody === undefined),
      )
      .map((f) => f.id),
  );
  const tabOf = new Map(exchanges.map((e) => [e.id, e.tabId]));
  const tabOfFlow = new Map<string, number>();
  for (const flow of analysis.flows) {
    const tab = tabOf.get(flow.steps[0]?.exchangeId ?? '');
    if (tab !== undefined) tabOfFlow.set(flow.id, tab);
  }
  const unbound = report.findings.filter((f) => f.exchanges.some((e) => tabOf.get(e.id) === tabId));
  return {
    ...(currentFlow ? { current: reportOf.get(currentFlow.id)! } : {}),
    recent,
    bodiesNotObserved,
    tabOfFlow,
    unbound,
    exchangeCount: exchanges.length,
    evicted: snapshot.evicted,
    paused: snapshot.paused,
  };
}

/** The authorization server refused the request: no callback is coming (src/core/diagnose/authorization-refused.ts). */
function refused(flow: FlowReport): boolean {
  return flow.diagnostics.some((d) => d.kind === 'authorization-refused');
}

/** The state in words: sent and echoed, dropped, or missing. */
/**
 * A device authorization grant (RFC 8628): its device authorization request, or its polls paired by device_code. It
 * has no redirect, so no state, and its token requests are polls.
 */
function isDeviceGrant(flow: FlowReport): boolean {
  return flow.steps.some((s) => s.kind === 'device-authorization' || s.pairedBy === 'device_code');
}

export function describeState(flow: FlowReport): string {
  if (isDeviceGrant(flow)) return 'none: a device grant has no redirect (RFC 8628)';
  if (flow.state === null) return 'missing';
  if (flow.findings.some((f) => f.ruleId === 'state-mismatch')) return 'sent, but the callback did not echo it';
  if (flow.callbackMode) return 'sent and echoed';
  return refused(flow) ? 'sent; no callback: the authorization server refused the request' : 'sent (callback not seen yet)';
}

/** The code exchange(s) in words: statuses, or why nothing is known. */
export function describeCodeExchange(flow: FlowReport): string {
  const tokens = flow.steps.filter((s) => s.kind === 'token');
  if (isDeviceGrant(flow)) {
    const last = tokens[tokens.length - 1];
    if (!last) return 'no poll seen yet';
    return `${tokens.length} poll${tokens.length === 1 ? '' : 's'}, the last ${last.status === null ? 'without a response' : `answered HTTP ${last.status}`}`;
  }
  if (!tokens.length) return flow.callbackMode ? 'no token request seen' : refused(flow) ? 'none (no code was issued)' : 'not yet';
  return tokens.map((s) => (s.status === null ? 'no response' : `HTTP ${s.status}`)).join(', then ');
}
