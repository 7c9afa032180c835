/** The report formats of `oauth-lens audit --format` and of the API's `formatReport`. Pure. */
import type { AuditReport } from '../core/report.ts';
import { REPOSITORY_URL } from '../core/rule-docs.ts';
import { rules } from '../core/rules/index.ts';
import { jsonText } from '../report/json.ts';
import { formatMarkdown } from '../report/markdown.ts';
import { formatSarif } from './formats/sarif.ts';
import { formatText } from './formats/text.ts';

export const FORMATS = ['text', 'json', 'markdown', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

/** A report in one format; `text` is in colour only when asked (the CLI does for a terminal). */
export function formatReport(report: AuditReport, format: Format, color = false): string {
  switch (format) {
    case 'json':
      return jsonText(report);
    case 'sarif':
      return jsonText(formatSarif(report, { rules: rules.map((r) => r.meta), informationUri: REPOSITORY_URL }));
    case 'markdown':
      return formatMarkdown(report);
    case 'text':
      return formatText(report, { color });
  }
}
