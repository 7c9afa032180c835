/**
 * "Why is my sign-in stuck?": every flow's stuck-flow diagnoses, computed over the whole analysis (a flow's
 * diagnosis may need the other flows, e.g. the last redirect_uri that worked or an app starting over, and
 * exchanges of no flow, e.g. CORS preflights). Rules say what is wrong against a spec; diagnoses say where to
 * look when a flow did not finish. Pure; never throws on odd input. The views phrase them
 * (src/report/diagnoses.ts).
 */
import { codeUses } from '../authorization-code.ts';
import { tokenRequestsOf } from '../flow-facts.ts';
import type { Exchange, Flow, TokenRequest } from '../model.ts';
import { tokenErrorMeaning } from '../oauth-errors.ts';
import { refreshReuses } from '../refresh-tokens.ts';
import { authorizationError } from './authorization-error.ts';
import { authorizationRefused } from './authorization-refused.ts';
import { callbackLoadedAgain } from './callback-loaded-again.ts';
import { callbackNeverReached } from './callback-never-reached.ts';
import { callbackRedirected } from './callback-redirected.ts';
import { diagnosisContext, type DiagnosisContext } from './context.ts';
import { invalidClient } from './invalid-client.ts';
import { invalidGrant } from './invalid-grant.ts';
import { invalidRequest } from './invalid-request.ts';
import { noTokenRequest } from './no-token-request.ts';
import { providerWords } from './provider-hints.ts';
import { stateLost } from './state-lost.ts';
import { tokenCorsBlocked } from './token-cors-blocked.ts';
import { type Diagnosis, strongest } from './types.ts';

/** Every flow's diagnoses, flow by flow in the flows' order. `exchanges`: all of them, in time order. */
export function diagnose(flows: readonly Flow[], exchanges: readonly Exchange[]): Diagnosis[] {
  const context = diagnosisContext(flows, exchanges);
  return flows.flatMap((flow) => diagnoseFlow(flow, context));
}

/**
 * A token error diagnosis with what the provider's error_description adds (Entra's AADSTS9002326: the redirect
 * URI is not registered as a single-page application): decoded, the server has said the cause.
 */
function withProviderWords(diagnosis: Diagnosis, flow: Flow, request: TokenRequest): Diagnosis {
  const response = request.response;
  const words =
    response &&
    providerWords(flow, response.error, response.errorDescription, (code) => tokenErrorMeaning(code, request.grantType) !== undefined);
  if (!words) return diagnosis;
  return {
    ...diagnosis,
    likelihood: words.decoded ? strongest([diagnosis.likelihood, 'likely']) : diagnosis.likelihood,
    hints: [...words.hints, ...diagnosis.hints],
  };
}

function diagnoseFlow(flow: Flow, context: DiagnosisContext): Diagnosis[] {
  const uses = codeUses(flow);
  const history = { codeUses: uses, refreshReuses: new Map(refreshReuses(flow).map((r) => [r.request, r])) };
  const lost = stateLost(flow, context);
  const cors = tokenCorsBlocked(flow, context, uses);
  // A failed preflight already says why no token request was answered.
  const missing = noTokenRequest(flow, { explained: cors !== undefined, stateLost: lost !== undefined });
  const perRequest = tokenRequestsOf(flow).flatMap((request) =>
    [invalidGrant(flow, request, history), invalidClient(flow.id, request), invalidRequest(flow, request)].map(
      (diagnosis) => diagnosis && withProviderWords(diagnosis, flow, request),
    ),
  );
  return [
    // A refusal is the reason the callback never came: it takes that diagnosis's place.
    authorizationRefused(flow, context) ?? callbackNeverReached(flow, context),
    callbackRedirected(flow),
    callbackLoadedAgain(flow),
    authorizationError(flow),
    lost,
    missing,
    cors,
    ...perRequest,
  ].filter((d): d is Diagnosis => d !== undefined);
}
