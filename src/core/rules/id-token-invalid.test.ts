import { beforeEach, describe, expect, it } from 'vitest';
import { AS, authorize, callback, defaultAuthorizeParams, resetBuilders } from '../../../tests/support/build.ts';
import {
  ACCESS_TOKEN,
  CODE,
  frontChannelResponse,
  idClaims,
  JWE_ID_TOKEN,
  NOW,
  recorded,
  recordedIdsNotExpecting,
  refreshWithIdToken,
  signedIdToken,
  tokenWithIdToken,
  unsecuredIdToken,
} from '../../../tests/support/id-tokens.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import { discovery } from '../../../tests/support/state-redirect-client.ts';
import type { Exchange, Finding } from '../model.ts';
import rule from './id-token-invalid.ts';

const findingsOf = findingsOfRule(rule);
const STATE = defaultAuthorizeParams.state;

/** authorize → callback (with `iss` unless told) → token response carrying `idToken`. */
const codeFlow = (
  idToken: string,
  options: { iss?: string | null; date?: string | null; authorize?: Record<string, string | undefined> } = {},
): Exchange[] => [
  authorize(options.authorize),
  ...callback({ code: CODE, state: STATE, iss: options.iss === null ? undefined : (options.iss ?? AS) }),
  tokenWithIdToken(idToken, { date: options.date, body: { refresh_token: 'rt-1' } }),
];

/** An implicit flow: the ID token arrives in the fragment of the authorization response. */
const implicitFlow = (idToken: string): Exchange[] => [
  authorize({ response_type: 'id_token token', code_challenge: undefined, code_challenge_method: undefined }),
  ...frontChannelResponse({ access_token: ACCESS_TOKEN, token_type: 'Bearer', id_token: idToken, state: STATE }),
];

const failed = (finding: Finding | undefined) =>
  finding?.evidence.filter((e) => e.label.startsWith('failed: ')).map((e) => e.label.slice(8));

describe('id-token-invalid', () => {
  beforeEach(resetBuilders);

  it('passes a valid ID token, with and without metadata', async () => {
    expect(await findingsOf(codeFlow(await signedIdToken()))).toEqual([]);
    resetBuilders();
    expect(await findingsOf([discovery(), ...codeFlow(await signedIdToken())])).toEqual([]);
    resetBuilders();
    expect(await findingsOf(implicitFlow(await signedIdToken()))).toEqual([]);
  });

  describe('iss', () => {
    it('reports an iss other than the metadata issuer (exact string), as an error', async () => {
      const idToken = await signedIdToken(idClaims({ iss: `${AS}/` }));
      const exchanges = [discovery(), ...codeFlow(idToken)];
      const [finding, ...rest] = await findingsOf(exchanges);
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({ ruleId: 'id-token-invalid', severity: 'error', flowId: `flow-${exchanges[1]!.id}` });
      expect(failed(finding)).toEqual(['iss']);
      expect(finding!.evidence.find((e) => e.label === 'failed: iss')!.value).toContain('discovery metadata');
      expect(finding!.message).toContain('(iss)');
      expect(finding!.message).not.toContain('heuristic');
      expect(finding!.message).not.toContain(idToken);
      expect(finding!.evidence).toContainEqual({ label: 'id_token', value: idToken, secret: true });
      expect(finding!.exchangeIds).toEqual([exchanges[1]!.id, exchanges[4]!.id]);
    });

    it("without metadata, compares with the authorization response's iss", async () => {
      const [finding] = await findingsOf(codeFlow(await signedIdToken(idClaims({ iss: 'https://other.example' }))));
      expect(finding).toMatchObject({ severity: 'error' });
      expect(finding!.evidence.find((e) => e.label === 'failed: iss')!.value).toContain('iss parameter');
    });

    // Without metadata the expected issuer is unknown (RFC 9207 §2.4, OIDC Core §3.1.3.7 step 2): a note, no more.
    it('without metadata or iss, compares origins only and says heuristic (info)', async () => {
      const [finding] = await findingsOf(codeFlow(await signedIdToken(idClaims({ iss: 'https://other.example' })), { iss: null }));
      expect(finding).toMatchObject({ severity: 'info' });
      expect(finding!.message).toContain('heuristic');
      resetBuilders();
      expect(await findingsOf(codeFlow(await signedIdToken(idClaims({ iss: `${AS}/tenant/v2.0` })), { iss: null }))).toEqual([]);
    });

    it("accepts a tenant in place of the metadata's {tenantid} placeholder", async () => {
      const meta = () => discovery({ issuer: `${AS}/{tenantid}/v2.0` });
      expect(
        await findingsOf([meta(), ...codeFlow(await signedIdToken(idClaims({ iss: `${AS}/9188040d-6c67/v2.0` })), { iss: null })]),
      ).toEqual([]);
      resetBuilders();
      expect(await findingsOf([meta(), ...codeFlow(await signedIdToken(idClaims({ iss: `${AS}/a/b/v2.0` })), { iss: null })])).toHaveLength(
        1,
      );
    });
  });

  describe('aud and azp', () => {
    it('reports an aud without the client_id as an error', async () => {
      const [finding] = await findingsOf(codeFlow(await signedIdToken(idClaims({ aud: 'other-client' }))));
      expect(finding).toMatchObject({ severity: 'error' });
      expect(failed(finding)).toEqual(['aud']);
      expect(finding!.evidence.find((e) => e.label === 'failed: aud')!.value).toBe(
        'aud "other-client" does not contain the client_id "spa"',
      );
    });

    // OIDC Core errata set 2 made azp a matter for the extensions that produce it.
    it('notes several audiences without azp (info), and passes them with azp = client_id', async () => {
      const [finding] = await findingsOf(codeFlow(await signedIdToken(idClaims({ aud: ['spa', 'api'] }))));
      expect(finding).toMatchObject({ severity: 'info' });
      expect(failed(finding)).toEqual(['azp']);
      resetBuilders();
      expect(await findingsOf(codeFlow(await signedIdToken(idClaims({ aud: ['spa', 'api'], azp: 'spa' }))))).toEqual([]);
    });

    it('notes an azp other than the client_id (info)', async () => {
      const [finding] = await findingsOf(codeFlow(await signedIdToken(idClaims({ azp: 'other-client' }))));
      expect(finding).toMatchObject({ severity: 'info' });
      expect(failed(finding)).toEqual(['azp']);
    });
  });

  describe('exp and iat against the response Date', () => {
    it('reports an exp at or before the Date', async () => {
      const [finding] = await findingsOf(codeFlow(await signedIdToken(idClaims({ iat: NOW - 7200, exp: NOW - 1 }))));
      expect(finding).toMatchObject({ severity: 'error' });
      expect(failed(finding)).toEqual(['exp']);
      expect(finding!.evidence.find((e) => e.label === 'failed: exp')!.value).toContain('2026-11-22T10:00:01.000Z');
      resetBuilders();
      expect(await findingsOf(codeFlow(await signedIdToken(idClaims({ exp: NOW }))))).toHaveLength(1);
      resetBuilders();
      expect(await findingsOf(codeFlow(await signedIdToken(idClaims({ exp: NOW + 1 }))))).toEqual([]);
    });

    it('reports an iat more than 5 minutes after the Date, and allows less', async () => {
      const [finding] = await findingsOf(codeFlow(await signedIdToken(idClaims({ iat: NOW + 600 }))));
      expect(failed(finding)).toEqual(['iat']);
      resetBuilders();
      expect(await findingsOf(codeFlow(await signedIdToken(idClaims({ iat: NOW + 240 }))))).toEqual([]);
    });

    it('says nothing about exp or iat without a Date header (never the wall clock)', async () => {
      const stale = await signedIdToken(idClaims({ iat: NOW - 7200, exp: NOW - 3600 }));
      expect(await findingsOf(codeFlow(stale, { date: null }))).toEqual([]);
    });

    it('uses the Date of the authorization response for a front-channel ID token', async () => {
      const [finding] = await findingsOf(implicitFlow(await signedIdToken(idClaims({ iat: NOW - 7200, exp: NOW - 3600 }))));
      expect(finding!.message).toContain('from the authorization response');
      expect(failed(finding)).toEqual(['exp']);
    });
  });

  describe('alg none', () => {
    it('is an error from the authorization endpoint', async () => {
      const [finding] = await findingsOf(implicitFlow(unsecuredIdToken()));
      expect(finding).toMatchObject({ severity: 'error' });
      expect(failed(finding)).toEqual(['alg']);
    });

    it('is a warning from the token endpoint of a code flow, explaining when it is allowed', async () => {
      const [finding] = await findingsOf(codeFlow(unsecuredIdToken()));
      expect(finding).toMatchObject({ severity: 'warning' });
      expect(finding!.evidence.find((e) => e.label === 'failed: alg')!.value).toContain('id_token_signed_response_alg=none');
    });

    it('treats a None in another case as none, and reports an absent alg', async () => {
      const none = (alg: string) => `${Buffer.from(JSON.stringify({ alg })).toString('base64url')}.${unsecuredIdToken().split('.')[1]}.`;
      expect(await findingsOf(implicitFlow(none('None')))).toMatchObject([{ severity: 'error' }]);
      resetBuilders();
      const noAlg = `${Buffer.from(JSON.stringify({ typ: 'JWT' })).toString('base64url')}.${unsecuredIdToken().split('.')[1]}.c2ln`;
      const [finding] = await findingsOf(codeFlow(noAlg));
      expect(finding!.evidence.find((e) => e.label === 'failed: alg')!.value).toContain('absent');
    });

    it('is an error from the token endpoint when the response type also returns an ID token from the authorization endpoint', async () => {
      const [finding] = await findingsOf(codeFlow(unsecuredIdToken(), { authorize: { response_type: 'code id_token' } }));
      expect(finding).toMatchObject({ severity: 'error' });
    });
  });

  it('reports absent REQUIRED claims and lists every failure in one finding', async () => {
    const idToken = await signedIdToken(idClaims({ sub: undefined, aud: 'other', iss: 'https://other.example', exp: NOW - 10 }));
    const findings = await findingsOf(codeFlow(idToken));
    expect(findings).toHaveLength(1);
    expect(failed(findings[0])).toEqual(['iss', 'sub', 'aud', 'exp']);
    expect(findings[0]!.message).toContain('(iss, sub, aud, exp)');
  });

  it('checks refresh responses too', async () => {
    const flow = codeFlow(await signedIdToken());
    const refresh = refreshWithIdToken(await signedIdToken(idClaims({ aud: 'other' })), 'rt-1');
    const [finding, ...rest] = await findingsOf([...flow, refresh]);
    expect(rest).toEqual([]);
    expect(finding!.exchangeIds).toContain(refresh.id);
    expect(finding!.message).toContain('refresh token response');
  });

  describe('a token that is not a well-formed JWS', () => {
    const b64u = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    const broken: [string, (header: string, payload: string, signature: string) => string, RegExp][] = [
      [
        'payload not base64url',
        (h, p, s) => `${h}.${p.slice(0, 10)}+${p.slice(10)}.${s}`,
        /^payload is not valid base64url: "\+" at position 10 /,
      ],
      [
        'payload of text that is not JSON',
        (h, _, s) => `${h}.${b64u('sub=alice')}.${s}`,
        /^payload decodes from base64url to text that is not JSON/,
      ],
      ['payload a JSON array', (h, _, s) => `${h}.${b64u('["alice"]')}.${s}`, /^payload is not a JSON object: it is an array/],
      ['payload a JSON number', (h, _, s) => `${h}.${b64u('7')}.${s}`, /^payload is not a JSON object: it is a number/],
      ['signature part missing', (h, p) => `${h}.${p}`, /^has 2 parts, not 3: the signature part is missing/],
      ['header not JSON', (_, p, s) => `${b64u('RS256')}.${p}.${s}`, /^header decodes from base64url to text that is not JSON/],
    ];

    it.each(broken)('reports one whose %s as an error that names the fault (RFC 7519 §7.2)', async (_, breakIt, problem) => {
      const [header, payload, signature] = (await signedIdToken()).split('.') as [string, string, string];
      const idToken = breakIt(header, payload, signature);
      const [finding, ...rest] = await findingsOf(codeFlow(idToken));
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({ ruleId: 'id-token-invalid', severity: 'error' });
      expect(failed(finding)).toEqual(['format']);
      const detail = finding!.evidence.find((e) => e.label === 'failed: format')!.value;
      expect(detail).toMatch(problem);
      expect(detail).toMatch(/; the client MUST reject it$/);
      expect(finding!.message).toBe('The ID token from the token response fails validation (format).');
      expect(finding!.evidence).toContainEqual({ label: 'id_token', value: idToken, secret: true });
    });

    it('reports a signature part no key can verify beside the claims it still checks', async () => {
      const [header, payload] = (await signedIdToken(idClaims({ aud: 'other' }))).split('.') as [string, string, string];
      const [finding] = await findingsOf(codeFlow(`${header}.${payload}.`));
      expect(failed(finding)).toEqual(['signature', 'aud']);
      expect(finding!.evidence.find((e) => e.label === 'failed: signature')!.value).toBe(
        'the signature part is empty, but alg "RS256" requires a signature (RFC 7515 §5.2)',
      );
    });

    it('takes the empty signature of alg none for what it is: unsigned, not broken', async () => {
      const [finding] = await findingsOf(codeFlow(unsecuredIdToken()));
      expect(failed(finding)).toEqual(['alg']);
    });
  });

  it('says nothing about a JWE (its claims are not readable)', async () => {
    expect(await findingsOf(codeFlow(JWE_ID_TOKEN))).toEqual([]);
  });

  it('never throws on odd claims', async () => {
    const [finding] = await findingsOf(codeFlow(await signedIdToken(idClaims({ iss: 7, aud: [1], exp: 'tomorrow', iat: 1e300 }))));
    expect(failed(finding)).toEqual(['iss', 'aud', 'exp', 'iat']);
  });

  it.each(recordedIdsNotExpecting('id-token-invalid'))('passes the real ID tokens of the recorded %s sign-in', async (id) => {
    expect(await findingsOf(recorded(id))).toEqual([]);
  });

  it('reports the recorded rogue ID token (expired when issued, another audience)', async () => {
    const [finding, ...rest] = await findingsOf(recorded('id-token-invalid'));
    expect(rest).toEqual([]);
    expect(failed(finding)).toEqual(['aud', 'exp']);
  });
});
