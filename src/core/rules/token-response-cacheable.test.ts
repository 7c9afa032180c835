import { beforeEach, describe, expect, it } from 'vitest';
import { analyze } from '../analyze.ts';
import type { Exchange } from '../model.ts';
import { goodFlow, jsonBody, resetBuilders, token } from '../../../tests/support/build.ts';
import { demoFixture, refresh, tokens } from '../../../tests/support/token-responses.ts';
import rule, { cacheDirectives } from './token-response-cacheable.ts';

const findingsOf = async (exchanges: Exchange[]) => (await analyze(exchanges, [rule])).findings;

/** A successful code exchange whose response carries exactly these headers. */
const answered = (responseHeaders: Record<string, string>, init: Parameters<typeof token>[1] = {}) =>
  token({}, { responseHeaders: { 'content-type': 'application/json', ...responseHeaders }, ...init });

describe('cacheDirectives', () => {
  it('lists directive names, lower-cased, ignoring arguments and commas inside quoted strings', () => {
    expect(cacheDirectives('no-store')).toEqual(['no-store']);
    expect(cacheDirectives('private, max-age=0,No-Store')).toEqual(['private', 'max-age', 'no-store']);
    expect(cacheDirectives('private="set-cookie, no-store", max-age=0')).toEqual(['private', 'max-age']);
    expect(cacheDirectives('no-cache="a\\", no-store"')).toEqual(['no-cache']);
    expect(cacheDirectives(' , ,')).toEqual([]);
    expect(cacheDirectives('')).toEqual([]);
  });
});

describe('token-response-cacheable', () => {
  beforeEach(resetBuilders);

  it('passes a token response with Cache-Control: no-store (Pragma not required)', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('accepts no-store anywhere in the list, in any case, or in a second Cache-Control field', async () => {
    expect(await findingsOf([answered({ 'cache-control': 'private, max-age=0, No-Store' })])).toEqual([]);
    const split = answered({ 'cache-control': 'private' });
    split.responseHeaders.push({ name: 'cache-control', value: 'no-store' });
    expect(await findingsOf([split])).toEqual([]);
  });

  it('reports a token response without a Cache-Control header, even with Pragma: no-cache', async () => {
    const response = answered({ pragma: 'no-cache' });
    const findings = await findingsOf([response]);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ ruleId: 'token-response-cacheable', severity: 'error', exchangeIds: [response.id] });
    expect(finding!.flowId).toBeDefined();
    expect(finding!.message).toBe(
      "The token endpoint's 200 response (grant_type authorization_code) has no Cache-Control header, so a browser or proxy cache may keep the tokens.",
    );
    expect(finding!.evidence).toEqual([
      { label: 'Cache-Control', value: '(absent)' },
      { label: 'Pragma', value: 'no-cache' },
      { label: 'HTTP status', value: '200' },
      { label: 'grant_type', value: 'authorization_code' },
    ]);
  });

  it('reports a Cache-Control without no-store, with the header as received', async () => {
    for (const value of ['no-cache, max-age=0', 'private="no-store"', 'no-storex']) {
      resetBuilders();
      const [finding] = await findingsOf([answered({ 'cache-control': value })]);
      expect(finding!.message, value).toContain('has a Cache-Control header without no-store');
      expect(finding!.evidence, value).toContainEqual({ label: 'Cache-Control', value });
    }
  });

  it('checks refresh responses too', async () => {
    const response = refresh('rt1', tokens('rt2'), { responseHeaders: { 'cache-control': 'max-age=60' } });
    const [finding] = await findingsOf([response]);
    expect(finding!.message).toContain('response (grant_type refresh_token) has a Cache-Control header without no-store');
  });

  it('keeps to successful token responses: not errors, and not 2xx bodies without tokens', async () => {
    expect(await findingsOf([answered({}, { status: 400, responseBody: jsonBody({ error: 'invalid_grant' }) })])).toEqual([]);
    expect(await findingsOf([answered({}, { status: undefined })])).toEqual([]);
    expect(await findingsOf([answered({}, { responseBody: jsonBody({ ok: true }) })])).toEqual([]);
    expect(await findingsOf([answered({}, { responseBody: jsonBody({ error: 'invalid_grant' }) })])).toEqual([]);
  });

  it('judges from headers alone when the body was not observed, and with a token body', async () => {
    expect(await findingsOf([answered({})])).toHaveLength(1);
    resetBuilders();
    expect(await findingsOf([answered({}, { responseBody: jsonBody(tokens()) })])).toHaveLength(1);
  });

  it('says nothing when no response header at all was observed', async () => {
    const bare = token();
    bare.responseHeaders = [];
    expect(await findingsOf([bare])).toEqual([]);
  });

  it('stays quiet on the recorded responses (oidc-provider sends no-store)', async () => {
    for (const id of ['good', 'refresh', 'code-twice', 'code-replay-accepted']) expect(await findingsOf(demoFixture(id)), id).toEqual([]);
  });
});
