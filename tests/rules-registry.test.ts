/**
 * The convention every rule follows (as typescript-eslint and refined-github enforce theirs): one file per
 * rule named after its id, listed in the registry, with a test file, a citation, a fix, and a page
 * `docs/rules/<id>.md` that follows the template of docs/rules/README.md and is listed there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { citationLinks } from '../src/core/citations.ts';
import { REPOSITORY_URL, ruleDocsUrl } from '../src/core/rule-docs.ts';
import { rules } from '../src/core/rules/index.ts';

const rulesDir = fileURLToPath(new URL('../src/core/rules/', import.meta.url));
const ruleFiles = readdirSync(rulesDir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts' && f !== 'rule.ts')
  .map((f) => f.replace(/\.ts$/, ''));

describe('rule registry', () => {
  it('lists every rule file exactly once', () => {
    const ids = rules.map((r) => r.meta.id);
    expect([...ids].sort()).toEqual([...ruleFiles].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(rules.map((r) => [r.meta.id, r] as const))('%s has a test, a citation, a fix and a valid severity', (id, rule) => {
    expect(existsSync(`${rulesDir}${id}.test.ts`)).toBe(true);
    expect(rule.meta.citation).toMatch(/^(RFC \d+|OAuth 2\.1|OIDC|OAuth Multiple Response Types)/);
    expect(rule.meta.fix.length).toBeGreaterThan(5);
    expect(rule.meta.title.length).toBeGreaterThan(5);
    expect(['error', 'warning', 'info']).toContain(rule.meta.severity);
    expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });
});

const docsDir = fileURLToPath(new URL('../docs/rules/', import.meta.url));
const pages = readdirSync(docsDir).filter((f) => f.endsWith('.md') && f !== 'README.md');
const page = (id: string) => readFileSync(`${docsDir}${id}.md`, 'utf8');
const ids = rules.map((r) => r.meta.id);

/** The sections of a rule page, in this order (the template in docs/rules/README.md). */
const SECTIONS = [
  'What it detects',
  'Why it matters',
  'What the spec says',
  'On the wire',
  'How to fix',
  'Not flagged (false-positive traps)',
  'Severity',
];

/** The value of a row of the page's header table: `| Severity | error; … |` → `error; …`. */
const row = (text: string, name: string) => new RegExp(`^\\| ${name} \\| (.*) \\|$`, 'm').exec(text)?.[1];

/**
 * The level each kind of spec text calls for (docs/rules/README.md, "Severity policy"): RFC 2119 / RFC 8174
 * keywords, a grammar (ABNF) a value must follow, or advice.
 */
const KEYWORD_LEVEL: Record<string, 'error' | 'warning' | 'info'> = {
  MUST: 'error',
  'MUST NOT': 'error',
  REQUIRED: 'error',
  SHALL: 'error',
  'SHALL NOT': 'error',
  ABNF: 'error',
  SHOULD: 'warning',
  'SHOULD NOT': 'warning',
  RECOMMENDED: 'warning',
  'NOT RECOMMENDED': 'warning',
  MAY: 'info',
  OPTIONAL: 'info',
  advice: 'info',
};

/**
 * The Severity row opens with the default level and, in parentheses, the spec text it rests on and where:
 * `error (**MUST NOT**, RFC 9700 §2.6)`, `error (ABNF, RFC 7636 §4.1)`, `info (advice, RFC 6749 §5.2)`. A level
 * other than the keyword's says why after ", but".
 */
const SEVERITY_BASIS = /^(error|warning|info) \((?:\*\*([A-Z ]+)\*\*|(ABNF|advice)), ([^()]*§[^()]*)\)/;

describe('rule pages (docs/rules/<id>.md)', () => {
  it.each(rules.map((r) => [r.meta.id, r] as const))('%s has a page that follows the template', (id, rule) => {
    expect(existsSync(`${docsDir}${id}.md`), `docs/rules/${id}.md`).toBe(true);
    const text = page(id);
    expect(text.split('\n', 1)[0]).toBe(`# ${rule.meta.title}`);
    expect(row(text, 'Rule')).toBe(`\`${id}\``);
    // The default severity comes first; the page then says when the rule raises or lowers it.
    expect(row(text, 'Severity')).toMatch(new RegExp(`^${rule.meta.severity}\\b`));
    expect(row(text, 'Evidence')?.length).toBeGreaterThan(10);
    const spec = row(text, 'Spec') ?? '';
    for (const link of citationLinks(rule.meta.citation)) if (link.url) expect(spec, link.label).toContain(link.url);
    const headings = text.split('\n').filter((line) => line.startsWith('## '));
    expect(headings).toEqual(SECTIONS.map((s) => `## ${s}`));
  });

  it.each(rules.map((r) => [r.meta.id, r] as const))('%s states the spec keyword and section its severity rests on', (id, rule) => {
    const severity = row(page(id), 'Severity') ?? '';
    const basis = SEVERITY_BASIS.exec(severity);
    expect(basis, `docs/rules/${id}.md Severity row: ${severity}`).not.toBeNull();
    const [, level, keyword, kind, where] = basis!;
    expect(level).toBe(rule.meta.severity);
    const keywordLevel = KEYWORD_LEVEL[keyword ?? kind!];
    expect(keywordLevel, `unknown keyword ${keyword ?? kind}`).toBeDefined();
    if (keywordLevel !== level) expect(where, `${id}: ${level} for a ${keyword ?? kind} needs a reason`).toContain(', but ');
  });

  it('has no page for a rule that is not registered', () => {
    expect(pages.map((f) => f.replace(/\.md$/, '')).filter((id) => !ids.includes(id as (typeof ids)[number]))).toEqual([]);
  });

  it('lists every registered rule in docs/rules/README.md, in registry order, linked to its page', () => {
    const readme = readFileSync(`${docsDir}README.md`, 'utf8');
    const listed = [...readme.matchAll(/^\| \[`([a-z0-9-]+)`\]\(\1\.md\) \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(ids);
    // A planned id (listed without a page) moves to the implemented table once its rule exists.
    const planned = [...readme.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(planned.filter((id) => ids.includes(id as (typeof ids)[number]))).toEqual([]);
  });

  it('links each page from the repository named in package.json', () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'));
    expect(pkg.repository?.url ?? pkg.repository).toBe(REPOSITORY_URL);
    expect(ruleDocsUrl('pkce-missing')).toBe(`${REPOSITORY_URL}/blob/main/docs/rules/pkce-missing.md`);
  });
});
