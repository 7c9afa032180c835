/**
 * HARs written by other tools (tests/fixtures/har-formats, see tests/fixtures/README.md): each holds the demo's
 * clean `good` sign-in, so each must audit as the Chrome-shaped recording of it does. A finding or a missing
 * step here is caused by the format, never by the flow.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarText } from '../src/capture/har.ts';
import { analyze } from '../src/core/analyze.ts';
import type { Exchange } from '../src/core/model.ts';
import { buildInputReport, type InputReport } from '../src/core/report.ts';
import { exchangesToHar } from '../src/devtools/export-har.ts';
import { buildSource } from '../src/devtools/sources.ts';

const DIR = new URL('./fixtures/har-formats/', import.meta.url);
const formats = readdirSync(DIR)
  .filter((name) => name.endsWith('.har'))
  .sort();

async function audit(url: URL, file: string): Promise<InputReport> {
  const { exchanges, warnings } = parseHarText(readFileSync(url, 'utf8'));
  expect(warnings).toEqual([]);
  const analysis = await analyze(exchanges);
  expect(analysis.problems).toEqual([]);
  return buildInputReport(analysis, { file, exchanges });
}

const reference = () => audit(new URL('./fixtures/demo/good.har', import.meta.url), 'good.har');

describe('HARs from other tools', () => {
  it('include one per tool', () => {
    expect(formats).toEqual(['charles.har', 'chrome-sanitized.har', 'fiddler.har', 'firefox.har', 'mitmproxy.har', 'playwright.har']);
  });

  it.each(formats)('%s: the clean sign-in, audited as the Chrome recording of it is', async (name) => {
    const [input, clean] = await Promise.all([audit(new URL(name, DIR), name), reference()]);
    expect(input.summary.verdict).toBe(clean.summary.verdict);
    expect(input.summary.findings.error + input.summary.findings.warning).toBe(0);
    expect(input.flows.map((f) => f.findings.map((finding) => finding.ruleId))).toEqual(
      clean.flows.map((f) => f.findings.map((finding) => finding.ruleId)),
    );
    expect(input.flows).toHaveLength(1);
    const [flow] = input.flows;
    expect(flow!.pkce).toMatchObject({ method: 'S256', status: 'match' });
    expect(flow!.callbackMode).toBe('query');
    // The authorization request, the callback (the server's redirect carrying the code, then the browser's
    // arrival at the redirect_uri) and the code exchange, paired as in the Chrome recording.
    const paired = (f: typeof flow) => f!.steps.filter((s) => s.kind !== 'sign-in').map((s) => [s.kind, s.pairedBy]);
    expect(paired(flow)).toEqual([
      ['authorize', null],
      ['callback', 'state'],
      ['callback', 'state'],
      ['token', 'code'],
    ]);
    expect(paired(flow)).toEqual(paired(clean.flows[0]));
    expect(flow!.diagnostics).toEqual([]);
  });

  it.each(formats)('%s: headers removed only by the sanitized export', async (name) => {
    const input = await audit(new URL(name, DIR), name);
    expect(input.headersRemoved).toEqual(name === 'chrome-sanitized.har' ? ['authorization', 'cookie', 'set-cookie'] : []);
  });
});

describe("OAuth Lens's own redacted HAR export", () => {
  it('reads a credential header replaced by a marker as removed, not as a value', async () => {
    const { exchanges } = parseHarText(readFileSync(new URL('./fixtures/demo/good.har', import.meta.url), 'utf8'));
    const source = await buildSource('s', 'good.har', 'import', exchanges);
    const exported = exchangesToHar(source.exchanges, { redactor: source.redactor, toolVersion: 't' });
    const again = parseHarText(JSON.stringify(exported)).exchanges;
    const withCookie = (list: readonly Exchange[]) =>
      list.filter((e) => e.requestHeaders.some((h) => h.name === 'cookie')).map((e) => e.id);
    const cookies = withCookie(source.exchanges);
    expect(cookies.length).toBeGreaterThan(0);
    expect(withCookie(again)).toEqual([]);
    for (const id of cookies) expect(again.find((e) => e.id === id)!.headersRemoved).toContain('cookie');
  });

  it('keeps HTTP Basic client authentication with its client id and a marker for the password', async () => {
    const { exchanges } = parseHarText(readFileSync(new URL('./fixtures/demo/client-secret-in-browser.har', import.meta.url), 'utf8'));
    const source = await buildSource('s', 'client-secret-in-browser.har', 'import', exchanges);
    const exported = exchangesToHar(source.exchanges, { redactor: source.redactor, toolVersion: 't' });
    const again = parseHarText(JSON.stringify(exported)).exchanges;
    const basics = again.flatMap((e) => e.requestHeaders.filter((h) => h.name === 'authorization').map((h) => h.value));
    expect(basics.length).toBeGreaterThan(0);
    const decoded = (basic: string) => Buffer.from(basic.replace(/^Basic /i, ''), 'base64').toString('utf8');
    for (const basic of basics) expect(decoded(basic)).toMatch(/^[^:]+:‹redacted Basic password, \d+ chars, value \d+›$/);
    const findings = (await analyze(again)).findings.filter((f) => f.ruleId === 'client-secret-in-browser');
    expect(findings.map((f) => f.flowId).sort()).toEqual(
      source.analysis.findings
        .filter((f) => f.ruleId === 'client-secret-in-browser')
        .map((f) => f.flowId)
        .sort(),
    );
  });
});
