import { codeGrants } from '../code-flow.ts';
import { verifierProblems } from '../pkce.ts';
import { isRedacted } from '../redaction-marker.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 7636 §4.1: code-verifier = 43*128unreserved, with unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~".
 * A verifier with padding, '+', '/', whitespace or a wrong length is not a valid verifier, whatever the
 * authorization server happens to accept.
 */
export default defineRule({
  meta: {
    id: 'pkce-verifier-malformed',
    severity: 'error',
    title: 'PKCE verifier is malformed',
    citation: 'RFC 7636 §4.1',
    fix: 'Use the base64url encoding (no padding) of 32 random bytes as the verifier',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const seen = new Set<string>();
      for (const request of codeGrants(flow)) {
        const verifier = request.codeVerifier;
        // A redacted verifier (a redacted HAR export) was sent, but its syntax is not observable.
        if (verifier === undefined || isRedacted(verifier) || seen.has(verifier)) continue;
        seen.add(verifier);
        const problems = verifierProblems(verifier);
        if (!problems.length) continue;
        report({
          flow,
          message: `The code_verifier sent to the token endpoint is malformed: ${problems.join('; ')}.`,
          exchanges: [request.exchange],
          evidence: [
            { label: 'code_verifier', value: verifier, secret: true },
            { label: 'length', value: String(verifier.length) },
            ...problems.map((p) => ({ label: 'problem', value: p })),
          ],
        });
      }
    }
  },
});
