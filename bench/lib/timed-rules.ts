/**
 * The registry's rules wrapped to time each one, for the benchmarks that print the costliest rules. analyze()
 * starts every rule before awaiting any, so a synchronous check is timed as it returns (waiting for its promise
 * would add the rules started after it); an async check (src/core/rules/rule.ts) is timed until it settles, which
 * includes the time other rules ran meanwhile.
 */
import { rules } from '../../src/core/rules/index.ts';
import type { Rule } from '../../src/core/rules/rule.ts';

export function timedRules(): { rules: Rule[]; ms: Map<string, number> } {
  const ms = new Map<string, number>();
  const timed = rules.map(
    (rule): Rule => ({
      meta: rule.meta,
      check(context) {
        const started = performance.now();
        const record = (): void => {
          ms.set(rule.meta.id, (ms.get(rule.meta.id) ?? 0) + performance.now() - started);
        };
        let pending: ReturnType<Rule['check']>;
        try {
          pending = rule.check(context);
        } catch (error) {
          record();
          throw error;
        }
        if (!pending) {
          record();
          return;
        }
        return pending.finally(record);
      },
    }),
  );
  return { rules: timed, ms };
}
