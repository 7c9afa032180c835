/**
 * The verdict of a flow or of a whole analysis: its worst finding. A module of its own so the report model
 * and the views read verdicts without pulling in analyze() and the rule registry.
 */
import type { Finding, Verdict } from './model.ts';

export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.severity === 'error')) return 'error';
  if (findings.some((f) => f.severity === 'warning')) return 'warning';
  if (findings.length) return 'info';
  return 'pass';
}
