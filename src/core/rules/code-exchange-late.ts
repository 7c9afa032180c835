import { CODE_AGE_SUSPECT_MS, CODE_LIFETIME_MAX_MS } from '../authorization-code.ts';
import { codeGrants } from '../code-flow.ts';
import { callbacksOf } from '../flow-facts.ts';
import type { TokenRequest } from '../model.ts';
import { comparableSecret } from '../redaction-marker.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 6749 §4.1.2: the authorization code MUST expire shortly after it is issued; a maximum lifetime of
 * 10 minutes is RECOMMENDED. A client should exchange it at once: after a minute the delay is suspicious but
 * breaks no requirement (info, advice); after ten the exchange goes beyond the RECOMMENDED lifetime (warning):
 * the code is likely expired (invalid_grant), or the server keeps codes longer than recommended. The
 * thresholds are src/core/authorization-code.ts's, shared with the invalid_grant diagnosis.
 */
export default defineRule({
  meta: {
    id: 'code-exchange-late',
    severity: 'info',
    title: 'Authorization code exchanged late',
    citation: 'RFC 6749 §4.1.2',
    fix: 'Exchange the code immediately after the callback',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const callbacks = callbacksOf(flow).filter((c) => c.code !== undefined && c.error === undefined);
      const done = new Set<string>();
      for (const request of [...codeGrants(flow)].sort((a, b) => a.exchange.time - b.exchange.time)) {
        // A code redacted without a number (a redacted HAR) cannot be matched to its callback.
        const code = comparableSecret(request.code);
        if (code === undefined || done.has(code)) continue;
        const callback = callbacks.find((c) => comparableSecret(c.code) === code);
        if (!callback) continue;
        done.add(code);
        const delay = request.exchange.time - callback.exchange.time;
        if (delay <= CODE_AGE_SUSPECT_MS) continue;
        const seconds = Number((delay / 1000).toFixed(1));
        const expired = delay > CODE_LIFETIME_MAX_MS;
        report({
          flow,
          ...(expired ? { severity: 'warning' as const } : {}),
          message: expired
            ? `The code was exchanged ${seconds} s after the authorization response, beyond the 10-minute maximum lifetime RFC 6749 recommends: expect invalid_grant.`
            : `The code was exchanged ${seconds} s after the authorization response; a client should exchange it at once (codes live minutes at most).`,
          exchanges: [callback.exchange, request.exchange],
          evidence: [
            { label: 'delay', value: `${seconds} s` },
            { label: 'authorization response at', value: iso(callback.exchange.time) },
            { label: 'token request at', value: iso(request.exchange.time) },
            ...tokenStatus(request),
          ],
        });
      }
    }
  },
});

function iso(time: number): string {
  // Date throws beyond ±8.64e15 ms.
  return Math.abs(time) <= 8.64e15 ? new Date(time).toISOString() : String(time);
}

function tokenStatus(request: TokenRequest) {
  const status = request.exchange.status;
  if (status === undefined) return [];
  return [{ label: 'token response', value: `${status}${request.response?.error ? ` ${request.response.error}` : ''}` }];
}
