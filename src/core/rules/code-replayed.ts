import { codeUses } from '../authorization-code.ts';
import { isSuccess } from '../code-flow.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 6749 §4.1.2: the client MUST NOT use the authorization code more than once; if it is used more than
 * once the authorization server MUST deny the request and SHOULD revoke the tokens already issued with it
 * (§10.5). OAuth 2.1 §4.1.3: the code is single-use.
 */
export default defineRule({
  meta: {
    id: 'code-replayed',
    severity: 'error',
    title: 'Authorization code exchanged more than once',
    citation: 'RFC 6749 §4.1.2, §10.5; OAuth 2.1 §4.1.3',
    fix: 'Exchange each code exactly once (guard against double effects and retries)',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      // The earlier exchange that used each repeated code up: the one answer src/core/authorization-code.ts gives.
      for (const [repeat, use] of codeUses(flow)) {
        const first = use.by.exchange;
        const repeatStatus = repeat.exchange.status;
        const attempt = use.earlier + 1;
        const evidence = [
          { label: 'code', value: repeat.code!, secret: true },
          { label: 'earlier exchange', value: first.id },
          {
            label: 'earlier status',
            value: first.status === undefined ? `no response${first.error ? ` (${first.error})` : ''}` : String(first.status),
          },
          { label: 'repeat status', value: repeatStatus === undefined ? 'not observed' : String(repeatStatus) },
          { label: 'attempt', value: String(attempt) },
        ];
        if (use.outcome === 'unanswered') {
          report({
            flow,
            severity: 'info',
            message: `The code was POSTed again (attempt ${attempt}) after the first attempt got no response; the authorization server may have redeemed it already, so expect invalid_grant.`,
            exchanges: [first, repeat.exchange],
            evidence,
          });
          continue;
        }
        const inFlight = repeat.exchange.time < (first.endTime ?? first.time);
        const when = inFlight
          ? 'while the earlier exchange was still in flight (a double submit)'
          : `after an earlier exchange got a ${first.status} response`;
        report({
          flow,
          message: isSuccess(repeatStatus)
            ? `The same code was POSTed again ${when}, and the authorization server answered ${repeatStatus} to the repeat: it must deny a reused code and should revoke the tokens issued with it.`
            : `The same code was POSTed again ${when}; a code may be exchanged only once.`,
          exchanges: [first, repeat.exchange],
          evidence: isSuccess(repeatStatus) ? [...evidence, { label: 'authorization server', value: 'accepted a reused code' }] : evidence,
        });
      }
    }
  },
});
