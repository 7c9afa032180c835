/**
 * The recorded demo sign-ins (tests/fixtures/demo, see tests/fixtures/README.md) audited end to end: HAR →
 * exchanges → analysis. Each variant names the rules a correct auditor reports for it and the near misses it
 * must not report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { variants } from '../demo/variants.ts';
import { parseHarText } from '../src/capture/har.ts';
import { analyze } from '../src/core/analyze.ts';
import type { Finding, Severity } from '../src/core/model.ts';
import { rules } from '../src/core/rules/index.ts';

const fixture = (id: string) => new URL(`./fixtures/demo/${id}.har`, import.meta.url);
const recorded = variants.filter((v) => existsSync(fixture(v.id)));
// Variants name rules from the whole catalogue; the auditor answers for the rules it implements.
const implemented = new Set<string>(rules.map((r) => r.meta.id));

async function findingsOf(id: string): Promise<Finding[]> {
  const { exchanges, warnings } = parseHarText(readFileSync(fixture(id), 'utf8'));
  expect(warnings).toEqual([]);
  const analysis = await analyze(exchanges);
  expect(analysis.problems).toEqual([]);
  return analysis.findings;
}

/** Findings more severe than `max`, as `ruleId/severity`. */
function above(findings: readonly Finding[], max: Severity): string[] {
  const rank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
  return findings.filter((f) => rank[f.severity] > rank[max]).map((f) => `${f.ruleId}/${f.severity}`);
}

describe('recorded demo variants', () => {
  it.each(recorded.map((v) => [v.id, v] as const))('%s', async (id, variant) => {
    const findings = await findingsOf(id);
    const found = new Set(findings.map((f) => f.ruleId));
    if (variant.maxSeverity) expect(above(findings, variant.maxSeverity), `nothing above ${variant.maxSeverity}`).toEqual([]);
    for (const ruleId of variant.expectedRuleIds.filter((r) => implemented.has(r))) expect(found, `expected ${ruleId}`).toContain(ruleId);
    for (const ruleId of variant.absentRuleIds ?? []) expect(found, `did not expect ${ruleId}`).not.toContain(ruleId);
  });

  it('cover every implemented rule', () => {
    const covered = new Set(recorded.flatMap((v) => v.expectedRuleIds));
    expect(rules.map((r) => r.meta.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('include a clean flow', () => {
    expect(recorded.find((v) => v.id === 'good')?.expectedRuleIds).toEqual([]);
  });
});

describe('two concurrent flows in one tab (recorded)', () => {
  it('pair each callback and token exchange with its own authorization request', async () => {
    const { exchanges } = parseHarText(readFileSync(fixture('concurrent'), 'utf8'));
    const { flows } = await analyze(exchanges);
    const complete = flows.filter((f) => f.authorization && f.callback && f.codeExchanges.length);
    expect(complete).toHaveLength(2);
    for (const flow of complete) {
      expect(flow.callback!.state).toBe(flow.authorization!.state);
      expect(flow.codeExchanges[0]!.code).toBe(flow.callback!.code);
      expect(flow.pkce.status).toBe('match');
    }
    expect(complete[0]!.authorization!.state).not.toBe(complete[1]!.authorization!.state);
  });
});
