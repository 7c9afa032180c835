// Authorization servers laid out like four vendors', for the demo clients built from the vendors' own SPA SDKs
// (demo/client/sdk/). Each is an unmodified oidc-provider, like demo/authorization-server.ts, with the same
// login and consent pages; only its issuer string and endpoint paths (oidc-provider's `routes`, under the
// issuer's path) follow the vendor, so each SDK finds the endpoints it builds by itself:
//
//   Auth0     issuer http://H/ (trailing slash)  /authorize, /oauth/token, /.well-known/jwks.json, /userinfo
//   Okta      issuer http://H/oauth2/default      …/v1/authorize, …/v1/token, …/v1/keys, …/v1/userinfo
//   Keycloak  issuer http://H/realms/demo        …/protocol/openid-connect/auth|token|certs|userinfo|logout
//   Entra ID  issuer https://H/{tenant}/v2.0     /{tenant}/oauth2/v2.0/authorize|token, /{tenant}/discovery/v2.0/keys,
//             metadata at /{tenant}/v2.0/.well-known/openid-configuration
//
// Entra's is served on https with a throwaway self-signed certificate made at start-up: MSAL refuses a plain-http
// authority. Each server has a port of its own, so that every SDK's endpoints sit where the vendor puts them.
// Browsers send cookies to every port of a host, so each provider names its cookies after its vendor.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import './oidc-provider-notices.ts';
import Provider, { type ClientMetadata, type Configuration } from 'oidc-provider';
import { generate as generateCertificate } from 'selfsigned';
import { allowImplicitOnHttpLoopback, interactionRoute, renderErrorPage, signingKeys } from './authorization-server.ts';
import { close, escapeHtml, HOST, listen, page, sendHtml } from './http.ts';

export type Vendor = 'auth0' | 'okta' | 'keycloak' | 'entra';

/** A made-up Entra tenant id (a GUID, as Entra's are). */
const ENTRA_TENANT = 'c0ffee00-d3a0-4c1e-8000-0a17b0de1e55';

interface Layout {
  https?: boolean;
  /** The issuer's path after the origin: oidc-provider mounts its endpoints under it. */
  issuerPath: string;
  /** Where the endpoints are mounted, when not under the issuer's path (Entra: /{tenant}, issuer /{tenant}/v2.0). */
  mountPath?: string;
  routes: Configuration['routes'];
  /**
   * Allows credentialed CORS requests, as Keycloak does for a client's web origins: keycloak-js sends its token
   * request with credentials: 'include', which the browser delivers only with Access-Control-Allow-Credentials.
   */
  credentialedCors?: boolean;
  /**
   * Issues JWT access tokens for this audience and no refresh tokens, as keycloak-js needs: it decodes every token
   * it is given as a JWT, as Keycloak's are, and oidc-provider's refresh tokens are opaque.
   */
  jwtAccessTokensFor?: string;
}

const LAYOUTS: Record<Vendor, Layout> = {
  auth0: {
    issuerPath: '/',
    routes: {
      authorization: '/authorize',
      token: '/oauth/token',
      jwks: '/.well-known/jwks.json',
      userinfo: '/userinfo',
      revocation: '/oauth/revoke',
      end_session: '/oidc/logout',
    },
  },
  okta: {
    issuerPath: '/oauth2/default',
    routes: {
      authorization: '/v1/authorize',
      token: '/v1/token',
      jwks: '/v1/keys',
      userinfo: '/v1/userinfo',
      revocation: '/v1/revoke',
      introspection: '/v1/introspect',
      end_session: '/v1/logout',
    },
  },
  keycloak: {
    issuerPath: '/realms/demo',
    credentialedCors: true,
    jwtAccessTokensFor: 'account',
    routes: {
      authorization: '/protocol/openid-connect/auth',
      token: '/protocol/openid-connect/token',
      jwks: '/protocol/openid-connect/certs',
      userinfo: '/protocol/openid-connect/userinfo',
      revocation: '/protocol/openid-connect/revoke',
      introspection: '/protocol/openid-connect/token/introspect',
      end_session: '/protocol/openid-connect/logout',
    },
  },
  entra: {
    https: true,
    issuerPath: `/${ENTRA_TENANT}/v2.0`,
    mountPath: `/${ENTRA_TENANT}`,
    routes: {
      authorization: '/oauth2/v2.0/authorize',
      token: '/oauth2/v2.0/token',
      jwks: '/discovery/v2.0/keys',
      userinfo: '/oidc/userinfo',
      end_session: '/oauth2/v2.0/logout',
    },
  },
};

/** The SDK demo clients' registrations on each vendor's server: client id → its callback path on the client app. */
const VENDOR_CLIENTS = {
  auth0: { clientId: 'auth0-spa', callbackPath: '/cb/auth0' },
  okta: { clientId: 'okta-spa', callbackPath: '/cb/okta' },
  keycloak: { clientId: 'keycloak-spa', callbackPath: '/cb/keycloak' },
  entra: { clientId: 'msal-spa', callbackPath: '/cb/msal' },
} as const satisfies Record<Vendor, { clientId: string; callbackPath: string }>;

/** A registration without PKCE, as older ones are (Keycloak's default): the client where switching PKCE off works. */
const NO_PKCE_CLIENT_ID = 'keycloak-legacy-spa';

/**
 * An Okta app with the implicit grant still allowed: where okta-auth-js with `pkce: false` ends up, since the SDK
 * then asks for tokens in the fragment (response_type "token id_token") instead of a code.
 */
const IMPLICIT_CLIENT_ID = 'okta-implicit-spa';

function clients(vendor: Vendor, clientOrigin: string): ClientMetadata[] {
  const { clientId, callbackPath } = VENDOR_CLIENTS[vendor];
  // Public SPA clients: no secret, the code flow, and refresh tokens (every SDK here can use them).
  const spa = {
    token_endpoint_auth_method: 'none',
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token'],
  } as const;
  const registered: ClientMetadata[] = [{ ...spa, client_id: clientId, redirect_uris: [`${clientOrigin}${callbackPath}`] }];
  if (vendor === 'keycloak') registered.push({ ...spa, client_id: NO_PKCE_CLIENT_ID, redirect_uris: [`${clientOrigin}${callbackPath}`] });
  if (vendor === 'okta') {
    registered.push({
      client_id: IMPLICIT_CLIENT_ID,
      token_endpoint_auth_method: 'none',
      response_types: ['id_token token'],
      grant_types: ['implicit'],
      redirect_uris: [`${clientOrigin}${callbackPath}`],
    });
  }
  return registered;
}

function configuration(vendor: Vendor, clientOrigin: string, jwks: Configuration['jwks']): Configuration {
  const audience = LAYOUTS[vendor].jwtAccessTokensFor;
  return {
    clients: clients(vendor, clientOrigin),
    jwks,
    routes: LAYOUTS[vendor].routes,
    cookies: {
      keys: [`throwaway-demo-cookie-key-${vendor}`],
      names: { session: `_${vendor}_session`, interaction: `_${vendor}_interaction`, resume: `_${vendor}_interaction_resume` },
    },
    claims: { openid: ['sub'] },
    // 'id_token token' only for the implicit Okta app; every other client registers response_types ['code'].
    responseTypes: ['code', 'id_token token'],
    features: {
      devInteractions: { enabled: false }, // the login and consent pages of demo/authorization-server.ts
      revocation: { enabled: true },
      userinfo: { enabled: true },
      ...(audience && {
        resourceIndicators: {
          enabled: true,
          defaultResource: async () => `urn:demo:${audience}`,
          useGrantedResource: async () => true,
          getResourceServerInfo: async () => ({ scope: 'openid', audience, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
        },
      }),
    },
    // oidc-provider's defaults, spelled out (it asks for them).
    ttl: { AccessToken: 3600, IdToken: 3600, Interaction: 3600, Session: 14 * 24 * 3600, Grant: 14 * 24 * 3600 },
    // S256 PKCE for every client registered with it; the legacy registration leaves it to the client.
    pkce: { required: (_ctx, client) => client.clientId !== NO_PKCE_CLIENT_ID },
    // These vendors give a SPA that may refresh a refresh token with the code, with or without offline_access
    // (Entra ID for the SPA platform; Auth0 and Okta once refresh tokens are turned on for the app, which is the
    // case here; Keycloak always, but its are JWTs, which oidc-provider cannot make: see jwtAccessTokensFor).
    // Public clients' refresh tokens rotate (oidc-provider's default).
    issueRefreshToken: async (_ctx, client) => !audience && client.grantTypeAllowed('refresh_token'),
    async findAccount(_ctx, sub) {
      return { accountId: sub, claims: () => ({ sub }) };
    },
    renderError: renderErrorPage,
  };
}

export interface RunningVendorAuthorizationServer {
  vendor: Vendor;
  issuer: string;
  origin: string;
  close(): Promise<void>;
}

/** Sends a request to the provider as if the provider were mounted at `mountPath` (as express's `app.use` does). */
function mounted(oidc: ReturnType<Provider['callback']>, mountPath: string, req: IncomingMessage, res: ServerResponse, url: string) {
  // oidc-provider reads its mount point from originalUrl minus url (lib/helpers/oidc_context.js, urlFor).
  (req as IncomingMessage & { originalUrl?: string }).originalUrl = `${mountPath}${url}`;
  req.url = url;
  void oidc(req, res);
}

async function startVendor(vendor: Vendor, port: number, clientOrigin: string): Promise<RunningVendorAuthorizationServer> {
  const layout = LAYOUTS[vendor];
  const mountPath = (layout.mountPath ?? layout.issuerPath).replace(/\/$/, '');
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = layout.https
    ? createHttpsServer(await throwawayCertificate(), (req, res) => handle(req, res))
    : createServer((req, res) => handle(req, res));
  const origin = `${layout.https ? 'https' : 'http'}://${HOST}:${await listen(server, port)}`;
  const issuer = `${origin}${layout.issuerPath}`;

  const provider = new Provider(issuer, configuration(vendor, clientOrigin, await signingKeys()));
  allowImplicitOnHttpLoopback(provider);
  const oidc = provider.callback();
  // Entra's metadata is under the issuer (/{tenant}/v2.0), its endpoints under the tenant (/{tenant}).
  const issuerPrefix = layout.issuerPath.replace(/\/$/, '');
  const discovery = `${issuerPrefix}/.well-known/openid-configuration`;
  handle = (req, res) => {
    if (layout.credentialedCors) allowCredentialsWhereCorsIsAllowed(res);
    const url = req.url ?? '/';
    const { pathname } = new URL(url, origin);
    if (/^\/interaction\/[\w-]+$/.test(pathname)) {
      interactionRoute(provider, req, res).catch((error: Error) => {
        if (!res.headersSent) sendHtml(res, 400, page('Interaction failed', `<p>${escapeHtml(error.message)}</p>`));
      });
      return;
    }
    if (pathname === discovery) return mounted(oidc, mountPath, req, res, url.slice(issuerPrefix.length));
    if (pathname.startsWith(`${mountPath}/`)) return mounted(oidc, mountPath, req, res, url.slice(mountPath.length));
    sendHtml(res, 404, page('Not found', '<p>Not found</p>'));
  };
  return { vendor, issuer, origin, close: () => close(server) };
}

/** Adds Access-Control-Allow-Credentials to every response that allows one origin (never to a wildcard one). */
function allowCredentialsWhereCorsIsAllowed(res: ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) => {
    if (name.toLowerCase() === 'access-control-allow-origin' && value !== '*') setHeader('access-control-allow-credentials', 'true');
    return setHeader(name, value);
  };
}

/** A certificate for 127.0.0.1 that nobody trusts: the browsers the demo starts are told to accept it. */
async function throwawayCertificate(): Promise<{ key: string; cert: string }> {
  const pems = await generateCertificate([{ name: 'commonName', value: HOST }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: HOST }] }],
  });
  return { key: pems.private, cert: pems.cert };
}

export type VendorPorts = Partial<Record<Vendor, number>>;

/** Starts the four vendor-shaped servers; `ports` default to free ones. */
export async function startVendorAuthorizationServers(
  clientOrigin: string,
  ports: VendorPorts = {},
): Promise<Record<Vendor, RunningVendorAuthorizationServer>> {
  const vendors = Object.keys(LAYOUTS) as Vendor[];
  const started = await Promise.all(vendors.map((vendor) => startVendor(vendor, ports[vendor] ?? 0, clientOrigin)));
  return Object.fromEntries(started.map((server) => [server.vendor, server])) as Record<Vendor, RunningVendorAuthorizationServer>;
}
