import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, goodFlow, resetBuilders, token } from '../../tests/support/build.ts';
import { failedToken, par, parAuthorize, requestObject } from '../../tests/support/pkce-and-code.ts';
import { buildFlows } from './build-flows.ts';
import { classify, inTimeOrder } from './classify.ts';
import { observedAuthorizations, codeGrants, firstFailure, isCodeResponseType, isSuccess, publicClientIds } from './code-flow.ts';
import type { Exchange } from './model.ts';

async function model(exchanges: Exchange[]) {
  const ordered = inTimeOrder(exchanges);
  const classified = classify(ordered);
  return { classified, flows: await buildFlows(classified, ordered) };
}

describe('code-flow facts', () => {
  beforeEach(resetBuilders);

  it('recognises code response types as a space-separated list', () => {
    expect(isCodeResponseType('code')).toBe(true);
    expect(isCodeResponseType('code id_token')).toBe(true);
    expect(isCodeResponseType('id_token token')).toBe(false);
    expect(isCodeResponseType('codes')).toBe(false);
    expect(isCodeResponseType(undefined)).toBe(false);
  });

  it('treats only 2xx as success', () => {
    expect([200, 201, 299].map(isSuccess)).toEqual([true, true, true]);
    expect([undefined, 199, 302, 400].map(isSuccess)).toEqual([false, false, false, false]);
  });

  it('keeps only authorization_code grants', async () => {
    const { flows } = await model([...goodFlow(), token({ grant_type: 'client_credentials', code: undefined })]);
    expect(flows.map((f) => codeGrants(f).length).sort()).toEqual([0, 1]);
  });

  it('finds public clients: browser token or PAR requests without client authentication', async () => {
    expect(publicClientIds((await model(goodFlow())).classified)).toEqual(new Set(['spa']));
    expect(publicClientIds((await model(goodFlow({ token: { client_secret: 's3cret' } }))).classified)).toEqual(new Set());
    const basic = token({ client_id: undefined }, { requestHeaders: { authorization: `Basic ${btoa('spa:s3cret')}` } });
    expect(publicClientIds((await model([basic])).classified)).toEqual(new Set());
    expect(publicClientIds((await model([par({ client_id: 'pushed' })])).classified)).toEqual(new Set(['pushed']));
    expect(publicClientIds((await model([par({ client_id: 'pushed', client_assertion: 'a.b.c' })])).classified)).toEqual(new Set());
  });

  it('reads the pushed parameters of a PAR flow', async () => {
    const { flows, classified } = await model([par({ code_challenge_method: 'plain' }), parAuthorize()]);
    const [read] = observedAuthorizations(flows, classified);
    expect(read).toMatchObject({ carrier: 'par', responseType: 'code', codeChallengeMethod: 'plain', clientId: 'spa' });
    expect(read!.exchanges.map((e) => e.id)).toEqual(['x1', 'x2']);
  });

  it('includes a lone PAR request and leaves out a request_uri whose PAR was not observed', async () => {
    const lone = await model([par({ code_challenge: undefined })]);
    const [read] = observedAuthorizations(lone.flows, lone.classified);
    expect(read).toMatchObject({ carrier: 'par', responseType: 'code' });
    expect(read!.flow).toBeUndefined();
    expect(read!.codeChallenge).toBeUndefined();
    const hidden = await model([parAuthorize()]);
    expect(observedAuthorizations(hidden.flows, hidden.classified)).toEqual([]);
  });

  it('reads PKCE parameters from a readable request object, and nothing from an unreadable one', async () => {
    const withObject = await model([
      authorize({
        code_challenge: undefined,
        code_challenge_method: undefined,
        request: requestObject({ code_challenge: 'from-object', code_challenge_method: 'S256' }),
      }),
    ]);
    expect(observedAuthorizations(withObject.flows, withObject.classified)).toMatchObject([
      { carrier: 'request-object', codeChallenge: 'from-object', codeChallengeMethod: 'S256' },
    ]);
    const jwe = await model([authorize({ code_challenge: undefined, request: 'a.b.c.d.e' })]);
    expect(observedAuthorizations(jwe.flows, jwe.classified)).toEqual([]);
  });

  it('finds the first failure of a flow: an error callback or a failed code grant', async () => {
    const errored = await model([authorize(), ...callback({ error: 'access_denied', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' })]);
    expect(firstFailure(errored.flows[0]!)?.description).toBe('error callback (access_denied)');
    const rejected = await model([
      authorize(),
      ...callback({ code: 'c1', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      failedToken({ code: 'c1' }),
    ]);
    expect(firstFailure(rejected.flows[0]!)?.description).toBe('token response 400 (invalid_grant)');
    expect(firstFailure((await model(goodFlow())).flows[0]!)).toBeUndefined();
  });
});
