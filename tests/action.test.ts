/**
 * The GitHub Action's script (action/audit-hars.sh, run by action.yml) on a workspace of its own: the globs
 * expanded from the repository root, every HAR named by its path relative to it in the SARIF, the report valid
 * against the SARIF 2.1.0 schema (OASIS's, vendored in tests/fixtures/sarif/), and the outputs that let the
 * action upload the report before it fails the job. The CLI run is this repository's bin/oauth-lens.js (the
 * npm package's launcher), built by `npm test`, or here when missing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE, mismatchHar } from './cli/support.ts';
import { childBuildEnv } from './support/child-build.ts';

const root = join(import.meta.dirname, '..');
const script = join(root, 'action/audit-hars.sh');
const workspace = mkdtempSync(join(tmpdir(), 'oauth-lens-action-'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * The schema is draft-04, which Ajv 8 reads as draft-07 once its `id` is spelled `$id` (it uses no keyword whose
 * meaning changed: no boolean exclusiveMinimum/Maximum).
 */
function sarifValidator() {
  const { $schema: _draft04, id, ...schema } = JSON.parse(readFileSync(join(root, 'tests/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile({ $id: id, ...schema } as AnySchema);
}

async function runAction(env: Record<string, string>) {
  const output = join(workspace, `github-output-${Math.random().toString(36).slice(2)}`);
  writeFileSync(output, '');
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', [script], {
      cwd: workspace,
      env: { ...childBuildEnv, OAUTH_LENS_CLI: `${process.execPath} ${join(root, 'bin/oauth-lens.js')}`, GITHUB_OUTPUT: output, ...env },
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr, outputs: readOutputs(output) };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr, outputs: readOutputs(output) };
  }
}

const readOutputs = (file: string) =>
  Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );

beforeAll(() => {
  if (!existsSync(join(root, 'dist-cli/oauth-lens.js')))
    execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts'], { cwd: root, env: childBuildEnv, stdio: 'pipe' });
  cpSync(join(root, 'tests/fixtures/demo'), join(workspace, 'recordings/demo'), { recursive: true });
  cpSync(FIXTURE, join(workspace, 'recordings/good.har'));
  mkdirSync(join(workspace, 'e2e/login/deep'), { recursive: true });
  writeFileSync(join(workspace, 'e2e/login/deep/mismatch.har'), JSON.stringify(mismatchHar()));
  cpSync(FIXTURE, join(workspace, '-starts-with-a-dash.har'));
}, 120_000);
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('action/audit-hars.sh', () => {
  it('audits the HARs the globs match, names them relative to the repository root, and writes valid SARIF 2.1.0', async () => {
    const result = await runAction({
      OAUTH_LENS_HAR: `recordings/**/*.har\n  e2e/**/mismatch.har ${workspace}/-starts-with-a-dash.har\nnot-there/*.har`,
      OAUTH_LENS_SARIF: 'reports/oauth-lens.sarif',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('::warning::oauth-lens: no file matches not-there/*.har');
    // The verifier mismatch is an error: the job is to fail, after the upload.
    expect(result.outputs).toEqual({ 'sarif-file': 'reports/oauth-lens.sarif', 'exit-code': '1' });

    const sarif = JSON.parse(readFileSync(join(workspace, 'reports/oauth-lens.sarif'), 'utf8'));
    const validate = sarifValidator();
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] }), 'a run without its tool is refused').toBe(false);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);

    const uris: string[] = sarif.runs[0].artifacts.map((artifact: { location: { uri: string } }) => artifact.location.uri);
    expect(uris).toContain('recordings/good.har');
    expect(uris).toContain('recordings/demo/good.har');
    expect(uris).toContain('e2e/login/deep/mismatch.har');
    expect(uris).toContain('-starts-with-a-dash.har');
    expect(uris.filter((uri) => uri.startsWith('file:') || uri.startsWith('/') || uri.startsWith('..'))).toEqual([]);
    const resultUris = new Set<string>(
      sarif.runs[0].results.map(
        (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
          r.locations[0]!.physicalLocation.artifactLocation.uri,
      ),
    );
    expect(resultUris).toContain('e2e/login/deep/mismatch.har');
    expect(sarif.runs[0].results.length).toBeGreaterThan(20);
  }, 120_000);

  it('reports exit code 0 when no finding reaches fail-on', async () => {
    const result = await runAction({ OAUTH_LENS_HAR: 'e2e/**/*.har', OAUTH_LENS_FAIL_ON: 'never' });
    expect(result.code).toBe(0);
    expect(result.outputs).toEqual({ 'sarif-file': 'oauth-lens.sarif', 'exit-code': '0' });
  });

  it('fails with status 2, writing no output, when no HAR matches or one cannot be read', async () => {
    const none = await runAction({ OAUTH_LENS_HAR: 'nothing/**/*.har' });
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('::error::oauth-lens: no HAR file matches nothing/**/*.har');
    expect(none.outputs).toEqual({});
    writeFileSync(join(workspace, 'broken.har'), '{"log": ');
    const broken = await runAction({ OAUTH_LENS_HAR: 'broken.har' });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('oauth-lens: broken.har: truncated');
    expect(broken.outputs).toEqual({});
  });
});

describe('action.yml', () => {
  const action = readFileSync(join(root, 'action.yml'), 'utf8');
  it('runs the script, runs the npm package of this version by default, and uploads with codeql-action', () => {
    expect(action).toContain('run: bash "$GITHUB_ACTION_PATH/action/audit-hars.sh"');
    expect(action).toMatch(new RegExp(`version:\\n(?:.*\\n)*?\\s+default: ${pkg.version.replace(/\./g, '\\.')}\\n`));
    expect(action).toContain('uses: github/codeql-action/upload-sarif@v3');
  });
});
