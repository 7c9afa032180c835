/**
 * The panel's JSON and Markdown exports: the CLI's report schema (buildInputReport → buildAuditReport), its
 * JSON serialisation and its Markdown formatter (src/report), so a report from the panel and one from
 * `oauth-lens audit` read the same.
 * Pure. Redacted unless the caller says otherwise.
 */
import type { Flow } from '../core/model.ts';
import { buildAuditReport, buildInputReport, type AuditReport } from '../core/report.ts';
import { jsonText } from '../report/json.ts';
import { formatMarkdown } from '../report/markdown.ts';
import { TOOL_VERSION } from '../report/version.ts';
import type { Source } from './sources.ts';

/**
 * One source as a report; with `flow`, only that flow and its findings (the "export this flow" button).
 * Exchanges are passed whole so the redactor also learns the sign-in pages' secrets.
 */
export function sourceReport(source: Source, { redact = true, flow }: { redact?: boolean; flow?: Flow } = {}): AuditReport {
  const analysis = flow
    ? { ...source.analysis, flows: [flow], findings: source.analysis.findings.filter((f) => f.flowId === flow.id) }
    : source.analysis;
  const input = buildInputReport(analysis, { file: source.label, redact, exchanges: source.exchanges, skippedEntries: source.skipped });
  return buildAuditReport([input], { toolVersion: TOOL_VERSION, redacted: redact });
}

export function reportJson(report: AuditReport): string {
  return jsonText(report);
}

export function reportMarkdown(report: AuditReport): string {
  return formatMarkdown(report);
}
