import { base64url } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AS,
  advance,
  callback,
  defaultAuthorizeParams,
  encode,
  exchange,
  formBody,
  jsonBody,
  resetBuilders,
  token,
} from '../../../tests/support/build.ts';
import { recorded, recordedIdsNotExpecting } from '../../../tests/support/id-tokens.ts';
import { discovery } from '../../../tests/support/request-hygiene.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import type { Exchange } from '../model.ts';
import rule from './par-misuse.ts';

const findingsOf = findingsOfRule(rule);
const REQUEST_URI = 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c';
const STATE = defaultAuthorizeParams.state;

function pushed(
  params: Record<string, string | undefined> = {},
  response: Record<string, unknown> = { request_uri: REQUEST_URI, expires_in: 60 },
) {
  return exchange({
    method: 'POST',
    url: `${AS}/par`,
    initiator: 'fetch',
    requestBody: formBody({ ...defaultAuthorizeParams, ...params }),
    status: 201,
    responseBody: jsonBody(response),
  });
}

function authorizeWith(requestUri: string, extra: Record<string, string> = {}): Exchange {
  return exchange({ url: `${AS}/authorize?${encode({ client_id: 'spa', request_uri: requestUri, ...extra })}`, status: 200 });
}

const answered = () => [...callback({ code: 'c1', state: STATE }), token({ code: 'c1' })];

describe('par-misuse', () => {
  beforeEach(resetBuilders);

  it('is silent on a correct pushed request', async () => {
    expect(await findingsOf([pushed(), authorizeWith(REQUEST_URI), ...answered()])).toEqual([]);
  });

  it('reports a request_uri sent to the PAR endpoint', async () => {
    const [finding] = await findingsOf([pushed({ request_uri: 'urn:example:old' })]);
    expect(finding).toMatchObject({ ruleId: 'par-misuse', severity: 'error' });
    expect(finding!.message).toContain('MUST NOT');
  });

  it('reports a request_uri used again after the first use was answered, not a reload before it', async () => {
    const reload = await findingsOf([pushed(), authorizeWith(REQUEST_URI), authorizeWith(REQUEST_URI), ...answered()]);
    expect(reload).toEqual([]);
    resetBuilders();
    const findings = await findingsOf([pushed(), authorizeWith(REQUEST_URI), ...answered(), authorizeWith(REQUEST_URI)]);
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('only once')]);
  });

  it('reports a request_uri used after expires_in', async () => {
    const par = pushed();
    advance(61_000 + 1000);
    const [finding] = await findingsOf([par, authorizeWith(REQUEST_URI), ...answered()]);
    expect(finding!.message).toContain('gave it 60 s');
  });

  it('warns of front-channel parameters that were not pushed or differ, not of repeated response_type and scope', async () => {
    const findings = await findingsOf([
      pushed(),
      authorizeWith(REQUEST_URI, { response_type: 'code', scope: 'openid', prompt: 'login', state: 'other-state' }),
      ...answered(),
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'warning' });
    expect(findings[0]!.evidence).toEqual([
      { label: 'prompt (front channel)', value: 'login' },
      { label: 'state (front channel)', value: 'other-state' },
      { label: 'state (pushed)', value: STATE },
    ]);
  });

  it('reports an authorization request without PAR where the metadata requires it', async () => {
    const metadata = discovery({
      pushed_authorization_request_endpoint: `${AS}/par`,
      require_pushed_authorization_requests: true,
    });
    const front = exchange({ url: `${AS}/authorize?${encode(defaultAuthorizeParams)}`, status: 200 });
    const [finding] = await findingsOf([metadata, front, ...answered()]);
    expect(finding!.message).toContain('requires pushed authorization requests');
  });

  describe('request objects (RFC 9101)', () => {
    const object = (claims: Record<string, unknown>, alg = 'RS256') =>
      `${base64url.encode(JSON.stringify({ alg }))}.${base64url.encode(JSON.stringify(claims))}.${alg === 'none' ? '' : 'c2ln'}`;
    const inUrl = (request: string, extra: Record<string, string> = {}) =>
      exchange({
        url: `${AS}/authorize?${encode({ client_id: 'spa', response_type: 'code', scope: 'openid', request, ...extra })}`,
        status: 200,
      });
    const claims = { ...defaultAuthorizeParams, iss: 'spa', aud: AS };

    it('is silent on a signed object with only client_id, response_type and scope beside it', async () => {
      expect(await findingsOf([inUrl(object(claims)), ...answered()])).toEqual([]);
    });

    it('reports a client_id beside the object that differs from its claim', async () => {
      const [finding] = await findingsOf([inUrl(object({ ...claims, client_id: 'other-client' })), ...answered()]);
      expect(finding).toMatchObject({ severity: 'error' });
      expect(finding!.message).toContain('MUST be identical');
    });

    it('notes an unsigned object in the URL, and parameters beside it that the server ignores', async () => {
      const findings = await findingsOf([inUrl(object(claims, 'none'), { prompt: 'login' }), ...answered()]);
      expect(findings.map((f) => f.severity)).toEqual(['info', 'info']);
      expect(findings[1]!.evidence).toEqual([{ label: 'prompt (beside the request object)', value: 'login' }]);
    });

    it('is silent on an unsigned object pushed with the PAR request', async () => {
      const par = exchange({
        method: 'POST',
        url: `${AS}/par`,
        initiator: 'fetch',
        requestBody: formBody({ client_id: 'spa', request: object(claims, 'none') }),
        status: 201,
        responseBody: jsonBody({ request_uri: REQUEST_URI, expires_in: 60 }),
      });
      expect(await findingsOf([par, authorizeWith(REQUEST_URI), ...answered()])).toEqual([]);
    });
  });

  it.each(recordedIdsNotExpecting('par-misuse'))('is silent on the recorded demo sign-in %s', async (id) => {
    expect(await findingsOf(recorded(id))).toEqual([]);
  });
});
