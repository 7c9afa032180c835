import { isSuccess } from '../code-flow.ts';
import type { Evidence, Exchange } from '../model.ts';
import { refreshReuses, type RefreshReuse } from '../refresh-tokens.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 9700 §4.14.2 and OAuth 2.1 §4.3.2: with refresh token rotation the authorization server issues a new
 * refresh token with every refresh and invalidates the old one; an old refresh token presented again is the
 * sign of a leak, and the server revokes the active token (the whole family). So a client must present each
 * refresh token once: after a refresh that rotated it, or in two tabs at once (a race: the second request
 * starts before the first response arrives), the second presentation fails and may sign the user out.
 *
 * Reported (src/core/refresh-tokens.ts): a refresh token presented again after an earlier refresh response
 * carried a new refresh_token (W+B); presented while an earlier presentation that got a 2xx was in flight;
 * and, when the earlier 2xx response's body was not observed, presented again at all (rotation then unknown).
 * Error when rotation is shown: by the new refresh_token in the earlier response (bodies), or, from metadata
 * alone as the extension sees it, by the server refusing the repeat (4xx) right after accepting the same token
 * (`repeatRefused`): the same evidence gets the same verdict live and on a HAR. Info when neither is seen.
 * Not reported: a token presented again after a response that did not rotate it, after a failed refresh, or
 * after a refresh that got no response.
 */
export default defineRule({
  meta: {
    id: 'refresh-token-reused',
    severity: 'error',
    title: 'A refresh token was presented again after rotation, or twice at once',
    citation: 'RFC 9700 §4.14.2; OAuth 2.1 §4.3.2',
    fix: 'Present each refresh token once: lock refreshing across tabs and always keep the newest refresh token',
    evidence: 'W+B',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      for (const reuse of refreshReuses(flow)) {
        const { request, earlier } = reuse;
        const repeatStatus = request.exchange.status;
        // A race may fall inside a server's reuse grace period; only a reuse after rotation must be refused.
        const accepted = isSuccess(repeatStatus) && reuse.kind === 'after-rotation';
        const rotationShown = reuse.earlierOutcome === 'rotated' || reuse.repeatRefused;
        report({
          flow,
          // Without rotation shown, a diagnostic, not a verdict (say what is not observable instead of guessing,
          // docs/rules/README.md).
          ...(rotationShown ? {} : { severity: 'info' as const }),
          message: `${messageOf(reuse)}${accepted ? `; the authorization server answered ${repeatStatus} to it, so it does not detect refresh token reuse` : ''}.`,
          exchanges: [earlier.exchange, request.exchange],
          evidence: [
            { label: 'refresh_token', value: request.refreshToken ?? '', secret: true },
            { label: 'earlier refresh', value: earlier.exchange.id },
            { label: 'earlier refresh status', value: statusOf(earlier.exchange) },
            {
              label: 'rotation',
              value:
                reuse.earlierOutcome === 'rotated'
                  ? 'the earlier refresh response carried a new refresh_token'
                  : reuse.repeatRefused
                    ? `shown by the refusal of this presentation (${statusOf(request.exchange)}) right after the earlier one succeeded`
                    : `not observable (${earlier.response?.bodyProblem ?? 'response body not observed'})`,
            },
            ...(reuse.earlierOutcome === 'rotated'
              ? [{ label: 'new refresh_token', value: earlier.response?.refreshToken ?? '', secret: true }]
              : []),
            { label: 'repeat status', value: statusOf(request.exchange) },
            ...(reuse.kind === 'concurrent' ? timing(earlier.exchange, request.exchange) : []),
            ...(accepted ? [{ label: 'authorization server', value: 'accepted a rotated refresh token' }] : []),
          ],
        });
      }
    }
  },
});

function messageOf(reuse: RefreshReuse): string {
  const id = reuse.earlier.exchange.id;
  switch (reuse.kind) {
    case 'after-rotation':
      return reuse.earlierOutcome === 'rotated'
        ? `A refresh token was presented again after an earlier refresh (${id}) rotated it`
        : `A refresh token was presented again right after an earlier refresh (${id}) succeeded with it, and the authorization server refused it: the server allows each refresh token once (rotation)`;
    case 'concurrent':
      if (reuse.earlierOutcome === 'rotated')
        return `The same refresh token was presented twice at once (a race between tabs): this request started before the response to ${id}, which rotated the token, arrived`;
      return reuse.repeatRefused
        ? `The same refresh token was presented twice at once (a race between tabs): this request started before the response to ${id} arrived, and the authorization server refused it while accepting the other, so it allows each refresh token once (rotation)`
        : `The same refresh token was presented twice at once (a race between tabs): this request started before the response to ${id} arrived; whether the authorization server rotates refresh tokens is not observable (response body not seen)`;
    case 'rotation-unknown':
      return `A refresh token was presented again after an earlier refresh (${id}) succeeded; whether the authorization server rotated it is not observable (response body not seen), and if it did, this reuse revokes the token family`;
  }
}

function statusOf(exchange: Exchange): string {
  return exchange.status === undefined ? `not observed${exchange.error ? ` (${exchange.error})` : ''}` : String(exchange.status);
}

function iso(time: number): string {
  return Math.abs(time) <= 8.64e15 ? new Date(time).toISOString() : String(time);
}

function timing(earlier: Exchange, repeat: Exchange): Evidence[] {
  return [
    { label: 'earlier refresh sent at', value: iso(earlier.time) },
    { label: 'earlier refresh answered at', value: earlier.endTime !== undefined ? iso(earlier.endTime) : 'not observed' },
    { label: 'repeat sent at', value: iso(repeat.time) },
    ...(earlier.tabId !== undefined && repeat.tabId !== undefined
      ? [{ label: 'tabs', value: earlier.tabId === repeat.tabId ? 'the same tab' : `tabs ${earlier.tabId} and ${repeat.tabId}` }]
      : []),
  ];
}
