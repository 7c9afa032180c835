/**
 * A helper to copy into a Playwright suite: audits the HAR a browser context recorded (`recordHar`) with
 * OAuth Lens and fails the test when a finding reaches the chosen severity, with the whole report (secrets
 * redacted) as the failure message.
 */
import { auditFile, type AuditReport, type FailOn, formatReport, reachesFailOn } from 'oauth-lens';

export async function expectOAuthAuditPasses(harPath: string, failOn: FailOn = 'warning'): Promise<AuditReport> {
  const report = await auditFile(harPath);
  if (report.summary.flows === 0) throw new Error(`OAuth Lens: no OAuth flow in ${harPath}: did the sign-in happen?`);
  if (reachesFailOn(report.summary, failOn)) {
    throw new Error(`OAuth Lens: a finding of severity ${failOn} or worse in ${harPath}\n\n${formatReport(report, 'text')}`);
  }
  return report;
}
