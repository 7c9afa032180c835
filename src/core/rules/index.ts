/**
 * The rule registry: an explicit list (no globbing), so a rule that is not listed here does not run, and
 * the meta-test (`tests/rules-registry.test.ts`) checks every file under `rules/` is listed, tested and cited.
 */
import type { Rule } from './rule.ts';
import pkceChallengeMismatch from './pkce-challenge-mismatch.ts';
// imports: pkce and code
// imports: state, redirect and client
// imports: request hygiene

export const rules = [
  pkceChallengeMismatch,
  // rules: pkce and code
  // rules: state, redirect and client
  // rules: request hygiene
] as const satisfies readonly Rule[];

export type RuleId = (typeof rules)[number]['meta']['id'];
