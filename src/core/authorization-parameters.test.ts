import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, CHALLENGE, resetBuilders, token, VERIFIER } from '../../tests/support/build.ts';
import { par, parAuthorize, requestObject } from '../../tests/support/pkce-and-code.ts';
import { analyze } from './analyze.ts';
import { effectiveParameters, parametersOf, readable } from './authorization-parameters.ts';
import { classify, inTimeOrder } from './classify.ts';
import type { Param } from './model.ts';

const list = (params: Record<string, string>): Param[] => Object.entries(params).map(([name, value]) => ({ name, value }));

describe('effectiveParameters', () => {
  it('reads the plain parameters, the first occurrence of each name winning', () => {
    const params = [
      ...list({ client_id: 'front', state: 's1', code_challenge: 'c', code_challenge_method: 'S256' }),
      ...list({ client_id: 'pushed', scope: 'openid' }),
    ];
    expect(effectiveParameters(params, 'par')).toEqual({
      carrier: 'par',
      clientId: 'front',
      state: 's1',
      scope: 'openid',
      codeChallenge: 'c',
      codeChallengeMethod: 'S256',
    });
    expect(effectiveParameters(list({ response_type: 'code' }), 'form')).toMatchObject({ carrier: 'form', responseType: 'code' });
  });

  it("lets a readable request object's string claims win, the others filling in (RFC 9101 §6.3)", () => {
    const request = requestObject({
      client_id: 'jar',
      response_type: 'code id_token',
      response_mode: 'form_post',
      redirect_uri: 'https://jar.example/cb',
      scope: 'openid profile',
      state: 'jar-state',
      nonce: 'jar-nonce',
      max_age: 300,
      claims: { userinfo: {} },
    });
    const read = effectiveParameters(list({ client_id: 'spa', state: 'query-state', prompt: 'login', request }), 'query');
    expect(read).toEqual({
      carrier: 'request-object',
      clientId: 'jar',
      responseType: 'code id_token',
      responseMode: 'form_post',
      redirectUri: 'https://jar.example/cb',
      scope: 'openid profile',
      state: 'jar-state',
      nonce: 'jar-nonce',
    });
    const partial = effectiveParameters(
      list({ state: 'query-state', redirect_uri: 'https://app.example/cb', request: requestObject({ state: 7 }) }),
      'query',
    );
    expect(partial).toMatchObject({ carrier: 'request-object', state: 'query-state', redirectUri: 'https://app.example/cb' });
  });

  it("takes the method with the object's challenge, and keeps the outer pair when the object has none", () => {
    const outer = { code_challenge: 'outer', code_challenge_method: 'plain' };
    const withChallenge = effectiveParameters(list({ ...outer, request: requestObject({ code_challenge: 'inner' }) }), 'query');
    expect(withChallenge).toMatchObject({ codeChallenge: 'inner', codeChallengeMethod: undefined });
    const withoutChallenge = effectiveParameters(list({ ...outer, request: requestObject({ code_challenge_method: 'S256' }) }), 'query');
    expect(withoutChallenge).toMatchObject({ codeChallenge: 'outer', codeChallengeMethod: 'plain' });
  });

  it('says why a request object cannot be read, keeping the outer parameters', () => {
    const jwe = effectiveParameters(list({ state: 's', request: 'a.b.c.d.e' }), 'query');
    expect(jwe).toMatchObject({ carrier: 'query', state: 's' });
    expect(jwe.unreadable).toMatch(/request object.*JWE/);
    expect(effectiveParameters(list({ request: 'not-a-jwt' }), 'par').unreadable).toMatch(/request object/);
  });

  it('picks only the parameter fields', () => {
    const read = effectiveParameters(list({ client_id: 'spa', request: 'a.b.c.d.e' }), 'query');
    expect(parametersOf(read)).toEqual({ clientId: 'spa' });
    expect(Object.keys(parametersOf(read))).not.toContain('unreadable');
  });
});

describe('classify reads the effective parameters once', () => {
  beforeEach(resetBuilders);
  const authorizationsOf = (exchanges: Parameters<typeof inTimeOrder>[0]) => classify(inTimeOrder(exchanges)).authorizations;

  it('merges the pushed parameters and marks the carrier (RFC 9126 §4)', () => {
    const [auth] = authorizationsOf([par({ state: 'pushed-state' }), parAuthorize()]);
    expect(auth).toMatchObject({ carrier: 'par', clientId: 'spa', responseType: 'code', state: 'pushed-state', codeChallenge: CHALLENGE });
    expect(readable(auth)).toBe(true);
    expect(auth!.params.map((p) => p.name)).toEqual(['client_id', 'request_uri']);
  });

  it('reads a request object pushed with PAR', () => {
    const [auth] = authorizationsOf([
      par({ request: requestObject({ state: 'jar-state', code_challenge: 'jar-challenge' }) }),
      parAuthorize(),
    ]);
    expect(auth).toMatchObject({
      carrier: 'request-object',
      state: 'jar-state',
      codeChallenge: 'jar-challenge',
      codeChallengeMethod: undefined,
    });
  });

  it('marks a request_uri without its PAR request and an undecodable request object unreadable', () => {
    const [byReference] = authorizationsOf([parAuthorize()]);
    expect(byReference).toMatchObject({ carrier: 'query', unreadable: 'the PAR request behind its request_uri was not observed' });
    expect(readable(byReference)).toBe(false);
    const [jwe] = authorizationsOf([authorize({ request: 'a.b.c.d.e' })]);
    expect(jwe!.unreadable).toMatch(/JWE/);
    expect(readable(jwe)).toBe(false);
    expect(readable(undefined)).toBe(false);
    expect(authorizationsOf([authorize()])[0]).not.toHaveProperty('unreadable');
  });

  it("recomputes PKCE with a request object's challenge, and claims nothing when the parameters are unreadable", async () => {
    const request = requestObject({ code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    const readableFlow = [
      authorize({ code_challenge: undefined, code_challenge_method: undefined, request }),
      ...callback({ code: 'c1', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token({ code: 'c1' }),
    ];
    expect((await analyze(readableFlow, [])).flows[0]!.pkce).toMatchObject({ status: 'match', method: 'S256' });
    resetBuilders();
    const jweFlow = [
      authorize({ request: 'a.b.c.d.e' }),
      ...callback({ code: 'c1', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token({ code: 'c1' }),
    ];
    expect((await analyze(jweFlow, [])).flows[0]!.pkce).toEqual({ method: 'absent', status: 'not-observable', verifier: VERIFIER });
  });
});
