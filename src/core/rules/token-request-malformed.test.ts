import { beforeEach, describe, expect, it } from 'vitest';
import { analyze } from '../analyze.ts';
import { AS, defaultTokenParams, exchange, formBody, goodFlow, jsonBody, resetBuilders, token } from '../../../tests/support/build.ts';
import { discovery, queryToken, tokenWithBody } from '../../../tests/support/request-hygiene.ts';
import rule from './token-request-malformed.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);

describe('token-request-malformed', () => {
  beforeEach(resetBuilders);

  it('passes a POSTed form body, and a refresh', async () => {
    expect(
      await findingsOf([
        ...goodFlow(),
        token({ grant_type: 'refresh_token', refresh_token: 'rt', code: undefined, code_verifier: undefined }),
      ]),
    ).toEqual([]);
  });

  it('reports a token request sent with GET and its parameters in the query', async () => {
    const [auth, redirect, arrival] = goodFlow();
    const get = queryToken();
    const findings = await findingsOf([auth!, redirect!, arrival!, get]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'token-request-malformed',
      severity: 'error',
      flowId: `flow-${auth!.id}`,
      exchangeIds: [get.id],
    });
    expect(findings[0]!.message).toBe('The token request is malformed: it is sent with GET; its parameters are in the URL query.');
    expect(findings[0]!.evidence).toContainEqual({ label: 'parameters carried as', value: 'query' });
  });

  it('finds a JSON token request and reports its body', async () => {
    const request = tokenWithBody(jsonBody(defaultTokenParams), { requestHeaders: { 'content-type': 'application/json' } });
    const analysis = await analyze([request], [rule]);
    expect(analysis.flows[0]!.codeExchanges[0]).toMatchObject({ encoding: 'json', grantType: 'authorization_code' });
    expect(analysis.findings).toHaveLength(1);
    expect(analysis.findings[0]!.message).toBe('The token request is malformed: its body is JSON.');
    expect(analysis.findings[0]!.evidence).toContainEqual({ label: 'content-type', value: 'application/json' });
  });

  it('reports a form body declared with another Content-Type', async () => {
    const [finding] = await findingsOf([token({}, { requestHeaders: { 'content-type': 'multipart/form-data; boundary=x' } })]);
    expect(finding!.message).toContain('Content-Type is not application/x-www-form-urlencoded');
    expect(
      await findingsOf([token({}, { requestHeaders: { 'content-type': 'Application/X-WWW-Form-Urlencoded;charset=UTF-8' } })]),
    ).toEqual([]);
  });

  it('reports a missing grant_type at a token endpoint known from discovery', async () => {
    const request = exchange({
      method: 'POST',
      url: `${AS}/token`,
      initiator: 'fetch',
      requestBody: formBody({ code: 'c', client_id: 'spa' }),
      status: 400,
    });
    const [finding] = await findingsOf([discovery(), request]);
    expect(finding!.message).toBe('The token request is malformed: grant_type is missing.');
    expect(finding!.evidence).toContainEqual({ label: 'grant_type', value: '(absent)' });
  });

  it('reports an empty body at a known token endpoint', async () => {
    const request = exchange({ method: 'POST', url: `${AS}/token`, initiator: 'fetch', status: 400 });
    const [finding] = await findingsOf([discovery(), request]);
    expect(finding!.message).toBe('The token request is malformed: it has no body; grant_type is missing.');
  });

  it('reports an authorization_code grant without code, or with an empty one', async () => {
    const [missing] = await findingsOf([token({ code: undefined })]);
    expect(missing!.message).toBe('The token request is malformed: the code is missing.');
    const [empty] = await findingsOf([token({ code: '' })]);
    expect(empty!.message).toBe('The token request is malformed: the code is empty.');
  });

  it('skips a CORS preflight', async () => {
    const findings = await findingsOf([queryToken({}, { method: 'OPTIONS', status: 204 }), queryToken()]);
    expect(findings.map((f) => f.evidence[0]!.value)).toEqual([`GET ${AS}/token`]);
  });
});
