/**
 * The provider behind a flow's authorization server (src/core/providers.ts) and the hint that says where its
 * setting lives, shared by the diagnoses that read a server's refusal: authorization-refused,
 * authorization-error and the token endpoint's errors.
 */
import { firstTokenRequestOf } from '../flow-facts.ts';
import type { Flow } from '../model.ts';
import {
  type ProviderRecognition,
  type ProviderTerm,
  type RefusalCause,
  providerSetting,
  readRefusal,
  recognizeProvider,
} from '../providers.ts';
import type { RefusalHint } from './types.ts';

/** The provider by its host or endpoint layout, else by the vocabulary of what it answered (`term`). */
export function flowProvider(flow: Flow, term?: ProviderTerm): ProviderRecognition | undefined {
  const auth = flow.authorization;
  const recognized = recognizeProvider({
    ...(flow.issuer !== undefined && flow.issuerSource !== 'authorization-origin' ? { issuer: flow.issuer } : {}),
    ...(auth ? { authorizationEndpoint: auth.endpoint, parameterNames: auth.params.map((p) => p.name) } : {}),
    ...tokenEndpointOf(flow),
    pages: flow.steps.filter((s) => s.kind === 'sign-in').map((s) => s.url),
  });
  if (recognized) return recognized;
  return term?.provider ? { provider: term.provider, by: 'vocabulary' } : undefined;
}

function tokenEndpointOf(flow: Flow): { tokenEndpoint?: string } {
  const endpoint = flow.metadata?.tokenEndpoint ?? firstTokenRequestOf(flow)?.endpoint;
  return endpoint !== undefined ? { tokenEndpoint: endpoint } : {};
}

/**
 * Where the provider keeps the setting behind `cause`, with the values to put there (`redirectUri`: the one to
 * register, the flow's by default); undefined when the provider is not recognised or has no such setting.
 */
export function providerSettingHint(
  flow: Flow,
  recognition: ProviderRecognition | undefined,
  cause: RefusalCause,
  confirmed: boolean,
  redirectUri = flow.authorization?.redirectUri,
): RefusalHint | undefined {
  if (!recognition) return undefined;
  const setting = providerSetting(recognition.provider, cause);
  if (!setting) return undefined;
  return {
    kind: 'provider-setting',
    provider: recognition.provider,
    recognizedBy: recognition.by,
    cause,
    confirmed,
    ...setting,
    redirectUri: redirectUri ?? null,
    clientId: flow.authorization?.clientId ?? null,
  };
}

/** Longest error parameter read for vocabulary: an error_description is a sentence. */
const ERROR_TEXT_CHARS = 2000;

/** The provider's term in an error code and its description (a callback's, a token response's), if any. */
export function termOfError(error: string | undefined, description: string | undefined): ProviderTerm | undefined {
  const text = [error, description]
    .filter((t): t is string => t !== undefined)
    .map((t) => t.slice(0, ERROR_TEXT_CHARS))
    .join('\n');
  return text ? readRefusal(text) : undefined;
}

/**
 * What a provider's own words add to an error response (a callback's error, a token response's): its term
 * decoded, and where its setting lives. Only a provider's term, or a code OAuth does not define
 * (`redirect_uri_mismatch`), adds anything: the OAuth codes are decoded by the diagnoses themselves.
 */
export function providerWords(
  flow: Flow,
  error: string | undefined,
  description: string | undefined,
  isOAuthCode: (error: string) => boolean,
): { hints: RefusalHint[]; decoded: boolean } | undefined {
  const fromDescription = termOfError(undefined, description);
  const fromError = termOfError(error, undefined);
  const term = fromDescription?.provider ? fromDescription : (fromError ?? fromDescription);
  if (!term || (term.provider === null && isOAuthCode(term.term))) return undefined;
  const source = term === fromDescription ? 'error-description' : 'error-code';
  const decoded = term.cause !== 'unknown';
  const hints: RefusalHint[] = [{ kind: 'refusal-reason', term: term.term, provider: term.provider, cause: term.cause, source }];
  const setting = decoded ? providerSettingHint(flow, flowProvider(flow, term), term.cause, true) : undefined;
  if (setting) hints.push(setting);
  return { hints, decoded };
}
