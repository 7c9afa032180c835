/** A verdict and its finding counts in words and symbols, the same in the CLI, the panel and the popup. Pure. */
import type { Verdict } from '../core/model.ts';
import type { FlowVerdict } from '../core/summary.ts';
import { plural } from './text.ts';

/**
 * One glyph per verdict, for a list row or a card heading (colour comes from each view's stylesheet). A flow
 * whose findings are all info passed: notes are advice, not defects, so it shows the same ✓ as the badge.
 */
export const VERDICT_SYMBOL: Record<Verdict, string> = { error: '✕', warning: '!', info: '✓', pass: '✓' };

export interface FindingCounts {
  error: number;
  warning: number;
  info: number;
}

/** `2 errors · 1 warning · 0 info`, from a report's summary counts or a flow's verdict (src/core/summary.ts). */
export function findingCounts(counts: FindingCounts | Pick<FlowVerdict, 'errors' | 'warnings' | 'infos'>): string {
  const { error, warning, info } = 'errors' in counts ? { error: counts.errors, warning: counts.warnings, info: counts.infos } : counts;
  return `${plural(error, 'error')} · ${plural(warning, 'warning')} · ${info} info`;
}
