/**
 * `npm run bench`: every performance goal of OAuth Lens measured in one run, each as a section, and a
 * summary table at the end.
 *
 *   npm run bench                          all sections
 *   npm run bench -- --only har-audit      some sections (comma-separated ids)
 *   npm run bench -- --rounds 9            timed rounds per variant (default 5; medians are reported)
 *   npm run bench -- --quick               skip diagnostics (CPU profile, phase split); fewer rounds, flows, runs
 *   npm run bench -- --rebuild             rebuild bundles (the CLI, the extension) before measuring
 *
 * Sections: har-audit, redirect-loop (one request repeated 10,000 times audits in ≤ ~10× the time of 1,000),
 * page-load (the extension's page-load overhead against no extension and against the permission floor), page-load-firefox
 * (the same in Firefox ESR), worker
 * (heap and storage.session after many flows), badge-latency (token response → badge), panel (the DevTools panel
 * with 10,000 flows: first render and opening a flow).
 * Generated inputs and profiles live in `.bench/` (gitignored).
 */
import { fileURLToPath } from 'node:url';
import { harAuditSection } from './har-audit/section.ts';
import { redirectLoopSection } from './redirect-loop/section.ts';
import { pageLoadSection } from './page-load/section.ts';
import { firefoxPageLoadSection } from './page-load/firefox.ts';
import { workerSection } from './worker/section.ts';
import { badgeLatencySection } from './badge-latency/section.ts';
import { panelSection } from './panel/section.ts';
import { table } from './lib/stats.ts';
import type { BenchOptions, BenchSection, SectionResult } from './lib/types.ts';

const SECTIONS: BenchSection[] = [
  harAuditSection,
  redirectLoopSection,
  pageLoadSection,
  firefoxPageLoadSection,
  workerSection,
  badgeLatencySection,
  panelSection,
];

function parseOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { rounds: 5, only: [], quick: false, rebuild: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--rounds') options.rounds = Math.max(1, Number(argv[++i]));
    else if (arg === '--only') options.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--rebuild') options.rebuild = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`usage: npm run bench -- [--only ${SECTIONS.map((s) => s.id).join(',')}] [--rounds N] [--quick] [--rebuild]\n`);
      process.exit(0);
    } else {
      process.stderr.write(`unknown option ${arg}\n`);
      process.exit(2);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
  const workDir = `${root}/.bench`;
  const selected = SECTIONS.filter((s) => !options.only.length || options.only.includes(s.id));
  if (!selected.length) {
    process.stderr.write(`no section matches --only ${options.only.join(',')} (sections: ${SECTIONS.map((s) => s.id).join(', ')})\n`);
    process.exit(2);
  }

  const results: { section: BenchSection; result?: SectionResult; error?: string; ms: number }[] = [];
  for (const section of selected) {
    process.stdout.write(`\n== ${section.title} [${section.id}]\n`);
    const started = performance.now();
    try {
      const result = await section.run({ root, workDir, options, log: (line) => process.stdout.write(`${line}\n`) });
      results.push({ section, result, ms: performance.now() - started });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      process.stdout.write(`section ${section.id} failed: ${message}\n`);
      results.push({ section, error: message, ms: performance.now() - started });
    }
  }

  const rows = results.flatMap(({ section, result, error }) =>
    error
      ? [[section.id, 'section failed', error.slice(0, 120), '', 'FAIL']]
      : (result?.rows ?? []).map((r) => [section.id, r.metric, r.value, r.goal ?? '', r.status ?? 'info']),
  );
  process.stdout.write(
    `\n== Summary (${new Date().toISOString()}, node ${process.version})\n${table(['section', 'metric', 'value', 'goal', 'status'], rows)}\n`,
  );
  const notes = results.flatMap((r) => r.result?.notes ?? []);
  if (notes.length) process.stdout.write(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
  // A missed goal is a finding, not a crash; only a section that could not measure fails the run.
  if (results.some((r) => r.error)) process.exitCode = 1;
}

await main();
