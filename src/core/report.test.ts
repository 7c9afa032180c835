import { beforeEach, describe, expect, it } from 'vitest';
import { APP, AS, CHALLENGE, exchange, goodFlow, resetBuilders, token, VERIFIER } from '../../tests/support/build.ts';
import { analyze } from './analyze.ts';
import type { Exchange } from './model.ts';
import {
  allFindings,
  buildAuditReport,
  buildInputReport,
  countSeverities,
  reachesFailOn,
  REPORT_SCHEMA_VERSION,
  type Summary,
} from './report.ts';
import { defineRule } from './rules/rule.ts';

beforeEach(resetBuilders);

const CODE = 'SplxlOBeZQQYbYS6WxSbIA';
const ACCESS_TOKEN = 'at-2YotnFZFEjr1zCsicMWpAA';

/** A rule written for this test: one error per flow with secret evidence, a careless message, and one finding tied to no flow. */
const probe = defineRule({
  meta: {
    id: 'probe',
    severity: 'error',
    title: 'Probe finding',
    citation: 'RFC 7636 §4.6, §4.2; OAuth 2.1 §4.1.1',
    fix: 'Do the right thing',
    evidence: 'W',
  },
  check({ flows, exchanges, report }) {
    for (const flow of flows) {
      report({
        flow,
        // A rule must not do this; the safety net must catch it anyway.
        message: `careless message quoting the verifier ${flow.pkce.verifier ?? ''}`,
        exchanges: [flow.authorization?.exchange, flow.codeExchanges[0]?.exchange],
        evidence: [
          { label: 'code_challenge', value: flow.authorization?.codeChallenge ?? '' },
          { label: 'code_verifier', value: flow.pkce.verifier ?? '', secret: true },
        ],
      });
    }
    report({ message: 'an info finding tied to no flow', severity: 'info', exchanges: [exchanges[0]] });
  },
});

function tokenResponse(ex: Exchange): Exchange {
  ex.responseBody = {
    kind: 'text',
    text: JSON.stringify({ access_token: ACCESS_TOKEN, token_type: 'Bearer' }),
    size: 60,
    mimeType: 'application/json',
  };
  return ex;
}

async function sampleReport(redact = true) {
  const exchanges = goodFlow();
  tokenResponse(exchanges[3]!);
  const analysis = await analyze(exchanges, [probe]);
  return buildInputReport(analysis, {
    file: 'capture.har',
    redact,
    exchanges,
    skippedEntries: [`entry 7: request URL does not parse: ht tp://x/cb?code=${CODE}`],
    harEntryOf: (id) => Number(id.slice(1)) + 100,
  });
}

describe('buildInputReport', () => {
  it('describes each flow: endpoints, client, redirect, response type, PKCE, steps and its findings', async () => {
    const input = await sampleReport();
    expect(input.file).toBe('capture.har');
    expect(input.flows).toHaveLength(1);
    const flow = input.flows[0]!;
    expect(flow).toMatchObject({
      file: 'capture.har',
      verdict: 'error',
      clientId: 'spa',
      issuer: AS,
      issuerSource: 'iss',
      authorizationEndpoint: `${AS}/authorize`,
      parEndpoint: null,
      tokenEndpoint: `${AS}/token`,
      redirectUri: `${APP}/cb`,
      responseType: 'code',
      responseMode: null,
      scope: 'openid',
      callbackMode: 'query',
      pkce: { method: 'S256', methodSent: 'S256', status: 'match', challenge: CHALLENGE, computedS256: CHALLENGE, nearMiss: null },
    });
    expect(flow.steps.map((s) => [s.index, s.kind, s.method, s.status])).toEqual([
      [1, 'authorize', 'GET', 200],
      [2, 'callback', 'GET', 303],
      [3, 'callback', 'GET', 200],
      [4, 'token', 'POST', 200],
    ]);
    expect(flow.steps[0]).toMatchObject({ exchangeId: 'x1', harEntry: 101, time: '2026-11-22T10:00:00.100Z', pairedBy: null });
    expect(flow.steps[3]?.pairedBy).toBe('code');
    expect(flow.findings.map((f) => f.ruleId)).toEqual(['probe']);
  });

  it('gives every finding its rule, severity, message, citation with links, fix, evidence and exchange references', async () => {
    const input = await sampleReport();
    const finding = input.flows[0]!.findings[0]!;
    expect(finding).toMatchObject({
      ruleId: 'probe',
      severity: 'error',
      title: 'Probe finding',
      citation: 'RFC 7636 §4.6, §4.2; OAuth 2.1 §4.1.1',
      fix: 'Do the right thing',
      flowId: input.flows[0]!.id,
      file: 'capture.har',
    });
    expect(finding.citationLinks.map((l) => l.url)).toEqual([
      'https://www.rfc-editor.org/rfc/rfc7636#section-4.6',
      'https://www.rfc-editor.org/rfc/rfc7636#section-4.2',
      expect.stringMatching(/draft-ietf-oauth-v2-1-\d+#section-4\.1\.1$/),
    ]);
    expect(finding.exchanges).toEqual([
      { id: 'x1', harEntry: 101, method: 'GET', url: expect.stringContaining(`${AS}/authorize?`), status: 200 },
      { id: 'x4', harEntry: 104, method: 'POST', url: `${AS}/token`, status: 200 },
    ]);
    expect(finding.evidence).toEqual([
      { label: 'code_challenge', value: CHALLENGE, secret: false, redacted: false },
      { label: 'code_verifier', value: '‹redacted code_verifier, 43 chars›', secret: true, redacted: true },
    ]);
  });

  it('keeps findings tied to no flow apart, and counts everything in the summary', async () => {
    const input = await sampleReport();
    expect(input.findings.map((f) => [f.ruleId, f.severity, f.flowId])).toEqual([['probe', 'info', null]]);
    expect(input.summary).toEqual({
      verdict: 'error',
      flows: 1,
      exchanges: 4,
      skippedEntries: 1,
      findings: { total: 2, error: 1, warning: 0, info: 1 },
    });
    expect(allFindings(input).map((f) => f.severity)).toEqual(['error', 'info']);
  });

  it('redacts secrets everywhere by default: URLs, evidence, the verifier, careless messages, skipped-entry reasons', async () => {
    const input = await sampleReport();
    const json = JSON.stringify(input);
    for (const secret of [CODE, VERIFIER, ACCESS_TOKEN]) expect(json).not.toContain(secret);
    expect(input.flows[0]!.steps[2]!.url).toBe(
      `${APP}/cb?code=‹redacted code, 22 chars›&state=Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm&iss=https%3A%2F%2Fas.example`,
    );
    expect(input.flows[0]!.pkce.verifier).toBe('‹redacted code_verifier, 43 chars›');
    expect(input.flows[0]!.findings[0]!.message).toBe('careless message quoting the verifier ‹redacted code_verifier, 43 chars›');
    expect(input.skippedEntries[0]).toBe('entry 7: request URL does not parse: ht tp://x/cb?code=‹redacted code, 22 chars›');
    // Public values stay readable.
    expect(input.flows[0]!.state).toBe('Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm');
  });

  it('shows everything when redaction is off', async () => {
    const input = await sampleReport(false);
    const json = JSON.stringify(input);
    for (const secret of [CODE, VERIFIER]) expect(json).toContain(secret);
    expect(input.flows[0]!.pkce.verifier).toBe(VERIFIER);
    expect(input.flows[0]!.findings[0]!.evidence[1]).toEqual({ label: 'code_verifier', value: VERIFIER, secret: true, redacted: false });
    expect(json).not.toContain('‹redacted');
  });

  it('reports an input without flows, and a flow seen only from its token request', async () => {
    const empty = buildInputReport(await analyze([exchange({ url: `${APP}/`, status: 200 })], [probe]), { file: 'empty.har' });
    expect(empty.flows).toEqual([]);
    expect(empty.summary.verdict).toBe('info');
    const tokenOnly = goodFlow().slice(3);
    const input = buildInputReport(await analyze(tokenOnly, []), { file: 't.har', exchanges: tokenOnly });
    expect(input.flows[0]).toMatchObject({
      authorizationEndpoint: null,
      tokenEndpoint: `${AS}/token`,
      clientId: 'spa',
      redirectUri: `${APP}/cb`,
      verdict: 'pass',
    });
    expect(input.flows[0]!.steps[0]!.harEntry).toBeNull();
    expect(input.flows[0]!.notes.join(' ')).toMatch(/authorization request not observed/);
  });
});

describe('the diagnostics of a flow', () => {
  it('are data beside the findings, redacted like them, and leave the verdict alone', async () => {
    // A code redeemed twice: the second exchange is refused, and the invalid-grant diagnosis names the first.
    const exchanges = [...goodFlow(), token({}, { status: 400 })];
    const input = buildInputReport(await analyze(exchanges, []), { file: 'x.har', exchanges, harEntryOf: (id) => Number(id.slice(1)) });
    const [flow] = input.flows;
    expect(flow!.verdict).toBe('pass');
    expect(flow!.findings).toEqual([]);
    expect(flow!.diagnostics).toHaveLength(1);
    const [diagnosis] = flow!.diagnostics;
    expect(diagnosis).toMatchObject({
      kind: 'invalid-grant',
      title: expect.any(String),
      likelihood: 'certain',
      flowId: flow!.id,
      file: 'x.har',
    });
    expect(diagnosis!.evidence).toContainEqual({
      label: 'code',
      value: `‹redacted code, ${CODE.length} chars›`,
      secret: true,
      redacted: true,
    });
    expect(diagnosis!.exchanges.map((x) => [x.id, x.harEntry, x.method, x.status])).toEqual([
      [exchanges[4]!.id, 5, 'POST', 400],
      [exchanges[3]!.id, 4, 'POST', 200],
    ]);
    expect(JSON.stringify(input)).not.toContain(CODE);
  });

  it('redact the strings inside the hints, never their kinds', async () => {
    // The client's server rewrites the callback to https: the rewritten URLs carry the code.
    const [auth, redirect, arrival] = goodFlow({ authorize: { redirect_uri: `${APP.replace('https:', 'http:')}/cb` } });
    const http = redirect!.location!.replace('https:', 'http:');
    const rewritten = [
      auth!,
      { ...redirect!, location: http },
      { ...arrival!, url: http, status: 301, location: http.replace('http:', 'https:') },
    ];
    const input = buildInputReport(await analyze(rewritten, []), { file: 'r.har', exchanges: rewritten });
    const diagnosis = input.flows[0]!.diagnostics.find((d) => d.kind === 'callback-redirected')!;
    expect(diagnosis.hints[0]).toMatchObject({ kind: 'callback-rewritten', status: 301, difference: { kind: 'scheme' } });
    expect(JSON.stringify(diagnosis.hints)).not.toContain(CODE);
    expect(JSON.stringify(diagnosis.hints)).toContain('code=‹redacted code');
    const shown = buildInputReport(await analyze(rewritten, []), { file: 'r.har', exchanges: rewritten, redact: false });
    expect(JSON.stringify(shown.flows[0]!.diagnostics)).toContain(CODE);
  });
});

describe('buildAuditReport', () => {
  it('adds a schema version, the tool, and an overall summary across inputs', async () => {
    const a = await sampleReport();
    const b = buildInputReport(await analyze(goodFlow(), []), { file: 'clean.har' });
    const report = buildAuditReport([a, b], { toolVersion: '9.9.9', redacted: true });
    expect(report).toMatchObject({
      format: 'oauth-lens-audit',
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: 'oauth-lens', version: '9.9.9' },
      redacted: true,
    });
    expect(report.inputs.map((i) => [i.file, i.summary.verdict])).toEqual([
      ['capture.har', 'error'],
      ['clean.har', 'pass'],
    ]);
    expect(report.summary).toEqual({
      verdict: 'error',
      inputs: 2,
      flows: 2,
      exchanges: 8,
      skippedEntries: 1,
      findings: { total: 2, error: 1, warning: 0, info: 1 },
    });
    expect(buildAuditReport([], { toolVersion: '1', redacted: true }).summary.verdict).toBe('pass');
  });
});

describe('reachesFailOn', () => {
  const summary = (error: number, warning: number, info: number): Summary => ({
    verdict: 'pass',
    flows: 0,
    exchanges: 0,
    skippedEntries: 0,
    findings: { total: error + warning + info, error, warning, info },
  });
  it.each([
    ['error', [1, 0, 0], true],
    ['error', [0, 3, 3], false],
    ['warning', [0, 1, 0], true],
    ['warning', [0, 0, 5], false],
    ['info', [0, 0, 1], true],
    ['info', [0, 0, 0], false],
    ['never', [9, 9, 9], false],
  ] as const)('--fail-on %s with %j findings → %s', (failOn, [e, w, i], expected) => {
    expect(reachesFailOn(summary(e, w, i), failOn)).toBe(expected);
  });

  it('counts severities', () => {
    expect(countSeverities([{ severity: 'error' }, { severity: 'info' }, { severity: 'info' }])).toEqual({
      total: 3,
      error: 1,
      warning: 0,
      info: 2,
    });
  });
});
