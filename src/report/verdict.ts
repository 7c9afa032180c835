/** A verdict and its finding counts in words and symbols, the same in the CLI, the panel and the popup. Pure. */
import type { Diagnosis } from '../core/diagnose/types.ts';
import type { Verdict } from '../core/model.ts';
import type { FlowVerdict } from '../core/summary.ts';
import { plural } from './text.ts';

/**
 * One glyph per verdict, for a list row or a card heading (colour comes from each view's stylesheet). A flow
 * whose findings are all info passed: notes are advice, not defects, so it shows the same ✓ as the badge.
 */
export const VERDICT_SYMBOL: Record<Verdict, string> = { error: '✕', warning: '!', info: '✓', pass: '✓' };

/**
 * A flow no rule faulted that did not finish, by a likely or certain stuck-flow diagnosis (the server refused
 * the request, the token request was blocked). A 'possible' one also fits a working flow (a confidential
 * client redeems its code on its server), so it does not count.
 */
export function isStuck(diagnoses: readonly Pick<Diagnosis, 'likelihood'>[]): boolean {
  return diagnoses.some((d) => d.likelihood !== 'possible');
}

/** What a stuck flow shows instead of ✓, in the popup, the panel's list and on the badge. */
export const STUCK_SYMBOL = '?';

/**
 * What a flow's glyph and colour show: its verdict, or 'stuck' for a flow that passed but is stuck (isStuck),
 * never over a rule's fault. Views use it as their CSS class.
 */
export function flowStanding(verdict: Verdict, stuck: boolean): Verdict | 'stuck' {
  return (verdict === 'pass' || verdict === 'info') && stuck ? 'stuck' : verdict;
}

/** The glyph of a flow: its verdict's, or STUCK_SYMBOL for a flow that passed but is stuck (flowStanding). */
export function flowSymbol(verdict: Verdict, stuck: boolean): string {
  const standing = flowStanding(verdict, stuck);
  return standing === 'stuck' ? STUCK_SYMBOL : VERDICT_SYMBOL[standing];
}

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
