import { estimateEntropy, sequentialRuns, type EntropyEstimate } from '../entropy.ts';
import { capped } from '../evidence.ts';
import type { Evidence, Exchange, Flow, Severity } from '../model.ts';
import { isRedacted } from '../redaction-marker.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * RFC 6749 §10.10: generated values must not be guessable (probability of a guess at most 2^-128); §10.12: the
 * state must be a non-guessable value bound to the user agent; RFC 7636 §7.1: the code verifier needs enough
 * entropy to be impractical to guess (32 random octets recommended).
 *
 * Warning on evidence of predictability: a flow's state, nonce or code_verifier estimated below 128 bits (see
 * `entropy.ts`: Shannon entropy per character × length, with the alphabet of a uniformly random-looking value; a
 * repeated unit counts once), a UUID that is not random by its version (1, 2, 6: a timestamp, a clock sequence
 * and usually the machine's address; 3, 5: a hash of a name; 8: a custom layout), or values counting up by a
 * constant step across three or more flows.
 * Not reported: a version-4 UUID, dashed or not (122 bits from the platform's CSPRNG, RFC 9562 §5.4, §6.9: what
 * crypto.randomUUID() gives Keycloak and oidc-client-ts; 6 bits short of the letter of §10.10, no evidence of
 * predictability). Info: a version-7 UUID (the time, then at most 74 random bits: MSAL's nonce), below the 128
 * bits yet out of reach of online guessing; and a state over 128 characters, or with characters outside VSCHAR,
 * the set RFC 6749 Appendix A.5 defines it over. Characters of VSCHAR outside the unreserved set (`+/=|`…) are
 * legal and only need percent-encoding: not reported. The verifier is a secret: its value only appears as
 * secret evidence.
 */
const MIN_BITS = 128;
const MAX_STATE_LENGTH = 128;
/** RFC 6749 Appendix A.5: state = 1*VSCHAR, VSCHAR = %x20-7E. */
const VSCHAR = /^[\x20-\x7e]*$/;

type Kind = 'state' | 'nonce' | 'code_verifier';

interface Value {
  flow: Flow;
  kind: Kind;
  value: string;
  exchanges: Exchange[];
}

export default defineRule({
  meta: {
    id: 'weak-random',
    severity: 'warning',
    title: 'Weak or predictable state, nonce or code_verifier',
    citation: 'RFC 6749 §10.10, §10.12, App. A.5; RFC 7636 §7.1; RFC 9562 §5',
    fix: 'Generate each value from a CSPRNG: base64url of 32 random bytes (crypto.getRandomValues)',
    evidence: 'W',
  },
  check({ flows, report }) {
    const byKind: Record<Kind, Value[]> = { state: [], nonce: [], code_verifier: [] };
    for (const flow of flows) {
      const auth = flow.authorization;
      const authExchanges = [auth?.par?.exchange, auth?.exchange].filter((e): e is Exchange => !!e);
      if (auth?.state !== undefined) byKind.state.push({ flow, kind: 'state', value: auth.state, exchanges: authExchanges });
      if (auth?.nonce !== undefined) byKind.nonce.push({ flow, kind: 'nonce', value: auth.nonce, exchanges: authExchanges });
      const withVerifier = flow.codeExchanges.find((r) => r.codeVerifier !== undefined);
      // A redacted verifier (a redacted HAR) has no observable entropy.
      if (withVerifier && !isRedacted(withVerifier.codeVerifier!))
        byKind.code_verifier.push({ flow, kind: 'code_verifier', value: withVerifier.codeVerifier!, exchanges: [withVerifier.exchange] });
    }

    for (const values of Object.values(byKind)) {
      // Flows are in time order, so are the values; a flow is in at most one run per kind that matters here.
      const inRun = new Map<Value, { members: Value[]; step: bigint }>();
      for (const run of sequentialRuns(values.map((v) => v.value))) {
        const members = run.indexes.map((i) => values[i]!);
        for (const member of members) if (!inRun.has(member)) inRun.set(member, { members, step: run.step });
      }
      for (const v of values) {
        // The request's time tells a time-based UUID written without dashes.
        const estimate = estimateEntropy(v.value, v.exchanges[0]?.time);
        const run = inRun.get(v);
        const low = lowEntropy(estimate);
        if (low || run) reportWeak(v, estimate, low, run, report);
        if (v.kind === 'state') reportStateShape(v, report);
      }
    }
  },
});

/**
 * How the value's estimated entropy weighs: a warning below 128 bits, except for UUIDs, whose version says what
 * their bits are (RFC 9562 §5): version 4 is random (nothing), version 7 is random after its timestamp (info),
 * the others are a time, a clock and a network address (1, 6, 2), a hash of a name (3, 5) or a custom layout (8).
 */
function lowEntropy(estimate: EntropyEstimate): Severity | undefined {
  if (estimate.uuidVersion === 4) return undefined;
  if (estimate.uuidVersion === 7) return 'info';
  return estimate.method === 'uuid' || estimate.bits < MIN_BITS ? 'warning' : undefined;
}

type ReportFn = RuleContext['report'];

const NAMES: Record<Kind, string> = { state: 'state', nonce: 'nonce', code_verifier: 'PKCE code_verifier' };

function reportWeak(
  v: Value,
  estimate: EntropyEstimate,
  low: Severity | undefined,
  run: { members: Value[]; step: bigint } | undefined,
  report: ReportFn,
): void {
  const secret = v.kind === 'code_verifier';
  const reasons: string[] = [];
  if (low) reasons.push(entropyReason(estimate));
  if (run)
    reasons.push(
      `${run.step > 0n ? `counts up by ${run.step}` : `counts down by ${-run.step}`} across ${run.members.length} flows, so the next one can be predicted`,
    );
  const evidence: Evidence[] = [
    secret ? { label: v.kind, value: v.value, secret: true } : { label: v.kind, value: capped(v.value) },
    { label: 'estimated bits', value: String(Math.floor(estimate.bits)) },
    { label: 'length', value: String(estimate.length) },
    { label: 'estimator', value: estimate.method },
  ];
  // Only the neighbours in the sequence: listing every member on every member's finding grows quadratically.
  const neighbours = run
    ? [run.members[run.members.indexOf(v) - 1], run.members[run.members.indexOf(v) + 1]].filter((m): m is Value => !!m)
    : [];
  if (run) {
    evidence.push(
      { label: 'sequence step', value: String(run.step) },
      { label: 'sequence length', value: `${run.members.length} flows, from ${run.members[0]!.flow.id}` },
    );
    for (const member of neighbours) {
      evidence.push(
        secret
          ? { label: `${v.kind} of ${member.flow.id}`, value: member.value, secret: true }
          : { label: `${v.kind} of ${member.flow.id}`, value: capped(member.value) },
      );
    }
  }
  report({
    flow: v.flow,
    // A counter is predictable whatever each value looks like.
    ...(run ? {} : { severity: low }),
    message: `The ${NAMES[v.kind]} ${reasons.join(', and ')}.`,
    exchanges: [...v.exchanges, ...neighbours.flatMap((m) => m.exchanges)],
    evidence,
  });
}

function entropyReason(estimate: EntropyEstimate): string {
  const version = estimate.uuidVersion;
  if (version === 7)
    return `is a version-7 UUID: 48 of its bits are the time and at most ${estimate.bits} are random (RFC 9562 §5.7), fewer than the ${MIN_BITS} RFC 6749 §10.10 asks for, though out of reach of online guessing when they come from a CSPRNG`;
  if (version === 1 || version === 6 || version === 2)
    return `is a time-based version-${version} UUID: a timestamp, a clock sequence and usually the machine's network address, at most ${estimate.bits} bits that are not the time (RFC 9562 §5), far below ${MIN_BITS}`;
  if (version === 3 || version === 5)
    return `is a name-based version-${version} UUID: a hash of a name (RFC 9562 §5), as guessable as that name`;
  const uuid = version !== undefined ? `, a version-${version} UUID` : '';
  return `is estimated at ${Math.floor(estimate.bits)} bits of entropy (${estimate.length} characters${uuid}), below ${MIN_BITS}`;
}

function reportStateShape(v: Value, report: ReportFn): void {
  const length = [...v.value].length;
  const tooLong = length > MAX_STATE_LENGTH;
  const outsideGrammar = !VSCHAR.test(v.value);
  if (!tooLong && !outsideGrammar) return;
  const reasons: string[] = [];
  if (tooLong) reasons.push(`is ${length} characters long (over ${MAX_STATE_LENGTH}, which some servers and proxies cut or reject)`);
  if (outsideGrammar)
    reasons.push('contains characters outside VSCHAR (printable ASCII, RFC 6749 Appendix A.5), which servers may alter or reject');
  report({
    flow: v.flow,
    severity: 'info',
    message: `The state ${reasons.join(', and ')}.`,
    exchanges: v.exchanges,
    evidence: [
      { label: 'state', value: capped(v.value) },
      { label: 'length', value: String(length) },
      ...(outsideGrammar ? [{ label: 'characters outside VSCHAR', value: capped(charactersOutsideVschar(v.value)) }] : []),
    ],
  });
}

/** The distinct characters outside VSCHAR, each with its code point (a newline stays readable). */
function charactersOutsideVschar(value: string): string {
  const seen = new Set<string>();
  for (const ch of value) if (!VSCHAR.test(ch)) seen.add(ch);
  return [...seen]
    .slice(0, 20)
    .map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`)
    .join(', ');
}
