import { describe, expect, it } from 'vitest';
import type { Step, TokenRequest } from '../core/model.ts';
import { issuerSummary, responseSummary, stepLabel } from './flow-facts.ts';

describe('flow facts in words', () => {
  it('says where the issuer came from, and that an origin is only a heuristic', () => {
    expect(issuerSummary({ issuer: 'https://as.example', issuerSource: 'metadata' })).toBe('https://as.example (from discovery metadata)');
    expect(issuerSummary({ issuer: 'https://as.example', issuerSource: 'authorization-origin' })).toBe(
      'https://as.example (the authorization endpoint origin, a heuristic)',
    );
    expect(issuerSummary({ issuer: null, issuerSource: null })).toBeUndefined();
  });

  it('names the response mode, or the default the callback showed', () => {
    expect(responseSummary({ responseType: 'code', responseMode: 'form_post', callbackMode: 'form_post' })).toBe('code · mode form_post');
    expect(responseSummary({ responseType: 'code', responseMode: null, callbackMode: 'query' })).toBe('code · mode default (query)');
    expect(responseSummary({ responseType: null, responseMode: null, callbackMode: null })).toBe('not observed · mode default');
    expect(responseSummary({ responseType: 'code', responseTypeImpliedBy: 'GitHub', responseMode: null, callbackMode: 'query' })).toBe(
      'code (not sent: implied by the provider, GitHub) · mode default (query)',
    );
  });
});

describe('stepLabel', () => {
  const step = (kind: Step['kind'], exchangeId = 'x1'): Step => ({
    kind,
    exchangeId,
    time: 0,
    method: 'POST',
    url: 'https://as.example/token',
  });

  it('names a device grant’s token request its poll, and a code exchange a token exchange (RFC 8628 §3.4)', () => {
    const request = (grantType: string) => ({ exchange: { id: 'x1' }, grantType }) as TokenRequest;
    expect(stepLabel({ codeExchanges: [request('urn:ietf:params:oauth:grant-type:device_code')] }, step('token'))).toBe('device code poll');
    expect(stepLabel({ codeExchanges: [request('authorization_code')] }, step('token'))).toBe('token exchange');
    expect(stepLabel({ codeExchanges: [] }, step('verification'))).toBe('verification page');
  });
});
