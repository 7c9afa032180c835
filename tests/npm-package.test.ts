/**
 * The `oauth-lens` npm package as a user gets it: `npm pack`, then `npm install --offline` of the tarball into an
 * empty directory with an empty cache (so nothing can come from the network or from this repository), then
 * `oauth-lens audit` on a fixture and `import { audit } from 'oauth-lens'` from JavaScript and, type-checked,
 * from TypeScript. The tarball is packed from the dist-cli/ that `npm test` built (a lone `vitest run` builds
 * it when missing).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childBuildEnv } from './support/child-build.ts';

const root = join(import.meta.dirname, '..');
const fixture = join(root, 'tests/fixtures/oidc-provider-code-pkce-good.har');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'oauth-lens-npm-'));
const app = join(tmp, 'app');
let packed: { filename: string; files: { path: string }[] };

const run = async (file: string, args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { cwd: app, env: childBuildEnv, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
};

beforeAll(() => {
  const built = ['dist-cli/oauth-lens.js', 'dist-cli/index.js', 'dist-cli/types/cli/api.d.ts'].every((f) => existsSync(join(root, f)));
  if (!built) execFileSync('npm', ['run', 'build:cli'], { cwd: root, env: childBuildEnv, stdio: 'pipe' });
  // prepack would build the CLI again: npm test has just built it.
  const json = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], {
    cwd: root,
    env: childBuildEnv,
    encoding: 'utf8',
  });
  packed = JSON.parse(json)[0];
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', '--cache', join(tmp, 'empty-cache'), join(tmp, packed.filename)],
    { cwd: app, env: childBuildEnv, stdio: 'pipe' },
  );
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the npm package', () => {
  it('is publishable, runs on the Node versions the build needs, and holds only what runs', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.engines.node).toBe('^20.19.0 || >=22.12.0');
    expect(pkg.dependencies).toBeUndefined();
    const files: string[] = packed.files.map((f) => f.path);
    const stray = files.filter(
      (f) => !/^(package\.json|README\.md|LICENSE|bin\/oauth-lens\.js|dist-cli\/[\w-]+\.js|dist-cli\/types\/[\w/-]+\.d\.ts)$/.test(f),
    );
    expect(stray).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining(['LICENSE', 'dist-cli/oauth-lens.js', 'dist-cli/index.js', 'dist-cli/types/cli/api.d.ts']),
    );
  });

  it('installs alone: no dependency came with it', () => {
    expect(readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['oauth-lens']);
  });

  it('runs `oauth-lens audit` on a HAR', async () => {
    const bin = join(app, 'node_modules/.bin/oauth-lens');
    expect(await run(bin, ['--version'])).toMatchObject({ code: 0, stdout: `oauth-lens ${pkg.version}\n` });
    const audited = await run(bin, ['audit', '--format', 'json', fixture]);
    expect(audited.code).toBe(0);
    expect(JSON.parse(audited.stdout).summary).toMatchObject({ verdict: 'info', flows: 1 });
  });

  it('gives `audit` to JavaScript: a HAR in, the report of `oauth-lens audit --format json` out', async () => {
    writeFileSync(
      join(app, 'audit.js'),
      `import { readFileSync } from 'node:fs';
       import { audit, reachesFailOn } from 'oauth-lens';
       const report = await audit(JSON.parse(readFileSync(process.argv[2], 'utf8')), { name: process.argv[2] });
       console.log(JSON.stringify({ report, failsOnInfo: reachesFailOn(report.summary, 'info') }));`,
    );
    const [api, cli] = await Promise.all([
      run('node', ['audit.js', fixture]),
      run(join(app, 'node_modules/.bin/oauth-lens'), ['audit', '-f', 'json', fixture]),
    ]);
    const { report, failsOnInfo } = JSON.parse(api.stdout);
    expect(report).toEqual(JSON.parse(cli.stdout));
    expect(failsOnInfo).toBe(true);
  });

  it('ships types that a strict TypeScript project checks against', async () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [] },
      }),
    );
    writeFileSync(
      join(app, 'check.ts'),
      `import { audit, InputError, reachesFailOn, type FindingReport } from 'oauth-lens';
       declare const har: string;
       const report = await audit(har, { name: 'login.har' });
       const findings: FindingReport[] = report.inputs.flatMap((input) => input.flows.flatMap((flow) => flow.findings));
       const ruleIds: string[] = findings.map((finding) => finding.ruleId);
       const failed: boolean = reachesFailOn(report.summary, 'warning');
       const file: string = new InputError('x.har', 'not JSON').file;
       // @ts-expect-error: the report model is typed, not any
       report.summary.noSuchField;
       export { ruleIds, failed, file };`,
    );
    const checked = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.']);
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  }, 60_000);
});
