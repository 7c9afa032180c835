import { beforeEach, describe, expect, it } from 'vitest';
import { analyze } from './analyze.ts';
import { diagnoseInvalidGrant, type InvalidGrantCause } from './diagnose-invalid-grant.ts';
import type { Exchange, Flow, TokenRequest } from './model.ts';
import { s256 } from './pkce.ts';
import oauthErrorResponse from './rules/oauth-error-response.ts';
import {
  advance,
  AS,
  authorize,
  callback,
  defaultAuthorizeParams,
  defaultTokenParams,
  jsonBody,
  resetBuilders,
  token,
  VERIFIER,
} from '../../tests/support/build.ts';
import { discovery } from '../../tests/support/request-hygiene.ts';
import { demoFixture, refresh, tokens } from '../../tests/support/token-responses.ts';

const CODE = defaultTokenParams.code;
const STATE = defaultAuthorizeParams.state;
const refused = { status: 400, responseBody: jsonBody({ error: 'invalid_grant' }) };

/** Analyze, then diagnose the token request sent by `exchange`. */
async function diagnose(
  exchanges: Exchange[],
  exchange: Exchange,
): Promise<{ causes: InvalidGrantCause[]; flow: Flow; request: TokenRequest }> {
  const { flows } = await analyze(exchanges, []);
  for (const flow of flows) {
    const request = [...flow.codeExchanges, ...flow.refreshes].find((r) => r.exchange === exchange);
    if (request) return { causes: diagnoseInvalidGrant(flow, request), flow, request };
  }
  throw new Error(`no token request for ${exchange.id}`);
}

const kinds = (causes: InvalidGrantCause[]) => causes.map((c) => `${c.kind}/${c.likelihood}`);

/** authorize → callback, then `tokenRequests` built after it. */
function flow(tokenRequests: () => Exchange[], authorizeParams: Record<string, string | undefined> = {}): Exchange[] {
  return [authorize(authorizeParams), ...callback({ code: CODE, state: STATE }), ...tokenRequests()];
}

describe('diagnoseInvalidGrant', () => {
  beforeEach(resetBuilders);

  it('finds nothing for a correct exchange', async () => {
    let failed!: Exchange;
    const exchanges = flow(() => [(failed = token({}, refused))]);
    expect((await diagnose(exchanges, failed)).causes).toEqual([]);
  });

  it('names an earlier exchange of the same code: when, its status, and a double effect', async () => {
    let first!: Exchange;
    let second!: Exchange;
    const exchanges = flow(() => [(first = token({}, { tabId: 7 })), (second = token({}, { ...refused, tabId: 7 }))]);
    const { causes } = await diagnose(exchanges, second);
    expect(kinds(causes)).toEqual(['code-reused/certain']);
    const [cause] = causes;
    expect(cause!.explanation).toContain(`already exchanged at ${new Date(first.time).toISOString()} (${first.id}, answered 200)`);
    expect(cause!.explanation).toContain('100 ms earlier in the same tab (one action that ran twice');
    expect(cause!.evidence).toContainEqual({ label: 'code', value: CODE, secret: true });
    expect(cause!.evidence).toContainEqual({ label: 'earlier exchange status', value: '200' });
    expect(cause!.evidence).toContainEqual({ label: 'same tab', value: 'yes' });
    expect(cause!.exchanges).toEqual([first]);
    expect(cause!.explanation).not.toContain(CODE);
  });

  it('says a double submit when the first exchange was still in flight, and is only possible when it got no answer', async () => {
    let second!: Exchange;
    const inFlight = flow(() => {
      const first = token();
      return [first, (second = token({}, { ...refused, time: first.time + 10 }))];
    });
    expect((await diagnose(inFlight, second)).causes[0]!.explanation).toContain('still in flight (a double submit)');
    resetBuilders();
    const unanswered = flow(() => [token({}, { status: undefined }), (second = token({}, refused))]);
    const [cause] = (await diagnose(unanswered, second)).causes;
    expect(cause).toMatchObject({ kind: 'code-reused', likelihood: 'possible' });
    expect(cause!.explanation).toContain('got no response');
  });

  it("weighs the code's age: under 30 s nothing, then possible, beyond 10 minutes certain", async () => {
    const aged = async (ms: number) => {
      resetBuilders();
      let failed!: Exchange;
      const exchanges = flow(() => {
        advance(ms);
        return [(failed = token({}, refused))];
      });
      return (await diagnose(exchanges, failed)).causes;
    };
    expect(await aged(20_000)).toEqual([]);
    const [possible] = await aged(61_000);
    expect(possible).toMatchObject({ kind: 'code-expired', likelihood: 'possible' });
    expect(possible!.explanation).toContain('61.2 s after the authorization response and may have expired (codes usually live 30–600 s');
    expect(possible!.evidence).toContainEqual({ label: 'code age', value: '61.2 s' });
    const [certain] = await aged(700_000);
    expect(certain).toMatchObject({ kind: 'code-expired', likelihood: 'certain' });
    expect(certain!.explanation).toContain('beyond the 10-minute maximum');
  });

  it('names a PKCE mismatch with its near miss, a missing verifier, and a verifier without a challenge', async () => {
    let failed!: Exchange;
    const newline = flow(() => [(failed = token({ code_verifier: `${VERIFIER}\n` }, refused))]);
    const [mismatch] = (await diagnose(newline, failed)).causes;
    expect(mismatch).toMatchObject({ kind: 'pkce', likelihood: 'certain' });
    expect(mismatch!.explanation).toBe(
      'the PKCE code_verifier does not match the code_challenge: whitespace around the verifier, e.g. a trailing newline',
    );
    expect(mismatch!.evidence).toContainEqual({ label: 'near miss', value: 'verifier-whitespace' });
    expect(mismatch!.evidence).toContainEqual({ label: 'code_verifier', value: `${VERIFIER}\n`, secret: true });
    resetBuilders();
    const missing = flow(() => [(failed = token({ code_verifier: undefined }, refused))]);
    expect((await diagnose(missing, failed)).causes[0]!.explanation).toContain('has no code_verifier');
    resetBuilders();
    const downgrade = flow(() => [(failed = token({}, refused))], { code_challenge: undefined, code_challenge_method: undefined });
    expect((await diagnose(downgrade, failed)).causes[0]!.explanation).toContain('issued without a code_challenge');
  });

  it('names the verifier of another pending flow', async () => {
    const otherVerifier = 'another-verifier-of-43-characters-0123456789';
    const a = authorize({ state: 'state-a' });
    const b = authorize({ state: 'state-b', code_challenge: await s256(otherVerifier) });
    const failed = token({ code: 'code-a', code_verifier: otherVerifier }, refused);
    const { causes } = await diagnose([a, b, ...callback({ code: 'code-a', state: 'state-a' }), failed], failed);
    expect(causes[0]!.explanation).toBe(
      `the PKCE code_verifier does not match the code_challenge: the verifier belongs to another pending flow (flow-${b.id})`,
    );
  });

  it('names a redirect_uri difference (certain) and an omitted redirect_uri (possible)', async () => {
    let failed!: Exchange;
    const slash = flow(() => [(failed = token({ redirect_uri: 'https://app.example/cb/' }, refused))]);
    const [cause] = (await diagnose(slash, failed)).causes;
    expect(cause).toMatchObject({ kind: 'redirect-uri', likelihood: 'certain' });
    expect(cause!.explanation).toBe('redirect_uri at /token is not identical to the one at /authorize (a trailing slash was added)');
    expect(cause!.evidence).toContainEqual({ label: 'difference', value: 'trailing-slash' });
    resetBuilders();
    const omitted = flow(() => [(failed = token({ redirect_uri: undefined }, refused))]);
    expect(kinds((await diagnose(omitted, failed)).causes)).toEqual(['redirect-uri/possible']);
  });

  it('names a client_id difference, in the body or the Basic user name', async () => {
    let failed!: Exchange;
    const body = flow(() => [(failed = token({ client_id: 'legacy' }, refused))]);
    const [cause] = (await diagnose(body, failed)).causes;
    expect(cause).toMatchObject({ kind: 'client-id', likelihood: 'certain' });
    expect(cause!.explanation).toBe('the token request identifies client legacy but the code was issued for client spa');
    resetBuilders();
    const basic = flow(() => [
      (failed = token({ client_id: undefined }, { ...refused, requestHeaders: { authorization: `Basic ${btoa('other:secret')}` } })),
    ]);
    expect((await diagnose(basic, failed)).causes[0]!.evidence).toContainEqual({
      label: 'client_id at /token (Basic user)',
      value: 'other',
    });
  });

  it("names a token endpoint outside the issuer's metadata (certain) or origin (possible)", async () => {
    let failed!: Exchange;
    const withMetadata = [discovery(), ...flow(() => [(failed = token({}, { ...refused, url: 'https://mix-up.example/token' }))])];
    const [cause] = (await diagnose(withMetadata, failed)).causes;
    expect(cause).toMatchObject({ kind: 'token-endpoint-issuer', likelihood: 'certain' });
    expect(cause!.evidence).toContainEqual({ label: 'token endpoint in metadata', value: `${AS}/token` });
    resetBuilders();
    const withoutMetadata = flow(() => [(failed = token({}, { ...refused, url: 'https://mix-up.example/token' }))]);
    expect(kinds((await diagnose(withoutMetadata, failed)).causes)).toEqual(['token-endpoint-issuer/possible']);
  });

  it('names a DPoP-bound code redeemed without a proof', async () => {
    let failed!: Exchange;
    const unbound = flow(() => [(failed = token({}, refused))], { dpop_jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' });
    expect(kinds((await diagnose(unbound, failed)).causes)).toEqual(['dpop-binding/certain']);
    resetBuilders();
    const bound = flow(() => [(failed = token({}, { ...refused, requestHeaders: { dpop: 'eyJ.proof.sig' } }))], {
      dpop_jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    });
    expect((await diagnose(bound, failed)).causes).toEqual([]);
  });

  it('puts certain causes first, each group in the catalogue order', async () => {
    let failed!: Exchange;
    const exchanges = flow(() => {
      const first = token({ code_verifier: 'x'.repeat(43) }, { status: undefined });
      advance(45_000);
      return [
        first,
        (failed = token({ redirect_uri: 'https://app.example/cb/', client_id: 'legacy', code_verifier: 'x'.repeat(43) }, refused)),
      ];
    });
    expect(kinds((await diagnose(exchanges, failed)).causes)).toEqual([
      'pkce/certain',
      'redirect-uri/certain',
      'client-id/certain',
      'code-reused/possible',
      'code-expired/possible',
    ]);
  });

  it('claims nothing about PKCE for a verifier other than the one analyze() recomputed', async () => {
    let failed!: Exchange;
    const exchanges = flow(() => [token({}, { status: undefined }), (failed = token({ code_verifier: 'x'.repeat(43) }, refused))]);
    const { causes, flow: analyzed } = await diagnose(exchanges, failed);
    expect(analyzed.pkce.status).toBe('match');
    expect(kinds(causes)).toEqual(['code-reused/possible']);
  });

  it('explains a refresh with a token an earlier refresh rotated', async () => {
    let stale!: Exchange;
    const exchanges = flow(() => [
      token({}, { responseBody: jsonBody(tokens('rt1')) }),
      refresh('rt1', tokens('rt2')),
      (stale = refresh('rt1', { error: 'invalid_grant' }, { status: 400 })),
    ]);
    const [cause] = (await diagnose(exchanges, stale)).causes;
    expect(cause).toMatchObject({ kind: 'refresh-token-reused', likelihood: 'certain' });
    expect(cause!.explanation).toContain('had already been rotated by an earlier refresh');
    expect(cause!.evidence).toContainEqual({ label: 'refresh_token', value: 'rt1', secret: true });
  });

  it('says nothing about other grants, and never throws on a request without parameters', async () => {
    const password = token({ grant_type: 'password', code: undefined, code_verifier: undefined }, refused);
    expect((await diagnose([password], password)).causes).toEqual([]);
    const bare = token({ code: undefined, code_verifier: undefined, redirect_uri: undefined, client_id: undefined }, refused);
    expect((await diagnose([bare], bare)).causes).toEqual([]);
  });
});

describe('diagnoseInvalidGrant on the recorded demo fixtures', () => {
  /** The flow and token request that failed in a recording (the first 4xx token response). */
  async function failures(id: string) {
    const { flows } = await analyze(demoFixture(id), []);
    return flows.flatMap((flow) =>
      [...flow.codeExchanges, ...flow.refreshes]
        .filter((r) => (r.exchange.status ?? 0) >= 400)
        .map((request) => ({ flow, request, causes: diagnoseInvalidGrant(flow, request) })),
    );
  }

  it.each([
    ['code-twice', 'code-reused', 'already exchanged'],
    ['code-exchange-late', 'code-expired', 'may have expired'],
    ['redirect-uri-trailing-slash', 'redirect-uri', 'a trailing slash was added'],
    ['token-client-id-mismatch', 'client-id', 'identifies client legacy but the code was issued for client spa'],
    ['verifier-trailing-newline', 'pkce', 'a trailing newline'],
    ['refresh-token-reused', 'refresh-token-reused', 'already been rotated'],
  ])('%s: the first cause is %s', async (id, kind, phrase) => {
    const found = await failures(id);
    expect(found).toHaveLength(1);
    const [{ causes }] = found as [(typeof found)[number]];
    expect(causes[0]).toMatchObject({ kind });
    expect(causes[0]!.explanation).toContain(phrase);
  });

  it("other-flow-verifier: each flow names the other flow's verifier", async () => {
    const found = await failures('other-flow-verifier');
    expect(found).toHaveLength(2);
    for (const { flow, causes } of found) {
      expect(causes[0]).toMatchObject({ kind: 'pkce', likelihood: 'certain' });
      expect(causes[0]!.evidence).toContainEqual({ label: 'near miss', value: 'other-flow-verifier' });
      const other = found.find((f) => f.flow !== flow)!.flow;
      expect(causes[0]!.explanation).toContain(`another pending flow (${other.id})`);
    }
  });

  it('a clean recording has no failed exchange to diagnose, and its exchanges show no cause', async () => {
    const { flows } = await analyze(demoFixture('good'), []);
    const requests = flows.flatMap((flow) => flow.codeExchanges.map((r) => diagnoseInvalidGrant(flow, r)));
    expect(requests).toEqual([[]]);
  });

  it('oauth-error-response names the decoded cause for each recorded invalid_grant', async () => {
    const expected: Record<string, string> = {
      'code-twice': 'likely cause: the code was already exchanged at',
      'code-exchange-late': 'likely cause: the code was presented 61',
      'redirect-uri-trailing-slash':
        'likely cause: redirect_uri at /token is not identical to the one at /authorize (a trailing slash was added)',
      'token-client-id-mismatch': 'likely cause: the token request identifies client legacy',
      'other-flow-verifier':
        'likely cause: the PKCE code_verifier does not match the code_challenge: the verifier belongs to another pending flow',
      'refresh-token-reused': 'likely cause: this refresh token had already been rotated',
    };
    for (const [id, phrase] of Object.entries(expected)) {
      const { findings } = await analyze(demoFixture(id), [oauthErrorResponse]);
      const tokenErrors = findings.filter((f) => f.message.startsWith('The token endpoint answered HTTP 400 with error invalid_grant'));
      expect(tokenErrors.length, id).toBeGreaterThan(0);
      for (const finding of tokenErrors) {
        expect(finding.message, id).toContain(phrase);
        expect(
          finding.evidence.some((e) => e.label === 'cause 1'),
          id,
        ).toBe(true);
      }
    }
  });
});
