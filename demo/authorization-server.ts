// The demo's real authorization server: an unmodified oidc-provider 9 with our own small login and consent
// pages (so that the user can also cancel). Everything it does is standard oidc-provider behaviour; the
// policy choices are in `configuration` below, each with its reason, plus one development-only relaxation
// (allowImplicitOnHttpLoopback) and a consent step that reuses the session's grant (grantConsent).
//
// Secrets and keys here are throwaway values for a loopback demo.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import './oidc-provider-notices.ts';
import Provider, { type ClientMetadata, type Configuration, errors, type Interaction } from 'oidc-provider';
import { close, escapeHtml, HOST, listen, page, readBody, sendHtml } from './http.ts';

/** The demo's MCP server (a protected resource on the client app, RFC 9728): its resource identifier. */
export const mcpResource = (clientOrigin: string) => `${clientOrigin}/mcp`;

/** Also written into demo/client/variants.js, by the broken variant that ships a secret to the browser. */
export const CONFIDENTIAL_CLIENT_SECRET = 'throwaway-demo-secret-not-for-production';

export interface AuthorizationServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Origin of the demo client app, e.g. http://127.0.0.1:9401: its redirect URIs are registered. */
  clientOrigin: string;
}

export interface RunningAuthorizationServer {
  issuer: string;
  close(): Promise<void>;
}

/** The registered clients. Every redirect URI is exact: `/cb/` (trailing slash) is deliberately not registered. */
function clients(clientOrigin: string): ClientMetadata[] {
  const callback = `${clientOrigin}/cb`;
  // Same port, other host name: for the variant that uses http://localhost (redirect-uri-insecure).
  const localhostOrigin = clientOrigin.replace('//127.0.0.1:', '//localhost:');
  const publicClient = { token_endpoint_auth_method: 'none', response_types: ['code'] } as const;
  return [
    {
      ...publicClient,
      client_id: 'spa',
      // The last one carries a return URL on another origin: the open-redirect-on-callback variant forwards to it.
      redirect_uris: [callback, `${clientOrigin}/cb/form-post`, `${callback}?returnTo=${encodeURIComponent(`${localhostOrigin}/welcome`)}`],
      grant_types: ['authorization_code', 'refresh_token'],
    },
    // PKCE is optional for this one (see pkce.required), so a flow without it can complete.
    { ...publicClient, client_id: 'legacy', redirect_uris: [callback], grant_types: ['authorization_code'] },
    // oidc-client-ts's demo client (demo/client/sdk/oidc-client-ts.js), with its own callback page.
    {
      ...publicClient,
      client_id: 'oidc-client-ts-spa',
      redirect_uris: [`${clientOrigin}/cb/oidc-client-ts`],
      grant_types: ['authorization_code', 'refresh_token'],
    },
    { ...publicClient, client_id: 'localhost-spa', redirect_uris: [`${localhostOrigin}/cb`], grant_types: ['authorization_code'] },
    {
      client_id: 'implicit-spa',
      token_endpoint_auth_method: 'none',
      response_types: ['id_token token'],
      grant_types: ['implicit'],
      redirect_uris: [callback],
    },
    // Confidential clients: their secrets belong on a server. The broken variant sends them from the browser.
    {
      client_id: 'confidential-web',
      client_secret: CONFIDENTIAL_CLIENT_SECRET,
      token_endpoint_auth_method: 'client_secret_post',
      redirect_uris: [callback],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
    {
      client_id: 'confidential-web-basic',
      client_secret: CONFIDENTIAL_CLIENT_SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: [callback],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ];
}

export async function signingKeys(): Promise<Configuration['jwks']> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { keys: [{ ...(await exportJWK(privateKey)), kid: 'demo-rs256', alg: 'RS256', use: 'sig' }] };
}

function configuration(clientOrigin: string, jwks: Configuration['jwks']): Configuration {
  return {
    clients: clients(clientOrigin),
    jwks,
    cookies: { keys: ['throwaway-demo-cookie-key'] },
    claims: { openid: ['sub'] },
    // 'id_token token' only for implicit-spa; everyone else registers response_types ['code'].
    responseTypes: ['code', 'id_token token'],
    features: {
      devInteractions: { enabled: false }, // our own pages below, with a cancel button
      revocation: { enabled: true },
      // Already on by default; spelled out because the demo has a variant for each.
      userinfo: { enabled: true },
      pushedAuthorizationRequests: { enabled: true },
      // RFC 8707 resource indicators, for the MCP variants (docs/mcp.md): the one resource server the demo has, the
      // client app's /mcp (its metadata names this server). Any other resource is refused with invalid_target.
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo(_ctx, indicator) {
          if (indicator !== mcpResource(clientOrigin)) throw new errors.InvalidTarget();
          return { scope: 'mcp:tools', accessTokenFormat: 'opaque' };
        },
      },
    },
    // oidc-provider's own defaults, spelled out because it asks for them (a notice per default otherwise).
    // The authorization code keeps its default 60 s, which code-exchange-late relies on; refresh tokens keep
    // their default function, which knows about rotation.
    ttl: { AccessToken: 3600, IdToken: 3600, Interaction: 3600, Session: 14 * 24 * 3600, Grant: 14 * 24 * 3600 },
    // S256 PKCE for every client except `legacy`, which stands for an old registration without PKCE.
    pkce: { required: (_ctx, client) => client.clientId !== 'legacy' },
    // The default allows CORS only for public clients. The demo's confidential clients are misused from the
    // browser on purpose, so their token requests must reach the page too: allow any client's own origin.
    clientBasedCORS: (_ctx, origin, client) => (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    async findAccount(_ctx, sub) {
      return { accountId: sub, claims: () => ({ sub }) };
    },
    renderError: renderErrorPage,
  };
}

/** A page that the recorder can recognise, for variants whose request the server refuses to redirect. */
export const renderErrorPage: NonNullable<Configuration['renderError']> = (ctx, out) => {
  ctx.type = 'html';
  ctx.body = page(
    'Authorization server error',
    `<main id="as-error" data-error="${escapeHtml(out.error)}"><h1>The authorization server refused the request</h1>
<p><code>${escapeHtml(out.error)}</code>: ${escapeHtml(out.error_description ?? '')}</p></main>`,
  );
};

/**
 * oidc-provider refuses http redirect URIs for web clients that use the implicit grant. The demo runs on
 * plain-http loopback, so skip exactly those two checks (oidc-provider's recipe for development setups).
 */
export function allowImplicitOnHttpLoopback(provider: Provider): void {
  const schema = (provider.Client as unknown as { Schema: { prototype: { invalidate(message: string, code?: string): void } } }).Schema
    .prototype;
  const invalidate = schema.invalidate;
  schema.invalidate = function (message, code) {
    if (code === 'implicit-force-https' || code === 'implicit-forbid-localhost') return;
    invalidate.call(this, message, code);
  };
}

function loginPage(interaction: Interaction): string {
  const clientId = String(interaction.params.client_id);
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p>The client <code>${escapeHtml(clientId)}</code> asks you to sign in to the demo authorization server.
Any username and password are accepted; the form is pre-filled.</p>
<form method="post" action="/interaction/${escapeHtml(interaction.uid)}" data-prompt="login">
  <input type="hidden" name="prompt" value="login">
  <label>Username <input name="login" value="alice" required autocomplete="username"></label>
  <label>Password <input name="password" type="password" value="wonderland" required autocomplete="current-password"></label>
  <button id="submit" type="submit">Sign in</button>
  <button id="cancel" type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</form>`,
  );
}

function consentPage(interaction: Interaction): string {
  const clientId = String(interaction.params.client_id);
  const scopes = (interaction.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
  return page(
    'Allow access',
    `<h1>Allow access?</h1>
<p>Signed in as <code>${escapeHtml(interaction.session?.accountId ?? '')}</code>. The client
<code>${escapeHtml(clientId)}</code> asks for: ${scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ') || 'nothing new'}.</p>
<form method="post" action="/interaction/${escapeHtml(interaction.uid)}" data-prompt="consent">
  <input type="hidden" name="prompt" value="consent">
  <button id="submit" type="submit">Allow</button>
  <button id="cancel" type="submit" name="action" value="cancel">Cancel</button>
</form>`,
  );
}

/**
 * The grant to extend: the interaction's own, or else the one this session already holds for the client.
 * Two sign-ins pending at once (the concurrent variants) each ask for consent; a second, new grant would
 * replace the first in the session and so void the first flow's code, which oidc-provider binds to it.
 */
async function existingGrantId(provider: Provider, interaction: Interaction): Promise<string | undefined> {
  if (interaction.grantId) return interaction.grantId;
  const session = interaction.session && (await provider.Session.findByUid(interaction.session.uid));
  return session?.grantIdFor(String(interaction.params.client_id));
}

/** Records the user's consent as a Grant covering everything the request is still missing. */
async function grantConsent(provider: Provider, interaction: Interaction): Promise<string> {
  const { details } = interaction.prompt;
  const grantId = await existingGrantId(provider, interaction);
  // A grant the session remembers may be gone: oidc-provider revokes it when a code is redeemed twice.
  const grant =
    (grantId ? await provider.Grant.find(grantId) : undefined) ??
    new provider.Grant({ accountId: interaction.session?.accountId, clientId: String(interaction.params.client_id) });
  const missingScope = details.missingOIDCScope as string[] | undefined;
  const missingClaims = details.missingOIDCClaims as string[] | undefined;
  const missingResourceScopes = details.missingResourceScopes as Record<string, string[]> | undefined;
  if (missingScope) grant.addOIDCScope(missingScope.join(' '));
  if (missingClaims) grant.addOIDCClaims(missingClaims);
  for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

/** GET shows the page for the current prompt; POST finishes it (or cancels the whole request). */
export async function interactionRoute(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const interaction = await provider.interactionDetails(req, res);
  const prompt = interaction.prompt.name;
  if (req.method === 'GET') {
    return sendHtml(res, 200, prompt === 'login' ? loginPage(interaction) : consentPage(interaction));
  }
  if (req.method !== 'POST') return sendHtml(res, 405, page('Method not allowed', '<p>Method not allowed</p>'));

  const form = new URLSearchParams(await readBody(req));
  if (form.get('action') === 'cancel') {
    // The client receives error=access_denied on its redirect URI, with its state.
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' },
      { mergeWithLastSubmission: false },
    );
  }
  if (prompt === 'login') {
    const accountId = form.get('login')?.trim();
    if (!accountId) return sendHtml(res, 400, loginPage(interaction));
    return provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
  }
  const grantId = await grantConsent(provider, interaction);
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

export async function startAuthorizationServer(options: AuthorizationServerOptions): Promise<RunningAuthorizationServer> {
  const jwks = await signingKeys();
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  // The issuer contains the port, so the provider can only be built once the port is bound.
  const port = await listen(server, options.port);
  const issuer = `http://${HOST}:${port}`;

  const provider = new Provider(issuer, configuration(options.clientOrigin, jwks));
  allowImplicitOnHttpLoopback(provider);
  const oidc = provider.callback();
  handle = (req, res) => {
    if (/^\/interaction\/[\w-]+$/.test(new URL(req.url ?? '/', issuer).pathname)) {
      interactionRoute(provider, req, res).catch((error: Error) => {
        if (!res.headersSent) sendHtml(res, 400, page('Interaction failed', `<p>${escapeHtml(error.message)}</p>`));
      });
      return;
    }
    void oidc(req, res);
  };

  return { issuer, close: () => close(server) };
}
