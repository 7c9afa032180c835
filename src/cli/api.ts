/**
 * The programmatic API of the `oauth-lens` package (`import { audit } from 'oauth-lens'`), bundled into
 * dist-cli/index.js with its types in dist-cli/types/. The same analysis as `oauth-lens audit`, in process:
 * a HAR in, the JSON report's model out (README, "The JSON report"), secrets redacted unless asked otherwise.
 */
import { HarFormatError, harToExchanges, parseHarText, type HarConversion } from '../capture/har.ts';
import { buildAuditReport, type AuditReport } from '../core/report.ts';
import { TOOL_VERSION } from '../report/version.ts';
import { auditConversion } from './audit-input.ts';
import { InputError } from './input-error.ts';
import { readHar } from './input.ts';

export type {
  AuditReport,
  DiagnosisReport,
  EvidenceReport,
  FailOn,
  FindingReport,
  FlowReport,
  InputReport,
  OverallSummary,
  PkceReport,
  SeverityCounts,
  StepReport,
  Summary,
} from '../core/report.ts';
export type { Severity } from '../core/model.ts';
export { reachesFailOn } from '../core/report.ts';
export { InputError } from './input-error.ts';
export { FORMATS, formatReport, type Format } from './format-report.ts';

export interface AuditOptions {
  /** The input's name in the report (`inputs[0].file`, SARIF's artifact URI); default `input.har`. */
  name?: string;
  /** Keep codes, verifiers, tokens, secrets, passwords and cookies in the report (default: redacted). */
  showSecrets?: boolean;
}

/**
 * Audits one HAR, given as its JSON text or as the parsed object (Playwright's `recordHar` file, read back).
 * Throws `InputError` (with the reason in one line, as the CLI prints it) when it is not a HAR.
 */
export async function audit(har: string | object, options: AuditOptions = {}): Promise<AuditReport> {
  const name = options.name ?? 'input.har';
  let conversion: HarConversion;
  try {
    conversion = typeof har === 'string' ? parseHarText(har) : harToExchanges(har);
  } catch (error) {
    if (error instanceof HarFormatError) throw new InputError(name, error.message);
    throw error;
  }
  return report(conversion, name, options.showSecrets === true);
}

/**
 * Audits a HAR file, read as the CLI reads it (size checked first, UTF-16 exports decoded, compressed files
 * refused); the report names it by `options.name`, else by the path as given.
 */
export async function auditFile(path: string, options: AuditOptions = {}): Promise<AuditReport> {
  return report(readHar(path), options.name ?? path, options.showSecrets === true);
}

async function report(conversion: HarConversion, file: string, showSecrets: boolean): Promise<AuditReport> {
  const input = await auditConversion(conversion, { file, redact: !showSecrets });
  return buildAuditReport([input], { toolVersion: TOOL_VERSION, redacted: !showSecrets });
}
