/**
 * `oauth-lens audit` of a GitHub sign-in as GitHub documents it: the authorization request carries no
 * response_type (docs.github.com, "Authorizing OAuth apps"), so the code is implied by the provider. Every view
 * says so and none claims `response_type=code` was sent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/report.ts';
import { cli, type Har, type HarEntry, tempDir } from './support.ts';

const REDIRECT_URI = 'https://app.example/auth/github/callback';
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';
const CODE = 'e2b0f3a1c9d84f71a6b2';
// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function entry(
  time: number,
  resourceType: string,
  request: Partial<HarEntry['request']> & { url: string },
  response: Partial<HarEntry['response']>,
): HarEntry {
  return {
    startedDateTime: new Date(Date.UTC(2026, 11, 3, 12, 0, time)).toISOString(),
    time: 20,
    _resourceType: resourceType,
    request: { method: 'GET', headers: [], ...request },
    response: { status: 200, headers: [], content: { size: 0 }, ...response },
  };
}

function githubHar(): Har {
  const authorize = `https://github.com/login/oauth/authorize?${new URLSearchParams({
    client_id: 'Iv1.8a61f9b3a7aba766',
    redirect_uri: REDIRECT_URI,
    scope: 'read:user',
    state: STATE,
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
  })}`;
  const callback = `${REDIRECT_URI}?${new URLSearchParams({ code: CODE, state: STATE })}`;
  const tokenBody = new URLSearchParams({
    client_id: 'Iv1.8a61f9b3a7aba766',
    code: CODE,
    redirect_uri: REDIRECT_URI,
    code_verifier: VERIFIER,
  });
  const answer = JSON.stringify({ access_token: 'gho_16C7e42F292c6912E7710c838347Ae178B4a', token_type: 'bearer', scope: 'read:user' });
  return {
    log: {
      version: '1.2',
      creator: { name: 'test', version: '1' },
      entries: [
        entry(1, 'document', { url: authorize }, { status: 302, redirectURL: callback, headers: [{ name: 'Location', value: callback }] }),
        entry(2, 'document', { url: callback }, { content: { size: 0, mimeType: 'text/html' } }),
        entry(
          3,
          'fetch',
          {
            method: 'POST',
            url: 'https://github.com/login/oauth/access_token',
            headers: [
              { name: 'Content-Type', value: 'application/x-www-form-urlencoded' },
              { name: 'Accept', value: 'application/json' },
            ],
            postData: { mimeType: 'application/x-www-form-urlencoded', text: tokenBody.toString() },
          },
          {
            headers: [
              { name: 'Content-Type', value: 'application/json; charset=utf-8' },
              { name: 'Cache-Control', value: 'no-store' },
            ],
            content: { size: answer.length, mimeType: 'application/json', text: answer },
          },
        ),
      ],
    },
  };
}

const tmp = tempDir();
afterAll(tmp.cleanup);
const GITHUB = tmp.write('github.har', JSON.stringify(githubHar()));

describe('a GitHub sign-in without response_type', () => {
  it('json: one flow, paired through to its token request, the code implied by GitHub, nothing above info', async () => {
    const report = JSON.parse((await cli(['audit', '-f', 'json', GITHUB])).stdout) as AuditReport;
    const [flow, ...others] = report.inputs[0]!.flows;
    expect(others).toEqual([]);
    expect(flow).toMatchObject({
      responseType: 'code',
      responseTypeImpliedBy: 'GitHub',
      authorizationEndpoint: 'https://github.com/login/oauth/authorize',
      tokenEndpoint: 'https://github.com/login/oauth/access_token',
      pkce: { method: 'S256', status: 'match' },
      diagnostics: [],
    });
    expect(flow!.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('text and Markdown: the response type is shown as implied by the provider, not as sent', async () => {
    for (const format of ['text', 'markdown']) {
      const { stdout } = await cli(['audit', '-f', format, GITHUB]);
      expect(stdout, format).toContain('code (not sent: implied by the provider, GitHub)');
      expect(stdout, format).not.toContain('response_type=code');
    }
  });
});
