import { beforeEach, describe, expect, it } from 'vitest';
import { AS, authorize, callback, exchange, formBody, goodFlow, resetBuilders, token, VERIFIER } from '../../tests/support/build.ts';
import { analyze } from './analyze.ts';
import type { Exchange } from './model.ts';
import { collectSecrets, createRedactor, noRedaction, redactJsonMembers, redactParameters } from './redact.ts';
import { isRedacted, redactionMarker } from './redaction-marker.ts';

beforeEach(resetBuilders);

describe('redactionMarker', () => {
  it('names what was removed and its length, and nothing of the value', () => {
    expect(redactionMarker('code_verifier', VERIFIER)).toBe('‹redacted code_verifier, 43 chars›');
    expect(redactionMarker('password', 'x')).toBe('‹redacted password, 1 char›');
    expect(redactionMarker('code', VERIFIER)).not.toContain(VERIFIER.slice(0, 3));
    expect(isRedacted(redactionMarker('code', 'abc'))).toBe(true);
  });
});

describe('redactJsonMembers', () => {
  it('redacts the string values of secret members, escapes counted as what they decode to', () => {
    const body = '{"access_token": "eyJ.a.b", "token_type":"Bearer","refresh_token":"r\\"1","expires_in":3600,"Code":"x"}';
    expect(redactJsonMembers(body)).toBe(
      '{"access_token": "‹redacted access_token, 7 chars›", "token_type":"Bearer","refresh_token":"‹redacted refresh_token, 3 chars›","expires_in":3600,"Code":"‹redacted Code, 1 char›"}',
    );
    expect(redactJsonMembers(redactJsonMembers(body))).toBe(redactJsonMembers(body));
  });

  it('leaves other members, non-string values and text without JSON alone', () => {
    expect(redactJsonMembers('{"state":"abc","access_token":null,"code":""}')).toBe('{"state":"abc","access_token":null,"code":""}');
    expect(redactJsonMembers('code: "abc"')).toBe('code: "abc"');
  });

  it('is what the redactor does to a token response too big to parse', () => {
    const big = `{"access_token":"${'A'.repeat(9_000_000)}","token_type":"Bearer"}`;
    expect(createRedactor([]).text(big)).toBe('{"access_token":"‹redacted access_token, 9000000 chars›","token_type":"Bearer"}');
  });
});

describe('redactParameters', () => {
  it('redacts secret parameters in a query, a fragment and a form body, and leaves the rest exact', () => {
    expect(redactParameters('https://app.example/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz')).toBe(
      'https://app.example/cb?code=‹redacted code, 22 chars›&state=xyz',
    );
    expect(redactParameters('https://app.example/cb#access_token=abc.def&token_type=Bearer&id_token=x.y.z')).toBe(
      'https://app.example/cb#access_token=‹redacted access_token, 7 chars›&token_type=Bearer&id_token=‹redacted id_token, 5 chars›',
    );
    expect(redactParameters(`grant_type=authorization_code&code=abc&code_verifier=${VERIFIER}&client_secret=s3cr%2Bt&redirect_uri=x`)).toBe(
      'grant_type=authorization_code&code=‹redacted code, 3 chars›&code_verifier=‹redacted code_verifier, 43 chars›&client_secret=‹redacted client_secret, 6 chars›&redirect_uri=x',
    );
    expect(redactParameters('login=alice&Password=wonder+land')).toBe('login=alice&Password=‹redacted Password, 11 chars›');
  });

  it('does not touch names that merely contain a secret name, nor non-secret parameters', () => {
    const url = 'https://as.example/authorize?response_type=code&code_challenge=E9Mel&code_challenge_method=S256&state=code';
    expect(redactParameters(url)).toBe(url);
    expect(redactParameters('no parameters here')).toBe('no parameters here');
  });

  it('works in free text and is idempotent', () => {
    const once = redactParameters('the callback carried code=abc123 and refresh_token=r1');
    expect(once).toBe('the callback carried code=‹redacted code, 6 chars› and refresh_token=‹redacted refresh_token, 2 chars›');
    expect(redactParameters(once)).toBe(once);
  });
});

describe('createRedactor', () => {
  it('replaces every occurrence of a collected secret, whatever surrounds it, longest first', () => {
    const r = createRedactor([
      { value: 'abcdefgh12345678', label: 'access_token' },
      { value: 'abcdefgh', label: 'code' },
      { value: 'short', label: 'code' },
    ]);
    expect(r.text('Bearer abcdefgh12345678, then abcdefgh, then short')).toBe(
      'Bearer ‹redacted access_token, 16 chars›, then ‹redacted code, 8 chars›, then short',
    );
    expect(r.text('{"t":"xxabcdefgh12345678yy"}')).toBe('{"t":"xx‹redacted access_token, 16 chars›yy"}');
  });

  it('redacts evidence marked secret or labelled like a secret, and leaves other evidence alone', () => {
    const r = createRedactor([]);
    expect(r.evidence({ label: 'code_verifier', value: VERIFIER, secret: true })).toEqual({
      label: 'code_verifier',
      value: '‹redacted code_verifier, 43 chars›',
      secret: true,
      redacted: true,
    });
    expect(r.evidence({ label: 'cookie', value: 'sid=123456789' }).value).toBe('‹redacted cookie, 13 chars›');
    expect(r.evidence({ label: 'code_challenge', value: 'E9Melhoa' })).toEqual({ label: 'code_challenge', value: 'E9Melhoa' });
    expect(r.evidence({ label: 'callback', value: 'https://app.example/cb?code=abc' }).value).toBe(
      'https://app.example/cb?code=‹redacted code, 3 chars›',
    );
  });

  it('stays linear with many secrets', () => {
    const secrets = Array.from({ length: 5000 }, (_, i) => ({
      value: `secret-${i.toString(36).padStart(6, '0')}-value`,
      label: 'access_token',
    }));
    const r = createRedactor(secrets);
    const needle = secrets[1000]!.value;
    const text = `${'lorem ipsum dolor sit amet '.repeat(4000)} ${needle}`;
    const started = performance.now();
    const out = r.text(text);
    expect(performance.now() - started).toBeLessThan(500);
    expect(out.endsWith(`‹redacted access_token, ${needle.length} chars›`)).toBe(true);
  });

  it('noRedaction shows everything', () => {
    expect(noRedaction.text('https://x/cb?code=abc')).toBe('https://x/cb?code=abc');
    expect(noRedaction.evidence({ label: 'code_verifier', value: VERIFIER, secret: true }).value).toBe(VERIFIER);
  });
});

describe('collectSecrets', () => {
  it('collects codes, verifiers, tokens, client secrets, passwords, credentials and cookies of the flows', async () => {
    const flow = goodFlow();
    const tokenExchange = flow[3]!;
    tokenExchange.requestHeaders.push({ name: 'authorization', value: `Basic ${btoa('spa:the-client-secret')}` });
    tokenExchange.responseBody = {
      kind: 'text',
      text: JSON.stringify({ access_token: 'access-token-value-1', id_token: 'aaa.bbbbbbbb.ccc', refresh_token: 'refresh-token-value' }),
      size: 1,
      mimeType: 'application/json',
    };
    // The sign-in page between the authorization request and the callback.
    const login: Exchange = exchange({
      method: 'POST',
      url: `${AS}/login`,
      initiator: 'form',
      requestBody: formBody({ login: 'alice', password: 'wonderland' }),
      requestHeaders: { cookie: 'sid=session-cookie-value; theme=dark' },
      status: 303,
      time: flow[0]!.time + 10,
    });
    const exchanges = [flow[0]!, login, ...flow.slice(1)];
    const analysis = await analyze(exchanges, []);
    const byId = new Map(exchanges.map((e) => [e.id, e]));
    const secrets = collectSecrets(analysis.flows, analysis.findings, (id) => byId.get(id));
    const values = Object.fromEntries(secrets.map((s) => [s.value, s.label]));
    expect(values).toMatchObject({
      SplxlOBeZQQYbYS6WxSbIA: 'code',
      [VERIFIER]: 'code_verifier',
      'access-token-value-1': 'access_token',
      'aaa.bbbbbbbb.ccc': 'id_token',
      'refresh-token-value': 'refresh_token',
      'the-client-secret': 'client_secret',
      wonderland: 'password',
      'session-cookie-value': 'cookie',
    });
    // Public values of the flow are never treated as secrets; short values are left to the other layers.
    for (const s of secrets) {
      expect(['spa', 'dark', analysis.flows[0]?.authorization?.state, analysis.flows[0]?.authorization?.codeChallenge]).not.toContain(
        s.value,
      );
      expect(s.value.length).toBeGreaterThanOrEqual(8);
    }
  });

  it('does not hide a cookie value that the server also shows in its URLs', async () => {
    const auth = authorize();
    const page = exchange({
      url: `${AS}/interaction/interaction-id-123`,
      requestHeaders: { cookie: '_interaction=interaction-id-123; _session=real-session-secret' },
      status: 200,
    });
    const exchanges = [
      auth,
      page,
      ...callback({ code: 'code-value-1234', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token({ code: 'code-value-1234' }),
    ];
    const analysis = await analyze(exchanges, []);
    const byId = new Map(exchanges.map((e) => [e.id, e]));
    const values = collectSecrets(analysis.flows, [], (id) => byId.get(id)).map((s) => s.value);
    expect(values).toContain('real-session-secret');
    expect(values).not.toContain('interaction-id-123');
  });

  it('collects evidence marked secret', () => {
    const secrets = collectSecrets(
      [],
      [
        {
          ruleId: 'x',
          severity: 'error',
          title: 't',
          message: 'm',
          citation: 'c',
          fix: 'f',
          exchangeIds: [],
          evidence: [
            { label: 'client_secret', value: 'evidence-secret', secret: true },
            { label: 'state', value: 'not-a-secret' },
          ],
        },
      ],
    );
    expect(secrets).toEqual([{ value: 'evidence-secret', label: 'client_secret' }]);
  });
});

describe('Redactor.numbered (a HAR export)', () => {
  it('gives equal values equal markers and other values of the same length other markers', () => {
    const codeA = 'a'.repeat(43);
    const codeB = 'b'.repeat(43);
    const redactor = createRedactor([]).numbered();
    const first = redactor.text(`https://app/cb?code=${codeA}&state=s`);
    const again = redactor.text(`code=${codeA}&grant_type=authorization_code`);
    const other = redactor.text(`code=${codeB}&grant_type=authorization_code`);
    expect(first).toBe('https://app/cb?code=‹redacted code, 43 chars, value 1›&state=s');
    expect(again).toBe('code=‹redacted code, 43 chars, value 1›&grant_type=authorization_code');
    expect(other).toBe('code=‹redacted code, 43 chars, value 2›&grant_type=authorization_code');
    expect(redactor.secret('cookie', 'sid=1')).toBe('‹redacted cookie, 5 chars, value 3›');
    // A marker read back from an export stays as it is.
    expect(redactor.secret('code', first.slice(20, -8))).toBe('‹redacted code, 43 chars, value 1›');
    expect(createRedactor([]).secret('code_verifier', '‹redacted code_verifier, 43 chars›')).toBe('‹redacted code_verifier, 43 chars›');
  });

  it('numbers the safety net and JSON members too, and leaves the source redactor unnumbered', () => {
    const token = 'opaque-refresh-token-value';
    const source = createRedactor([{ value: token, label: 'refresh_token' }]);
    const redactor = source.numbered();
    expect(redactor.text(`{"refresh_token":"${token}"} and ${token}`)).toBe(
      '{"refresh_token":"‹redacted refresh_token, 26 chars, value 1›"} and ‹redacted refresh_token, 26 chars, value 1›',
    );
    expect(source.text(token)).toBe('‹redacted refresh_token, 26 chars›');
    expect(noRedaction.numbered()).toBe(noRedaction);
  });
});
