/**
 * Redirect-loop section: the analysis stays linear when one client repeats one authorization request and the
 * authorization server answers each at once with an error redirect to the callback (bench/redirect-loop/
 * generate.ts). Pairing, rules and report once scanned every same-state flow, every re-sent request or every
 * later exchange per flow: 1,000 repeats audited in 2.2 s, 4,000 in 40 s.
 *
 * Goal: 10,000 repeats take at most ~10× the time of 1,000 (linear; quadratic would be 100×). Each measurement
 * is a fresh child (bench/children/redirect-loop.ts) that builds the HAR in memory, warms up on 1,000 repeats
 * (so optimised code, not the JIT, is timed), then times what `oauth-lens audit --format json` does with it:
 * harToExchanges, analyze, the redacted report model and its JSON. The goal is on wall time (what a user
 * waits); the process's CPU time over the same span (user + system, GC threads included), which neighbours on
 * a shared machine disturb less, is shown beside it. The two sizes alternate within each round; medians are
 * compared, for each client: the same request re-sent (same state), a fresh state per attempt, no state, and
 * both with the state echoed altered (every response a mismatch, every request left pending).
 *
 * Knobs: BENCH_LOOP_REPEATS=1000,10000 (small, large), BENCH_LOOP_VARIANTS=same,fresh,none,same-mangled,fresh-mangled
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { type ChildRun, runNode } from '../lib/child.ts';
import { summarizeProfile } from '../lib/cpuprofile.ts';
import { loadReport, median, minMax, ms, pct, ratio, table } from '../lib/stats.ts';
import type { BenchContext, BenchSection, SectionResult, SummaryRow } from '../lib/types.ts';

const GOAL_RATIO = 10;
const VARIANTS = ['same', 'fresh', 'none', 'same-mangled', 'fresh-mangled'] as const;

interface LoopRun {
  repeats: number;
  convertMs: number;
  analyzeMs: number;
  reportMs: number;
  totalMs: number;
  cpuMs: number;
  exchanges: number;
  flows: number;
  findings: number;
  problems: string[];
  rules: [string, number][];
}

export const redirectLoopSection: BenchSection = {
  id: 'redirect-loop',
  title: 'Redirect loop: 10,000 repeats vs 1,000',
  async run(context: BenchContext): Promise<SectionResult> {
    const { root, workDir, options, log } = context;
    const [small, large] = (process.env.BENCH_LOOP_REPEATS ?? '1000,10000').split(',').map(Number) as [number, number];
    const variants = (process.env.BENCH_LOOP_VARIANTS?.split(',') ?? [...VARIANTS]).filter((v): v is (typeof VARIANTS)[number] =>
      (VARIANTS as readonly string[]).includes(v),
    );
    const rounds = options.quick ? Math.min(options.rounds, 3) : options.rounds;
    const child = join(root, 'bench/children/redirect-loop.ts');
    const argsOf = (variant: string, repeats: number) => [
      String(repeats),
      variant.replace('-mangled', ''),
      ...(variant.endsWith('-mangled') ? ['--mangled'] : []),
    ];
    const measure = async (variant: string, repeats: number, nodeArgs: string[] = []): Promise<LoopRun> =>
      parse(
        await runNode(child, argsOf(variant, repeats), { cwd: root, nodeArgs: [...nodeArgs, '--expose-gc', '--import', 'tsx'] }),
        variant,
      );

    log(`${variants.length} clients × ${small.toLocaleString('en')} and ${large.toLocaleString('en')} repeats, ${rounds} rounds (median)`);
    const loads = [loadavg()[0]!];
    const rows: SummaryRow[] = [];
    const summary: string[][] = [];
    const notes: string[] = [];
    let worst = 0;
    for (const variant of variants) {
      const runs: Record<'small' | 'large', LoopRun[]> = { small: [], large: [] };
      for (let round = 0; round < rounds; round++) {
        // Alternate which size goes first, so drift hits both alike.
        const order = round % 2 === 0 ? (['small', 'large'] as const) : (['large', 'small'] as const);
        for (const size of order) runs[size].push(await measure(variant, size === 'small' ? small : large));
        loads.push(loadavg()[0]!);
      }
      const smallMs = median(runs.small.map((r) => r.totalMs));
      const largeMs = median(runs.large.map((r) => r.totalMs));
      const smallCpu = median(runs.small.map((r) => r.cpuMs));
      const largeCpu = median(runs.large.map((r) => r.cpuMs));
      const r = largeMs / smallMs;
      const cpuRatio = largeCpu / smallCpu;
      worst = Math.max(worst, r);
      const last = runs.large.at(-1)!;
      const [lMin, lMax] = minMax(runs.large.map((x) => x.totalMs));
      const phases = (list: LoopRun[]) =>
        `convert ${ms(median(list.map((x) => x.convertMs)))}, analyze ${ms(median(list.map((x) => x.analyzeMs)))}, report ${ms(median(list.map((x) => x.reportMs)))}`;
      log(
        `  ${variant}: ${small.toLocaleString('en')} → ${ms(smallMs)} (${phases(runs.small)}); ${large.toLocaleString('en')} → ${ms(largeMs)} [${ms(lMin)}–${ms(lMax)}] (${phases(runs.large)}); ratio ${ratio(r)} wall, ${ratio(cpuRatio)} CPU (${ms(largeCpu)} / ${ms(smallCpu)}); ${last.flows.toLocaleString('en')} flows, ${last.findings.toLocaleString('en')} findings`,
      );
      if (last.problems.length) notes.push(`redirect-loop ${variant}: analysis problems: ${last.problems.join('; ')}`);
      summary.push([
        variant,
        `${ms(smallMs)} → ${ms(largeMs)}`,
        ratio(r),
        `${ms(smallCpu)} → ${ms(largeCpu)}`,
        ratio(cpuRatio),
        r <= GOAL_RATIO ? 'pass' : 'FAIL',
      ]);
      rows.push({
        metric: `${variant}: ${large.toLocaleString('en')} / ${small.toLocaleString('en')} repeats`,
        value: `${ratio(r)} (${ms(largeMs)} / ${ms(smallMs)}; CPU ${ratio(cpuRatio)}, ${ms(largeCpu)} / ${ms(smallCpu)})`,
        goal: `≤ ${GOAL_RATIO}×`,
        status: r <= GOAL_RATIO ? 'pass' : 'FAIL',
      });
    }
    log(
      table(
        ['client', `wall, ${small.toLocaleString('en')} → ${large.toLocaleString('en')}`, 'ratio', 'CPU', 'ratio', `≤ ${GOAL_RATIO}×`],
        summary,
      ),
    );
    const load = loadReport(loads, availableParallelism());
    log(`load average ${load.text}${load.busy ? ': the machine was busy, times are noisy' : ''}`);
    log(`(linear: ${ratio(large / small)}; quadratic: ${ratio((large / small) ** 2)})`);
    rows.push({
      metric: 'worst ratio',
      value: ratio(worst),
      goal: `≤ ${GOAL_RATIO}×`,
      status: worst <= GOAL_RATIO ? 'pass' : 'FAIL',
    });
    rows.push({ metric: 'load average during rounds', value: load.text, status: load.busy ? 'n/a' : 'info' });
    if (load.busy) notes.push(`redirect-loop: load average ${load.text} during the rounds; times are noisy.`);

    if (!options.quick && variants.length) {
      // Where the large run's time goes: the project's functions by self time, from a CPU profile.
      const profileDir = join(workDir, 'profiles-redirect-loop');
      rmSync(profileDir, { recursive: true, force: true });
      mkdirSync(profileDir, { recursive: true });
      const variant = variants[0]!;
      log(`CPU profile of ${variant} × ${large.toLocaleString('en')}…`);
      await measure(variant, large, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=500']);
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) {
        const profile = summarizeProfile(join(profileDir, file), root);
        const own = profile.self.filter((f) => /\(src\//.test(f.key)).slice(0, 8);
        log(
          indent(
            table(
              ['function', 'self', 'share'],
              own.map((f) => [f.key, ms(f.ms), pct(f.ms, profile.totalMs)]),
            ),
          ),
        );
        if (own[0])
          rows.push({ metric: `hottest own function (${variant})`, value: `${own[0].key}: ${ms(own[0].ms)} self`, status: 'info' });
      }
    }
    return { rows, notes };
  },
};

function parse(run: ChildRun, variant: string): LoopRun {
  if (run.exitCode !== 0) {
    throw new Error(
      `redirect-loop child (${variant}) failed (exit ${run.exitCode ?? run.signal}): ${run.stderr.trim().split('\n').slice(-5).join(' | ')}`,
    );
  }
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as LoopRun;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
