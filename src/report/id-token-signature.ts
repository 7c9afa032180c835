/**
 * An ID token's signature in words, the same in every view (OIDC Core §3.1.3.7 step 6). A signature is called
 * verified only against a key the browser was seen fetching from the issuer, naming that key's kid; without
 * one it is "not observable", never passing. Pure.
 */
import type { IdTokenSignatureCheck, IdTokenSignatureProblem } from '../core/model.ts';

export interface SignatureWords {
  /** `good`: verified; `bad`: proven wrong; `unknown`: not observable, or not signed at all. */
  standing: 'good' | 'bad' | 'unknown';
  text: string;
}

/**
 * What the words rest on: the core's check (the panel) or the report's copy of it (the CLI, where an absent
 * value is null).
 */
export type SignatureFacts = Pick<IdTokenSignatureCheck, 'signature'> & {
  [K in 'alg' | 'kid' | 'jwksUrl' | 'reason']?: string | null;
} & { problems: readonly IdTokenSignatureProblem[] };

/** The line for one ID token; `check` is undefined when the token was not checked (it does not decode). */
export function signatureWords(check: SignatureFacts | undefined): SignatureWords {
  if (!check) return { standing: 'unknown', text: 'Signature: not observable.' };
  switch (check.signature) {
    case 'verified':
      return {
        standing: 'good',
        text: `Signature: verified against the observed key ${typeof check.kid === 'string' ? JSON.stringify(check.kid) : '(no kid)'} of ${check.jwksUrl ?? 'the issuer JWKS'} (${check.alg}).`,
      };
    case 'invalid':
      return { standing: 'bad', text: `Signature: invalid: ${check.problems.map((p) => p.detail).join('; ')}.` };
    case 'unsigned':
      return { standing: 'unknown', text: 'Signature: none (alg none, an unsigned token).' };
    case 'not-observable':
      return { standing: 'unknown', text: `Signature: not observable (${check.reason ?? 'no key of the issuer observed'}).` };
  }
}
