import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, goodFlow, resetBuilders } from '../../../tests/support/build.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import rule from './authorize-via-cors.ts';

const findingsOf = findingsOfRule(rule);

describe('authorize-via-cors', () => {
  beforeEach(resetBuilders);

  it('passes an authorization request the browser navigated to', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports an authorization request sent by a script as a warning', async () => {
    const request = authorize({ prompt: 'none' }, { initiator: 'fetch', status: 302 });
    const [finding, ...rest] = await findingsOf([request]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'authorize-via-cors', severity: 'warning', exchangeIds: [request.id] });
    expect(finding!.message).toContain('A script requested the authorization endpoint');
    expect(finding!.evidence).toContainEqual({ label: 'request', value: 'GET https://as.example/authorize' });
  });

  it('reports an authorization endpoint that allows CORS as an error, navigated to or not', async () => {
    const navigated = authorize({}, { responseHeaders: { 'access-control-allow-origin': '*' } });
    const [finding] = await findingsOf([navigated]);
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.evidence).toContainEqual({ label: 'Access-Control-Allow-Origin', value: '*' });
    resetBuilders();
    const fetched = authorize({}, { initiator: 'fetch', responseHeaders: { 'access-control-allow-origin': 'https://app.example' } });
    const [both] = await findingsOf([fetched]);
    expect(both!.message).toContain('and the endpoint allowed it');
  });
});
