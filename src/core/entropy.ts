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
 * structured values. A UUID carries the random bits of its version (RFC 9562): 122 for version 4 (§5.4), 74 for
 * version 7 (§5.7), at most 62 (clock sequence and node) for the time-based 1 and 6 (§5.1, §5.6). It is a UUID
 * with or without its dashes (oidc-client-ts sends a version-4 UUID as 32 hex digits), so that one value gets one
 * score whichever way an SDK wrote it. Without dashes, 32 hex digits are read as a time-based UUID only when the
 * time they hold is within a day of the request: one random hex string in 64 carries a version nibble and variant
 * bits by chance, but not the time of day as well.
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

const DASHED_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-([1-8])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const UNDASHED_UUID = /^[0-9a-f]{12}([1-8])[0-9a-f]{3}[89ab][0-9a-f]{15}$/i;

/** Random bits by UUID version (RFC 9562 §5); name-based and custom versions are credited like version 4. */
const UUID_RANDOM_BITS: Record<number, number> = { 1: 62, 6: 62, 7: 74 };

/** The time-based versions (RFC 9562 §5.1, §5.6, §5.7). */
const TIME_BASED_UUID_VERSIONS: ReadonlySet<number> = new Set([1, 6, 7]);

const DAY_MS = 86_400_000;
/** 100-ns intervals between the Gregorian epoch of version 1 and 6 (1582-10-15) and the Unix epoch. */
const GREGORIAN_TO_UNIX_100NS = 0x01b21dd213814000;

/** The creation time a time-based UUID's 32 hex digits hold, in ms since the Unix epoch (RFC 9562 §5.1, §5.6, §5.7). */
function uuidTime(hex: string, version: number): number | undefined {
  const field = (from: number, to: number) => Number.parseInt(hex.slice(from, to), 16);
  if (version === 7) return field(0, 12);
  // 60-bit count of 100 ns; a double keeps it to within a microsecond, plenty for a day's window.
  const ticks =
    version === 1
      ? field(13, 16) * 2 ** 48 + field(8, 12) * 2 ** 32 + field(0, 8)
      : version === 6
        ? field(0, 8) * 2 ** 28 + field(8, 12) * 2 ** 12 + field(13, 16)
        : undefined;
  return ticks === undefined ? undefined : (ticks - GREGORIAN_TO_UNIX_100NS) / 10_000;
}

/**
 * The UUID version of a value written as a UUID (RFC 9562 §4): dashed, or 32 hex digits whose version nibble and
 * variant bits (10xx) fit. Undashed time-based versions must also hold a time within a day of `near` (the
 * request's time), and are not read as UUIDs when `near` is unknown.
 */
export function uuidVersion(value: string, near?: number): number | undefined {
  const dashed = DASHED_UUID.exec(value);
  if (dashed) return Number(dashed[1]);
  const undashed = UNDASHED_UUID.exec(value);
  if (!undashed) return undefined;
  const version = Number(undashed[1]);
  // Without dashes, the layout is the only sign: version 4 changes no verdict (its 122 bits pass, and so would the
  // 128 of plain hex), so it is read as such; a time-based version needs its time to fit too, and the others
  // (name-based, custom) are left as plain hex, as one random hex string in 16 looks like one of them.
  if (version === 4) return version;
  if (!TIME_BASED_UUID_VERSIONS.has(version)) return undefined;
  const time = uuidTime(value, version);
  return near !== undefined && time !== undefined && Math.abs(time - near) <= DAY_MS ? version : undefined;
}

/** Empirical Shannon entropy per character (bits) of the value's code points. */
export function shannonPerChar(value: string): number {
  // Counted by code point in a reused table, not by one-character strings in a map: a megabyte-long state costs
  // a few milliseconds instead of a tenth of a second. Points beyond the BMP (rare) go to a map.
  const touched: number[] = [];
  const astral = new Map<number, number>();
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const point = value.codePointAt(i)!;
    length++;
    if (point > 0xffff) {
      i++;
      astral.set(point, (astral.get(point) ?? 0) + 1);
    } else if (BMP_COUNTS[point]!++ === 0) {
      touched.push(point);
    }
  }
  let h = 0;
  const add = (n: number) => {
    const p = n / length;
    h -= p * Math.log2(p);
  };
  for (const point of touched) {
    add(BMP_COUNTS[point]!);
    BMP_COUNTS[point] = 0;
  }
  for (const n of astral.values()) add(n);
  return h;
}

/** shannonPerChar's counts of BMP code points, all zero between calls. */
const BMP_COUNTS = new Uint32Array(0x10000);

/** Length in code points, as `[...value].length` without building the array. */
function codePointLength(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    if (value.codePointAt(i)! > 0xffff) i++;
    length++;
  }
  return length;
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

/** `near`: when the value was sent (ms since the epoch), which tells a time-based UUID without dashes. */
export function estimateEntropy(value: string, near?: number): EntropyEstimate {
  const length = codePointLength(value);
  const shannon = shannonPerChar(value);
  const alphabet = alphabetSize(value);
  const version = uuidVersion(value, near);
  if (version !== undefined) {
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
  const n = significant === value ? length : codePointLength(significant);
  const spread = significant === value ? shannon : shannonPerChar(significant);
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
