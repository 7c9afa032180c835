/**
 * Running one rule alone, for its tests. A rule must never throw, and `analyze` turns a throw into a
 * `problems` entry rather than failing; so a problem fails the test here.
 */
import { expect } from 'vitest';
import { analyze } from '../../src/core/analyze.ts';
import type { Exchange, Finding } from '../../src/core/model.ts';
import type { Rule } from '../../src/core/rules/rule.ts';

export function findingsOfRule(rule: Rule): (exchanges: readonly Exchange[]) => Promise<Finding[]> {
  return async (exchanges) => {
    const analysis = await analyze(exchanges, [rule]);
    expect(analysis.problems).toEqual([]);
    return analysis.findings;
  };
}
