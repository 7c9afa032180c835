import { beforeEach, describe, expect, it } from 'vitest';
import { exchange, formBody, jsonBody, resetBuilders } from '../../tests/support/build.ts';
import { analyze } from './analyze.ts';
import { DEVICE_CODE_GRANT, normalizedUserCode } from './device-grant.ts';
import type { Exchange } from './model.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const T0 = Date.parse('2026-11-22T10:00:00Z');

function deviceAuthorization(at: number, deviceCode: string, userCode: string, options: { clientId?: string; body?: boolean } = {}) {
  return exchange({
    method: 'POST',
    url: 'https://as.example/device_authorization',
    initiator: 'fetch',
    requestHeaders: FORM,
    requestBody: formBody({ client_id: options.clientId ?? 'tv', scope: 'openid' }),
    status: 200,
    time: T0 + at,
    ...(options.body === false
      ? {}
      : {
          responseBody: jsonBody({
            device_code: deviceCode,
            user_code: userCode,
            verification_uri: 'https://as.example/device',
            verification_uri_complete: `https://as.example/device?user_code=${userCode}`,
            expires_in: 1800,
            interval: 5,
          }),
        }),
  });
}

function poll(at: number, deviceCode: string, error?: string, clientId = 'tv') {
  return exchange({
    method: 'POST',
    url: 'https://as.example/token',
    initiator: 'fetch',
    requestHeaders: FORM,
    requestBody: formBody({ grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: clientId }),
    status: error ? 400 : 200,
    time: T0 + at,
    responseBody: jsonBody(error ? { error } : { access_token: `at-${deviceCode}`, token_type: 'Bearer' }),
  });
}

const page = (at: number, url: string, init: Partial<Parameters<typeof exchange>[0]> = {}) =>
  exchange({ url, status: 200, time: T0 + at, ...init });

/** Discovery metadata naming the device authorization endpoint (RFC 8628 §4). */
const metadata = () =>
  exchange({
    url: 'https://as.example/.well-known/openid-configuration',
    initiator: 'fetch',
    status: 200,
    time: T0 - 1_000,
    responseBody: jsonBody({
      issuer: 'https://as.example',
      token_endpoint: 'https://as.example/token',
      device_authorization_endpoint: 'https://as.example/device_authorization',
    }),
  });

const flowsOf = async (exchanges: Exchange[]) => (await analyze(exchanges, [])).flows;

describe('device authorization grant correlation (RFC 8628)', () => {
  beforeEach(resetBuilders);

  it('makes one flow: device authorization, verification page and user_code entry, then every poll', async () => {
    const device = deviceAuthorization(0, 'dc-1', 'WDJB-MJHT');
    const visit = page(1_000, 'https://as.example/device');
    // The user types the code in lower case without its dash (§6.1: the server compares it that way).
    const entry = page(2_000, 'https://as.example/device', {
      method: 'POST',
      initiator: 'form',
      requestBody: formBody({ user_code: 'wdjbmjht' }),
    });
    const polls = [poll(5_000, 'dc-1', 'authorization_pending'), poll(10_000, 'dc-1', 'slow_down'), poll(20_000, 'dc-1')];
    const flows = await flowsOf([device, visit, entry, ...polls]);

    expect(flows).toHaveLength(1);
    const [flow] = flows;
    expect(flow!.deviceAuthorization?.userCode).toBe('WDJB-MJHT');
    expect(flow!.steps.map((s) => [s.kind, s.pairedBy])).toEqual([
      ['device-authorization', undefined],
      ['verification', 'verification_uri'],
      ['verification', 'user_code'],
      ['token', 'device_code'],
      ['token', 'device_code'],
      ['token', 'device_code'],
    ]);
    expect(flow!.notes).not.toContain('authorization request not observed (capture may have started mid-flow)');
  });

  it('keeps two device grants of one client apart by device_code and user_code, whatever their order', async () => {
    const a = deviceAuthorization(0, 'dc-a', 'AAAA-AAAA');
    const b = deviceAuthorization(100, 'dc-b', 'BBBB-BBBB');
    const completeA = page(1_000, 'https://as.example/device?user_code=AAAA-AAAA');
    const flows = await flowsOf([a, b, completeA, poll(5_000, 'dc-b', 'authorization_pending'), poll(5_100, 'dc-a'), poll(10_000, 'dc-b')]);

    expect(flows).toHaveLength(2);
    const [flowA, flowB] = flows;
    expect(flowA!.deviceAuthorization?.exchange).toBe(a);
    expect(flowA!.steps.map((s) => s.kind)).toEqual(['device-authorization', 'verification', 'token']);
    expect(flowB!.steps.map((s) => s.kind)).toEqual(['device-authorization', 'token', 'token']);
  });

  it('without the response body, pairs the polls with the same client’s device authorization, one device_code each', async () => {
    const flows = await flowsOf([
      metadata(),
      deviceAuthorization(0, 'unseen-1', 'X', { body: false }),
      poll(5_000, 'dc-1', 'authorization_pending'),
      poll(10_000, 'dc-1'),
      poll(11_000, 'dc-2', 'authorization_pending'),
    ]);
    expect(flows).toHaveLength(2);
    expect(flows[0]!.steps.map((s) => [s.kind, s.pairedBy])).toEqual([
      ['device-authorization', undefined],
      ['token', 'client'],
      ['token', 'device_code'],
    ]);
    expect(flows[1]!.deviceAuthorization).toBeUndefined();
  });

  it('recognises the device authorization endpoint from discovery metadata when its response was not read', async () => {
    const [flow] = await flowsOf([metadata(), deviceAuthorization(0, 'x', 'y', { body: false }), poll(5_000, 'dc')]);
    expect(flow!.deviceAuthorization?.endpoint).toBe('https://as.example/device_authorization');
    expect(flow!.issuer).toBe('https://as.example');
  });

  it('groups polls whose device authorization was not captured into one flow', async () => {
    const flows = await flowsOf([
      poll(0, 'dc-1', 'authorization_pending'),
      poll(5_000, 'dc-1', 'authorization_pending'),
      poll(10_000, 'dc-1'),
    ]);
    expect(flows).toHaveLength(1);
    expect(flows[0]!.codeExchanges).toHaveLength(3);
  });

  it('leaves other pages of the server, and a user_code no flow issued, out of the timeline', async () => {
    const flows = await flowsOf([
      deviceAuthorization(0, 'dc-1', 'WDJB-MJHT'),
      page(1_000, 'https://as.example/account'),
      page(1_500, 'https://as.example/device', { initiator: 'fetch' }),
      page(2_000, 'https://as.example/device', { method: 'POST', initiator: 'form', requestBody: formBody({ user_code: 'ZZZZ-ZZZZ' }) }),
      poll(5_000, 'dc-1'),
    ]);
    expect(flows.find((f) => f.deviceAuthorization)!.steps.map((s) => s.kind)).toEqual(['device-authorization', 'token']);
  });

  it('leaves an authorization request at the verification page to its own flow', async () => {
    const authorization = page(1_000, 'https://as.example/device?response_type=code&client_id=web&state=s-1&user_code=WDJB-MJHT');
    const flows = await flowsOf([deviceAuthorization(0, 'dc-1', 'WDJB-MJHT'), authorization, poll(5_000, 'dc-1')]);
    expect(flows).toHaveLength(2);
    expect(flows.find((f) => f.deviceAuthorization)!.steps.map((s) => s.kind)).toEqual(['device-authorization', 'token']);
    expect(flows.find((f) => f.authorization)!.steps.map((s) => s.kind)).toEqual(['authorize']);
  });

  it('does not take a response without a verification_uri for a device authorization', async () => {
    const lookalike = exchange({
      method: 'POST',
      url: 'https://api.example/devices',
      initiator: 'fetch',
      status: 200,
      requestBody: formBody({ name: 'tv' }),
      responseBody: jsonBody({ device_code: 'a', user_code: 'b' }),
    });
    expect(await flowsOf([lookalike])).toEqual([]);
  });
});

describe('device grant diagnoses', () => {
  beforeEach(resetBuilders);

  it('calls no device grant stuck while it is still polled, nor once it ended with tokens (RFC 8628 §3.5)', async () => {
    const stillPolling = [
      deviceAuthorization(0, 'dc-1', 'AAAA'),
      poll(5_000, 'dc-1', 'authorization_pending'),
      poll(10_000, 'dc-1', 'slow_down'),
    ];
    const finished = [deviceAuthorization(20_000, 'dc-2', 'BBBB'), poll(25_000, 'dc-2', 'authorization_pending'), poll(30_000, 'dc-2')];
    const analysis = await analyze([...stillPolling, ...finished], []);
    expect(analysis.flows).toHaveLength(2);
    expect(analysis.diagnoses).toEqual([]);
  });
});

describe('normalizedUserCode', () => {
  it('compares user codes without case and separators (RFC 8628 §6.1)', () => {
    expect(normalizedUserCode('wdjb-mjht')).toBe(normalizedUserCode('WDJBMJHT'));
    expect(normalizedUserCode('WDJB MJHT')).toBe('WDJBMJHT');
  });
});
