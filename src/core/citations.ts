/**
 * Citation text → links to the spec sections, for every report format. Pure.
 *
 * A citation is written as in a rule's `meta.citation`: spec groups separated by `;`, each a spec name followed by
 * sections separated by `,` — `RFC 6749 §4.1.2, §10.12; RFC 9700 §4.7.1` is three links. A section is `§4.6`,
 * a range `§4.5–4.6` (linked to its first section), a numbered item `§3.1.3.7(11)` (linked to the section),
 * or an appendix `App. A`. A spec without a section links to the spec's top; a spec we do not know gets no
 * link, never a guessed one.
 */

export interface CitationLink {
  /** The spec, as written: `RFC 7636`, `OAuth 2.1`, `OIDC Core`. */
  spec: string;
  /** The part as written in the citation: `RFC 7636 §4.6` for a group's first part, `§4.2` after it. */
  text: string;
  /** Self-contained label: `RFC 7636 §4.2`. */
  label: string;
  /** Where it points; absent when the spec is unknown. */
  url?: string;
}

const RFC_EDITOR = 'https://www.rfc-editor.org/rfc/rfc';
/** The OAuth 2.1 draft whose section numbers the rules cite. */
export const OAUTH21_DRAFT = 'https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1-16';
const OIDC_CORE = 'https://openid.net/specs/openid-connect-core-1_0.html';
const OIDC_DISCOVERY = 'https://openid.net/specs/openid-connect-discovery-1_0.html';

/** OpenID specs use named anchors; the sections the rules cite (others link to the spec's top). */
const OIDC_CORE_ANCHORS: Record<string, string> = {
  '2': 'IDToken',
  '3.1.2.1': 'AuthRequest',
  '3.1.2.6': 'AuthError',
  '3.1.3.7': 'IDTokenValidation',
  '3.1.3.8': 'CodeFlowTokenValidation',
  '3.2.2.1': 'ImplicitAuthRequest',
  '3.2.2.9': 'ImplicitTokenValidation',
  '3.2.2.10': 'ImplicitIDToken',
  '3.2.2.11': 'ImplicitIDTokenValidation',
  '3.3.2.10': 'CodeValidation',
  '3.3.2.11': 'HybridIDToken',
};
const OIDC_DISCOVERY_ANCHORS: Record<string, string> = {
  '3': 'ProviderMetadata',
  '4': 'ProviderConfig',
  '4.3': 'ProviderConfigurationValidation',
};

interface SpecTarget {
  top: string;
  section(number: string): string;
  appendix(letter: string): string;
}

const ietf = (top: string): SpecTarget => ({
  top,
  section: (n) => `${top}#section-${n}`,
  appendix: (a) => `${top}#appendix-${a}`,
});

const openid = (top: string, anchors: Record<string, string>): SpecTarget => ({
  top,
  section: (n) => (anchors[n] ? `${top}#${anchors[n]}` : top),
  appendix: () => top,
});

function specTarget(spec: string): SpecTarget | undefined {
  const rfc = /^RFC\s*(\d{3,5})$/i.exec(spec);
  if (rfc) return ietf(`${RFC_EDITOR}${Number(rfc[1])}`);
  switch (spec.toLowerCase()) {
    case 'oauth 2.1':
      return ietf(OAUTH21_DRAFT);
    case 'oidc core':
      return openid(OIDC_CORE, OIDC_CORE_ANCHORS);
    case 'oidc discovery':
      return openid(OIDC_DISCOVERY, OIDC_DISCOVERY_ANCHORS);
    case 'oauth multiple response types':
      return openid('https://openid.net/specs/oauth-v2-multiple-response-types-1_0.html', {});
    case 'oauth form post response mode':
      return openid('https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html', {});
    default:
      return undefined;
  }
}

// `§4.1.2`, `§ 4.5–4.6`, `§3.1.3.7(11)`; `App. A`, `Appendix B.1`.
const SECTION = /^§\s*(\d+(?:\.\d+)*)(?:\s*[–—-]\s*\d+(?:\.\d+)*)?(?:\s*\([^)]*\))?$/;
const APPENDIX = /^(?:App\.|Appendix)\s*([A-Z](?:\.\d+)*)$/;
// Where the spec name ends and the first section begins.
const FIRST_PART = /\s*(§|App\.|Appendix\s+[A-Z])/;

/** Split a citation into one link per cited part. Never throws; unknown text becomes an unlinked part. */
export function citationLinks(citation: string): CitationLink[] {
  const links: CitationLink[] = [];
  for (const rawGroup of citation.split(';')) {
    const group = rawGroup.trim();
    if (!group) continue;
    const at = group.search(FIRST_PART);
    const spec = (at === -1 ? group : group.slice(0, at)).trim();
    const target = specTarget(spec);
    if (at === -1) {
      links.push({ spec, text: spec, label: spec, ...(target ? { url: target.top } : {}) });
      continue;
    }
    const parts = group
      .slice(at)
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    parts.forEach((part, index) => {
      const url = target ? partUrl(target, part) : undefined;
      const label = `${spec} ${part}`;
      links.push({ spec, text: index === 0 ? label : part, label, ...(url ? { url } : {}) });
    });
  }
  return links;
}

function partUrl(target: SpecTarget, part: string): string {
  const section = SECTION.exec(part);
  if (section) return target.section(section[1]!);
  const appendix = APPENDIX.exec(part);
  if (appendix) return target.appendix(appendix[1]!);
  return target.top;
}

/** The first link of a citation, when there is one. */
export function primaryCitationUrl(citation: string): string | undefined {
  return citationLinks(citation).find((l) => l.url)?.url;
}
