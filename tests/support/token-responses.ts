/**
 * Extra builders for the token-response rules' tests (refresh-token-reused, refresh-token-not-rotated,
 * token-response-cacheable) and the invalid_grant decoder, on top of tests/support/build.ts.
 */
import { readFileSync } from 'node:fs';
import { parseHarText } from '../../src/capture/har.ts';
import type { Exchange } from '../../src/core/model.ts';
import { type ExchangeInit, jsonBody, token } from './build.ts';

/** A refresh_token grant (RFC 6749 §6) from script, by the public client `spa` unless told otherwise. */
export function refresh(
  refreshToken: string,
  answer: Record<string, unknown> | undefined,
  init: Partial<ExchangeInit> & { params?: Record<string, string | undefined> } = {},
): Exchange {
  const { params = {}, ...rest } = init;
  return token(
    {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      code: undefined,
      code_verifier: undefined,
      redirect_uri: undefined,
      ...params,
    },
    { ...(answer !== undefined ? { responseBody: jsonBody(answer) } : {}), ...rest },
  );
}

/** A successful token response body with the given refresh token (none when undefined). */
export function tokens(refreshToken?: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    access_token: 'access-token',
    token_type: 'Bearer',
    expires_in: 300,
    ...(refreshToken !== undefined ? { refresh_token: refreshToken } : {}),
    ...extra,
  };
}

/** The exchanges of a recorded demo fixture (tests/fixtures/demo/<id>.har). */
export function demoFixture(id: string): Exchange[] {
  const { exchanges } = parseHarText(readFileSync(new URL(`../fixtures/demo/${id}.har`, import.meta.url), 'utf8'));
  return exchanges;
}
