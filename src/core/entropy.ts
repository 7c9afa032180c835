/**
 * How random a client-generated value looks: state, nonce, PKCE verifier. RFC 6749 §10.10 asks for a guessing
 * probability of at most 2^-128, §10.12 for a non-guessable state, RFC 7636 §7.1 for a high-entropy verifier.
 * A passive observer only sees the values, so this is an estimate, built on the empirical Shannon entropy
 * per character × the length, with one correction:
 *
 * The empirical Shannon entropy of ONE short string underestimates its source: 22 characters of base64url
 * (16 random bytes, 128 bits) can never score more than log2(22) ≈ 4.46 bits a character, ≈ 98 bits. So when
 * the value's character distribution is as spread out as a uniformly random string of that length over its
 * alphabet would be (at least `UNIFORM_RATIO` of the expected empirical entropy), the estimate is
 * length × log2(alphabet); otherwise it is the plain Shannon estimate, which is what catches repetitive or
 * structured values. A UUID written with dashes carries the random bits of its version (RFC 9562): 122 for
 * version 4 (§5.4), 74 for version 7 (§5.7), at most 62 (clock sequence and node) for the time-based 1 and 6.
 *
 * Also: runs of values that count up by a constant step across flows (1, 2, 3; `s-0007`, `s-0008`, `s-0009`).
 * Pure functions; nothing throws.
 */

export interface EntropyEstimate {
  /** Estimated bits of entropy. */
  bits: number;
  /** Length in characters (code points). */
  length: number;
  /** Empirical Shannon entropy per character, in bits. */
  shannonPerChar: number;
  /** Size of the smallest usual alphabet that contains every character (digits, hex, letter classes…). */
  alphabet: number;
  /** How `bits` was obtained. */
  method: 'alphabet' | 'shannon' | 'uuid' | 'repeat';
  /** For `uuid`: the UUID version (RFC 9562 §4.2). */
  uuidVersion?: number;
}

/** A random string scoring at least this share of the expected empirical entropy counts as uniform. */
export const UNIFORM_RATIO = 0.7;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-([1-8])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Random bits by UUID version (RFC 9562 §5); name-based and custom versions are credited like version 4. */
const UUID_RANDOM_BITS: Record<number, number> = { 1: 62, 6: 62, 7: 74 };

/** Empirical Shannon entropy per character (bits) of the value's code points. */
export function shannonPerChar(value: string): number {
  const chars = [...value];
  if (chars.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Usual alphabets of random-string generators, smallest first. */
const ALPHABETS: readonly [RegExp, number][] = [
  [/^[0-9]+$/, 10],
  [/^[0-9a-f]+$/, 16],
  [/^[0-9A-F]+$/, 16],
  [/^[a-z]+$/, 26],
  [/^[A-Z]+$/, 26],
  [/^[a-z0-9]+$/, 36],
  [/^[A-Z0-9]+$/, 36],
  // Both letter cases: an alphanumeric generator whose output happens to hold no digit is far more common
  // than a letters-only one.
  [/^[A-Za-z0-9]+$/, 62],
  [/^[A-Za-z0-9_-]+$/, 64],
  [/^[A-Za-z0-9+/]+=*$/, 64],
  [/^[A-Za-z0-9._~-]+$/, 66],
  [/^[\x20-\x7e]+$/, 95],
];

/**
 * The smallest usual alphabet holding every character (digits 10, one-case hex 16, letters of one case 26,
 * alphanumerics 62, base64url or base64 64, RFC 3986 unreserved 66, printable ASCII 95); beyond ASCII,
 * 95 plus each distinct other character.
 */
export function alphabetSize(value: string): number {
  if (value === '') return 0;
  for (const [pattern, size] of ALPHABETS) if (pattern.test(value)) return size;
  return 95 + new Set([...value].filter((c) => !/[\x20-\x7e]/.test(c))).size;
}

/**
 * Expected empirical Shannon entropy (bits per character) of `length` characters drawn uniformly from
 * `alphabet` symbols: log2(N) − (A/N)·E[n·log2 n] with n ~ Binomial(N, 1/A).
 */
export function expectedShannonPerChar(length: number, alphabet: number): number {
  if (length <= 1 || alphabet <= 1) return 0;
  if (length > 1000) return Math.log2(alphabet) - (alphabet - 1) / (2 * length * Math.LN2);
  const p = 1 / alphabet;
  let pmf = (1 - p) ** length;
  let sum = 0;
  for (let k = 1; k <= length; k++) {
    pmf *= ((length - k + 1) / k) * (p / (1 - p));
    sum += pmf * k * Math.log2(k);
  }
  return Math.log2(length) - (alphabet / length) * sum;
}

export function estimateEntropy(value: string): EntropyEstimate {
  const length = [...value].length;
  const shannon = shannonPerChar(value);
  const alphabet = alphabetSize(value);
  const uuid = UUID.exec(value);
  if (uuid) {
    const version = Number(uuid[1]);
    return { bits: UUID_RANDOM_BITS[version] ?? 122, length, shannonPerChar: shannon, alphabet, method: 'uuid', uuidVersion: version };
  }
  const period = smallestPeriod(value);
  if (value.length >= 2 && period * 2 <= value.length) {
    // "abcabcabc…": no more random than its first period.
    const unit = estimateEntropy(value.slice(0, period));
    return { bits: unit.bits, length, shannonPerChar: shannon, alphabet, method: 'repeat' };
  }
  // base64 padding carries nothing.
  const significant = alphabet === 64 && value.endsWith('=') ? value.replace(/=+$/, '') : value;
  const n = [...significant].length;
  const spread = shannonPerChar(significant);
  if (n > 1 && spread >= UNIFORM_RATIO * expectedShannonPerChar(n, alphabet)) {
    return { bits: n * Math.log2(alphabet), length, shannonPerChar: shannon, alphabet, method: 'alphabet' };
  }
  return { bits: length * shannon, length, shannonPerChar: shannon, alphabet, method: 'shannon' };
}

/** Longest value scanned for repetition (KMP is linear, but a state has no business being this long). */
const MAX_PERIOD_SCAN = 4096;

/** The smallest p such that value[i] = value[i − p] for every i ≥ p (the length itself when none is shorter). */
function smallestPeriod(value: string): number {
  const n = value.length;
  if (n < 2 || n > MAX_PERIOD_SCAN) return n;
  // KMP failure function: the longest proper border of value[0..i].
  const border = new Array<number>(n).fill(0);
  for (let i = 1, k = 0; i < n; i++) {
    while (k > 0 && value[i] !== value[k]) k = border[k - 1]!;
    if (value[i] === value[k]) k++;
    border[i] = k;
  }
  return n - border[n - 1]!;
}

/** A run of values (indexes into the input) sharing a prefix and counting by a constant non-zero step. */
export interface SequentialRun {
  indexes: number[];
  prefix: string;
  step: bigint;
}

/** Shortest run reported: two values always differ by "a constant". */
export const MIN_SEQUENTIAL_RUN = 3;

const TRAILING_NUMBER = /^(.*?)([0-9]{1,40})$/s;

/**
 * Runs of values, in the given (time) order, made of one prefix and a trailing number that changes by the same
 * non-zero step each time: `1, 2, 3`, `state-10, state-20, state-30`, `1700000000000, 1700000000005, …`.
 * Values between them with another prefix do not break a run (flows of other clients may interleave).
 */
export function sequentialRuns(values: readonly string[], minRun = MIN_SEQUENTIAL_RUN): SequentialRun[] {
  const byPrefix = new Map<string, { index: number; n: bigint }[]>();
  values.forEach((value, index) => {
    const match = TRAILING_NUMBER.exec(value);
    if (!match) return;
    const prefix = match[1]!;
    const list = byPrefix.get(prefix) ?? [];
    list.push({ index, n: BigInt(match[2]!) });
    byPrefix.set(prefix, list);
  });
  const runs: SequentialRun[] = [];
  for (const [prefix, list] of byPrefix) {
    let start = 0;
    while (start + 1 < list.length) {
      const step = list[start + 1]!.n - list[start]!.n;
      let end = start + 1;
      if (step !== 0n) while (end + 1 < list.length && list[end + 1]!.n - list[end]!.n === step) end++;
      if (step !== 0n && end - start + 1 >= minRun) {
        runs.push({ indexes: list.slice(start, end + 1).map((e) => e.index), prefix, step });
        start = end;
      } else {
        start++;
      }
    }
  }
  return runs.sort((a, b) => a.indexes[0]! - b.indexes[0]!);
}
