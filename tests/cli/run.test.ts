import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TOOL_VERSION } from '../../src/report/version.ts';
import type { AuditReport } from '../../src/core/report.ts';
import { REPOSITORY_URL, ruleDocsUrl } from '../../src/core/rule-docs.ts';
import { rules } from '../../src/core/rules/index.ts';
import {
  cli,
  ENTRY,
  FIXTURE,
  fixtureSecrets,
  fixtureText,
  harSecrets,
  loadFixture,
  mismatchHar,
  OTHER_VERIFIER,
  tempDir,
  type Har,
} from './support.ts';

const fixturesDir = dirname(FIXTURE);

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const MISMATCH = tmp.write('mismatch.har', JSON.stringify(mismatchHar()));
const FORMATS = ['text', 'json', 'markdown', 'sarif'] as const;
const ANSI = /\u001b\[/;

const json = async (...files: string[]) => {
  const result = await cli(['audit', '--format', 'json', ...files]);
  return { ...result, report: JSON.parse(result.stdout) as AuditReport };
};

describe('help, version and usage errors', () => {
  it('prints help on stdout and exits 0', async () => {
    for (const args of [['--help'], ['-h'], ['audit', '--help']]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: oauth-lens audit [options] FILE.har...');
      expect(r.stdout).toMatch(/--fail-on LEVEL/);
      expect(r.stderr).toBe('');
    }
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(TOOL_VERSION).toBe(pkg.version);
    for (const flag of ['--version', '-V'])
      expect(await cli([flag])).toEqual({ code: 0, stdout: `oauth-lens ${pkg.version}\n`, stderr: '' });
  });

  it.each([
    [[], 'oauth-lens: missing command: oauth-lens audit FILE.har...'],
    [['scan', 'x.har'], 'oauth-lens: unknown command "scan"'],
    [['x.har'], 'oauth-lens: unknown command "x.har" (did you mean "oauth-lens audit x.har"?)'],
    [['audit'], 'oauth-lens: audit needs at least one HAR file'],
    [['audit', '--format', 'pdf', 'x.har'], 'oauth-lens: --format must be one of text, json, markdown, sarif (got "pdf")'],
    [['audit', '--fail-on', 'critical', 'x.har'], 'oauth-lens: --fail-on must be one of error, warning, info, never (got "critical")'],
    [['audit', '--colour', 'x.har'], `oauth-lens: Unknown option '--colour'`],
    [['audit', 'x.har', '--format'], `oauth-lens: Option '-f, --format <value>' argument missing`],
    [['audit', '--output', '', 'x.har'], 'oauth-lens: --output needs a file name'],
  ])('%j is a usage error: exit 2 and one message on stderr', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${message}\nRun "oauth-lens --help" for usage.\n`);
  });
});

describe('formats', () => {
  it('text: one block per flow with its file, verdict, endpoints, PKCE, steps, findings and a summary', async () => {
    const r = await cli(['audit', FIXTURE]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`${FIXTURE} · 16 exchanges · 1 flow`);
    expect(r.stdout).toMatch(/Flow 1\/1 flow-har-4 · .*oidc-provider-code-pkce-good\.har · /);
    expect(r.stdout).toMatch(/client_id\s+spa/);
    expect(r.stdout).toMatch(/PKCE\s+S256 · the verifier matches the challenge/);
    expect(r.stdout).toMatch(/ 1\. authorize\s+GET\s+303\s+http:\/\/127\.0\.0\.1:39945\/auth\?response_type=code/);
    expect(r.stdout).toMatch(/token\s+POST 200\s+http:\/\/127\.0\.0\.1:39945\/token\s+\(paired by code\)\s+\[entry 15\]/);
    expect(r.stdout).toMatch(
      /^Summary: 1 flow · 16 exchanges · \d+ errors? · \d+ warnings? · \d+ info · verdict (PASS|INFO|WARNING|ERROR)$/m,
    );
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('text: findings come with their message, evidence, requests, fix and cited links', async () => {
    const r = await cli(['audit', MISMATCH]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✖ ERROR pkce-challenge-mismatch — PKCE verifier does not match the challenge/);
    expect(r.stdout).toMatch(/evidence\s+code_challenge_method = S256/);
    expect(r.stdout).toMatch(/code_verifier = ‹redacted code_verifier, 43 chars›/);
    expect(r.stdout).toMatch(/requests\s+entry 4: GET http:\/\/127\.0\.0\.1:39945\/auth\?/);
    expect(r.stdout).toMatch(/fix\s+Store the exact verifier/);
    expect(r.stdout).toMatch(/see\s+RFC 7636 §4\.6 https:\/\/www\.rfc-editor\.org\/rfc\/rfc7636#section-4\.6/);
    expect(r.stdout).toContain(`docs      ${ruleDocsUrl('pkce-challenge-mismatch')}`);
  });

  it('text: colour only on a terminal, and never with NO_COLOR or --output', async () => {
    expect((await cli(['audit', MISMATCH], { stdoutIsTTY: true })).stdout).toMatch(ANSI);
    expect((await cli(['audit', MISMATCH], { stdoutIsTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
    expect((await cli(['audit', MISMATCH], { stdoutIsTTY: true, env: { TERM: 'dumb' } })).stdout).not.toMatch(ANSI);
    const out = tmp.path('colour.txt');
    await cli(['audit', '-o', out, MISMATCH], { stdoutIsTTY: true });
    expect(readFileSync(out, 'utf8')).not.toMatch(ANSI);
    expect((await cli(['audit', '-f', 'markdown', MISMATCH], { stdoutIsTTY: true })).stdout).not.toMatch(ANSI);
  });

  it('json: the documented schema', async () => {
    const { code, report, stderr } = await json(FIXTURE);
    expect(stderr).toBe('');
    expect(report).toMatchObject({
      format: 'oauth-lens-audit',
      schemaVersion: '1.3',
      tool: { name: 'oauth-lens', version: TOOL_VERSION },
      redacted: true,
    });
    expect(report.inputs).toHaveLength(1);
    const input = report.inputs[0]!;
    expect(input).toMatchObject({ file: FIXTURE, skippedEntries: [], headersRemoved: [], problems: [] });
    expect(input.flows).toHaveLength(1);
    expect(input.flows[0]).toMatchObject({
      id: 'flow-har-4',
      file: FIXTURE,
      clientId: 'spa',
      issuer: 'http://127.0.0.1:39945',
      issuerSource: 'metadata',
      authorizationEndpoint: 'http://127.0.0.1:39945/auth',
      tokenEndpoint: 'http://127.0.0.1:39945/token',
      redirectUri: 'http://localhost:45931/cb',
      responseType: 'code',
      responseMode: null,
      callbackMode: 'query',
      pkce: { method: 'S256', status: 'match', verifier: '‹redacted code_verifier, 43 chars›', nearMiss: null },
      diagnostics: [],
    });
    expect(input.flows[0]!.steps.map((s) => [s.kind, s.harEntry])).toEqual([
      ['authorize', 4],
      ['sign-in', 5],
      ['sign-in', 7],
      ['sign-in', 8],
      ['sign-in', 9],
      ['sign-in', 10],
      ['callback', 11],
      ['callback', 12],
      ['token', 15],
    ]);
    const findings = [...input.flows[0]!.findings, ...input.findings];
    for (const f of findings) {
      expect(Object.keys(f).sort()).toEqual([
        'citation',
        'citationLinks',
        'docsUrl',
        'evidence',
        'exchanges',
        'file',
        'fix',
        'flowId',
        'message',
        'ruleId',
        'severity',
        'title',
      ]);
    }
    expect(input.summary).toMatchObject({ flows: 1, exchanges: 16, skippedEntries: 0 });
    expect(input.summary.findings.total).toBe(findings.length);
    expect(report.summary).toMatchObject({ inputs: 1, flows: 1, exchanges: 16, verdict: input.summary.verdict });
    expect(code).toBe(input.summary.findings.error > 0 ? 1 : 0);
  });

  it('json: a PKCE mismatch is an error finding with its near-miss result on the flow', async () => {
    const { code, report } = await json(MISMATCH);
    expect(code).toBe(1);
    const flow = report.inputs[0]!.flows[0]!;
    expect(flow.verdict).toBe('error');
    expect(flow.pkce).toMatchObject({
      method: 'S256',
      status: 'mismatch',
      challenge: 'hPIgw8xdXw1WtwSuUzi63TuiOoW2ihfgKwbji20Qv64',
      computedS256: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    });
    const finding = flow.findings.find((f) => f.ruleId === 'pkce-challenge-mismatch')!;
    expect(finding).toMatchObject({ severity: 'error', flowId: 'flow-har-4', citation: 'RFC 7636 §4.6, §4.2', file: MISMATCH });
    expect(finding.exchanges.map((x) => x.harEntry)).toEqual([ENTRY.authorize, ENTRY.token]);
  });

  it('markdown: a summary table, then per flow the facts, a steps table and findings with links and fixes', async () => {
    const r = await cli(['audit', '-f', 'markdown', MISMATCH]);
    expect(r.code).toBe(1);
    const md = r.stdout;
    expect(
      md.startsWith(
        '# OAuth Lens audit\n\n| Input | Flows | Exchanges | Errors | Warnings | Info | Verdict |\n|---|--:|--:|--:|--:|--:|---|\n',
      ),
    ).toBe(true);
    expect(md).toContain(`| \`${MISMATCH}\` | 1 | 16 | `);
    expect(md).toContain(`## Flow 1/1 \`flow-har-4\` · \`${MISMATCH}\` · 🔴 error`);
    expect(md).toContain('| # | Step | Request | Status | Paired by | Entry |');
    expect(md).toMatch(/^\| 9 \| token \| `POST http:\/\/127\.0\.0\.1:39945\/token` \| 200 \| code \| 15 \|$/m);
    expect(md).toContain('- 🔴 **error** `pkce-challenge-mismatch` — PKCE verifier does not match the challenge  \n');
    expect(md).toContain(
      '**See:** [RFC 7636 §4.6](https://www.rfc-editor.org/rfc/rfc7636#section-4.6), [§4.2](https://www.rfc-editor.org/rfc/rfc7636#section-4.2)',
    );
    expect(md).toMatch(/\*\*Fix:\*\* Store the exact verifier/);
    expect(md).toContain(`**Learn more:** [pkce-challenge-mismatch.md](${ruleDocsUrl('pkce-challenge-mismatch')})`);
    expect(md).toContain('code_verifier: `‹redacted code_verifier, 43 chars›`');
  });

  it('sarif: SARIF 2.1.0 with the registry as rules and results located in the HAR file', async () => {
    const r = await cli(['audit', '-f', 'sarif', MISMATCH]);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'OAuth Lens', version: TOOL_VERSION, informationUri: REPOSITORY_URL });
    expect(run.tool.driver.rules.map((d: { id: string }) => d.id)).toEqual(rules.map((rule) => rule.meta.id));
    for (const descriptor of run.tool.driver.rules) {
      expect(descriptor.name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(descriptor.shortDescription.text.length).toBeGreaterThan(5);
      expect(descriptor.helpUri).toBe(`https://github.com/oauth-lens/oauth-lens/blob/main/docs/rules/${descriptor.id}.md`);
      // The spec sections stay in the help text and the properties.
      expect(descriptor.help.markdown).toMatch(/\*\*See:\*\* \[(RFC|OAuth|OIDC)/);
      expect(descriptor.properties.citationUrls.length).toBeGreaterThan(0);
      expect(['error', 'warning', 'note']).toContain(descriptor.defaultConfiguration.level);
    }
    expect(run.artifacts).toEqual([expect.objectContaining({ location: { uri: expect.stringMatching(/mismatch\.har$/) } })]);
    const result = run.results.find((x: { ruleId: string }) => x.ruleId === 'pkce-challenge-mismatch');
    expect(result).toMatchObject({ level: 'error', message: { text: expect.stringContaining('does not equal the code_challenge') } });
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe('pkce-challenge-mismatch');
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: run.artifacts[0].location.uri, index: 0 },
      region: { startLine: 1 },
    });
    expect(result.locations[0].logicalLocations.map((l: { name: string }) => l.name)).toEqual([
      'flow-har-4',
      'log.entries[4]',
      'log.entries[15]',
    ]);
    expect(result.properties).toMatchObject({ flowId: 'flow-har-4', harEntries: [4, 15], fix: expect.stringContaining('verifier') });
    for (const x of run.results) expect(['error', 'warning', 'note']).toContain(x.level);
  });
});

describe('exit status and --fail-on', () => {
  it('exits 1 when a finding reaches --fail-on (default error), 0 otherwise', async () => {
    expect((await cli(['audit', MISMATCH])).code).toBe(1);
    expect((await cli(['audit', '--fail-on', 'never', MISMATCH])).code).toBe(0);
    expect((await cli(['audit', '--fail-on=error', MISMATCH])).code).toBe(1);
    const { report } = await json(FIXTURE);
    const counts = report.summary.findings;
    expect((await cli(['audit', FIXTURE])).code).toBe(counts.error > 0 ? 1 : 0);
    expect((await cli(['audit', '--fail-on', 'warning', FIXTURE])).code).toBe(counts.error + counts.warning > 0 ? 1 : 0);
    expect((await cli(['audit', '--fail-on', 'info', FIXTURE])).code).toBe(counts.total > 0 ? 1 : 0);
    expect((await cli(['audit', '--fail-on', 'never', FIXTURE])).code).toBe(0);
  });
});

describe('--output', () => {
  it('writes the report to the file instead of stdout', async () => {
    const out = tmp.path('report.json');
    const r = await cli(['audit', '-f', 'json', '--output', out, FIXTURE]);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe((await cli(['audit', '-f', 'json', FIXTURE])).stdout);
  });

  it('says when the report cannot be written', async () => {
    const out = tmp.path('no/such/dir/report.json');
    const r = await cli(['audit', '-o', out, FIXTURE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`oauth-lens: ${out}: cannot write the report: no such directory\n`);
    const onDir = await cli(['audit', '-o', tmp.dir, FIXTURE]);
    expect(onDir.code).toBe(2);
    expect(onDir.stderr).toBe(`oauth-lens: ${tmp.dir}: cannot write the report: is a directory\n`);
  });
});

describe('several input files', () => {
  const a = tmp.write('a.har', fixtureText());
  const b = tmp.write('b.har', JSON.stringify(mismatchHar()));

  it('audits each on its own and says which file each flow came from, in every format', async () => {
    const { code, report } = await json(a, b);
    expect(code).toBe(1);
    expect(report.inputs.map((i) => i.file)).toEqual([a, b]);
    expect(report.inputs.map((i) => i.flows.map((f) => [f.id, f.file]))).toEqual([[['flow-har-4', a]], [['flow-har-4', b]]]);
    expect(report.inputs.map((i) => i.summary.verdict)[1]).toBe('error');
    expect(report.summary).toMatchObject({ inputs: 2, flows: 2, exchanges: 32, verdict: 'error' });
    // Flows do not cross files: the same state and code in both files do not make one flow's replay.
    expect(report.inputs[0]!.flows[0]!.steps).toHaveLength(9);

    const text = (await cli(['audit', a, b])).stdout;
    expect(text).toContain(`Flow 1/1 flow-har-4 · ${a} · `);
    expect(text).toContain(`Flow 1/1 flow-har-4 · ${b} · ERROR`);
    expect(text).toMatch(/^Overall \(2 inputs\): 2 flows · 32 exchanges · /m);

    const md = (await cli(['audit', '-f', 'markdown', a, b])).stdout;
    expect(md).toContain(`| \`${a}\` | 1 | 16 |`);
    expect(md).toContain(`| \`${b}\` | 1 | 16 |`);
    expect(md).toContain('| **All 2 inputs** | 2 | 32 |');
    expect(md).toContain(`## Flow 1/1 \`flow-har-4\` · \`${b}\` · 🔴 error`);

    const sarif = JSON.parse((await cli(['audit', '-f', 'sarif', a, b])).stdout);
    const run = sarif.runs[0];
    expect(run.artifacts.map((x: { location: { uri: string } }) => x.location.uri.replace(/^.*\//, ''))).toEqual(['a.har', 'b.har']);
    const mismatch = run.results.find((x: { ruleId: string }) => x.ruleId === 'pkce-challenge-mismatch');
    expect(mismatch.locations[0].physicalLocation.artifactLocation.index).toBe(1);
    expect(mismatch.properties.file).toBe(b);
  });

  it('reads standard input for "-"', async () => {
    const { code, stdout } = await cli(['audit', '-f', 'json', '-'], { readStdin: () => Buffer.from(fixtureText()) });
    expect(JSON.parse(stdout).inputs[0].file).toBe('<stdin>');
    expect(code).toBeLessThan(2);
  });
});

describe('secrets', () => {
  const good = fixtureSecrets();
  const bad = fixtureSecrets(mismatchHar());

  it('finds the secrets the fixture holds (the test itself is meaningful)', () => {
    const har = loadFixture();
    const body = new URLSearchParams(har.log.entries[ENTRY.token]!.request.postData!.text);
    const tokens = JSON.parse(har.log.entries[ENTRY.token]!.response.content.text!) as Record<string, string>;
    expect(good).toEqual(
      expect.arrayContaining([body.get('code'), body.get('code_verifier'), tokens.access_token, tokens.id_token, 'wonderland']),
    );
    expect(good.length).toBeGreaterThanOrEqual(8);
    expect(bad).toContain(OTHER_VERIFIER);
  });

  it.each(FORMATS)('%s: no secret of the HAR appears, redacted or not shown', async (format) => {
    for (const [file, secrets] of [
      [FIXTURE, good],
      [MISMATCH, bad],
    ] as const) {
      const r = await cli(['audit', '-f', format, file]);
      for (const secret of secrets) {
        expect(r.stdout, `${format} ${file} leaks ${secret.slice(0, 4)}…`).not.toContain(secret);
        // No prefix either: the redacted form never starts like the value.
        expect(r.stdout).not.toContain(secret.slice(0, 12));
      }
    }
  });

  // Every recorded fixture, including those other suites add: none of their secrets reaches any format.
  const recorded = readdirSync(fixturesDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.har'))
    .sort();
  it.each(recorded)('%s: no secret reaches any format', async (name) => {
    const file = join(fixturesDir, name);
    const secrets = harSecrets(JSON.parse(readFileSync(file, 'utf8')) as Har);
    for (const format of FORMATS) {
      const r = await cli(['audit', '-f', format, file]);
      expect(r.code, r.stderr).toBeLessThan(2);
      for (const secret of secrets)
        expect(r.stdout, `${format} leaks ${secret.slice(0, 4)}… (${secret.length} chars)`).not.toContain(secret);
    }
  });

  it('--show-secrets shows them', async () => {
    const har = loadFixture();
    const code = new URLSearchParams(har.log.entries[ENTRY.token]!.request.postData!.text).get('code')!;
    const verifier = new URLSearchParams(har.log.entries[ENTRY.token]!.request.postData!.text).get('code_verifier')!;
    for (const format of ['text', 'json', 'markdown'] as const) {
      const shown = await cli(['audit', '-f', format, '--show-secrets', FIXTURE]);
      expect(shown.stdout, format).toContain(`cb?code=${code}&`);
      expect(shown.stdout).not.toContain('‹redacted');
    }
    const report = JSON.parse((await cli(['audit', '-f', 'json', '--show-secrets', FIXTURE])).stdout) as AuditReport;
    expect(report.redacted).toBe(false);
    expect(report.inputs[0]!.flows[0]!.pkce.verifier).toBe(verifier);
    const sarif = JSON.parse((await cli(['audit', '-f', 'sarif', '--show-secrets', MISMATCH])).stdout);
    const evidence = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'pkce-challenge-mismatch').properties.evidence;
    expect(evidence).toContainEqual({ label: 'code_verifier', value: OTHER_VERIFIER, secret: true, redacted: false });
    expect((await cli(['audit', '--show-secrets', MISMATCH])).stdout).toContain(`code_verifier = ${OTHER_VERIFIER}`);
  });
});
