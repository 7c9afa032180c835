import { beforeEach, describe, expect, it } from 'vitest';
import { AS, authorize, callback, goodFlow, jsonBody, resetBuilders, token } from '../../tests/support/build.ts';
import { analyze } from './analyze.ts';
import { callbacksOf, clientOf, clientOfTokenRequest, firstTokenRequestOf, serverOf, tokenRequestsOf } from './flow-facts.ts';
import type { Exchange } from './model.ts';

const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';
const flowOf = async (exchanges: Exchange[]) => (await analyze(exchanges, [])).flows[0]!;
const refreshParams = {
  grant_type: 'refresh_token',
  refresh_token: 'rt1',
  code: undefined,
  code_verifier: undefined,
  redirect_uri: undefined,
};

describe('flow facts', () => {
  beforeEach(resetBuilders);

  it('lists the callback that paired first, then the ones processed again', async () => {
    const auth = authorize();
    const first = callback({ code: 'c', state: STATE });
    const again = callback({ code: 'c', state: STATE });
    const flow = await flowOf([auth, ...first, ...again]);
    expect(callbacksOf(flow).map((c) => c.exchange)).toEqual([first[0], again[0]]);
    expect(callbacksOf(await flowOf([authorize()]))).toEqual([]);
  });

  it('lists the code grants, then the refreshes', async () => {
    const exchanges = [
      authorize(),
      ...callback({ code: 'c', state: STATE }),
      token({ code: 'c' }, { responseBody: jsonBody({ access_token: 'at1', refresh_token: 'rt1' }) }),
      token(refreshParams),
    ];
    const flow = await flowOf(exchanges);
    expect(tokenRequestsOf(flow).map((r) => r.exchange)).toEqual([exchanges[3], exchanges[4]]);
    expect(firstTokenRequestOf(flow)?.exchange).toBe(exchanges[3]);
  });

  it("names the client: the authorization request's, else the token request's parameter or HTTP Basic user (RFC 6749 §2.3.1)", async () => {
    expect(clientOf(await flowOf(goodFlow({ token: { client_id: 'other' } })))).toBe('spa');
    expect(clientOf(await flowOf([token({ client_id: 'in-body' })]))).toBe('in-body');
    const basic = token({ client_id: undefined }, { requestHeaders: { authorization: `Basic ${btoa('basic-client:s3cret')}` } });
    const flow = await flowOf([basic]);
    expect(clientOfTokenRequest(flow.codeExchanges[0]!)).toBe('basic-client');
    expect(clientOf(flow)).toBe('basic-client');
  });

  it('names the server: the issuer, else the token endpoint', async () => {
    expect(serverOf(await flowOf(goodFlow()))).toBe(AS);
    expect(serverOf(await flowOf([token(refreshParams)]))).toBe(`${AS}/token`);
  });
});
