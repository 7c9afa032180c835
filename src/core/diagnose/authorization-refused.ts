/**
 * The authorization server refused the authorization request, usually before any sign-in: an error page instead
 * of a redirect back. RFC 6749 §4.1.2.1: when the redirect_uri is missing, invalid or mismatching, or the client_id
 * is unknown, the server informs the user and must not redirect to the redirect_uri, so the app never hears of
 * it and the flow just stops. Other refusals (a scope, a response_type) are often shown the same way.
 *
 * Read from what is visible: the status and URL of the page where the chain stopped (the authorization request,
 * or a page of the server its redirects led to, such as Cognito's `/error?error=redirect_mismatch`), its error
 * parameters, and its body when the capture has one (a HAR, DevTools): a bounded prefix, matched against the
 * providers' vocabulary, never rendered. Without a body the status alone makes it likely.
 */
import { capped } from '../evidence.ts';
import type { Evidence, Exchange, Flow, Step } from '../model.ts';
import { firstParam, header, parseForm, splitUrl } from '../params.ts';
import { type ProviderTerm, readRefusal } from '../providers.ts';
import { lastWorking, ownSteps } from './callback-never-reached.ts';
import type { DiagnosisContext } from './context.ts';
import { flowProvider, providerSettingHint, termOfError } from './provider-hints.ts';
import { DIAGNOSIS_TITLES, type Diagnosis, type DiagnosisHint, type Likelihood } from './types.ts';

/** A page whose path has an `error` segment is an error page (`/error`, Google's `/signin/oauth/error/v2`). */
const ERROR_PATH_SEGMENT = /\/error(?:\/|$)/i;

export function authorizationRefused(flow: Flow, context: DiagnosisContext): Diagnosis | undefined {
  const auth = flow.authorization;
  if (!auth || flow.callback) return undefined;
  const refusal = refusingExchange(flow, ownSteps(flow, context), context);
  if (!refusal) return undefined;
  const { exchange, at, errorParameters, errorPage, fromPage } = refusal;

  const fromParameters = errorParameters && termOfError(errorParameters.error, errorParameters.description);
  const body = bodyOf(exchange);
  const reason = moreTelling(fromParameters, fromPage);
  const term = reason?.term;
  const recognition = flowProvider(flow, term);
  const cause = term && term.cause !== 'unknown' ? term.cause : undefined;

  const hints: DiagnosisHint[] = [
    { kind: 'authorization-refused', method: exchange.method, status: exchange.status ?? null, url: exchange.url, at, errorPage },
  ];
  if (term) hints.push({ kind: 'refusal-reason', term: term.term, provider: term.provider, cause: term.cause, source: reason.source });
  if (!cause) hints.push({ kind: 'usual-refusal-causes', status: exchange.status ?? null, bodyObserved: body !== undefined });
  const aboutRedirectUri = cause === undefined || cause === 'redirect-uri';
  const fragmentAt = auth.redirectUri?.indexOf('#') ?? -1;
  if (aboutRedirectUri && fragmentAt !== -1) hints.push({ kind: 'redirect-uri-has-fragment', redirectUri: auth.redirectUri! });
  // The value to register is the redirect_uri without its fragment, which the app must drop.
  const toRegister = fragmentAt !== -1 ? auth.redirectUri!.slice(0, fragmentAt) : auth.redirectUri;
  const setting = providerSettingHint(flow, recognition, cause ?? 'redirect-uri', cause !== undefined, toRegister);
  if (setting) hints.push(setting);
  const worked = aboutRedirectUri ? lastWorking(flow, context) : undefined;
  if (worked) hints.push(worked.hint);

  return {
    id: `${flow.id}:authorization-refused`,
    kind: 'authorization-refused',
    flowId: flow.id,
    title: DIAGNOSIS_TITLES['authorization-refused'],
    likelihood: likelihoodOf(cause, exchange.status),
    evidence: evidenceOf(flow, exchange, errorParameters, term),
    exchangeIds: [...new Set([auth.exchange.id, exchange.id, ...(worked ? [worked.exchangeId] : [])])],
    hints,
  };
}

interface Refusal {
  exchange: Exchange;
  at: 'authorization-request' | 'server-page';
  errorParameters: { error: string; description?: string } | undefined;
  errorPage: boolean;
  /** What its body says, when the capture has it. */
  fromPage: ProviderTerm | undefined;
}

/**
 * Where the server refused: the page the chain stopped at, when it is an error status without a redirect or an
 * error page; else the authorization request itself, when it was answered so (the user may have clicked on
 * from the error page). A sign-in form answered 4xx (a mistyped password) is the user's turn, not a refusal:
 * a later page counts only when the server's redirects led to it.
 */
function refusingExchange(flow: Flow, steps: readonly Step[], context: DiagnosisContext): Refusal | undefined {
  const auth = flow.authorization!;
  const last = steps.at(-1);
  const lastExchange = last && last.exchangeId !== auth.exchange.id ? context.exchange(last.exchangeId) : undefined;
  if (last && lastExchange && reachedByRedirect(last, steps, context)) {
    const refusal = refusalAt(lastExchange, 'server-page');
    if (refusal) return refusal;
  }
  return refusalAt(auth.exchange, 'authorization-request');
}

function refusalAt(exchange: Exchange, at: Refusal['at']): Refusal | undefined {
  const errorParameters = at === 'server-page' ? errorParametersOf(exchange.url) : undefined;
  const body = bodyOf(exchange);
  const fromPage = body !== undefined ? readRefusal(body) : undefined;
  // A 401 with a challenge asks the browser to authenticate (Negotiate, Basic: RFC 9110 §11.6.1), which it
  // may do by sending the request again: not a refusal.
  const challenge = exchange.status === 401 && header(exchange.responseHeaders, 'www-authenticate') !== undefined;
  const refusedByStatus = exchange.status !== undefined && exchange.status >= 400 && exchange.location === undefined && !challenge;
  // Some servers show their error page with a 200 (Entra ID's sign-in page carries the AADSTS code): only a
  // provider's own words that name a cause make such a page a refusal, never a generic OAuth code.
  const namedByProvider =
    !refusedByStatus &&
    exchange.location === undefined &&
    fromPage !== undefined &&
    fromPage.provider !== null &&
    fromPage.cause !== 'unknown';
  const errorPage =
    namedByProvider ||
    (at === 'server-page' && (errorParameters !== undefined || ERROR_PATH_SEGMENT.test(splitUrl(exchange.url)?.target ?? '')));
  return refusedByStatus || errorPage ? { exchange, at, errorParameters, errorPage, fromPage } : undefined;
}

function bodyOf(exchange: Exchange): string | undefined {
  return exchange.responseBody?.kind === 'text' ? exchange.responseBody.text : undefined;
}

/**
 * Certain when the server's words name the cause; likely on a client error status or an error page (the
 * usual causes are the registration's); possible on a server error, which may pass.
 */
function likelihoodOf(cause: ProviderTerm['cause'] | undefined, status: number | undefined): Likelihood {
  if (cause !== undefined) return 'certain';
  return status !== undefined && status >= 500 ? 'possible' : 'likely';
}

/** The `error` and `error_description` of an error page's URL (Google's `authError` too), when it has one. */
function errorParametersOf(url: string): { error: string; description?: string } | undefined {
  const query = splitUrl(url)?.query;
  if (!query) return undefined;
  const { params } = parseForm(query);
  const error = firstParam(params, 'error') ?? firstParam(params, 'authError');
  if (error === undefined) return undefined;
  const description = firstParam(params, 'error_description');
  return description !== undefined ? { error, description } : { error };
}

/** Whether an earlier step of the flow redirected to this step's URL (the server led there, the user did not). */
function reachedByRedirect(step: Step, steps: readonly Step[], context: DiagnosisContext): boolean {
  for (let i = steps.indexOf(step) - 1; i >= 0; i--) {
    const location = context.exchange(steps[i]!.exchangeId)?.location;
    if (location === undefined) continue;
    const hash = location.indexOf('#');
    return (hash === -1 ? location : location.slice(0, hash)) === step.url;
  }
  return false;
}

/** The more telling of two readings (a decoded term over an unknown code), the URL's on a tie. */
function moreTelling(
  fromParameters: ProviderTerm | undefined,
  fromPage: ProviderTerm | undefined,
): { term: ProviderTerm; source: 'page' | 'error-parameters' } | undefined {
  if (fromParameters && (!fromPage || fromParameters.cause !== 'unknown' || fromPage.cause === 'unknown'))
    return { term: fromParameters, source: 'error-parameters' };
  return fromPage ? { term: fromPage, source: 'page' } : undefined;
}

function evidenceOf(
  flow: Flow,
  exchange: Exchange,
  errorParameters: { error: string; description?: string } | undefined,
  term: ProviderTerm | undefined,
): Evidence[] {
  const auth = flow.authorization!;
  return [
    ...(auth.redirectUri !== undefined ? [{ label: 'redirect_uri', value: auth.redirectUri }] : []),
    ...(auth.clientId !== undefined ? [{ label: 'client_id', value: capped(auth.clientId) }] : []),
    { label: 'answer', value: `${exchange.method} ${exchange.status ?? 'no response'}` },
    ...(errorParameters ? [{ label: 'error', value: capped(errorParameters.error) }] : []),
    ...(errorParameters?.description !== undefined ? [{ label: 'error_description', value: capped(errorParameters.description) }] : []),
    ...(term ? [{ label: 'the server says', value: term.term }] : []),
  ];
}
