import { capped } from '../evidence.ts';
import type { AuthorizationRequest, Exchange, Flow } from '../model.ts';
import { header } from '../params.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 9700 §2.6: "CORS MUST NOT be supported at the Authorization Endpoint, as the client does not access this
 * endpoint directly; instead, the client redirects the user agent to it." The endpoint is where the user signs in
 * and consents: a script that reads its answers could read what the user sees, and a redirect is what lets the
 * user see whom they authorize.
 *
 * Two findings from the wire: an authorization request sent by a script (webRequest `xmlhttprequest`, HAR
 * `_resourceType` xhr/fetch or Fetch Metadata `cors`), a warning, since it is the client's mistake and a
 * server without CORS keeps its answer from the script; and an authorization endpoint that answers with
 * `Access-Control-Allow-Origin`, an error, since that is the server supporting CORS there.
 */
export default defineRule({
  meta: {
    id: 'authorize-via-cors',
    severity: 'warning',
    title: 'The authorization endpoint is called by script or allows CORS',
    citation: 'RFC 9700 §2.6',
    fix: 'Navigate the browser (or a popup) to the authorization endpoint; on the server, send no CORS headers from it',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    const flowOf = new Map<AuthorizationRequest, Flow>();
    for (const flow of flows) if (flow.authorization) flowOf.set(flow.authorization, flow);
    for (const authorization of classified.authorizations) {
      const request = authorization.exchange;
      const flow = flowOf.get(authorization);
      const allowOrigin = header(request.responseHeaders, 'access-control-allow-origin');
      const byScript = request.initiator === 'fetch';
      if (!byScript && allowOrigin === undefined) continue;
      report({
        ...(flow ? { flow } : {}),
        ...(allowOrigin !== undefined ? { severity: 'error' as const } : {}),
        message: messageOf(byScript, allowOrigin !== undefined),
        exchanges: [request],
        evidence: [
          { label: 'request', value: capped(`${request.method} ${authorization.endpoint}`) },
          ...(byScript ? [{ label: 'sent by', value: initiatorLabel(request) }] : []),
          ...(allowOrigin !== undefined ? [{ label: 'Access-Control-Allow-Origin', value: capped(allowOrigin) }] : []),
        ],
      });
    }
  },
});

function messageOf(byScript: boolean, allowsCors: boolean): string {
  if (byScript && allowsCors)
    return 'A script requested the authorization endpoint, and the endpoint allowed it with Access-Control-Allow-Origin: the browser must be sent there, and the endpoint must not support CORS.';
  if (allowsCors)
    return 'The authorization endpoint answered with Access-Control-Allow-Origin: it must not support CORS, so that no script can read the pages where the user signs in and consents.';
  return 'A script requested the authorization endpoint (fetch or XMLHttpRequest) instead of sending the browser there: the user never sees the sign-in and consent pages, and the answer is not the script’s to read.';
}

function initiatorLabel(request: Exchange): string {
  return request.initiatorOrigin ? `script (fetch or XMLHttpRequest) of ${request.initiatorOrigin}` : 'script (fetch or XMLHttpRequest)';
}
