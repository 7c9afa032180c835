// A DELIBERATELY MISBEHAVING authorization server, for the few findings that oidc-provider refuses to produce
// because they are bugs of the server itself. Never model a real server on this file.
//
// It signs nobody in (no login page: every request is approved at once) and keeps its codes in memory. Each
// registered client stands for one misbehaviour:
//   query-tokens  answers an implicit request ('id_token token') with the tokens in the QUERY string
//   wrong-path    redirects the callback to /callback although the request asked for /cb
//   wrong-iss     puts another server's issuer in the callback's iss (a mix-up)
//   replay-ok     accepts the same authorization code again and again
//   cacheable     answers the token request without Cache-Control: no-store
//   no-rotation   issues a refresh token to this public client and never rotates it
//   wrong-nonce   puts another nonce in the ID token than the request sent
//   bad-id-token  issues an ID token that expired before it was issued, for another audience
//   wrong-at-hash puts an at_hash in the ID token that does not match the access token
//   no-iss        leaves iss out of the callback although its metadata promises it (RFC 9207)
//   bad-signature signs its ID tokens with a key it does not publish, under the published key's kid
//   no-cors       answers this client's token requests without Access-Control-Allow-Origin: the browser withholds
//                 each response from the app, although the server has answered (and has used up the code)
//   custom-header misbehaves on the client's side: its variant adds X-Requested-With to the token request, which
//                 the token endpoint's CORS preflight rightly does not allow (it allows the headers it reads)
//   login-307     shows a sign-in form and answers its POST with a 307 to the redirect URI, so the browser
//                 POSTs the user's name and password to the client (RFC 9700 §4.12)
//   device-fast   a device authorization grant (RFC 8628) whose client polls too fast: the server answers
//                 slow_down to every poll sooner than its interval, and, once the user entered the user_code
//                 on its verification page (/device), gives tokens to the fourth poll
// One document misbehaves too: the RFC 8414 metadata of tenant-a names another issuer and no PKCE method.
// Everything else (discovery, S256 PKCE, state, nonce, ID token claims, no-store) it does correctly, so that a
// recording of it shows the one misbehaviour and nothing else.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { close, HOST, listen, page, readBody, sendHtml } from './http.ts';

export interface RogueAuthorizationServerOptions {
  port: number;
  clientOrigin: string;
  /** The issuer that `wrong-iss` claims to be: the real demo server, to show a mix-up. */
  mixUpIssuer: string;
}

export interface RunningRogueAuthorizationServer {
  issuer: string;
  close(): Promise<void>;
}

type Misbehaviour =
  | 'query-tokens'
  | 'wrong-path'
  | 'wrong-iss'
  | 'replay-ok'
  | 'cacheable'
  | 'no-rotation'
  | 'wrong-nonce'
  | 'bad-id-token'
  | 'wrong-at-hash'
  | 'no-iss'
  | 'bad-signature'
  | 'no-cors'
  | 'custom-header'
  | 'login-307'
  | 'device-fast';
const CLIENTS: ReadonlySet<string> = new Set<Misbehaviour>([
  'query-tokens',
  'wrong-path',
  'wrong-iss',
  'replay-ok',
  'cacheable',
  'no-rotation',
  'wrong-nonce',
  'bad-id-token',
  'wrong-at-hash',
  'no-iss',
  'bad-signature',
  'no-cors',
  'custom-header',
  'login-307',
  'device-fast',
]);

/** The request headers the token endpoint reads, and so the only ones its CORS preflight allows. */
const ALLOWED_REQUEST_HEADERS = 'content-type, authorization, dpop';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const DEVICE_USER_CODE = 'WDJB-MJHT';

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce?: string;
  scope: string;
  used: boolean;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');
const random = () => base64url(randomBytes(32));

/** The sign-in form of login-307, shaped as the demo driver fills the real server's (demo/drive.ts). */
/** RFC 8628 §3.3: the verification page, where the user types the code the device shows. */
function verificationPage(message = ''): string {
  return page(
    'Connect a device',
    `<h1>Connect a device</h1>${message ? `<p>${message}</p>` : ''}
<form method="post" action="/device">
  <label>Code <input name="user_code" autocomplete="off"></label>
  <button id="submit" type="submit">Continue</button>
</form>`,
  );
}

function signInPage(action: string): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<form method="post" action="${action}" data-prompt="login">
  <label>Username <input name="login" value="alice"></label>
  <label>Password <input name="password" type="password" value="wonderland"></label>
  <button id="submit" type="submit">Sign in</button>
</form>`,
  );
}

export async function startRogueAuthorizationServer(options: RogueAuthorizationServerOptions): Promise<RunningRogueAuthorizationServer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  // MISBEHAVIOUR (bad-signature): a second key, never published, signs that client's ID tokens.
  const unpublishedKey = (await generateKeyPair('RS256')).privateKey;
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'rogue-rs256', alg: 'RS256', use: 'sig' }] };
  const codes = new Map<string, IssuedCode>();
  const refreshTokens = new Map<string, { clientId: string; scope: string }>();
  /** login-307: each sign-in form's id, and the authorization response it leads to. */
  const pendingSignIns = new Map<string, string>();
  /** device-fast: each device code's user code, whether the user approved it, its current interval (s), its last poll and how many polls it had. */
  const deviceCodes = new Map<string, { userCode: string; approved: boolean; interval: number; lastAt: number; polls: number }>();
  const registeredRedirectUri = `${options.clientOrigin}/cb`;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) json(res, 500, { error: 'server_error', error_description: error.message });
    });
  });
  const port = await listen(server, options.port);
  const issuer = `http://${HOST}:${port}`;

  const metadata = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code', 'id_token token'],
    response_modes_supported: ['query', 'fragment'],
    grant_types_supported: ['authorization_code', 'implicit'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    scopes_supported: ['openid'],
    authorization_response_iss_parameter_supported: true,
    device_authorization_endpoint: `${issuer}/device_authorization`,
  };

  // MISBEHAVIOUR (metadata-inconsistent): the issuer must be the one the URL was made from (RFC 8414 §3.3), and
  // S256 should be listed (RFC 9700 §2.1.1).
  const { code_challenge_methods_supported: _, ...withoutPkceMethods } = metadata;
  const inconsistentMetadata = { ...withoutPkceMethods, issuer: `${issuer}/tenant-b` };

  function json(res: ServerResponse, status: number, body: unknown, { cacheable = false, cors = true } = {}): void {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      // MISBEHAVIOUR (cacheable): token responses must say no-store (RFC 6749 §5.1).
      ...(cacheable ? {} : { 'cache-control': 'no-store' }),
      // MISBEHAVIOUR (no-cors): without this header the browser hands the app a network error instead of the
      // response (Fetch, CORS check), so the app never sees a code exchange the server has carried out.
      ...(cors ? { 'access-control-allow-origin': options.clientOrigin, vary: 'Origin' } : {}),
    });
    res.end(JSON.stringify(body));
  }

  function idToken(clientId: string, nonce: string | undefined, accessToken?: string): Promise<string> {
    // at_hash: left half of SHA-256 of the access token, as OIDC Core §3.2.2.9 requires next to a token.
    // MISBEHAVIOUR (wrong-at-hash): the hash of another value.
    const hashed = clientId === 'wrong-at-hash' ? `${accessToken}-not` : accessToken;
    const atHash = hashed ? base64url(createHash('sha256').update(hashed).digest().subarray(0, 16)) : undefined;
    const now = Math.floor(Date.now() / 1000);
    // MISBEHAVIOUR (bad-id-token): expired a minute before it was issued, and for another audience.
    const expired = clientId === 'bad-id-token';
    return new SignJWT({
      // MISBEHAVIOUR (wrong-nonce): the ID token must carry the request's nonce (OIDC Core §3.1.3.7).
      nonce: clientId === 'wrong-nonce' ? 'not-the-nonce-that-was-sent' : nonce,
      at_hash: atHash,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'rogue-rs256' })
      .setIssuer(issuer)
      .setSubject('alice')
      .setAudience(expired ? 'another-client' : clientId)
      .setIssuedAt(now)
      .setExpirationTime(expired ? now - 60 : now + 600)
      .sign((clientId === 'bad-signature' ? unpublishedKey : privateKey) as CryptoKey);
  }

  async function authorize(url: URL, res: ServerResponse): Promise<void> {
    const p = url.searchParams;
    const clientId = p.get('client_id') ?? '';
    // Like a real server, never redirect to an unverified redirect URI.
    if (!CLIENTS.has(clientId) || p.get('redirect_uri') !== registeredRedirectUri) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('unknown client or redirect_uri');
      return;
    }
    const response = new URLSearchParams();
    let target = new URL(registeredRedirectUri);

    if (clientId === 'query-tokens' ? p.get('response_type') !== 'id_token token' : p.get('response_type') !== 'code') {
      response.set('error', 'unsupported_response_type');
    } else if (clientId === 'query-tokens') {
      // MISBEHAVIOUR: tokens belong in the fragment (OAuth Multiple Response Types §5), never in the query.
      const accessToken = random();
      response.set('access_token', accessToken);
      response.set('token_type', 'Bearer');
      response.set('expires_in', '600');
      response.set('id_token', await idToken(clientId, p.get('nonce') ?? undefined, accessToken));
    } else {
      if (p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) {
        response.set('error', 'invalid_request');
        response.set('error_description', 'S256 PKCE is required');
      } else {
        const code = random();
        codes.set(code, {
          clientId,
          redirectUri: registeredRedirectUri,
          challenge: p.get('code_challenge') ?? '',
          nonce: p.get('nonce') ?? undefined,
          scope: p.get('scope') ?? '',
          used: false,
        });
        response.set('code', code);
      }
      // MISBEHAVIOUR: the callback goes to another path than the redirect_uri that was asked for.
      if (clientId === 'wrong-path') target = new URL('/callback', registeredRedirectUri);
    }
    if (p.has('state')) response.set('state', p.get('state') ?? '');
    // MISBEHAVIOUR (wrong-iss): names another server in the RFC 9207 iss parameter.
    // MISBEHAVIOUR (no-iss): the metadata says authorization_response_iss_parameter_supported.
    if (clientId !== 'no-iss') response.set('iss', clientId === 'wrong-iss' ? options.mixUpIssuer : issuer);

    target.search = response.toString();
    if (clientId === 'login-307') {
      // The response waits for the sign-in form below.
      const uid = random();
      pendingSignIns.set(uid, target.href);
      res.writeHead(303, { location: `/interaction/${uid}`, 'cache-control': 'no-store' }).end();
      return;
    }
    res.writeHead(303, { location: target.href, 'cache-control': 'no-store' }).end();
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      return json(res, 400, { error: 'invalid_request', error_description: 'form body expected' });
    }
    const p = new URLSearchParams(await readBody(req));
    const cors = p.get('client_id') !== 'no-cors';
    if (p.get('grant_type') === 'refresh_token') return refresh(p, res);
    if (p.get('grant_type') === DEVICE_CODE_GRANT) return devicePoll(p, res);
    if (p.get('grant_type') !== 'authorization_code') return json(res, 400, { error: 'unsupported_grant_type' }, { cors });
    const issued = codes.get(p.get('code') ?? '');
    const verifier = p.get('code_verifier') ?? '';
    const challenge = base64url(createHash('sha256').update(verifier).digest());
    if (
      !issued ||
      issued.clientId !== p.get('client_id') ||
      issued.redirectUri !== p.get('redirect_uri') ||
      issued.challenge !== challenge ||
      // MISBEHAVIOUR (replay-ok): a used code must be refused (RFC 6749 §4.1.2); this client's never is.
      (issued.used && issued.clientId !== 'replay-ok')
    ) {
      return json(res, 400, { error: 'invalid_grant' }, { cors });
    }
    issued.used = true;
    const body: Record<string, unknown> = { access_token: random(), token_type: 'Bearer', expires_in: 600, scope: issued.scope };
    if (issued.scope.split(' ').includes('openid'))
      body.id_token = await idToken(issued.clientId, issued.nonce, body.access_token as string);
    if (issued.clientId === 'no-rotation') {
      body.refresh_token = random();
      refreshTokens.set(body.refresh_token as string, { clientId: issued.clientId, scope: issued.scope });
    }
    json(res, 200, body, { cacheable: issued.clientId === 'cacheable', cors });
  }

  /** RFC 8628 §3.1–3.2: the device-fast client's device authorization; its user is approved after a few polls. */
  async function deviceAuthorization(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const p = new URLSearchParams(await readBody(req));
    if (p.get('client_id') !== 'device-fast') return json(res, 400, { error: 'invalid_client' });
    const deviceCode = random();
    deviceCodes.set(deviceCode, { userCode: DEVICE_USER_CODE, approved: false, interval: 1, lastAt: Date.now(), polls: 0 });
    json(res, 200, {
      device_code: deviceCode,
      user_code: DEVICE_USER_CODE,
      verification_uri: `${issuer}/device`,
      expires_in: 300,
      interval: 1,
    });
  }

  /** RFC 8628 §3.3: the user's code entry approves the device; compared without case and dashes (§6.1). */
  async function verifyUserCode(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const typed = (new URLSearchParams(await readBody(req)).get('user_code') ?? '').toUpperCase().replace(/[^0-9A-Z]/g, '');
    const device = [...deviceCodes.values()].find((d) => !d.approved && d.userCode.replace(/-/g, '') === typed);
    if (device) device.approved = true;
    sendHtml(res, device ? 200 : 400, verificationPage(device ? 'Device connected. You can close this page.' : 'Unknown code, try again.'));
  }

  /** RFC 8628 §3.5: slow_down (and 5 s more) for a poll sooner than the interval; tokens on the fourth poll. */
  function devicePoll(p: URLSearchParams, res: ServerResponse): void {
    const device = deviceCodes.get(p.get('device_code') ?? '');
    if (!device || p.get('client_id') !== 'device-fast') {
      json(res, 400, { error: 'invalid_grant' });
      return;
    }
    const now = Date.now();
    const early = now - device.lastAt < device.interval * 1000;
    device.lastAt = now;
    if (++device.polls >= 4 && device.approved) {
      deviceCodes.delete(p.get('device_code') ?? '');
      json(res, 200, { access_token: random(), token_type: 'Bearer', expires_in: 600 });
    } else if (early) {
      device.interval += 5;
      json(res, 400, { error: 'slow_down' });
    } else {
      json(res, 400, { error: 'authorization_pending' });
    }
  }

  function refresh(p: URLSearchParams, res: ServerResponse): void {
    const grant = refreshTokens.get(p.get('refresh_token') ?? '');
    if (!grant || grant.clientId !== p.get('client_id')) {
      json(res, 400, { error: 'invalid_grant' });
      return;
    }
    // MISBEHAVIOUR (no-rotation): a public client's refresh token must be rotated or sender-constrained (RFC 9700
    // §2.2.2); this one answers without a new refresh_token, so the same token stays valid.
    json(res, 200, { access_token: random(), token_type: 'Bearer', expires_in: 600, scope: grant.scope });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /.well-known/openid-configuration') return json(res, 200, metadata);
    if (route === 'GET /jwks') return json(res, 200, jwks);
    if (route === 'GET /.well-known/oauth-authorization-server/tenant-a') return json(res, 200, inconsistentMetadata);
    if (route === 'GET /authorize') return authorize(url, res);
    const signIn = /^\/interaction\/([\w-]+)$/.exec(url.pathname);
    const pending = signIn ? pendingSignIns.get(signIn[1]!) : undefined;
    if (signIn && pending && req.method === 'GET') return sendHtml(res, 200, signInPage(url.pathname));
    if (signIn && pending && req.method === 'POST') {
      pendingSignIns.delete(signIn[1]!);
      // MISBEHAVIOUR (login-307): a 307 keeps the method and the body, so the browser POSTs the form, password
      // included, to the redirect URI. A server must answer with 303 (RFC 9700 §4.12).
      res.writeHead(307, { location: pending, 'cache-control': 'no-store' }).end();
      return;
    }
    if (route === 'POST /token') return token(req, res);
    if (route === 'POST /device_authorization') return deviceAuthorization(req, res);
    if (route === 'GET /device') return sendHtml(res, 200, verificationPage());
    if (route === 'POST /device') return verifyUserCode(req, res);
    if (route === 'OPTIONS /token') {
      res.writeHead(204, {
        'access-control-allow-origin': options.clientOrigin,
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': ALLOWED_REQUEST_HEADERS,
        vary: 'Origin',
      });
      res.end();
      return;
    }
    json(res, 404, { error: 'not_found' });
  }

  return { issuer, close: () => close(server) };
}
