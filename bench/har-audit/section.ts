/**
 * HAR audit section: how much slower auditing a large HAR is than merely reading and parsing it.
 *
 * Goal: `oauth-lens audit` on a 50,000-entry HAR takes ≤ 1.5× the time of read + JSON.parse of the same file
 * (the floor of any HAR tool in Node). Both run as fresh child processes, alternated, several rounds; medians
 * compared. The audit child is the real CLI, end to end:
 *   node bin/oauth-lens.js audit FILE --format json --output /dev/null --fail-on never
 * (until the CLI exists: the source pipeline through tsx, clearly labelled). Then, where the time goes: a CPU
 * profile of the CLI child and a phase-timed run of the same pipeline from source.
 *
 * Environment knobs (for trying things; the goal is stated for the defaults):
 *   BENCH_HAR_ENTRIES=50000 BENCH_HAR_FLOWS=300   size of the generated HAR (cached in .bench/ per size)
 *   BENCH_HAR_AUDITOR=source                      time the source pipeline through tsx instead of the CLI
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, runNode, type ChildRun } from '../lib/child.ts';
import { summarizeProfile } from '../lib/cpuprofile.ts';
import { mb, median, mib, minMax, ms, pct, ratio, table } from '../lib/stats.ts';
import type { BenchContext, BenchSection, SectionResult, SummaryRow } from '../lib/types.ts';
import { ensureHar, type HarInfo } from './generate.ts';

const GOAL_RATIO = 1.5;
/** A recorded sign-in (tests/fixtures/README.md), found from this module so no absolute path is read. */
const SAMPLE_HAR = fileURLToPath(new URL('../../tests/fixtures/oidc-provider-code-pkce-good.har', import.meta.url));

interface Auditor {
  kind: 'cli' | 'tsx-fallback';
  /** Human description of the command. */
  describe: string;
  script: string;
  nodeArgs: string[];
  args(file: string, output: string): string[];
  /** Why the fallback is used. */
  reason?: string;
}

export const harAuditSection: BenchSection = {
  id: 'har-audit',
  title: 'HAR audit: CLI vs read + JSON.parse',
  async run(context: BenchContext): Promise<SectionResult> {
    const { root, workDir, options, log } = context;
    const entries = Number(process.env.BENCH_HAR_ENTRIES ?? 50_000);
    const flows = Number(process.env.BENCH_HAR_FLOWS ?? 300);
    const har = ensureHar(workDir, { seed: 20261122, entries, flows }, log);
    log(
      `input: ${har.path} — ${har.entries.toLocaleString('en')} entries, ${mb(har.bytes)}, ${har.flows} sign-in flows (${har.refreshes} with refreshes; defects ${JSON.stringify(har.defects)})${har.reused ? ', reused' : `, generated in ${ms(har.generatedMs ?? 0)}`}`,
    );

    const auditor = await resolveAuditor(root, workDir, options.rebuild, log);
    log(`audit child: ${auditor.describe}${auditor.reason ? `\n  (fallback: ${auditor.reason})` : ''}`);
    const notes: string[] = [];
    if (auditor.kind !== 'cli')
      notes.push(
        `har-audit: not the CLI (${auditor.reason}); the audit child was the source pipeline through tsx (adds tsx start-up and on-the-fly compilation, ~0.5–0.7 s, so its ratio overstates the CLI's).`,
      );

    const parseFloor = join(root, 'bench/children/parse-floor.mjs');
    const runParse = () => runNode(parseFloor, [har.path], { cwd: root });
    const runAudit = (output = '/dev/null', nodeArgs: string[] = []) =>
      runNode(auditor.script, auditor.args(har.path, output), { cwd: root, nodeArgs: [...nodeArgs, ...auditor.nodeArgs] });

    // Warm-up (page cache, lazy compilation caches) doubling as the sanity run: the audit writes a real report.
    log('warm-up and sanity run…');
    const warmParse = check(await runParse(), 'parse floor');
    const reportPath = join(workDir, 'har-audit-report.json');
    const sanity = check(await runAudit(reportPath), 'audit');
    const counts = countsOf(reportPath);
    log(
      `  parse ${ms(warmParse.wallMs)}; audit ${ms(sanity.wallMs)}, exit ${sanity.exitCode}, ${counts.flows ?? '?'} flows, ${counts.findings ?? '?'} findings${counts.problems ? `, problems: ${counts.problems}` : ''}`,
    );

    const parse: ChildRun[] = [];
    const audit: ChildRun[] = [];
    const loadBefore = loadavg()[0]!;
    for (let round = 0; round < options.rounds; round++) {
      // Alternate which goes first, so drift (thermal, page cache, neighbours) hits both alike.
      const order = round % 2 === 0 ? (['parse', 'audit'] as const) : (['audit', 'parse'] as const);
      for (const which of order) {
        if (which === 'parse') parse.push(check(await runParse(), 'parse floor'));
        else audit.push(check(await runAudit(), 'audit'));
      }
      log(
        `  round ${round + 1}/${options.rounds}: parse ${ms(parse.at(-1)!.wallMs)} (cpu ${ms(cpu(parse.at(-1)!))}, ${rss(parse.at(-1)!)}), audit ${ms(audit.at(-1)!.wallMs)} (cpu ${ms(cpu(audit.at(-1)!))}, ${rss(audit.at(-1)!)})`,
      );
    }
    // Wall time is the goal, but on a shared machine it is noisy: say how busy the machine was, and give CPU
    // time (user + system of the child, all its threads), which other processes disturb less.
    const load = Math.max(loadBefore, loadavg()[0]!);
    const cores = availableParallelism();
    const busy = load > cores * 0.75;
    const parseCpu = median(parse.map(cpu));
    const auditCpu = median(audit.map(cpu));
    const parseMs = median(parse.map((r) => r.wallMs));
    const auditMs = median(audit.map((r) => r.wallMs));
    const r = auditMs / parseMs;
    const parseRss = Math.max(...parse.map((x) => x.usage?.maxRSSKiB ?? 0)) * 1024;
    const auditRss = Math.max(...audit.map((x) => x.usage?.maxRSSKiB ?? 0)) * 1024;
    const [pMin, pMax] = minMax(parse.map((x) => x.wallMs));
    const [aMin, aMax] = minMax(audit.map((x) => x.wallMs));
    log(
      `parse floor median ${ms(parseMs)} [${ms(pMin)}–${ms(pMax)}], audit median ${ms(auditMs)} [${ms(aMin)}–${ms(aMax)}], ratio ${ratio(r)} (goal ≤ ${GOAL_RATIO}×)`,
    );
    log(`CPU time (user + system): parse median ${ms(parseCpu)}, audit median ${ms(auditCpu)}, ratio ${ratio(auditCpu / parseCpu)}`);
    log(
      `load average ${load.toFixed(1)} on ${cores} cores${busy ? ': the machine was busy, wall times are noisy (rerun with more --rounds, or on a quiet machine)' : ''}`,
    );
    if (busy)
      notes.push(`har-audit: load average ${load.toFixed(1)} on ${cores} cores during the timed rounds; wall-time medians are noisy.`);
    log(
      `peak RSS: parse ${mib(parseRss)} (${(parseRss / har.bytes).toFixed(1)}× the file), audit ${mib(auditRss)} (${(auditRss / har.bytes).toFixed(1)}× the file)`,
    );

    const rows: SummaryRow[] = [
      {
        metric: 'input HAR',
        value: `${har.entries.toLocaleString('en')} entries, ${mb(har.bytes)}, ${har.flows} flows planned`,
        status: 'info',
      },
      {
        metric: 'audit child',
        value: auditor.kind === 'cli' ? 'node bin/oauth-lens.js audit … --format json' : `tsx source pipeline (${auditor.reason})`,
        status: auditor.kind === 'cli' ? 'info' : 'n/a',
      },
      { metric: `read + JSON.parse, median of ${parse.length}`, value: ms(parseMs), status: 'info' },
      { metric: `audit, median of ${audit.length}`, value: ms(auditMs), status: 'info' },
      { metric: 'audit / parse (wall)', value: ratio(r), goal: `≤ ${GOAL_RATIO}×`, status: r <= GOAL_RATIO ? 'pass' : 'FAIL' },
      { metric: 'audit / parse (CPU time)', value: `${ratio(auditCpu / parseCpu)} (${ms(auditCpu)} / ${ms(parseCpu)})`, status: 'info' },
      { metric: 'load average during rounds', value: `${load.toFixed(1)} on ${cores} cores`, status: busy ? 'n/a' : 'info' },
      { metric: 'peak RSS parse', value: `${mib(parseRss)} (${(parseRss / har.bytes).toFixed(1)}× file)`, status: 'info' },
      { metric: 'peak RSS audit', value: `${mib(auditRss)} (${(auditRss / har.bytes).toFixed(1)}× file)`, status: 'info' },
      {
        metric: 'flows / findings found',
        value: `${counts.flows ?? '?'} / ${counts.findings ?? '?'}`,
        goal: `≈ ${har.flows} flows`,
        status: counts.flows === undefined ? 'n/a' : Math.abs(counts.flows - har.flows) <= har.flows * 0.05 ? 'pass' : 'FAIL',
      },
    ];

    if (!options.quick) {
      rows.push(...(await whereTheTimeGoes(context, har, auditor, runAudit)));
    }
    return { rows, notes };
  },
};

function check(run: ChildRun, what: string): ChildRun {
  if (run.exitCode !== 0 && run.exitCode !== 1) {
    throw new Error(`${what} child failed (exit ${run.exitCode ?? run.signal}): ${run.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  }
  return run;
}

const cpu = (run: ChildRun) => (run.usage ? run.usage.userCPUMs + run.usage.systemCPUMs : Number.NaN);
const rss = (run: ChildRun) => (run.usage ? mib(run.usage.maxRSSKiB * 1024) : 'RSS ?');

/**
 * The real CLI when its bundle exists (built here if missing) and it honours the audit contract on the
 * recorded sample; otherwise the source pipeline through tsx.
 */
async function resolveAuditor(root: string, workDir: string, rebuild: boolean, log: (l: string) => void): Promise<Auditor> {
  const bundle = join(root, 'dist-cli/oauth-lens.js');
  const cli: Auditor = {
    kind: 'cli',
    describe: 'node bin/oauth-lens.js audit FILE --format json --output /dev/null --fail-on never',
    script: join(root, 'bin/oauth-lens.js'),
    nodeArgs: [],
    args: (file, output) => ['audit', file, '--format', 'json', '--output', output, '--fail-on', 'never'],
  };
  const fallback = (reason: string): Auditor => ({
    kind: 'tsx-fallback',
    describe:
      'node --import tsx bench/children/audit-phases.ts FILE --output /dev/null (src/capture/har.ts + src/core/analyze.ts + report)',
    script: join(root, 'bench/children/audit-phases.ts'),
    nodeArgs: ['--import', 'tsx'],
    args: (file, output) => [file, '--output', output, '--no-stages'],
    reason,
  });

  if (process.env.BENCH_HAR_AUDITOR === 'source') return fallback('BENCH_HAR_AUDITOR=source');
  if (rebuild || !existsSync(bundle)) {
    log(`building the CLI (npm run build:cli)${existsSync(bundle) ? ', --rebuild' : ', dist-cli/oauth-lens.js is missing'}…`);
    const built = await runCommand('npm', ['run', 'build:cli'], root);
    if (built.exitCode !== 0) return fallback(`npm run build:cli failed: ${built.output.trim().split('\n').slice(-3).join(' | ')}`);
  }
  // Smoke test against the contract on the recorded sample.
  mkdirSync(workDir, { recursive: true });
  const smokeOut = join(workDir, 'cli-smoke.json');
  rmSync(smokeOut, { force: true });
  const smoke = await runNode(cli.script, cli.args(SAMPLE_HAR, smokeOut), { cwd: root, timeoutMs: 60_000 });
  if (smoke.exitCode !== 0)
    return fallback(`CLI smoke run on the sample exited ${smoke.exitCode}: ${(smoke.stderr || smoke.stdout).trim().slice(0, 200)}`);
  if (!existsSync(smokeOut))
    return fallback(`CLI smoke run wrote no --output file (stdout: ${JSON.stringify(smoke.stdout.trim().slice(0, 80))})`);
  const counts = countsOf(smokeOut);
  if (counts.flows === undefined) return fallback('CLI --format json output has no recognisable flow count');
  return cli;
}

/** Flow and finding counts from the audit's JSON output (the report model, or a raw analysis). */
function countsOf(path: string): { flows?: number; findings?: number; problems?: number } {
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const summary = (json.summary ?? {}) as Record<string, unknown>;
    const findings = summary.findings;
    const inputs = Array.isArray(json.inputs) ? (json.inputs as Record<string, unknown>[]) : [];
    const problems = inputs.reduce(
      (n, i) => n + (Array.isArray(i.problems) ? (i.problems as unknown[]).length : 0),
      Array.isArray(json.problems) ? (json.problems as unknown[]).length : 0,
    );
    const flows =
      typeof summary.flows === 'number' ? summary.flows : Array.isArray(json.flows) ? (json.flows as unknown[]).length : undefined;
    const findingCount =
      typeof findings === 'number'
        ? findings
        : findings && typeof (findings as Record<string, unknown>).total === 'number'
          ? (findings as { total: number }).total
          : Array.isArray(json.findings)
            ? (json.findings as unknown[]).length
            : undefined;
    return { ...(flows !== undefined ? { flows } : {}), ...(findingCount !== undefined ? { findings: findingCount } : {}), problems };
  } catch {
    return {};
  }
}

interface PhaseOutput {
  phases: { name: string; ms: number; heapMB: number }[];
  rules: [string, number][];
  exchanges: number;
  flows: number;
  findings: number;
  problems: string[];
}

/** CPU profile of the audit child (hot functions), and the pipeline's phases timed from source. */
async function whereTheTimeGoes(
  context: BenchContext,
  har: HarInfo,
  auditor: Auditor,
  runAudit: (output?: string, nodeArgs?: string[]) => Promise<ChildRun>,
): Promise<SummaryRow[]> {
  const { root, workDir, log } = context;
  const rows: SummaryRow[] = [];

  // 1. Phases, timed from source (one run; the figures are stable to a few percent).
  log('phase split (source pipeline through tsx, one run)…');
  const phasesRun = check(
    await runNode(join(root, 'bench/children/audit-phases.ts'), [har.path], { cwd: root, nodeArgs: ['--import', 'tsx'] }),
    'audit-phases',
  );
  const phases = JSON.parse(phasesRun.stdout.trim().split('\n').at(-1)!) as PhaseOutput;
  const pipeline = phases.phases.filter((p) => !p.name.startsWith('  '));
  const total = pipeline.reduce((s, p) => s + p.ms, 0);
  log(
    table(
      ['phase', 'time', 'share', 'heap after'],
      phases.phases.map((p) => [p.name, ms(p.ms), p.name.startsWith('  ') ? '' : pct(p.ms, total), `${p.heapMB.toFixed(0)} MiB`]),
    ),
  );
  log(`  (${phases.exchanges} exchanges, ${phases.flows} flows, ${phases.findings} findings; child peak RSS ${rss(phasesRun)})`);
  const topRules = phases.rules.slice(0, 6);
  const rulesTotal = phases.rules.reduce((s, [, t]) => s + t, 0);
  log(`  rules: ${ms(rulesTotal)} in all; slowest: ${topRules.map(([id, t]) => `${id} ${ms(t)}`).join(', ')}`);
  const get = (name: string) => phases.phases.find((p) => p.name === name)?.ms ?? 0;
  const analyzeMs = get('analyze');
  rows.push({
    metric: 'split (from source)',
    value: `read ${ms(get('read file'))}, JSON.parse ${ms(get('JSON.parse'))}, harToExchanges ${ms(get('harToExchanges'))}, analyze ${ms(analyzeMs)} (rules ${ms(rulesTotal)}), report ${ms(total - get('read file') - get('JSON.parse') - get('harToExchanges') - analyzeMs)}`,
    status: 'info',
  });

  // 2. CPU profile of the real audit child.
  const profileDir = join(workDir, 'profiles');
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  log(`CPU profile of the audit child (${auditor.kind})…`);
  const profiled = check(
    await runAudit('/dev/null', ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=500']),
    'audit (profiled)',
  );
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) {
    log('  no .cpuprofile was written');
    return rows;
  }
  const summary = summarizeProfile(join(profileDir, file), root);
  log(`  profiled run ${ms(profiled.wallMs)} wall, ${ms(summary.totalMs)} profiled; profile: ${join(profileDir, file)}`);
  log('  top self time:');
  log(
    indent(
      table(
        ['function', 'self', 'share'],
        summary.self.slice(0, 15).map((f) => [f.key, ms(f.ms), pct(f.ms, summary.totalMs)]),
      ),
    ),
  );
  const interesting = summary.inclusive
    .filter((f) =>
      /^(?:parseHarText|harToExchanges|entryToExchange|analyze|classify|correlate|buildFlows|pkceOf|check|buildInputReport|collectSecrets|createRedactor|buildAuditReport|formatJson|run|main|audit)\b/.test(
        f.key,
      ),
    )
    .slice(0, 15);
  log('  inclusive time of pipeline functions:');
  log(
    indent(
      table(
        ['function', 'inclusive', 'share'],
        interesting.map((f) => [f.key, ms(f.ms), pct(f.ms, summary.totalMs)]),
      ),
    ),
  );
  const gc = summary.self.find((f) => f.key === '(garbage collector)')?.ms ?? 0;
  // The split of the real CLI run, from the profile (GC is reported on its own, not inside each phase).
  const incl = (name: string) => summary.inclusive.find((f) => f.key.startsWith(`${name} (`))?.ms;
  const selfOf = (name: string) => summary.self.find((f) => f.key.startsWith(`${name} (`))?.ms;
  const parts: [string, number | undefined][] = [
    ['read + decode', sum(incl('readFileBytes'), incl('decode'))],
    ['JSON.parse', selfOf('parseHarText')],
    ['harToExchanges', incl('harToExchanges')],
    ['analyze', incl('analyze')],
    ['report', sum(incl('buildInputReport'), incl('buildAuditReport'), incl('render'))],
    ['GC', gc],
  ];
  const known = parts.reduce((t, [, v]) => t + (v ?? 0), 0);
  parts.push(['other (start-up, module load, exit)', summary.totalMs - known]);
  log('  split of the profiled CLI run:');
  log(
    indent(
      table(
        ['part', 'time', 'share'],
        parts.map(([name, v]) => [name, v === undefined ? '?' : ms(v), v === undefined ? '' : pct(v, summary.totalMs)]),
      ),
    ),
  );
  rows.push({
    metric: 'split (CLI profile)',
    value: parts.map(([name, v]) => `${name.split(' (')[0]} ${v === undefined ? '?' : ms(v)}`).join(', '),
    status: 'info',
  });
  // The project's own hottest function (parseHarText's self time is JSON.parse, a builtin).
  const hottest = summary.self.find((f) => /\((?:src|dist-cli)\//.test(f.key) && !f.key.startsWith('parseHarText '));
  if (hottest) rows.push({ metric: 'hottest own function (profile)', value: `${hottest.key}: ${ms(hottest.ms)} self`, status: 'info' });
  return rows;
}

const sum = (...values: (number | undefined)[]) =>
  values.every((v) => v === undefined) ? undefined : values.reduce<number>((t, v) => t + (v ?? 0), 0);
const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
