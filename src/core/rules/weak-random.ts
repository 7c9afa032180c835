import { estimateEntropy, sequentialRuns, type EntropyEstimate } from '../entropy.ts';
import { capped } from '../evidence.ts';
import type { Evidence, Exchange, Flow } from '../model.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * RFC 6749 §10.10: generated values must not be guessable (probability of a guess at most 2^-128); §10.12: the
 * state must be a non-guessable value bound to the user agent; RFC 7636 §7.1: the code verifier needs enough
 * entropy to be impractical to guess (32 random octets recommended).
 *
 * Trigger (warning): a flow's state, nonce or code_verifier is estimated below 128 bits (see `entropy.ts`:
 * Shannon entropy per character × length, with the alphabet of a uniformly random-looking value), or the
 * values count up by a constant step across three or more flows. Info: a state over 128 characters, or with
 * characters outside [A-Za-z0-9-._~] (it must then survive percent-encoding at every hop). The verifier is
 * a secret: its value only appears as secret evidence.
 */
const MIN_BITS = 128;
const MAX_STATE_LENGTH = 128;
const URL_SAFE = /^[A-Za-z0-9\-._~]*$/;

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
    citation: 'RFC 6749 §10.10, §10.12; RFC 7636 §7.1',
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
      if (withVerifier)
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
        const estimate = estimateEntropy(v.value);
        const run = inRun.get(v);
        if (estimate.bits < MIN_BITS || run) reportWeak(v, estimate, run, report);
        if (v.kind === 'state') reportStateShape(v, report);
      }
    }
  },
});

type ReportFn = RuleContext['report'];

const NAMES: Record<Kind, string> = { state: 'state', nonce: 'nonce', code_verifier: 'PKCE code_verifier' };

function reportWeak(v: Value, estimate: EntropyEstimate, run: { members: Value[]; step: bigint } | undefined, report: ReportFn): void {
  const secret = v.kind === 'code_verifier';
  const reasons: string[] = [];
  if (estimate.bits < MIN_BITS) {
    reasons.push(
      `is estimated at ${Math.floor(estimate.bits)} bits of entropy (${estimate.length} characters${estimate.uuidVersion !== undefined ? `, a version-${estimate.uuidVersion} UUID` : ''}), below ${MIN_BITS}`,
    );
  }
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
    message: `The ${NAMES[v.kind]} ${reasons.join(', and ')}.`,
    exchanges: [...v.exchanges, ...neighbours.flatMap((m) => m.exchanges)],
    evidence,
  });
}

function reportStateShape(v: Value, report: ReportFn): void {
  const length = [...v.value].length;
  const tooLong = length > MAX_STATE_LENGTH;
  const unsafe = !URL_SAFE.test(v.value);
  if (!tooLong && !unsafe) return;
  const reasons: string[] = [];
  if (tooLong) reasons.push(`is ${length} characters long (over ${MAX_STATE_LENGTH}, which some servers and proxies cut or reject)`);
  if (unsafe) reasons.push('contains characters outside [A-Za-z0-9-._~], which must survive percent-encoding at every hop unchanged');
  report({
    flow: v.flow,
    severity: 'info',
    message: `The state ${reasons.join(', and ')}.`,
    exchanges: v.exchanges,
    evidence: [
      { label: 'state', value: capped(v.value) },
      { label: 'length', value: String(length) },
      ...(unsafe ? [{ label: 'characters outside the URL-safe set', value: capped(unsafeCharacters(v.value)) }] : []),
    ],
  });
}

/** The distinct characters outside the unreserved set, each with its code point (a newline stays readable). */
function unsafeCharacters(value: string): string {
  const seen = new Set<string>();
  for (const ch of value) if (!URL_SAFE.test(ch)) seen.add(ch);
  return [...seen]
    .slice(0, 20)
    .map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}${/[\x21-\x7e]/.test(ch) ? ` '${ch}'` : ''}`)
    .join(', ');
}
