/** The badge a flow verdict shows: errors in red with their count, warnings in amber, a check mark when clean. */
import type { FlowVerdict } from '../core/summary.ts';

export interface Badge {
  text: string;
  color: string;
  title: string;
}

export function badgeOf(verdict: FlowVerdict): Badge {
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
  return { text: '✓', color: '#188038', title: 'OAuth Lens: last flow passed every check' };
}
