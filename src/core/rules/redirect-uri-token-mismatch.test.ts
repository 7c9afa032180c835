import { beforeEach, describe, expect, it } from 'vitest';
import { APP, authorize, callback, goodFlow, REDIRECT_URI, resetBuilders, token } from '../../../tests/support/build.ts';
import rule from './redirect-uri-token-mismatch.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const difference = (finding: { evidence: { label: string; value: string }[] } | undefined) =>
  finding?.evidence.find((e) => e.label === 'difference')?.value;

describe('redirect-uri-token-mismatch', () => {
  beforeEach(resetBuilders);

  it('passes identical redirect_uri values', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports a trailing slash added at /token, with both values and the AS acceptance', async () => {
    const exchanges = goodFlow({ token: { redirect_uri: `${REDIRECT_URI}/` } });
    const [finding, ...rest] = await findingsOf(exchanges);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'redirect-uri-token-mismatch', severity: 'error', flowId: `flow-${exchanges[0]!.id}` });
    expect(finding!.exchangeIds).toEqual([exchanges[0]!.id, exchanges[3]!.id]);
    expect(difference(finding)).toBe('trailing-slash');
    expect(finding!.message).toContain('a trailing slash was added');
    expect(finding!.message).toContain('answered 2xx');
    expect(finding!.evidence).toContainEqual({ label: 'redirect_uri at /authorize', value: REDIRECT_URI });
    expect(finding!.evidence).toContainEqual({ label: 'redirect_uri at /token', value: `${REDIRECT_URI}/` });
  });

  it('does not claim the AS accepted it when it answered 400', async () => {
    const auth = authorize();
    const exchanges = [
      auth,
      ...callback({ code: 'c1', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token({ code: 'c1', redirect_uri: `${REDIRECT_URI}/` }, { status: 400 }),
    ];
    const [finding] = await findingsOf(exchanges);
    expect(finding!.message).not.toContain('2xx');
    expect(finding!.evidence).toContainEqual({ label: 'token response status', value: '400' });
  });

  it.each([
    ['case', 'https://APP.example/cb'],
    ['port', 'https://app.example:443/cb'],
    ['scheme', 'http://app.example/cb'],
    ['encoding', 'https%3A%2F%2Fapp.example%2Fcb'],
    ['encoding', 'https%253A%252F%252Fapp.example%252Fcb'],
    ['path', 'https://app.example/callback'],
    ['query', 'https://app.example/cb?from=token'],
    ['other', 'https://app.example/cb\n'],
  ])('classifies the difference as %s (%j)', async (kind, sent) => {
    const [finding] = await findingsOf(goodFlow({ token: { redirect_uri: sent } }));
    expect(difference(finding)).toBe(kind);
  });

  it('names double encoding at /token', async () => {
    const [finding] = await findingsOf(goodFlow({ token: { redirect_uri: 'https%253A%252F%252Fapp.example%252Fcb' } }));
    expect(finding!.message).toContain('double percent-encoding (%25XX) on the /token side');
  });

  it('classifies localhost vs 127.0.0.1', async () => {
    const loopback = 'http://localhost:8080/cb';
    const exchanges = [
      authorize({ redirect_uri: loopback }),
      ...callback({ code: 'c1', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }, { redirectUri: loopback }),
      token({ code: 'c1', redirect_uri: 'http://127.0.0.1:8080/cb' }),
    ];
    expect(difference((await findingsOf(exchanges))[0])).toBe('localhost-vs-127.0.0.1');
  });

  it('is info when /token leaves redirect_uri out', async () => {
    const [finding] = await findingsOf(goodFlow({ token: { redirect_uri: undefined } }));
    expect(finding).toMatchObject({ severity: 'info' });
    expect(finding!.evidence).toContainEqual({ label: 'redirect_uri at /token', value: '(absent)' });
  });

  it('says nothing when the authorization request had no redirect_uri', async () => {
    const exchanges = [
      authorize({ redirect_uri: undefined }),
      ...callback({ code: 'c1', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token({ code: 'c1', redirect_uri: `${APP}/other` }),
    ];
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  it('reports a repeated token request with the same value once', async () => {
    const exchanges = [...goodFlow({ token: { redirect_uri: `${REDIRECT_URI}/` } }), token({ redirect_uri: `${REDIRECT_URI}/` })];
    expect(await findingsOf(exchanges)).toHaveLength(1);
  });
});
