import { defineRule } from './rule.ts';

/**
 * RFC 7636 §4.6: the server computes the challenge from the verifier with the method of the authorization
 * request (`S256`: BASE64URL(SHA256(ASCII(code_verifier))); `plain` or no method: the verifier itself) and
 * compares it with the `code_challenge` it received.
 */
export default defineRule({
  meta: {
    id: 'pkce-challenge-mismatch',
    severity: 'error',
    title: 'PKCE verifier does not match the challenge',
    citation: 'RFC 7636 §4.6, §4.2',
    fix: 'Store the exact verifier keyed by state and send it unchanged',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const { pkce } = flow;
      if (pkce.status !== 'mismatch') continue;
      const how = pkce.method === 'S256' ? 'BASE64URL(SHA-256(code_verifier))' : 'the verifier (plain)';
      report({
        flow,
        message: `${how} does not equal the code_challenge sent at the authorization request${pkce.nearMiss ? `. ${pkce.nearMiss.explanation}` : '.'}`,
        exchanges: [flow.authorization?.exchange, flow.codeExchanges.find((r) => r.codeVerifier !== undefined)?.exchange],
        evidence: [
          { label: 'code_challenge_method', value: flow.authorization?.codeChallengeMethod ?? '(absent: plain applies)' },
          { label: 'code_challenge', value: pkce.challenge ?? '' },
          { label: 'S256(code_verifier)', value: pkce.computedS256 ?? '' },
          { label: 'code_verifier', value: pkce.verifier ?? '', secret: true },
          ...(pkce.nearMiss ? [{ label: 'near miss', value: pkce.nearMiss.kind }] : []),
        ],
      });
    }
  },
});
