import { describe, expect, it } from 'vitest';
import { citationLinks, OAUTH21_DRAFT, primaryCitationUrl } from './citations.ts';
import { rules } from './rules/index.ts';

const urls = (citation: string) => citationLinks(citation).map((l) => l.url);

describe('citationLinks', () => {
  it('links an RFC section to rfc-editor.org', () => {
    expect(citationLinks('RFC 7636 §4.6')).toEqual([
      { spec: 'RFC 7636', text: 'RFC 7636 §4.6', label: 'RFC 7636 §4.6', url: 'https://www.rfc-editor.org/rfc/rfc7636#section-4.6' },
    ]);
  });

  it('links an appendix', () => {
    expect(urls('RFC 7636 §4.2, App. A')).toEqual([
      'https://www.rfc-editor.org/rfc/rfc7636#section-4.2',
      'https://www.rfc-editor.org/rfc/rfc7636#appendix-A',
    ]);
    expect(citationLinks('RFC 7636 App. A')[0]?.url).toBe('https://www.rfc-editor.org/rfc/rfc7636#appendix-A');
  });

  it('gives several links for several parts and specs, keeping the text as written', () => {
    const links = citationLinks('RFC 6749 §4.1.2, §10.12; RFC 9700 §4.7.1');
    expect(links.map((l) => [l.text, l.label, l.url])).toEqual([
      ['RFC 6749 §4.1.2', 'RFC 6749 §4.1.2', 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2'],
      ['§10.12', 'RFC 6749 §10.12', 'https://www.rfc-editor.org/rfc/rfc6749#section-10.12'],
      ['RFC 9700 §4.7.1', 'RFC 9700 §4.7.1', 'https://www.rfc-editor.org/rfc/rfc9700#section-4.7.1'],
    ]);
  });

  it('links a range to its first section and a numbered item to its section', () => {
    expect(urls('RFC 7636 §4.5–4.6')).toEqual(['https://www.rfc-editor.org/rfc/rfc7636#section-4.5']);
    expect(citationLinks('RFC 7636 §4.5–4.6')[0]?.label).toBe('RFC 7636 §4.5–4.6');
    expect(urls('OIDC Core §3.1.3.7(11)')).toEqual(['https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation']);
    expect(urls('RFC 9449 §4.2–4.3, §11.1')).toEqual([
      'https://www.rfc-editor.org/rfc/rfc9449#section-4.2',
      'https://www.rfc-editor.org/rfc/rfc9449#section-11.1',
    ]);
  });

  it('links OAuth 2.1 sections to the draft the rules cite', () => {
    expect(urls('RFC 9700 §2.1.1; OAuth 2.1 §4.1.1')).toEqual([
      'https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1',
      `${OAUTH21_DRAFT}#section-4.1.1`,
    ]);
    expect(OAUTH21_DRAFT).toMatch(/^https:\/\/datatracker\.ietf\.org\/doc\/html\/draft-ietf-oauth-v2-1-\d+$/);
  });

  it('uses the named anchors of OIDC Core, and the top of the spec for a section it has no anchor for', () => {
    expect(urls('OIDC Core §3.1.2.1, §3.2.2.1')).toEqual([
      'https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest',
      'https://openid.net/specs/openid-connect-core-1_0.html#ImplicitAuthRequest',
    ]);
    expect(urls('OIDC Core §3.1.3.8, §3.2.2.9, §3.3.2.10–11')).toEqual([
      'https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowTokenValidation',
      'https://openid.net/specs/openid-connect-core-1_0.html#ImplicitTokenValidation',
      'https://openid.net/specs/openid-connect-core-1_0.html#CodeValidation',
    ]);
    expect(urls('OIDC Core §2')).toEqual(['https://openid.net/specs/openid-connect-core-1_0.html#IDToken']);
    expect(urls('OIDC Core §3.1.2.6')).toEqual(['https://openid.net/specs/openid-connect-core-1_0.html#AuthError']);
    expect(urls('OIDC Core §9')).toEqual(['https://openid.net/specs/openid-connect-core-1_0.html']);
    expect(urls('RFC 8414 §2, §3.3; OIDC Discovery §4.3')).toEqual([
      'https://www.rfc-editor.org/rfc/rfc8414#section-2',
      'https://www.rfc-editor.org/rfc/rfc8414#section-3.3',
      'https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation',
    ]);
  });

  it('falls back to the top of a spec it knows, and gives no link for one it does not', () => {
    expect(urls('OAuth Multiple Response Types §7')).toEqual(['https://openid.net/specs/oauth-v2-multiple-response-types-1_0.html']);
    expect(urls('RFC 6749')).toEqual(['https://www.rfc-editor.org/rfc/rfc6749']);
    expect(citationLinks('Some Vendor Guide §3')).toEqual([
      { spec: 'Some Vendor Guide', text: 'Some Vendor Guide §3', label: 'Some Vendor Guide §3' },
    ]);
    expect(citationLinks('')).toEqual([]);
    expect(citationLinks(' ; ;')).toEqual([]);
  });

  it('gives every registered rule at least one link, and the first one as its help URL', () => {
    for (const rule of rules) {
      const links = citationLinks(rule.meta.citation);
      expect(links.length, rule.meta.id).toBeGreaterThan(0);
      expect(
        links.every((l) => l.url?.startsWith('https://')),
        `${rule.meta.id}: ${rule.meta.citation}`,
      ).toBe(true);
      expect(primaryCitationUrl(rule.meta.citation)).toBe(links[0]?.url);
    }
  });
});
