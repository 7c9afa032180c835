import { describe, expect, it } from 'vitest';
import { issuerSummary, responseSummary } from './flow-facts.ts';

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
