import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, goodFlow, REDIRECT_URI, resetBuilders } from '../../../tests/support/build.ts';
import rule from './redirect-uri-fragment.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);

describe('redirect-uri-fragment', () => {
  beforeEach(resetBuilders);

  it('passes a redirect_uri without a fragment', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports a fragment in the redirect_uri', async () => {
    const auth = authorize({ redirect_uri: `${REDIRECT_URI}#/login` });
    const [finding, ...rest] = await findingsOf([auth]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      ruleId: 'redirect-uri-fragment',
      severity: 'error',
      flowId: `flow-${auth.id}`,
      exchangeIds: [auth.id],
    });
    expect(finding!.evidence).toContainEqual({ label: 'fragment', value: '#/login' });
  });

  it('reports an empty fragment (a trailing #)', async () => {
    expect(await findingsOf([authorize({ redirect_uri: `${REDIRECT_URI}#` })])).toHaveLength(1);
  });

  it('does not mistake an encoded # for a fragment', async () => {
    expect(await findingsOf([authorize({ redirect_uri: `${REDIRECT_URI}?tab=%23x` })])).toEqual([]);
  });
});
