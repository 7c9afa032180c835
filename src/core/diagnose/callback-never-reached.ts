/**
 * The callback was never reached: the authorization chain ends at the authorization server without a
 * redirect to the redirect_uri. An authorization server must not redirect to an invalid redirect_uri
 * (RFC 6749 §4.1.2.1) and shows an error page instead; a sign-in page loaded again and again is a sign-in
 * loop (its session cookie set but never sent back). The redirect_uri is compared with the last one that
 * worked for the same client. A sign-in still in progress looks the same, so this is possible unless the
 * chain ended on an error status or looped.
 */
import type { Flow, Step } from '../model.ts';
import { compareRedirectUris } from '../redirect-uri.ts';
import { statusWords } from '../status-words.ts';
import type { DiagnosisContext } from './context.ts';
import { DIAGNOSIS_TITLES, type Diagnosis, type DiagnosisHint } from './types.ts';

/** A sign-in page loaded this often in one flow is a loop, not a login form sent again after a typo. */
const SIGN_IN_LOOP_LOADS = 3;

export function callbackNeverReached(flow: Flow, context: DiagnosisContext): Diagnosis | undefined {
  const auth = flow.authorization;
  if (!auth || flow.callback) return undefined;
  const steps = ownSteps(flow, context);
  const hints: DiagnosisHint[] = [];
  const last = steps.at(-1);
  if (last) hints.push({ kind: 'authorization-chain-ended', method: last.method, status: last.status ?? null, url: last.url });
  const loops = signInLoops(steps);
  hints.push(...loops, { kind: 'error-page-instead-of-redirect' });

  const worked = lastWorking(flow, context);
  if (worked) hints.push(worked.hint);
  const endedOnError = last?.status !== undefined && last.status >= 400;
  return {
    id: `${flow.id}:callback-never-reached`,
    kind: 'callback-never-reached',
    flowId: flow.id,
    title: DIAGNOSIS_TITLES['callback-never-reached'],
    likelihood: loops.length || endedOnError ? 'likely' : 'possible',
    evidence: [
      ...(auth.redirectUri !== undefined ? [{ label: 'redirect_uri', value: auth.redirectUri }] : []),
      ...(last ? [{ label: 'last step', value: `${last.method} ${statusWords(last)}` }] : []),
    ],
    exchangeIds: [...new Set([auth.exchange.id, ...(last ? [last.exchangeId] : []), ...(worked ? [worked.exchangeId] : [])])],
    hints,
  };
}

/**
 * The flow's own steps: without a callback it is given every later page of its server, which from the next
 * authorization request on are that request's.
 */
export function ownSteps(flow: Flow, context: DiagnosisContext): Step[] {
  const auth = flow.authorization;
  const until = context.nextAuthorizationAfter(flow) ?? Number.POSITIVE_INFINITY;
  return flow.steps.filter((s) => s.time < until || s.exchangeId === auth?.exchange.id);
}

/**
 * The flow's redirect_uri against the last one that worked for the same client, with the authorization request
 * of that flow; undefined when no earlier flow of the client reached its callback.
 */
export function lastWorking(flow: Flow, context: DiagnosisContext): { hint: DiagnosisHint; exchangeId: string } | undefined {
  const auth = flow.authorization;
  const worked = auth?.clientId !== undefined ? context.lastWorking(auth.clientId) : undefined;
  const workedUri = worked?.authorization?.redirectUri;
  if (!auth || !worked || workedUri === undefined || auth.redirectUri === undefined) return undefined;
  const difference = compareRedirectUris(workedUri, auth.redirectUri, { expected: 'the last one that worked', actual: 'this one' });
  return {
    hint: {
      kind: 'redirect-uri-against-last-working',
      lastWorking: workedUri,
      current: auth.redirectUri,
      workedFlowId: worked.id,
      difference: difference ? { kind: difference.kind, explanation: difference.explanation } : null,
    },
    exchangeId: worked.authorization!.exchange.id,
  };
}

/**
 * One page of the authorization server loaded again and again (GET) among the flow's sign-in steps, whatever
 * its query (a login page that says "try again" is still the login page); most loads first.
 */
function signInLoops(steps: readonly Step[]): DiagnosisHint[] {
  const loads = new Map<string, number>();
  for (const step of steps) {
    if (step.kind !== 'sign-in' || step.method !== 'GET') continue;
    // The URL without its query (a URL captured from the network has no fragment).
    const query = step.url.indexOf('?');
    const page = query === -1 ? step.url : step.url.slice(0, query);
    loads.set(page, (loads.get(page) ?? 0) + 1);
  }
  return [...loads]
    .filter(([, count]) => count >= SIGN_IN_LOOP_LOADS)
    .sort((a, b) => b[1] - a[1])
    .map(([page, count]) => ({ kind: 'sign-in-loop', page, loads: count }));
}
