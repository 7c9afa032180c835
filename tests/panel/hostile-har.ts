/**
 * Hostile token responses for the panel's tests: the recorded good flow (tests/fixtures/demo/good.har) with its
 * token endpoint's answer replaced by a 5 MB body (JSON, an HTML page, binary) or by JSON carrying a broken
 * ID token or an access token shaped like a JWT that is not one. Shared by the unit tests and the browser test.
 */
import { randomBytes } from 'node:crypto';
import { harText } from './fixtures.ts';

export const FIVE_MB = 5_000_000;

interface HarContent {
  mimeType: string;
  size: number;
  text: string;
  encoding?: 'base64';
}

interface HarShape {
  log: { entries: { request: { method: string; url: string }; response: { content: HarContent } }[] };
}

function tokenEntry(har: HarShape) {
  const entry = har.log.entries.find((e) => e.request.method === 'POST' && new URL(e.request.url).pathname === '/token');
  if (!entry) throw new Error('good.har has no POST /token');
  return entry;
}

/** The good flow's token response as JSON: access_token, id_token (RS256), expires_in, scope, token_type. */
export function goodTokenResponse(): Record<string, unknown> {
  const har = JSON.parse(harText('good')) as HarShape;
  return JSON.parse(tokenEntry(har).response.content.text) as Record<string, unknown>;
}

/** good.har with the token endpoint answering `content` (status, headers and everything else as recorded). */
export function goodHarWithTokenContent(content: HarContent): string {
  const har = JSON.parse(harText('good')) as HarShape;
  tokenEntry(har).response.content = content;
  return JSON.stringify(har);
}

export const jsonContent = (body: Record<string, unknown>): HarContent => {
  const text = JSON.stringify(body);
  return { mimeType: 'application/json; charset=utf-8', size: text.length, text };
};

/** `length` random base64url characters: a token no compressor or regex shortcut can make cheap. */
export function randomBase64url(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4))
    .toString('base64url')
    .slice(0, length);
}

/** The four 5 MB answers of the token endpoint. */
export function hugeTokenResponses(): Record<'hugeAccessToken' | 'hugeMember' | 'htmlPage' | 'binary', HarContent> {
  const good = goodTokenResponse();
  // An error page: markup that must stay text, and one 1 MB line without a break.
  const row = '<tr><td onclick="alert(1)">server error</td><td><img src=x onerror="document.title=\'pwned\'"></td></tr>\n';
  const unbroken = 'E'.repeat(1_000_000);
  const page = `<!doctype html><html><body><h1>502 Bad Gateway</h1><table>${row.repeat(Math.ceil((FIVE_MB - unbroken.length) / row.length))}</table><p>${unbroken}</p></body></html>`;
  return {
    hugeAccessToken: jsonContent({ ...good, access_token: randomBase64url(FIVE_MB) }),
    hugeMember: jsonContent({ ...good, debug_trace: randomBase64url(FIVE_MB) }),
    htmlPage: { mimeType: 'text/html', size: page.length, text: page },
    binary: { mimeType: 'application/octet-stream', size: FIVE_MB, text: randomBytes(FIVE_MB).toString('base64'), encoding: 'base64' },
  };
}

const b64u = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/**
 * ID tokens with the good token's header and something wrong after it, each with the words the token card and
 * id-token-invalid use for it.
 */
export function brokenIdTokens(): Record<string, { token: string; problem: RegExp }> {
  const goodIdToken = goodTokenResponse().id_token as string;
  const [header, payload, signature] = goodIdToken.split('.') as [string, string, string];
  return {
    'payload not base64url': {
      token: `${header}.${payload.slice(0, 20)}+/${payload.slice(20)}.${signature}`,
      problem: /^payload is not valid base64url: "\+" at position 20 /,
    },
    'payload of non-JSON': {
      token: `${header}.${b64u('sub=alice; aud=spa')}.${signature}`,
      problem: /^payload decodes from base64url to text that is not JSON/,
    },
    'payload a JSON array': {
      token: `${header}.${b64u('["alice","spa"]')}.${signature}`,
      problem: /^payload is not a JSON object: it is an array/,
    },
    'payload a JSON number': {
      token: `${header}.${b64u('1795325089')}.${signature}`,
      problem: /^payload is not a JSON object: it is a number/,
    },
    'signature part missing': { token: `${header}.${payload}`, problem: /^has 2 parts, not 3: the signature part is missing/ },
  };
}

/** Three dot-separated parts, but the first is no JOSE header: an opaque token after all. */
export const JWT_SHAPED_ACCESS_TOKEN = 'Zm9vYmFy.YmF6cXV4.c2lnbmF0dXJl';
