/**
 * Where a rule's page lives: `docs/rules/<id>.md` in the repository (what it detects, why, the spec text, an
 * example on the wire, the fix, the false-positive traps, the severity). The SARIF `helpUri`, the JSON report's
 * `docsUrl` and every view's "Learn more" link point there. The base is written once, here, and matches the
 * `repository` field of package.json (checked by `tests/rules-registry.test.ts`). Pure.
 */

/** The repository's web address. */
export const REPOSITORY_URL = 'https://github.com/oauth-lens/oauth-lens';

/** The rule pages' folder on the main branch. */
export const RULE_DOCS_BASE = `${REPOSITORY_URL}/blob/main/docs/rules/`;

/** `pkce-missing` → `https://github.com/oauth-lens/oauth-lens/blob/main/docs/rules/pkce-missing.md`. */
export function ruleDocsUrl(id: string): string {
  return `${RULE_DOCS_BASE}${encodeURIComponent(id)}.md`;
}
