/**
 * The diagnoses' documentation kept in step with the code: every diagnosis kind has its row in the README's
 * JSON report section, every recognised provider its row in docs/providers.md with the setting the views name.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIAGNOSIS_TITLES, type DiagnosisKind } from '../src/core/diagnose/types.ts';
import { PROVIDER_NAMES, type ProviderId, providerSetting } from '../src/core/providers.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const providers = readFileSync(new URL('../docs/providers.md', import.meta.url), 'utf8');

describe('the diagnoses in the docs', () => {
  it('lists every diagnosis kind in the README', () => {
    for (const kind of Object.keys(DIAGNOSIS_TITLES) as DiagnosisKind[]) expect(readme).toMatch(new RegExp(`^\\| \`${kind}\` +\\|`, 'm'));
  });

  it('has a row for every provider in docs/providers.md, naming its redirect URI setting', () => {
    const rows = providers.split('\n').filter((line) => line.startsWith('| '));
    for (const [id, name] of Object.entries(PROVIDER_NAMES)) {
      const row = rows.find((r) => r.startsWith(`| ${name} |`));
      expect(row, name).toBeDefined();
      expect(row).toContain(providerSetting(id as ProviderId, 'redirect-uri')!.setting);
    }
  });
});
