/**
 * Issue #4's hostile input, below the DOM: a 5 MB token response (JSON with a huge token or member, an HTML
 * page, binary) and JWTs that do not decode, through the same HAR adapter, analysis, redactor and view models
 * the panel uses. The browser test (tests/e2e/panel-hostile.test.ts) renders the same files.
 */
import { describe, expect, it } from 'vitest';
import { parseHarText } from '../../src/capture/har.ts';
import { excerptOf, MAX_SHOWN_BODY } from '../../src/core/body.ts';
import { noRedaction } from '../../src/core/redact.ts';
import { claimTime, omissionNote, tokensOf } from '../../src/devtools/detail.ts';
import { exchangesToHar } from '../../src/devtools/export-har.ts';
import { reportJson, reportMarkdown, sourceReport } from '../../src/devtools/export-report.ts';
import { TOOL_VERSION } from '../../src/report/version.ts';
import { buildSource, type Source } from '../../src/devtools/sources.ts';
import {
  brokenIdTokens,
  FIVE_MB,
  goodHarWithTokenContent,
  goodTokenResponse,
  hugeTokenResponses,
  jsonContent,
  JWT_SHAPED_ACCESS_TOKEN,
} from './hostile-har.ts';

async function importHar(name: string, text: string): Promise<Source> {
  const started = performance.now();
  const { exchanges, warnings } = parseHarText(text);
  const source = await buildSource('import-1', name, 'import', exchanges, warnings);
  console.log(
    `${name}: ${(text.length / 1e6).toFixed(1)} M characters read and analysed in ${(performance.now() - started).toFixed(0)} ms`,
  );
  expect(source.analysis.problems).toEqual([]);
  expect(source.analysis.flows).toHaveLength(1);
  return source;
}

const tokenExchangeOf = (source: Source) => source.analysis.flows[0]!.codeExchanges[0]!.exchange;

describe('a 5 MB token response', () => {
  const responses = hugeTokenResponses();

  it('with a 5 MB access_token: the token is read, shown masked with its length, and redacted from every export', async () => {
    const source = await importHar('huge-access-token.har', goodHarWithTokenContent(responses.hugeAccessToken));
    const flow = source.analysis.flows[0]!;
    const accessToken = flow.codeExchanges[0]!.response!.accessToken!;
    expect(accessToken).toHaveLength(FIVE_MB);
    const card = tokensOf(flow).find((t) => t.name === 'access_token')!;
    expect(card).toMatchObject({ decoded: undefined });
    expect(card.notJwt).toBeUndefined();
    expect(card.value).toBe(accessToken);

    const marker = `‹redacted access_token, ${FIVE_MB} chars›`;
    const probe = accessToken.slice(2_500_000, 2_500_040);
    const body = tokenExchangeOf(source).responseBody!;
    const masked = source.redactor.text(body.kind === 'text' ? body.text : '');
    expect(masked).toContain(marker);
    expect(masked).not.toContain(probe);
    // Masked, the body is small again: whole on screen.
    expect(excerptOf(masked).omittedChars).toBe(0);

    const exchanges = source.exchanges.filter((e) => flow.steps.some((s) => s.exchangeId === e.id));
    const exports = {
      har: JSON.stringify(exchangesToHar(exchanges, { redactor: source.redactor, toolVersion: TOOL_VERSION })),
      json: reportJson(sourceReport(source, { flow })),
      markdown: reportMarkdown(sourceReport(source, { flow })),
    };
    for (const [format, text] of Object.entries(exports)) {
      expect(text, format).not.toContain(probe);
      expect(text.length, format).toBeLessThan(100_000);
    }
    // The HAR export numbers its markers (equal values share a number, Redactor.numbered).
    expect(exports.har).toMatch(new RegExp(`‹redacted access_token, ${FIVE_MB} chars, value \\d+›`));
  });

  it('with a 5 MB member that is no secret: the view gets the first 64 K characters and the count of the rest', async () => {
    const source = await importHar('huge-member.har', goodHarWithTokenContent(responses.hugeMember));
    expect(tokensOf(source.analysis.flows[0]!).map((t) => t.name)).toEqual(['id_token', 'access_token']);
    const body = tokenExchangeOf(source).responseBody!;
    expect(body.kind).toBe('text');
    const excerpt = excerptOf(source.redactor.text(body.kind === 'text' ? body.text : ''));
    expect(excerpt.text).toHaveLength(MAX_SHOWN_BODY);
    // The id_token and access_token come first in the body: masked before the cut.
    expect(excerpt.text).toMatch(/^\{"access_token":"‹redacted access_token, \d+ chars›"/);
    expect(excerpt.text).toContain('‹redacted id_token, ');
    const total = excerpt.totalChars;
    expect(omissionNote(excerpt)).toBe(
      `Showing the first 65,536 of ${total.toLocaleString('en')} characters: ${(total - 65_536).toLocaleString('en')} more are not shown. Export the HAR to see the whole body.`,
    );
  });

  it('as an HTML page: the flow is listed, its body is "not JSON", no token, the page cut for the view', async () => {
    const source = await importHar('html-page.har', goodHarWithTokenContent(responses.htmlPage));
    const flow = source.analysis.flows[0]!;
    expect(flow.codeExchanges[0]!.response?.bodyProblem).toBe('response body is not JSON');
    expect(flow.notes).toContain('token response body: response body is not JSON');
    expect(tokensOf(flow)).toEqual([]);
    const body = tokenExchangeOf(source).responseBody!;
    const excerpt = excerptOf(noRedaction.text(body.kind === 'text' ? body.text : ''));
    expect(excerpt.omittedChars).toBeGreaterThan(FIVE_MB - MAX_SHOWN_BODY);
  });

  it('as binary: the flow is listed, the body is counted, not shown', async () => {
    const source = await importHar('binary.har', goodHarWithTokenContent(responses.binary));
    const flow = source.analysis.flows[0]!;
    expect(tokenExchangeOf(source).responseBody).toEqual({ kind: 'binary', size: FIVE_MB, mimeType: 'application/octet-stream' });
    expect(flow.codeExchanges[0]!.response?.bodyProblem).toBe(`response body is binary (${FIVE_MB} bytes)`);
  });
});

describe('a JWT with a broken payload', () => {
  it.each(Object.entries(brokenIdTokens()))(
    'an id_token with a broken part (%s): the card and id-token-invalid say what is wrong',
    async (_, { token, problem }) => {
      const source = await importHar(
        'broken-id-token.har',
        goodHarWithTokenContent(jsonContent({ ...goodTokenResponse(), id_token: token })),
      );
      const flow = source.analysis.flows[0]!;
      const card = tokensOf(flow).find((t) => t.name === 'id_token')!;
      expect(card.value).toBe(token);
      expect(card.decoded?.ok).toBe(false);
      expect(!card.decoded?.ok && card.decoded?.problem).toMatch(problem);
      // The good token's header still decodes: the card can show it.
      expect(!card.decoded?.ok && card.decoded?.header).toEqual({ alg: 'RS256', kid: 'demo-rs256' });

      const findings = source.analysis.findings.filter((f) => f.flowId === flow.id);
      const invalid = findings.find((f) => f.ruleId === 'id-token-invalid');
      expect(invalid?.severity).toBe('error');
      expect(invalid?.evidence.find((e) => e.label === 'failed: format')?.value).toMatch(problem);
      // Unreadable is not absent: the nonce and hash rules say nothing of claims they cannot read.
      expect(findings.map((f) => f.ruleId)).not.toContain('oidc-nonce-mismatch');
      expect(findings.map((f) => f.ruleId)).not.toContain('hash-claim-mismatch');
      expect(flow.notes.some((n) => n.startsWith('id_token does not decode as a JWT ('))).toBe(true);
    },
  );

  it('an access token shaped like a JWT that is not one: opaque, and the card says why', async () => {
    const source = await importHar(
      'jwt-shaped-access-token.har',
      goodHarWithTokenContent(jsonContent({ ...goodTokenResponse(), access_token: JWT_SHAPED_ACCESS_TOKEN })),
    );
    const card = tokensOf(source.analysis.flows[0]!).find((t) => t.name === 'access_token')!;
    expect(card.decoded).toBeUndefined();
    expect(card.notJwt).toBe('header decodes from base64url to text that is not JSON (RFC 7519 §7.2 steps 3–4)');
  });
});

describe('claims beyond the range of a Date', () => {
  it('are said to be, where toISOString would throw and take the panel down', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(claimTime(1795325089, now)).toBe('2026-11-22T05:24:49.000Z, 5 h ago');
    for (const exp of [1e300, -1e300, Infinity, Number.NaN]) expect(claimTime(exp, now)).toBe('not a representable date');
  });
});
