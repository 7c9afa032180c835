import { beforeEach, describe, expect, it } from 'vitest';
import { exchange, formBody, jsonBody, resetBuilders } from '../../../tests/support/build.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import rule from './device-code-polling.ts';

const findingsOf = findingsOfRule(rule);
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const DEVICE_CODE = 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS';
const T0 = Date.parse('2026-11-22T10:00:00Z');

function deviceAuthorization(interval?: number) {
  return exchange({
    method: 'POST',
    url: 'https://as.example/device_authorization',
    initiator: 'fetch',
    requestHeaders: FORM,
    requestBody: formBody({ client_id: 'tv' }),
    status: 200,
    time: T0,
    responseBody: jsonBody({
      device_code: DEVICE_CODE,
      user_code: 'WDJB-MJHT',
      verification_uri: 'https://as.example/device',
      expires_in: 1800,
      ...(interval ? { interval } : {}),
    }),
  });
}

/** A poll sent `at` ms after the device authorization, answered (50 ms later) with `error` or tokens. */
function poll(at: number, error?: string) {
  return exchange({
    method: 'POST',
    url: 'https://as.example/token',
    initiator: 'fetch',
    requestHeaders: FORM,
    requestBody: formBody({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: DEVICE_CODE, client_id: 'tv' }),
    status: error ? 400 : 200,
    time: T0 + at,
    responseHeaders: { 'cache-control': 'no-store' },
    responseBody: jsonBody(error ? { error } : { access_token: 'at', token_type: 'Bearer' }),
  });
}

describe('device-code-polling', () => {
  beforeEach(resetBuilders);

  it('passes polls that wait the interval, and the extra 5 s after slow_down', async () => {
    const exchanges = [deviceAuthorization(2), poll(2_000, 'authorization_pending'), poll(4_100, 'slow_down'), poll(11_200)];
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  it('reports polls sooner than the interval as a warning, with the 5 s default when none is given', async () => {
    const exchanges = [deviceAuthorization(), poll(1_000, 'authorization_pending'), poll(2_050, 'authorization_pending'), poll(7_200)];
    const [finding, ...rest] = await findingsOf(exchanges);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'device-code-polling', severity: 'warning' });
    expect(finding!.message).toContain('1 of 2 polls');
    expect(finding!.evidence).toContainEqual({ label: 'interval', value: '5 s (the default: the response gives none)' });
    expect(finding!.evidence).toContainEqual({ label: 'device_code', value: DEVICE_CODE, secret: true });
  });

  it('reports an interval not increased after slow_down as an error', async () => {
    const exchanges = [deviceAuthorization(2), poll(2_000, 'authorization_pending'), poll(4_100, 'slow_down'), poll(6_200)];
    const [finding] = await findingsOf(exchanges);
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.message).toContain('even after the server answered slow_down');
  });

  it('says nothing without the device authorization response (the interval is unknown)', async () => {
    expect(await findingsOf([poll(100, 'authorization_pending'), poll(200)])).toEqual([]);
  });
});
