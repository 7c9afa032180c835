import { beforeEach, describe, expect, it } from 'vitest';
import { APP, exchange, goodFlow, REDIRECT_URI, resetBuilders } from '../../../tests/support/build.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import rule from './credential-in-referer.ts';

const findingsOf = findingsOfRule(rule);
const CODE = 'SplxlOBeZQQYbYS6WxSbIA';
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';
const CALLBACK_URL = `${REDIRECT_URI}?code=${CODE}&state=${STATE}&iss=https%3A%2F%2Fas.example`;

/** A subresource the callback page loads, with the Referer the browser sent. */
const subresource = (url: string, referer: string) => exchange({ url, initiator: 'other', requestHeaders: { referer }, status: 200 });

describe('credential-in-referer', () => {
  beforeEach(resetBuilders);

  it('passes the default policy: only the origin goes to other sites', async () => {
    expect(await findingsOf([...goodFlow(), subresource('https://cdn.example/app.js', `${APP}/`)])).toEqual([]);
  });

  it("reports the flow's code and state carried to another origin, the values as secret evidence", async () => {
    const flow = goodFlow();
    const pixel = subresource('https://analytics.example/pixel.gif?e=login', CALLBACK_URL);
    const [finding, ...rest] = await findingsOf([...flow, pixel]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      ruleId: 'credential-in-referer',
      severity: 'error',
      flowId: `flow-${flow[0]!.id}`,
      exchangeIds: [pixel.id],
    });
    expect(finding!.message).toContain('code, state');
    expect(finding!.message).not.toContain(CODE);
    expect(finding!.evidence).toContainEqual({ label: 'sent to', value: 'https://analytics.example' });
    expect(finding!.evidence).toContainEqual({ label: 'code', value: CODE, secret: true });
    expect(finding!.evidence).toContainEqual({ label: 'Referer', value: CALLBACK_URL, secret: true });
  });

  it('does not report the same origin, the authorization server, or a code no flow holds', async () => {
    const flow = goodFlow();
    expect(
      await findingsOf([
        ...flow,
        subresource(`${APP}/app.js`, CALLBACK_URL),
        subresource('https://as.example/token', CALLBACK_URL),
        subresource('https://shop.example/cart', 'https://app.example/checkout?code=SUMMER24&state=open'),
      ]),
    ).toEqual([]);
  });

  it('reports a token in a cross-origin Referer by its name', async () => {
    const [finding] = await findingsOf([subresource('https://fonts.example/a.woff2', 'https://app.example/cb?access_token=abc.def.ghi')]);
    expect(finding!.message).toContain('access_token');
  });

  it('notes, at info, a callback page served with a policy that sends its URL to other origins', async () => {
    const flow = goodFlow();
    flow[2]!.responseHeaders.push({ name: 'referrer-policy', value: 'no-referrer, unsafe-url' });
    const [finding, ...rest] = await findingsOf(flow);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'info', exchangeIds: [flow[2]!.id] });
    expect(finding!.message).toContain('Referrer-Policy: unsafe-url');
    resetBuilders();
    const strict = goodFlow();
    strict[2]!.responseHeaders.push({ name: 'referrer-policy', value: 'unsafe-url, strict-origin-when-cross-origin' });
    expect(await findingsOf(strict)).toEqual([]);
  });
});
