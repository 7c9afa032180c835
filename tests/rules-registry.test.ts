/**
 * The convention every rule follows (as typescript-eslint and refined-github enforce theirs): one file per
 * rule named after its id, listed in the registry, with a test file, a citation and a fix.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
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
