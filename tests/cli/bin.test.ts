/**
 * The installed command end to end: `bin/oauth-lens.js` loads the bundle in dist-cli/ and behaves like the
 * in-process `run`. `npm test` builds first; when the bundle is missing or older than the sources (a lone
 * `vitest run`), it is built here.
 */
import { execFile, execFileSync, spawn as spawnChild } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childBuildEnv } from '../support/child-build.ts';
import { cli, FIXTURE, mismatchHar, repeatedFlowsHar, tempDir } from './support.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/oauth-lens.js', import.meta.url));
const bundle = fileURLToPath(new URL('../../dist-cli/oauth-lens.js', import.meta.url));
const tmp = tempDir();

/** Newest modification time under a directory (the sources the bundle is built from). */
function newestUnder(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  const sources = Math.max(newestUnder(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs);
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < sources) {
    // The whole CLI build: the bundles and the API's types (tests/npm-package.test.ts packs them), without
    // vitest's NODE_ENV.
    execFileSync('npm', ['run', 'build:cli'], { cwd: root, env: childBuildEnv, stdio: 'pipe' });
  }
}, 120_000);
afterAll(() => tmp.cleanup());

async function spawn(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('bin/oauth-lens.js', () => {
  it('prints the version and the help', async () => {
    expect(await spawn(['--version'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^oauth-lens \d+\.\d+\.\d+\n$/),
      stderr: '',
    });
    expect((await spawn(['--help'])).stdout).toContain('Usage: oauth-lens audit');
  });

  it('audits a HAR exactly as the in-process command does, with its exit status', async () => {
    const mismatch = tmp.write('mismatch.har', JSON.stringify(mismatchHar()));
    for (const format of ['json', 'sarif', 'markdown', 'text']) {
      const spawned = await spawn(['audit', '--format', format, mismatch], { NO_COLOR: '1' });
      const inProcess = await cli(['audit', '--format', format, mismatch]);
      expect(spawned, format).toEqual(inProcess);
      expect(spawned.code).toBe(1);
    }
    expect((await spawn(['audit', '--fail-on', 'never', mismatch])).code).toBe(0);
  });

  it('writes --output, and reports an unreadable input in one line with exit status 2', async () => {
    const out = tmp.path('report.json');
    const written = await spawn(['audit', '-f', 'json', '-o', out, FIXTURE]);
    expect(written.stdout).toBe('');
    expect(existsSync(out)).toBe(true);
    const missing = tmp.path('missing.har');
    expect(await spawn(['audit', missing])).toEqual({ code: 2, stdout: '', stderr: `oauth-lens: ${missing}: file not found\n` });
    expect(await spawn(['audit', '--bogus', FIXTURE])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/^oauth-lens: Unknown option '--bogus'\n/),
    });
  });

  it("stops quietly, with the audit's exit status, when the reader closes the pipe early", async () => {
    const many = tmp.write('many.har', JSON.stringify(repeatedFlowsHar(60)));
    const expected = (await cli(['audit', many])).code;
    expect((await cli(['audit', many])).stdout.length).toBeGreaterThan(256 * 1024);
    const child = spawnChild(process.execPath, [bin, 'audit', many], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(expected);
  });
});
