import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, exchange, REDIRECT_URI, resetBuilders, token } from '../../../tests/support/build.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import rule from './open-redirect-on-callback.ts';

const findingsOf = findingsOfRule(rule);
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';

/** A flow whose redirect_uri carries `returnTo`, and whose callback page answers as `page` says. */
function flowReturningTo(returnTo: string, page: { status?: number; location?: string } = {}) {
  const redirectUri = `${REDIRECT_URI}?returnTo=${encodeURIComponent(returnTo)}`;
  const callbackUrl = `${redirectUri}&code=c1&state=${STATE}`;
  return [
    authorize({ redirect_uri: redirectUri }),
    exchange({ url: 'https://as.example/authorize/resume', status: 303, location: callbackUrl }),
    exchange({ url: callbackUrl, status: page.status ?? 200, ...(page.location ? { location: page.location } : {}) }),
    token({ code: 'c1', redirect_uri: redirectUri }),
  ];
}

describe('open-redirect-on-callback', () => {
  beforeEach(resetBuilders);

  it('reports a callback page redirecting to another origin named by its parameter', async () => {
    const exchanges = flowReturningTo('https://evil.example/landing', { status: 302, location: 'https://evil.example/landing' });
    const [finding, ...rest] = await findingsOf(exchanges);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'open-redirect-on-callback', severity: 'error', exchangeIds: [exchanges[2]!.id] });
    expect(finding!.message).toContain('https://evil.example, taken from its returnTo parameter');
    expect(finding!.evidence).toContainEqual({ label: 'forwarded to', value: 'https://evil.example/landing' });
  });

  it("reports a script's navigation to that URL after the callback", async () => {
    const exchanges = [...flowReturningTo('//evil.example/x'), exchange({ url: 'https://evil.example/x', status: 200 })];
    const [finding] = await findingsOf(exchanges);
    expect(finding!.message).toContain('followed by a navigation');
    expect(finding!.exchangeIds).toEqual([exchanges[2]!.id, exchanges[4]!.id]);
  });

  it('passes a forward to a sibling host of the same site (a central sign-in page and its apps)', async () => {
    expect(
      await findingsOf(flowReturningTo('https://shop.app.example/cart', { status: 302, location: 'https://shop.app.example/cart' })),
    ).toEqual([]);
  });

  it('passes a same-origin return path, a forward to somewhere else, and the server-given error_uri', async () => {
    expect(await findingsOf([...flowReturningTo('/dashboard', { status: 302, location: 'https://app.example/dashboard' })])).toEqual([]);
    resetBuilders();
    expect(
      await findingsOf([...flowReturningTo('https://evil.example/landing'), exchange({ url: 'https://app.example/home', status: 200 })]),
    ).toEqual([]);
    resetBuilders();
    const errorUri = 'https://as.example/help/access_denied';
    const callbackUrl = `${REDIRECT_URI}?error=access_denied&error_uri=${encodeURIComponent(errorUri)}&state=${STATE}`;
    expect(
      await findingsOf([
        authorize(),
        exchange({ url: 'https://as.example/authorize/resume', status: 303, location: callbackUrl }),
        exchange({ url: callbackUrl, status: 200 }),
        exchange({ url: errorUri, status: 200 }),
      ]),
    ).toEqual([]);
  });
});
