/**
 * PKCE (RFC 7636): syntax of the verifier and the challenge, S256 recomputation with WebCrypto (available
 * in service workers, pages and Node), and the diagnosis of near misses when they disagree.
 */
import { base64url } from 'jose';
import type { PkceNearMiss, PkceResult } from './model.ts';

/** RFC 7636 §4.1: code-verifier = 43*128unreserved, unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~". */
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

/** BASE64URL-ENCODE(SHA256(ASCII(code_verifier))), RFC 7636 §4.2. */
export async function s256(verifier: string): Promise<string> {
  return base64url.encode(await sha256(verifier));
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Problems with a verifier's syntax (RFC 7636 §4.1), in words; empty when it is well-formed. */
export function verifierProblems(verifier: string): string[] {
  const problems: string[] = [];
  if (verifier.length < 43 || verifier.length > 128) problems.push(`length ${verifier.length} is outside 43–128`);
  const bad = forbiddenCharacters(verifier);
  if (bad.length) problems.push(`contains ${bad.join(', ')}, outside the unreserved set [A-Za-z0-9-._~]`);
  return problems;
}

/** Problems with a challenge's syntax (RFC 7636 §4.2 and Appendix A); empty when it is well-formed. */
export function challengeProblems(challenge: string, method: string | undefined): string[] {
  const problems: string[] = [];
  const bad = forbiddenCharacters(challenge);
  if (bad.length) problems.push(`contains ${bad.join(', ')}, outside the unreserved set`);
  if (method === 'S256' && challenge.length !== 43) {
    problems.push(`an S256 challenge is exactly 43 characters of unpadded base64url, this one has ${challenge.length}`);
  }
  if (method !== 'S256' && (challenge.length < 43 || challenge.length > 128)) {
    problems.push(`length ${challenge.length} is outside 43–128`);
  }
  return problems;
}

/** Name the characters outside the unreserved set, readably (a newline is "a newline", not an invisible byte). */
function forbiddenCharacters(value: string): string[] {
  if (UNRESERVED.test(value)) return [];
  const names = new Set<string>();
  for (const ch of value) {
    if (UNRESERVED.test(ch)) continue;
    names.add(CHARACTER_NAMES[ch] ?? `'${ch}' (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`);
  }
  return [...names];
}

const CHARACTER_NAMES: Record<string, string> = {
  '\n': 'a newline',
  '\r': 'a carriage return',
  '\t': 'a tab',
  ' ': 'a space',
  '=': "'=' (padding)",
  '+': "'+'",
  '/': "'/'",
};

export interface PkceInput {
  challenge?: string;
  method?: string;
  verifier?: string;
}

/** Another pending flow's challenge, to recognise a verifier sent to the wrong flow. */
export interface OtherChallenge {
  flowId: string;
  challenge: string;
  method?: string;
}

/**
 * Finds another pending flow whose challenge is this value, sent with S256 (`s256: true`) or not (looked up by
 * value: there may be thousands of flows).
 */
export type OtherChallengeLookup = (challenge: string, s256: boolean) => OtherChallenge | undefined;

const noOtherFlows: OtherChallengeLookup = () => undefined;

/**
 * Recompute the challenge from the verifier and compare (RFC 7636 §4.6). On a mismatch, name the near
 * miss so a developer sees the bug rather than two random-looking strings.
 */
export async function checkPkce(input: PkceInput, findOther: OtherChallengeLookup = noOtherFlows): Promise<PkceResult> {
  const { challenge, verifier } = input;
  const method = methodOf(input);
  if (challenge === undefined) {
    return { method, status: 'no-challenge', verifier, computedS256: verifier !== undefined ? await s256(verifier) : undefined };
  }
  if (verifier === undefined) return { method, status: 'no-verifier', challenge };

  const digest = await sha256(verifier);
  const computedS256 = base64url.encode(digest);
  // RFC 7636 §4.3: without a method the AS applies plain.
  const expected = method === 'S256' ? computedS256 : verifier;
  if (method !== 'other' && expected === challenge) return { method, status: 'match', challenge, verifier, computedS256 };

  const nearMiss = await diagnose({ challenge, verifier, method, digest, computedS256 }, findOther);
  return { method, status: 'mismatch', challenge, verifier, computedS256, ...(nearMiss ? { nearMiss } : {}) };
}

export function methodOf(input: Pick<PkceInput, 'method'>): PkceResult['method'] {
  if (input.method === undefined) return 'absent';
  return input.method === 'S256' || input.method === 'plain' ? input.method : 'other';
}

interface Mismatch {
  challenge: string;
  verifier: string;
  method: PkceResult['method'];
  digest: Uint8Array;
  computedS256: string;
}

async function diagnose(m: Mismatch, findOther: OtherChallengeLookup): Promise<PkceNearMiss | undefined> {
  const { challenge, verifier, method, digest, computedS256 } = m;

  if (method === 'absent' && challenge === computedS256) {
    return {
      kind: 'method-omitted',
      explanation:
        'The challenge is the S256 of the verifier, but code_challenge_method was omitted, so the authorization server applies plain and compares the verifier itself (RFC 7636 §4.3).',
    };
  }
  if (method === 'plain' && challenge === computedS256) {
    return { kind: 'wrong-method', explanation: 'The challenge is the S256 of the verifier, but the method sent was plain.' };
  }
  if (method === 'S256' && challenge === verifier) {
    return {
      kind: 'wrong-method',
      explanation: 'The challenge equals the verifier itself (a plain challenge) although the method sent was S256.',
    };
  }

  const trimmed = verifier.trim();
  if (trimmed !== verifier && (await s256(trimmed)) === challenge) {
    return {
      kind: 'verifier-whitespace',
      explanation:
        'The challenge was computed from the verifier without its surrounding whitespace (e.g. a trailing newline), but the verifier sent to the token endpoint still has it.',
    };
  }
  for (const padded of [`${verifier}\n`, `${verifier}\r\n`, ` ${verifier}`, `${verifier} `]) {
    if ((await s256(padded)) === challenge) {
      return {
        kind: 'verifier-whitespace',
        explanation:
          'The challenge was computed from the verifier with extra whitespace (e.g. a trailing newline) that the verifier sent to the token endpoint does not have.',
      };
    }
  }

  const standard = btoa(String.fromCharCode(...digest));
  if (challenge === `${computedS256}=`) {
    return {
      kind: 'challenge-padded',
      explanation: "The challenge is the right digest but keeps base64 '=' padding; RFC 7636 App. A requires unpadded base64url.",
    };
  }
  if (challenge === standard || challenge === standard.replace(/=+$/, '')) {
    return {
      kind: 'challenge-standard-base64',
      explanation: "The challenge is the right digest in standard base64 ('+', '/'); RFC 7636 requires base64url.",
    };
  }
  const hex = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
  if (challenge.toLowerCase() === hex) {
    return {
      kind: 'challenge-hex',
      explanation: 'The challenge is the right digest written in hexadecimal; RFC 7636 requires base64url of the raw bytes.',
    };
  }

  const answered = findOther(computedS256, true) ?? findOther(verifier, false);
  if (answered) {
    return {
      kind: 'other-flow-verifier',
      otherFlowId: answered.flowId,
      explanation: `This verifier answers the challenge of another pending flow (${answered.flowId}): verifiers are being mixed up between concurrent flows; store them keyed by state.`,
    };
  }
  return undefined;
}
