/** A flow's facts in words, the same in every view: where its issuer came from, its response type and mode. Pure. */
import { DEVICE_CODE_GRANT } from '../core/device-grant.ts';
import { impliedResponseType } from '../core/evidence.ts';
import type { CorrelatedFlow, Step } from '../core/model.ts';
import type { FlowReport } from '../core/report.ts';

const STEP_LABEL: Record<Step['kind'], string> = {
  par: 'PAR',
  authorize: 'authorize',
  'sign-in': 'sign-in',
  callback: 'callback',
  'device-authorization': 'device authorization',
  verification: 'verification page',
  token: 'token exchange',
  refresh: 'refresh',
  userinfo: 'userinfo',
  revocation: 'revocation',
};

/** A step's name in a timeline; a device grant's token request is its poll (RFC 8628 §3.4). */
export function stepLabel(flow: Pick<CorrelatedFlow, 'codeExchanges'>, step: Step): string {
  if (step.kind === 'token' && flow.codeExchanges.some((r) => r.exchange.id === step.exchangeId && r.grantType === DEVICE_CODE_GRANT))
    return 'device code poll';
  return STEP_LABEL[step.kind];
}

const ISSUER_SOURCE: Record<NonNullable<FlowReport['issuerSource']>, string> = {
  metadata: 'from discovery metadata',
  iss: 'from the iss parameter',
  // Not an issuer identifier the server declared (RFC 9207 §2), only a heuristic: say so, as iss-mismatch does.
  'authorization-origin': 'the authorization endpoint origin, a heuristic',
};

/** `https://as.example (from discovery metadata)`; undefined when the issuer is unknown. */
export function issuerSummary(flow: Pick<FlowReport, 'issuer' | 'issuerSource'>): string | undefined {
  if (flow.issuer === null) return undefined;
  return flow.issuerSource ? `${flow.issuer} (${ISSUER_SOURCE[flow.issuerSource]})` : flow.issuer;
}

/**
 * `code · mode form_post` / `code · mode default (query)`: without response_mode the response type's default
 * applies (OAuth 2.0 Multiple Response Type Encoding Practices §2), and the callback shows which it was. A code
 * the provider implies (GitHub's request has no response_type) is never shown as sent.
 */
export function responseSummary(
  flow: Pick<FlowReport, 'responseType' | 'responseMode' | 'callbackMode'> & Partial<Pick<FlowReport, 'responseTypeImpliedBy'>>,
): string {
  const type =
    flow.responseType === null
      ? 'not observed'
      : flow.responseTypeImpliedBy
        ? impliedResponseType(flow.responseType, flow.responseTypeImpliedBy)
        : flow.responseType;
  const mode = flow.responseMode ?? (flow.callbackMode ? `default (${flow.callbackMode})` : 'default');
  return `${type} · mode ${mode}`;
}
