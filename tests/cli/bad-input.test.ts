/**
 * Bad input, as acceptance: files that are not HARs get exit status 2 and one clear line on stderr naming
 * the file and the problem (never a stack trace); HARs with odd content (huge or binary bodies, broken
 * percent-encoding, repeated parameters, broken JWTs, unusable entries) are audited without crashing. Every
 * input is generated in a temporary directory from the recorded fixture.
 */
import { closeSync, ftruncateSync, mkdirSync, openSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_STRING_LENGTH } from '../../src/cli/input.ts';
import type { AuditReport } from '../../src/core/report.ts';
import { cli, ENTRY, fixtureText, loadFixture, tempDir, type Har, type HarEntry } from './support.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const text = fixtureText();
const writeHar = (name: string, har: Har) => tmp.write(name, JSON.stringify(har, null, 2));

/** Exit 2 and exactly one line on stderr, `oauth-lens: FILE: PROBLEM`, and nothing on stdout. */
async function expectRejected(file: string, problem: string | RegExp) {
  const r = await cli(['audit', '--format', 'json', file]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
  const line = r.stderr.trimEnd();
  expect(line.startsWith(`oauth-lens: ${file}: `)).toBe(true);
  const message = line.slice(`oauth-lens: ${file}: `.length);
  if (typeof problem === 'string') expect(message).toBe(problem);
  else expect(message).toMatch(problem);
}

/** Audited: exit 0 or 1, nothing on stderr unless told, valid JSON. */
async function audited(file: string, args: string[] = []) {
  const r = await cli(['audit', '--format', 'json', ...args, file]);
  expect(r.code, r.stderr).toBeLessThan(2);
  return { ...r, report: JSON.parse(r.stdout) as AuditReport };
}

describe('files that are not HARs: exit 2 with one line naming the file and the problem', () => {
  it.each([
    ['not JSON', 'notes.har', 'this is not JSON at all\n', `not JSON: Unexpected token 'h', "this is not"... is not valid JSON`],
    ['an HTML page saved as .har', 'page.har', '<!doctype html><html><body>Sign in</body></html>', /^not JSON: Unexpected token '<'/],
    ['JSON that is not a HAR', 'config.json', '{"hello":"world"}', 'not a HAR file: JSON without a "log" object'],
    ['a JSON array', 'list.json', '[1,2,3]', 'not a HAR file: JSON without a "log" object'],
    ['entries that are not an array', 'odd.har', '{"log":{"entries":{}}}', 'not a HAR file: "log.entries" is not an array'],
    ['an empty file', 'empty.har', '', 'not a HAR file: it is empty'],
    ['only whitespace', 'blank.har', ' \n\n ', 'not a HAR file: it is empty'],
    ['cut in the middle of a string', 'cut-string.har', text.slice(0, 40_000), /^truncated: the JSON ends before the HAR does \(/],
    [
      'cut between two values',
      'cut-value.har',
      text.slice(0, text.length - 3),
      /^truncated: the JSON ends before the HAR does \(Expected ',' or '}' after property value/,
    ],
    ['cut after an array element', 'cut-array.har', text.slice(0, text.length - 100), /^truncated: the JSON ends before the HAR does \(/],
  ])('%s', async (_what, name, content, problem) => {
    await expectRejected(tmp.write(name, content), problem);
  });

  it('binary data', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]);
    await expectRejected(tmp.write('image.har', png), 'not a HAR file: it holds binary data, not JSON');
  });

  it('a gzip-compressed HAR', async () => {
    await expectRejected(tmp.write('capture.har.gz', gzipSync(text)), 'is gzip-compressed, not a HAR file: decompress it first (gunzip)');
  });

  it('a ZIP archive', async () => {
    await expectRejected(
      tmp.write('capture.zip', Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0])),
      'is a ZIP archive, not a HAR file: extract the .har first',
    );
  });

  it('a file that does not exist', async () => {
    await expectRejected(tmp.path('missing.har'), 'file not found');
  });

  it('a directory', async () => {
    const dir = tmp.path('folder.har');
    mkdirSync(dir);
    await expectRejected(dir, 'is a directory, not a HAR file');
  });

  it('a file too large for one JavaScript string, said before reading it', async () => {
    // A sparse file: its size is what counts, and it takes no disk space.
    const file = tmp.path('huge.har');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, MAX_STRING_LENGTH + 1);
    closeSync(fd);
    const started = performance.now();
    await expectRejected(
      file,
      'too large (512.0 MB): a JavaScript string holds at most 512.0 MB, so this HAR cannot be read in one piece; export fewer requests or split the capture',
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('the size limit applies to standard input too', async () => {
    const r = await cli(['audit', '-'], { readStdin: () => Buffer.from(text), maxInputBytes: 1000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'oauth-lens: <stdin>: too large (83.9 KB): a JavaScript string holds at most 1000 bytes, so this HAR cannot be read in one piece; export fewer requests or split the capture\n',
    );
  });

  it('one unreadable file among good ones: every unreadable file is named, and no report is written', async () => {
    const good = tmp.write('good.har', text);
    const bad = tmp.write('bad.har', '{"log":');
    const missing = tmp.path('gone.har');
    const r = await cli(['audit', good, bad, missing]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `oauth-lens: ${bad}: truncated: the JSON ends before the HAR does (Unexpected end of JSON input)`,
      `oauth-lens: ${missing}: file not found`,
    ]);
  });
});

describe('HAR variants that are fine', () => {
  it('UTF-8 with a byte-order mark, and UTF-16 exports', async () => {
    for (const [name, bytes] of [
      ['bom.har', Buffer.from(`\ufeff${text}`)],
      ['utf16le.har', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
      ['utf16be.har', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
    ] as const) {
      const { report, stderr } = await audited(tmp.write(name, bytes));
      expect(stderr, name).toBe('');
      expect(
        report.inputs[0]!.flows.map((f) => f.steps.length),
        name,
      ).toEqual([9]);
    }
  });

  it("a Firefox-style export without Chrome's private fields", async () => {
    const har = loadFixture();
    for (const entry of har.log.entries) for (const key of Object.keys(entry)) if (key.startsWith('_')) delete entry[key];
    const { report } = await audited(writeHar('firefox.har', har));
    const flow = report.inputs[0]!.flows[0]!;
    expect(flow.steps.map((s) => s.kind)).toEqual([
      'authorize',
      'sign-in',
      'sign-in',
      'sign-in',
      'sign-in',
      'sign-in',
      'callback',
      'callback',
      'token',
    ]);
    expect(flow.pkce.status).toBe('match');
  });
});

describe('odd content is audited without crashing', () => {
  it('10 MB request and response bodies, text and binary', async () => {
    const har = loadFixture();
    const big = 'x'.repeat(10 * 1024 * 1024);
    const tokenEntry = har.log.entries[ENTRY.token]!;
    const tokens = JSON.parse(tokenEntry.response.content.text!) as Record<string, unknown>;
    tokenEntry.response.content.text = JSON.stringify({ ...tokens, padding: big });
    const upload: HarEntry = structuredClone(har.log.entries[1]!);
    upload.request.method = 'POST';
    upload.request.url = 'http://localhost:45931/upload';
    upload.request.postData = { mimeType: 'text/plain', text: big };
    upload.response.content = {
      size: 10 * 1024 * 1024,
      mimeType: 'image/png',
      text: Buffer.alloc(10 * 1024 * 1024, 7).toString('base64'),
      encoding: 'base64',
    };
    har.log.entries.push(upload);
    const file = tmp.write('big-bodies.har', JSON.stringify(har));
    const started = performance.now();
    const { report, stderr } = await audited(file);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(stderr).toBe('');
    const flow = report.inputs[0]!.flows[0]!;
    expect(report.inputs[0]!.summary.exchanges).toBe(17);
    expect(flow.steps).toHaveLength(9);
    // The oversized token response is named as such, not guessed at.
    expect(flow.notes.join('\n')).toMatch(/token response body: .*too large/);
    // Formatting does not copy the bodies into the report.
    expect((await cli(['audit', file])).stdout.length).toBeLessThan(20_000);
  });

  it('broken percent-encoding in the authorization request and the token request', async () => {
    const har = loadFixture();
    const auth = har.log.entries[ENTRY.authorize]!;
    auth.request.url += '&ui_locales=%ZZ%E0%A4%A&login_hint=100%';
    const post = har.log.entries[ENTRY.token]!.request.postData!;
    post.text = post.text!.replace(/code_verifier=([^&]*)/, 'code_verifier=$1%E0%A4%A');
    delete post.params;
    const { report, code } = await audited(writeHar('percent.har', har));
    expect(code).toBe(1);
    const flow = report.inputs[0]!.flows[0]!;
    expect(flow.steps[0]!.url).toContain('ui_locales=%ZZ%E0%A4%A&login_hint=100%');
    // The verifier as sent no longer matches, and the report says why in words, without showing it.
    expect(flow.pkce.status).toBe('mismatch');
    const malformed = flow.findings.find((f) => f.ruleId === 'pkce-verifier-malformed');
    expect(malformed?.message).toMatch(/outside|unreserved|%/);
    expect(JSON.stringify(report)).not.toMatch(/code_verifier=(?!‹redacted)/);
  });

  it('repeated parameters are reported, and a repeated code stays redacted', async () => {
    const har = loadFixture();
    har.log.entries[ENTRY.authorize]!.request.url += '&scope=openid%20profile';
    const post = har.log.entries[ENTRY.token]!.request.postData!;
    const code = new URLSearchParams(post.text).get('code')!;
    post.text += `&code=${code}`;
    delete post.params;
    const { report, code: exit } = await audited(writeHar('duplicates.har', har));
    expect(exit).toBe(1);
    const duplicates = report.inputs[0]!.flows[0]!.findings.filter((f) => f.ruleId === 'duplicate-parameter');
    expect(duplicates.map((f) => f.message)).toEqual([
      expect.stringMatching(/authorization request repeats scope/),
      expect.stringMatching(/token request repeats code/),
    ]);
    expect(JSON.stringify(report)).not.toContain(code);
  });

  it('an id_token that is not a JWT, and one that is not base64', async () => {
    for (const idToken of ['not-base64!!.%%%.x', 'eyJhbGciOi', 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln', '']) {
      const har = loadFixture();
      const tokenEntry = har.log.entries[ENTRY.token]!;
      const tokens = JSON.parse(tokenEntry.response.content.text!) as Record<string, unknown>;
      tokenEntry.response.content.text = JSON.stringify({ ...tokens, id_token: idToken });
      const { report, stderr } = await audited(writeHar('jwt.har', har));
      expect(stderr, idToken).toBe('');
      expect(report.inputs[0]!.problems).toEqual([]);
      expect(report.inputs[0]!.flows[0]!.steps.at(-1)).toMatchObject({ kind: 'token', status: 200 });
    }
  });

  it('unusable entries are skipped with one summarised, redacted line on stderr', async () => {
    const har = loadFixture();
    (har.log.entries as unknown[]).push({}, { request: {} }, { request: { url: 'not a url?code=SECRET-CODE-123' } }, 42, {
      request: { url: 'https://x.example/' },
    });
    const file = writeHar('skipped.har', har);
    const { report, stderr } = await audited(file);
    expect(stderr).toBe(
      `oauth-lens: ${file}: skipped 4 of 21 HAR entries (entry 16: no request; entry 17: request has no URL; entry 18: request URL does not parse: not a url?code=‹redacted code, 15 chars›; and 1 more)\n`,
    );
    expect(report.inputs[0]!.skippedEntries).toHaveLength(4);
    expect(report.inputs[0]!.summary).toMatchObject({ exchanges: 17, skippedEntries: 4 });
    expect(JSON.stringify(report)).not.toContain('SECRET-CODE-123');
  });

  it('an empty HAR and a HAR without OAuth traffic pass with no flows', async () => {
    for (const entries of [[], loadFixture().log.entries.slice(0, 2)]) {
      const har = loadFixture();
      har.log.entries = entries;
      const { report, code } = await audited(writeHar('quiet.har', har));
      expect(code).toBe(0);
      expect(report.summary).toMatchObject({ flows: 0, verdict: 'pass' });
      expect((await cli(['audit', tmp.path('quiet.har')])).stdout).toContain('No OAuth authorization flow found in this input.');
    }
  });
});
