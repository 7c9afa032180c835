/**
 * analyze(exchanges) → flows, findings and stuck-flow diagnoses. The one entry point the worker, the panel and the CLI call.
 * It never throws: a failing rule becomes a `problems` entry and the other rules still run.
 */
import { buildFlows } from './build-flows.ts';
import { classify, inTimeOrder } from './classify.ts';
import { diagnose } from './diagnose/index.ts';
import type { Diagnosis } from './diagnose/types.ts';
import type { Analysis, Exchange, Finding, Flow } from './model.ts';
import { rules } from './rules/index.ts';
import type { Report, Rule, RuleContext } from './rules/rule.ts';

export async function analyze(exchanges: readonly Exchange[], activeRules: readonly Rule[] = rules): Promise<Analysis> {
  try {
    const ordered = inTimeOrder(exchanges);
    const classified = classify(ordered);
    const flows = await buildFlows(classified, ordered);
    // The rules run together (one awaiting WebCrypto does not hold up the others); joining their outcomes in
    // registry order keeps findings and problems in the same order whichever rule finishes first.
    const outcomes = await Promise.all(activeRules.map((rule) => runRule(rule, { flows, exchanges: ordered, classified })));
    const findings = outcomes.flatMap((o) => o.findings);
    const problems = outcomes.flatMap((o) => (o.problem !== undefined ? [o.problem] : []));
    const diagnosed = diagnosesOf(flows, ordered);
    if (diagnosed.problem !== undefined) problems.push(diagnosed.problem);
    return {
      flows,
      findings: findings.sort(bySeverity),
      diagnoses: diagnosed.diagnoses,
      exchangeCount: exchanges.length,
      metadata: classified.metadata,
      problems,
    };
  } catch (error) {
    return {
      flows: [],
      findings: [],
      diagnoses: [],
      exchangeCount: exchanges.length,
      metadata: [],
      problems: [`analysis failed: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
}

/** The stuck-flow diagnoses; one that fails is a problem, as a failing rule is, and the findings stand. */
function diagnosesOf(flows: readonly Flow[], exchanges: readonly Exchange[]): { diagnoses: Diagnosis[]; problem?: string } {
  try {
    return { diagnoses: diagnose(flows, exchanges) };
  } catch (error) {
    return { diagnoses: [], problem: `diagnoses failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

interface RuleOutcome {
  findings: Finding[];
  /** What the check threw or rejected with. */
  problem?: string;
}

/**
 * One rule, isolated from the others. A report made after its check settled (a promise it did not await) is
 * dropped: what the analysis returns must not depend on timing.
 */
async function runRule(rule: Rule, context: Omit<RuleContext, 'report'>): Promise<RuleOutcome> {
  const findings: Finding[] = [];
  let settled = false;
  const report = (r: Report) => {
    if (!settled) findings.push(findingOf(rule, r));
  };
  try {
    await rule.check({ ...context, report });
    return { findings };
  } catch (error) {
    return { findings, problem: `rule ${rule.meta.id} failed: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    settled = true;
  }
}

function findingOf(rule: Rule, r: Report): Finding {
  return {
    ruleId: rule.meta.id,
    severity: r.severity ?? rule.meta.severity,
    title: rule.meta.title,
    message: r.message,
    citation: rule.meta.citation,
    fix: rule.meta.fix,
    ...(r.flow ? { flowId: r.flow.id } : {}),
    exchangeIds: [...new Set((r.exchanges ?? []).filter((e) => e !== undefined).map((e) => e.id))],
    evidence: r.evidence ?? [],
  };
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function bySeverity(a: Finding, b: Finding): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
}
