/**
 * A bench section is one measurement of `npm run bench` (HAR audit, extension page-load overhead, worker
 * memory, panel render…). Each returns rows for the summary table printed at the end of the run.
 */
export interface BenchOptions {
  /** Timed rounds per measured variant (the median is reported). */
  rounds: number;
  /** Sections to run (ids); all when empty. */
  only: string[];
  /** Skip the slower diagnostic parts (CPU profile, phase split). */
  quick: boolean;
  /** Rebuild bundles (e.g. the CLI) even when they exist. */
  rebuild: boolean;
}

export interface BenchContext {
  /** Repository root (absolute). */
  root: string;
  /** Scratch directory for generated inputs and profiles: `.bench/` (gitignored). */
  workDir: string;
  options: BenchOptions;
  /** Progress output (stderr-like); sections print their own detail as they go. */
  log(line: string): void;
}

export type RowStatus = 'pass' | 'FAIL' | 'info' | 'n/a';

export interface SummaryRow {
  metric: string;
  value: string;
  /** The project's goal for this figure, in words (`≤ 1.5× parse`). */
  goal?: string;
  status?: RowStatus;
}

export interface SectionResult {
  rows: SummaryRow[];
  /** Caveats shown under the table (e.g. "CLI not built yet: measured the tsx fallback"). */
  notes?: string[];
}

export interface BenchSection {
  id: string;
  title: string;
  run(context: BenchContext): Promise<SectionResult>;
}
