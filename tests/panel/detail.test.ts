import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import type { Flow } from '../../src/core/model.ts';
import { parameterRows, relativeTime, timeline, tokensOf } from '../../src/devtools/detail.ts';
import { buildSource } from '../../src/devtools/sources.ts';
import { fixtureExchanges } from './fixtures.ts';

async function flowOf(name: string) {
  const s = await buildSource('s', name, 'import', fixtureExchanges(name));
  return { source: s, flow: s.analysis.flows[0]! };
}

describe('timeline', () => {
  it('collapses consecutive sign-in pages into one counted entry', async () => {
    const { source, flow } = await flowOf('refresh');
    const entries = timeline(flow, source.exchangeById);
    const kinds = entries.map((e) => (e.kind === 'step' ? e.step.kind : `sign-in×${e.steps.length}`));
    expect(kinds).toEqual(['authorize', 'sign-in×5', 'callback', 'callback', 'token', 'refresh', 'refresh']);
    const signIn = entries[1]!;
    expect(signIn.kind === 'sign-in' && signIn.durationMs).toBeGreaterThan(0);
  });
});

describe('parameters side by side', () => {
  it('aligns redirect_uri and highlights the added trailing slash', async () => {
    const { flow } = await flowOf('redirect-uri-trailing-slash');
    const rows = parameterRows(flow);
    expect(rows.slice(0, 4).map((r) => r.name)).toEqual(['redirect_uri', 'client_id', 'state', 'code']);
    const redirect = rows[0]!;
    expect(redirect.differs).toBe(true);
    expect(redirect.cells.authorize?.diff).toBeUndefined();
    expect(redirect.cells.token?.diff).toEqual([
      { op: 'same', text: redirect.cells.authorize!.value },
      { op: 'add', text: '/' },
    ]);
    expect(redirect.redirectDifference?.kind).toBe('trailing-slash');
    const code = rows.find((r) => r.name === 'code')!;
    expect(code.secret).toBe(true);
    expect(code.differs).toBe(false);
    expect(Object.keys(code.cells)).toEqual(['callback', 'token']);
  });

  it('says nothing differs in a good flow', async () => {
    const { flow } = await flowOf('good');
    expect(parameterRows(flow).filter((r) => r.differs)).toEqual([]);
  });
});

describe('tokens', () => {
  it('decodes JWTs and leaves opaque tokens opaque', async () => {
    const { flow } = await flowOf('refresh');
    const tokens = tokensOf(flow);
    expect(tokens.map((t) => t.name)).toEqual(expect.arrayContaining(['id_token', 'access_token', 'refresh_token']));
    const id = tokens.find((t) => t.name === 'id_token')!;
    expect(id.decoded?.ok && typeof id.decoded.claims.iat).toBe('number');
    for (const t of tokens.filter((x) => x.name === 'refresh_token')) expect(t.decoded).toBeUndefined();
  });

  it('decodes a JWT access token from a synthetic flow', async () => {
    const jwt = await new SignJWT({ sub: 'u1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(1000)
      .setExpirationTime(4600)
      .sign(new Uint8Array(32));
    const flow = {
      callback: undefined,
      codeExchanges: [{ exchange: {}, response: { accessToken: jwt } }],
      refreshes: [],
    } as unknown as Flow;
    const [token] = tokensOf(flow);
    expect(token?.decoded).toMatchObject({ ok: true, header: { alg: 'HS256' }, claims: { sub: 'u1', exp: 4600 } });
  });
});

describe('times', () => {
  it('reads claims as relative times for people', () => {
    const now = 1_000_000_000_000;
    expect(relativeTime(now / 1000 + 300, now)).toBe('in 5 min');
    expect(relativeTime(now / 1000 - 7200, now)).toBe('2 h ago');
    expect(relativeTime(now / 1000, now)).toBe('now');
  });
});
