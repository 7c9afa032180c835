import { describe, expect, it } from 'vitest';
import { parseHarText } from '../../src/capture/har.ts';
import { analyze } from '../../src/core/analyze.ts';
import { noRedaction } from '../../src/core/redact.ts';
import type { AuditReport } from '../../src/core/report.ts';
import { curlCommand, shellQuote } from '../../src/devtools/curl.ts';
import { exchangesToHar, HAR_REDACTION_COMMENT, HAR_UNREDACTED_COMMENT } from '../../src/devtools/export-har.ts';
import { reportJson, reportMarkdown, sourceReport } from '../../src/devtools/export-report.ts';
import { createStore } from '../../src/devtools/store.ts';
import { buildSource } from '../../src/devtools/sources.ts';
import { fixtureExchanges, harText } from './fixtures.ts';

async function source(name: string) {
  return buildSource('s', `${name}.har`, 'import', fixtureExchanges(name));
}

describe('HAR export', () => {
  it('round-trips through parseHarText to the same flows and findings', async () => {
    for (const name of ['good', 'refresh', 'form-post', 'par', 'redirect-uri-trailing-slash']) {
      const s = await source(name);
      const har = exchangesToHar(s.exchanges, { redactor: noRedaction, toolVersion: 't' });
      expect(har.log.comment).toBe(HAR_UNREDACTED_COMMENT);
      const again = await analyze(parseHarText(JSON.stringify(har)).exchanges);
      expect(
        again.flows.map((f) => f.steps.map((st) => `${st.kind} ${st.method} ${st.url} ${st.status}`)),
        name,
      ).toEqual(s.analysis.flows.map((f) => f.steps.map((st) => `${st.kind} ${st.method} ${st.url} ${st.status}`)));
      expect(again.findings.map((f) => f.ruleId).sort(), name).toEqual(s.analysis.findings.map((f) => f.ruleId).sort());
    }
  });

  it('redacts codes, verifiers, tokens and cookies by default, and says so in log.comment', async () => {
    const s = await source('refresh');
    const flow = s.analysis.flows[0]!;
    const secrets = [
      flow.callback!.code!,
      flow.pkce.verifier!,
      flow.codeExchanges[0]!.response!.accessToken!,
      flow.codeExchanges[0]!.response!.refreshToken!,
    ];
    const text = JSON.stringify(exchangesToHar(s.exchanges, { redactor: s.redactor, toolVersion: 't' }));
    expect(JSON.parse(text).log.comment).toBe(HAR_REDACTION_COMMENT);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('‹redacted code_verifier');
    const cookies = s.exchanges.flatMap((e) => e.requestHeaders.filter((h) => h.name === 'cookie'));
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(text).not.toContain(c.value);
  });
});

describe('copy as curl', () => {
  it('quotes for the shell', () => {
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
  });

  it('shows the token request, redacted unless revealed', async () => {
    const s = await source('verifier-trailing-newline');
    const token = s.analysis.flows[0]!.codeExchanges[0]!;
    const redacted = curlCommand(token.exchange, s.redactor);
    expect(redacted).toMatch(/^curl '[^']*\/token' \\\n {2}-X 'POST'/);
    expect(redacted).toContain('--data-raw');
    expect(redacted).toContain('‹redacted code_verifier');
    expect(redacted).not.toContain(token.code!);
    const raw = curlCommand(token.exchange, noRedaction);
    expect(raw).toContain(`code=${token.code}`);
  });
});

describe('report exports', () => {
  it('build the CLI schema, redacted by default, for one flow', async () => {
    const s = await source('verifier-trailing-newline');
    const flow = s.analysis.flows[0]!;
    const report = sourceReport(s, { flow });
    expect(report.format).toBe('oauth-lens-audit');
    expect(report.redacted).toBe(true);
    expect(report.inputs[0]!.flows.map((f) => f.id)).toEqual([flow.id]);
    const json = reportJson(report);
    expect(json).not.toContain(flow.pkce.verifier!.trim());
    expect(json).toContain('pkce-challenge-mismatch');
    const unredacted = reportJson(sourceReport(s, { flow, redact: false }));
    expect(unredacted).toContain(flow.pkce.verifier!.trim());
    const md = reportMarkdown(report);
    expect(md).toMatch(/^# OAuth Lens audit/);
    expect(md).toContain('pkce-challenge-mismatch');
    expect(md).not.toContain(flow.pkce.verifier!.trim());
  });

  it('escape C1 control characters in the JSON (U+009B is a terminal CSI), which still parses to the same value', async () => {
    const hostile = 'x\u009b31mred\u0085\u2028end';
    const exchanges = fixtureExchanges('good').map((e) =>
      /[?&]code_challenge=/.test(e.url) ? { ...e, url: e.url.replace(/state=[^&]*/, `state=${encodeURIComponent(hostile)}`) } : e,
    );
    const json = reportJson(sourceReport(await buildSource('s', 'hostile.har', 'import', exchanges)));
    expect(json).not.toMatch(/[\u0080-\u009f\u2028\u2029]/);
    expect(json).toContain('x\\u009b31mred\\u0085\\u2028end');
    expect((JSON.parse(json) as AuditReport).inputs[0]!.flows.map((f) => f.state)).toContain(hostile);
  });
});

describe('export all', () => {
  it('puts every source in as its own input, redacted', async () => {
    const store = createStore({ tabId: undefined });
    await store.importHar('good.har', new Blob([harText('good')]));
    await store.importHar('refresh.har', new Blob([harText('refresh')]));
    const b = await source('refresh');
    const report = (await store.allSourcesReport({ redact: true }))!;
    expect(report.inputs.map((i) => i.file)).toEqual(['good.har', 'refresh.har']);
    expect(report.summary.inputs).toBe(2);
    expect(report.redacted).toBe(true);
    expect(reportJson(report)).not.toContain(b.analysis.flows[0]!.pkce.verifier!);
  });
});
