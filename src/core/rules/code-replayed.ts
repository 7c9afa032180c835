import { codeGrants, isSuccess } from '../code-flow.ts';
import type { TokenRequest } from '../model.ts';
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
      const byCode = new Map<string, TokenRequest[]>();
      for (const request of codeGrants(flow)) {
        if (request.code === undefined) continue;
        const list = byCode.get(request.code);
        if (list) list.push(request);
        else byCode.set(request.code, [request]);
      }
      for (const [code, requests] of byCode) {
        const ordered = [...requests].sort((a, b) => a.exchange.time - b.exchange.time);
        for (let i = 1; i < ordered.length; i++) {
          const repeat = ordered[i]!;
          const earlier = ordered.slice(0, i);
          const answered = earlier.find((r) => r.exchange.status !== undefined);
          const first = answered ?? earlier[0]!;
          const repeatStatus = repeat.exchange.status;
          const evidence = [
            { label: 'code', value: code, secret: true },
            { label: 'earlier exchange', value: first.exchange.id },
            {
              label: 'earlier status',
              value:
                first.exchange.status === undefined
                  ? `no response${first.exchange.error ? ` (${first.exchange.error})` : ''}`
                  : String(first.exchange.status),
            },
            { label: 'repeat status', value: repeatStatus === undefined ? 'not observed' : String(repeatStatus) },
            { label: 'attempt', value: String(i + 1) },
          ];
          if (!answered) {
            report({
              flow,
              severity: 'info',
              message: `The code was POSTed again (attempt ${i + 1}) after the first attempt got no response; the authorization server may have redeemed it already, so expect invalid_grant.`,
              exchanges: [first.exchange, repeat.exchange],
              evidence,
            });
            continue;
          }
          const inFlight = repeat.exchange.time < (answered.exchange.endTime ?? answered.exchange.time);
          const when = inFlight
            ? 'while the earlier exchange was still in flight (a double submit)'
            : `after an earlier exchange got a ${answered.exchange.status} response`;
          report({
            flow,
            message: isSuccess(repeatStatus)
              ? `The same code was POSTed again ${when}, and the authorization server answered ${repeatStatus} to the repeat: it must deny a reused code and should revoke the tokens issued with it.`
              : `The same code was POSTed again ${when}; a code may be exchanged only once.`,
            exchanges: [answered.exchange, repeat.exchange],
            evidence: isSuccess(repeatStatus)
              ? [...evidence, { label: 'authorization server', value: 'accepted a reused code' }]
              : evidence,
          });
        }
      }
    }
  },
});
