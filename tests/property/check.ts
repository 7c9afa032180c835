/**
 * What every analysis must satisfy, whatever the input: no internal problems (a rule that throws is a bug,
 * reported with its stack), and an output that refers only to what exists.
 */
import type fc from 'fast-check';
import { analyze } from '../../src/core/analyze.ts';
import { buildFlows } from '../../src/core/build-flows.ts';
import { classify, inTimeOrder } from '../../src/core/classify.ts';
import type { Analysis, Exchange } from '../../src/core/model.ts';
import { rules } from '../../src/core/rules/index.ts';
import type { Rule } from '../../src/core/rules/rule.ts';

const SEVERITIES = new Set(['error', 'warning', 'info']);
const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

/**
 * Run `analyze` with every registered rule wrapped so that a throwing rule's stack is kept (analyze itself
 * keeps only the message), then check the output. Throws an Error naming every violation.
 */
export async function analyzeAndCheck(exchanges: readonly Exchange[]): Promise<Analysis> {
  const stacks: string[] = [];
  const wrapped: Rule[] = rules.map((rule) => ({
    meta: rule.meta,
    async check(context) {
      try {
        await rule.check(context);
      } catch (error) {
        stacks.push(`rule ${rule.meta.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        throw error;
      }
    },
  }));
  let analysis: Analysis;
  try {
    analysis = await analyze(exchanges, wrapped);
  } catch (error) {
    throw new Error(`analyze threw (it must never throw): ${error instanceof Error ? error.stack : String(error)}`);
  }
  const violations = consistencyViolations(exchanges, analysis);
  if (analysis.problems.length) {
    violations.unshift(`problems: ${JSON.stringify(analysis.problems)}`, ...stacks.map((s) => `stack of ${trimStack(s)}`));
    // analyze keeps only the message of a failure outside the rules: replay its stages to show where.
    if (analysis.problems.some((p) => p.startsWith('analysis failed')))
      violations.splice(1, 0, `stack of the analysis failure: ${await stageFailure(exchanges)}`);
  }
  if (violations.length) throw new Error(violations.join('\n'));
  return analysis;
}

async function stageFailure(exchanges: readonly Exchange[]): Promise<string> {
  try {
    const ordered = inTimeOrder(exchanges);
    await buildFlows(classify(ordered), ordered);
    return 'not reproduced in inTimeOrder/classify/buildFlows';
  } catch (error) {
    return trimStack(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}

/** Keep the stack frames inside the project (the rest is fast-check and vitest). */
function trimStack(stack: string): string {
  return stack
    .split('\n')
    .filter((line, i) => i === 0 || (/src\//.test(line) && !/node_modules/.test(line)))
    .slice(0, 8)
    .join('\n');
}

export function consistencyViolations(exchanges: readonly Exchange[], analysis: Analysis): string[] {
  const out: string[] = [];
  const inputIds = new Set(exchanges.map((e) => e.id));
  const flowIds = new Set<string>();
  const ruleIds = new Set<string>(rules.map((r) => r.meta.id));

  if (analysis.exchangeCount !== exchanges.length) out.push(`exchangeCount ${analysis.exchangeCount} ≠ ${exchanges.length} exchanges`);
  for (const flow of analysis.flows) {
    if (flowIds.has(flow.id)) out.push(`flow id ${flow.id} is returned twice`);
    flowIds.add(flow.id);
    for (const step of flow.steps)
      if (!inputIds.has(step.exchangeId)) out.push(`flow ${flow.id} has a step on unknown exchange ${step.exchangeId}`);
  }
  analysis.findings.forEach((f, i) => {
    const where = `finding #${i} (${f.ruleId})`;
    if (!ruleIds.has(f.ruleId)) out.push(`${where}: ruleId is not a registered rule`);
    if (!SEVERITIES.has(f.severity)) out.push(`${where}: invalid severity ${JSON.stringify(f.severity)}`);
    if (f.flowId !== undefined && !flowIds.has(f.flowId)) out.push(`${where}: flowId ${f.flowId} names no returned flow`);
    for (const id of f.exchangeIds) if (!inputIds.has(id)) out.push(`${where}: exchangeId ${JSON.stringify(id)} names no input exchange`);
    if (typeof f.message !== 'string' || !f.message.trim()) out.push(`${where}: empty message`);
    if (!Array.isArray(f.evidence) || f.evidence.some((e) => typeof e.label !== 'string' || typeof e.value !== 'string')) {
      out.push(`${where}: evidence items must be { label: string, value: string }, got ${JSON.stringify(f.evidence)?.slice(0, 200)}`);
    }
    // rule.ts: "Never put a secret value [in the message]: put it in evidence with secret: true".
    for (const e of f.evidence) {
      if (e.secret && typeof e.value === 'string' && e.value.length >= 8 && (f.message.includes(e.value) || f.title.includes(e.value))) {
        out.push(`${where}: the message repeats the secret evidence "${e.label}"`);
      }
    }
    const previous = analysis.findings[i - 1];
    if (previous && SEVERITIES.has(f.severity) && SEVERITY_RANK[previous.severity] > SEVERITY_RANK[f.severity])
      out.push(`${where}: findings not sorted by severity`);
  });
  const diagnosisIds = new Set<string>();
  analysis.diagnoses.forEach((d, i) => {
    const where = `diagnosis #${i} (${d.kind})`;
    if (diagnosisIds.has(d.id)) out.push(`${where}: id ${d.id} is returned twice`);
    diagnosisIds.add(d.id);
    if (!flowIds.has(d.flowId)) out.push(`${where}: flowId ${d.flowId} names no returned flow`);
    for (const id of d.exchangeIds) if (!inputIds.has(id)) out.push(`${where}: exchangeId ${JSON.stringify(id)} names no input exchange`);
    // src/core/diagnose/types.ts: secret values appear only in evidence, flagged; hints never carry them.
    const hints = JSON.stringify(d.hints);
    for (const e of d.evidence) {
      if (e.secret && e.value.length >= 8 && hints.includes(JSON.stringify(e.value).slice(1, -1)))
        out.push(`${where}: a hint repeats the secret evidence "${e.label}"`);
    }
  });
  try {
    JSON.stringify(analysis);
  } catch (error) {
    out.push(`the analysis does not serialise to JSON (the CLI and the panel need it to): ${String(error)}`);
  }
  return out;
}

/**
 * Run counts chosen to keep the property suite well under 20 s; override with FC_RUNS, replay a failure with
 * FC_SEED (and FC_PATH) as fast-check prints them.
 */
export function fcParams<T>(runs: number): fc.Parameters<T> {
  return {
    numRuns: Number(process.env.FC_RUNS ?? runs),
    ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
    ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
  };
}
