/**
 * The client's own infrastructure redirected the callback (an http→https, www or trailing-slash rewrite) in
 * a flow that never redeemed its code. Only a redirect to the same callback, rewritten, counts: a server-side
 * client that handled the callback and moved on to another page answers with a redirect too, correctly.
 *
 * What the rewrite costs: a 301, 302 or 303 turns the form_post POST into a GET without its body (Fetch
 * Standard, "HTTP-redirect fetch"), so the code and state never reach the app; and a rewrite to another
 * origin leaves behind the state the app kept in that origin's storage.
 */
import { codeGrants, isSuccess } from '../code-flow.ts';
import type { Flow } from '../model.ts';
import { resolveLocation, splitUrl } from '../params.ts';
import { compareRedirectTargets, uriParts, type RedirectUriDifference, type RedirectUriDifferenceKind } from '../redirect-uri.ts';
import { DIAGNOSIS_TITLES, strongest, type Diagnosis, type DiagnosisHint, type Likelihood } from './types.ts';

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Redirects that turn a POST into a GET without its body (Fetch Standard, "HTTP-redirect fetch"). */
const BODY_DROPPING: ReadonlySet<number> = new Set([301, 302, 303]);
const REWRITES: ReadonlySet<RedirectUriDifferenceKind> = new Set([
  'trailing-slash',
  'case',
  'port',
  'scheme',
  'encoding',
  'localhost-vs-127.0.0.1',
]);

export function callbackRedirected(flow: Flow): Diagnosis | undefined {
  const arrival = flow.callback?.arrival;
  if (!arrival || arrival.status === undefined || !REDIRECTS.has(arrival.status) || arrival.location === undefined) return undefined;
  if (codeGrants(flow).some((r) => isSuccess(r.exchange.status))) return undefined;
  const to = resolveLocation(arrival.location, arrival.url);
  if (to === undefined) return undefined;
  const difference = compareRedirectTargets(arrival.url, to, { expected: 'the callback', actual: 'the redirect' });
  if (!difference || !isRewrite(difference, arrival.url, to)) return undefined;

  const status = arrival.status;
  const hints: DiagnosisHint[] = [
    {
      kind: 'callback-rewritten',
      status,
      from: arrival.url,
      to,
      difference: { kind: difference.kind, explanation: difference.explanation },
    },
  ];
  const likelihoods: Likelihood[] = ['possible'];
  if (flow.callback!.mode === 'form_post' && BODY_DROPPING.has(status)) {
    hints.push({ kind: 'form-post-body-dropped', status });
    likelihoods.push('certain');
  }
  const fromOrigin = splitUrl(arrival.url)?.origin;
  const toOrigin = splitUrl(to)?.origin;
  if (fromOrigin !== undefined && toOrigin !== undefined && fromOrigin !== toOrigin) {
    hints.push({ kind: 'callback-origin-changed', from: fromOrigin, to: toOrigin });
    likelihoods.push('likely');
  }
  return {
    id: `${flow.id}:callback-redirected`,
    kind: 'callback-redirected',
    flowId: flow.id,
    title: DIAGNOSIS_TITLES['callback-redirected'],
    likelihood: strongest(likelihoods),
    evidence: [
      { label: 'callback status', value: String(status) },
      { label: 'Location', value: to },
      { label: 'response mode', value: flow.callback!.mode },
    ],
    exchangeIds: [arrival.id],
    hints,
  };
}

/** The redirect goes to the same callback written differently (scheme, case, port, slash, encoding, www). */
function isRewrite(difference: RedirectUriDifference, from: string, to: string): boolean {
  if (REWRITES.has(difference.kind)) return true;
  if (difference.kind !== 'other' || difference.components.some((c) => c !== 'host' && c !== 'scheme' && c !== 'port')) return false;
  const a = uriParts(from).host?.toLowerCase();
  const b = uriParts(to).host?.toLowerCase();
  return a !== undefined && b !== undefined && (a === `www.${b}` || b === `www.${a}`);
}
