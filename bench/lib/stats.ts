/** Small statistics and formatting helpers shared by the sections. */

export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function minMax(values: readonly number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

export const ms = (value: number) =>
  value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
export const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
export const ratio = (value: number) => `${value.toFixed(2)}×`;

/** A plain-text table with aligned columns. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Nearest-rank quantile (q in [0, 1]): p95 of 20 values is the 19th smallest. */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Percentile-bootstrap confidence interval of the median: resample the values with replacement `iterations`
 * times, take each resample's median, and return the (1 - level)/2 and (1 + level)/2 quantiles of those.
 * `random` gives numbers in [0, 1) (a seeded `Rng.next`, so the interval is reproducible).
 */
export function bootstrapMedianCI(
  values: readonly number[],
  random: () => number,
  { iterations = 5000, level = 0.95 } = {},
): [number, number] {
  if (!values.length) return [Number.NaN, Number.NaN];
  const medians: number[] = [];
  const sample = new Array<number>(values.length);
  for (let i = 0; i < iterations; i++) {
    for (let j = 0; j < values.length; j++) sample[j] = values[Math.floor(random() * values.length)]!;
    medians.push(median(sample));
  }
  medians.sort((a, b) => a - b);
  const at = (q: number) => medians[Math.min(medians.length - 1, Math.max(0, Math.floor(q * medians.length)))]!;
  return [at((1 - level) / 2), at((1 + level) / 2)];
}

/** Load average, 1 minute, and whether it says the machine was busy (over 3/4 of the cores). */
export function loadReport(samples: readonly number[], cores: number): { load: number; busy: boolean; text: string } {
  const load = Math.max(...samples);
  const busy = load > cores * 0.75;
  return { load, busy, text: `${load.toFixed(1)} on ${cores} cores` };
}
