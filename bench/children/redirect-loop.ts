/**
 * One measured run of the redirect-loop case: build the loop HAR in memory (bench/redirect-loop/generate.ts,
 * untimed), then time what `oauth-lens audit` does with it — harToExchanges, analyze (each rule timed), the
 * report model with redaction, JSON.stringify. A small untimed warm-up run first, so both sizes are measured
 * with the same code compiled. Prints one JSON line on stdout.
 *
 *   node --expose-gc --import tsx bench/children/redirect-loop.ts REPEATS same|fresh|none [--mangled] [--warmup N]
 */
import { harToExchanges } from '../../src/capture/har.ts';
import { analyze } from '../../src/core/analyze.ts';
import { buildAuditReport, buildInputReport } from '../../src/core/report.ts';
import { timedRules } from '../lib/timed-rules.ts';
import { type LoopState, redirectLoopHar } from '../redirect-loop/generate.ts';

const [repeatsArg, stateArg] = process.argv.slice(2);
const warmupAt = process.argv.indexOf('--warmup');
const warmup = warmupAt === -1 ? 1000 : Number(process.argv[warmupAt + 1]);
const repeats = Number(repeatsArg);
const state = stateArg as LoopState;
const mangled = process.argv.includes('--mangled');
if (!Number.isInteger(repeats) || repeats < 1 || !['same', 'fresh', 'none'].includes(state)) {
  process.stderr.write('usage: redirect-loop.ts REPEATS same|fresh|none [--mangled] [--warmup N]\n');
  process.exit(2);
}

const { rules: timedRuleList, ms: ruleMs } = timedRules();

async function audit(n: number) {
  // Parsed from text, as the CLI does, so the exchanges hold no structure shared with the generator.
  const har = JSON.parse(JSON.stringify(redirectLoopHar({ repeats: n, state, mangled }))) as unknown;
  // The generator's garbage is not the audit's: collect it before the clock starts (with --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const conversion = harToExchanges(har);
  const t1 = performance.now();
  const analysis = await analyze(conversion.exchanges, timedRuleList);
  const t2 = performance.now();
  const input = buildInputReport(analysis, {
    file: 'loop.har',
    exchanges: conversion.exchanges,
    skippedEntries: conversion.warnings,
    harEntryOf: (id) => Number(id.slice('har-'.length)),
  });
  const text = JSON.stringify(buildAuditReport([input], { toolVersion: 'bench', redacted: true }), null, 2);
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return {
    convertMs: t1 - t0,
    analyzeMs: t2 - t1,
    reportMs: t3 - t2,
    totalMs: t3 - t0,
    // User + system time of the whole process (GC threads included) over the same span: neighbours on a
    // shared machine stretch wall time, much less this.
    cpuMs: (cpu.user + cpu.system) / 1000,
    exchanges: conversion.exchanges.length,
    flows: analysis.flows.length,
    findings: analysis.findings.length,
    problems: analysis.problems,
    reportBytes: text.length,
  };
}

if (warmup > 0) await audit(warmup);
ruleMs.clear();
const result = await audit(repeats);
process.stdout.write(
  `${JSON.stringify({ repeats, state, mangled, ...result, rules: [...ruleMs].sort((a, b) => b[1] - a[1]).slice(0, 8) })}\n`,
);
