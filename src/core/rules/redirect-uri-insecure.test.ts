import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, goodFlow, resetBuilders } from '../../../tests/support/build.ts';
import { authorizeByReference, par } from '../../../tests/support/state-redirect-client.ts';
import rule from './redirect-uri-insecure.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);

describe('redirect-uri-insecure', () => {
  beforeEach(resetBuilders);

  it('passes an https redirect_uri', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('is an error for http to a non-loopback host', async () => {
    const auth = authorize({ redirect_uri: 'http://app.example/cb' });
    const [finding] = await findingsOf([auth]);
    expect(finding).toMatchObject({
      ruleId: 'redirect-uri-insecure',
      severity: 'error',
      flowId: `flow-${auth.id}`,
      exchangeIds: [auth.id],
    });
    expect(finding!.evidence).toContainEqual({ label: 'redirect_uri', value: 'http://app.example/cb' });
    expect(finding!.evidence).toContainEqual({ label: 'host', value: 'app.example' });
  });

  it('reads the scheme case-insensitively', async () => {
    expect(await findingsOf([authorize({ redirect_uri: 'HTTP://App.Example/cb' })])).toMatchObject([{ severity: 'error' }]);
  });

  it('is an error for http to a LAN address', async () => {
    expect(await findingsOf([authorize({ redirect_uri: 'http://192.168.1.20:3000/cb' })])).toMatchObject([{ severity: 'error' }]);
  });

  it.each(['http://localhost:3000/cb', 'http://LOCALHOST/cb', 'http://app.localhost:5173/cb'])('is a warning for %s', async (uri) => {
    const [finding] = await findingsOf([authorize({ redirect_uri: uri })]);
    expect(finding).toMatchObject({ severity: 'warning' });
    expect(finding!.message).toContain('127.0.0.1 or [::1]');
  });

  it.each(['http://127.0.0.1:51004/cb', 'http://[::1]:51004/cb', 'com.example.app:/oauth2redirect', 'https://localhost/cb'])(
    'says nothing for %s',
    async (uri) => {
      expect(await findingsOf([authorize({ redirect_uri: uri })])).toEqual([]);
    },
  );

  it('reads the redirect_uri of a pushed request', async () => {
    const pushed = par({ redirect_uri: 'http://app.example/cb' });
    const front = authorizeByReference();
    expect(await findingsOf([pushed, front])).toMatchObject([{ severity: 'error', exchangeIds: [pushed.id, front.id] }]);
  });
});
