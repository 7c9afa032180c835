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

  // A developer's machine: the response never leaves it (RFC 8252 §7.3), so never above info.
  it.each(['http://localhost:3000/cb', 'http://LOCALHOST/cb', 'http://app.localhost:5173/cb', 'http://localhost./cb'])(
    'is info for %s',
    async (uri) => {
      const [finding] = await findingsOf([authorize({ redirect_uri: uri })]);
      expect(finding).toMatchObject({ severity: 'info' });
      expect(finding!.message).toContain('127.0.0.1 or [::1] rather than localhost');
    },
  );

  // The loopback redirect RFC 8252 §7.3 defines and §8.3 recommends.
  it.each(['http://127.0.0.1:51004/cb', 'http://127.42.0.7/cb', 'http://0x7f.1:8080/cb', 'http://[::1]:51004/cb'])(
    'says nothing for the loopback IP literal %s',
    async (uri) => {
      expect(await findingsOf([authorize({ redirect_uri: uri })])).toEqual([]);
    },
  );

  it.each(['http://localhost.example/cb', 'http://127.0.0.1.example/cb', 'http://[::2]/cb', 'http://10.0.0.1/cb'])(
    'is an error for the look-alike %s',
    async (uri) => {
      expect(await findingsOf([authorize({ redirect_uri: uri })])).toMatchObject([{ severity: 'error' }]);
    },
  );

  it.each(['com.example.app:/oauth2redirect', 'https://localhost/cb', 'https://app.example/cb'])('says nothing for %s', async (uri) => {
    expect(await findingsOf([authorize({ redirect_uri: uri })])).toEqual([]);
  });

  it('reads the redirect_uri of a pushed request', async () => {
    const pushed = par({ redirect_uri: 'http://app.example/cb' });
    const front = authorizeByReference();
    expect(await findingsOf([pushed, front])).toMatchObject([{ severity: 'error', exchangeIds: [pushed.id, front.id] }]);
  });
});
