import { observedAuthorizations } from '../code-flow.ts';
import { challengeProblems } from '../pkce.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 7636 §4.2: the code_challenge is BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) for S256, the
 * verifier itself for plain; Appendix A: base64url without padding, so an S256 challenge is exactly 43
 * characters of the unreserved set. '=', '+', '/' or a wrong length mean a wrong encoding.
 */
export default defineRule({
  meta: {
    id: 'pkce-challenge-malformed',
    severity: 'error',
    title: 'PKCE challenge is malformed',
    citation: 'RFC 7636 §4.2, App. A',
    fix: 'Encode the SHA-256 digest as unpadded base64url (43 characters)',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    for (const auth of observedAuthorizations(flows, classified)) {
      const challenge = auth.codeChallenge;
      if (challenge === undefined) continue;
      const problems = challengeProblems(challenge, auth.codeChallengeMethod);
      if (!problems.length) continue;
      report({
        flow: auth.flow,
        message: `The code_challenge${auth.codeChallengeMethod ? ` (method ${auth.codeChallengeMethod})` : ' (no method: plain applies)'} is malformed: ${problems.join('; ')}.`,
        exchanges: auth.exchanges,
        evidence: [
          { label: 'code_challenge', value: challenge },
          { label: 'code_challenge_method', value: auth.codeChallengeMethod ?? '(absent: plain applies)' },
          { label: 'length', value: String(challenge.length) },
          ...problems.map((p) => ({ label: 'problem', value: p })),
        ],
      });
    }
  },
});
