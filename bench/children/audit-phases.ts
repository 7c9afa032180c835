/**
 * The audit pipeline run from source (via `node --import tsx`) with a timer around each phase:
 * read → JSON.parse → harToExchanges → analyze (each rule timed) → report model → JSON.stringify → write.
 * analyze's own stages (time order, classify, correlate) are timed again separately on the same input.
 *
 * Two uses: where the audit's time goes (`--phases`), and the audit child of the HAR bench while the CLI is
 * not built yet. Prints one JSON line on stdout.
 *
 *   node --import tsx bench/children/audit-phases.ts FILE.har [--output OUT] [--no-stages]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { harToExchanges } from '../../src/capture/har.ts';
import { analyze } from '../../src/core/analyze.ts';
import { classify, inTimeOrder } from '../../src/core/classify.ts';
import { correlate } from '../../src/core/correlate.ts';
import type { Analysis, Exchange } from '../../src/core/model.ts';
import { timedRules } from '../lib/timed-rules.ts';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const outputAt = args.indexOf('--output');
const output = outputAt === -1 ? '/dev/null' : args[outputAt + 1]!;
const stages = !args.includes('--no-stages');
if (!file) {
  process.stderr.write('usage: audit-phases.ts FILE.har [--output OUT] [--no-stages]\n');
  process.exit(2);
}

const phases: { name: string; ms: number; heapMB: number }[] = [];
async function phase<T>(name: string, run: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  phases.push({ name, ms: performance.now() - started, heapMB: process.memoryUsage().heapUsed / 2 ** 20 });
  return result;
}

const { rules: timedRuleList, ms: ruleMs } = timedRules();

const text = await phase('read file', () => readFileSync(file, 'utf8'));
const json = await phase('JSON.parse', () => JSON.parse(text) as unknown);
const conversion = await phase('harToExchanges', () => harToExchanges(json));
const analysis: Analysis = await phase('analyze', () => analyze(conversion.exchanges, timedRuleList));

// The report model, when the core has one (it is being written alongside this bench).
let report: unknown = analysis;
const reportModule = (await import('../../src/core/report.ts').catch(() => undefined)) as
  | {
      buildInputReport?: (
        a: Analysis,
        o: {
          file: string;
          exchanges: readonly Exchange[];
          skippedEntries: readonly string[];
          harEntryOf: (id: string) => number | undefined;
        },
      ) => unknown;
      buildAuditReport?: (inputs: unknown[], o: { toolVersion: string; redacted: boolean }) => unknown;
    }
  | undefined;
if (reportModule?.buildInputReport && reportModule.buildAuditReport) {
  report = await phase('report model (buildInputReport + redaction)', () => {
    const input = reportModule.buildInputReport!(analysis, {
      file,
      exchanges: conversion.exchanges,
      skippedEntries: conversion.warnings,
      harEntryOf: (id) => (id.startsWith('har-') ? Number(id.slice(4)) : undefined),
    });
    return reportModule.buildAuditReport!([input], { toolVersion: 'bench', redacted: true });
  });
}
const serialized = await phase('JSON.stringify report', () => JSON.stringify(report, null, 2));
await phase('write output', () => writeFileSync(output, serialized));

if (stages) {
  // analyze's stages, again on the same exchanges (analyze does not expose its own timings).
  const ordered = await phase('  analyze stage: inTimeOrder', () => inTimeOrder(conversion.exchanges));
  const classified = await phase('  analyze stage: classify', () => classify(ordered));
  await phase('  analyze stage: correlate', () => correlate(classified, ordered));
}

process.stdout.write(
  `${JSON.stringify({
    phases,
    rules: [...ruleMs].sort((a, b) => b[1] - a[1]),
    exchanges: conversion.exchanges.length,
    warnings: conversion.warnings.length,
    flows: analysis.flows.length,
    findings: analysis.findings.length,
    problems: analysis.problems,
  })}\n`,
);
