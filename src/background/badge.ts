/**
 * The badge a flow shows: errors in red with their count, warnings in amber, a question mark in blue when no
 * rule failed but the sign-in did not finish for a reason the traffic makes likely (the server refused the
 * request, the token request was blocked: a stuck-flow diagnosis), a check mark otherwise.
 */
import type { Diagnosis } from '../core/diagnose/types.ts';
import type { FlowVerdict } from '../core/summary.ts';
import { isStuck, STUCK_SYMBOL } from '../report/verdict.ts';

export interface Badge {
  text: string;
  color: string;
  title: string;
}

/** `diagnoses`: the flow's stuck-flow diagnoses; only likely or certain ones count (src/report/verdict.ts isStuck). */
export function badgeOf(verdict: FlowVerdict, diagnoses: readonly Diagnosis[] = []): Badge {
  if (verdict.errors > 0) {
    return {
      text: String(verdict.errors),
      color: '#d93025',
      title: `OAuth Lens: last flow has ${verdict.errors} error${verdict.errors === 1 ? '' : 's'}`,
    };
  }
  if (verdict.warnings > 0) {
    return {
      text: String(verdict.warnings),
      color: '#e37400',
      title: `OAuth Lens: last flow has ${verdict.warnings} warning${verdict.warnings === 1 ? '' : 's'}`,
    };
  }
  const stuck = diagnoses.find((d) => isStuck([d]));
  if (stuck) return { text: STUCK_SYMBOL, color: '#1a73e8', title: `OAuth Lens: last sign-in looks stuck (${stuck.title}); open for why` };
  return { text: '✓', color: '#188038', title: 'OAuth Lens: last flow passed every check' };
}
