// Starts the whole demo: the client app, the oidc-provider authorization server, the rogue one, and the servers
// laid out like Auth0, Okta, Keycloak and Entra ID for the clients built from the vendors' SDKs.
import { startAuthorizationServer } from './authorization-server.ts';
import { listenClientApp, variantOrigin } from './client-app.ts';
import { startRogueAuthorizationServer } from './rogue-authorization-server.ts';
import { ensureSdkBundles } from './sdk-bundles.ts';
import type { Variant } from './variants.ts';
import { startVendorAuthorizationServers, type Vendor, type VendorPorts } from './vendor-authorization-servers.ts';

export interface DemoOptions {
  /** 0 (the default) picks free ports. */
  asPort?: number;
  clientPort?: number;
  roguePort?: number;
  vendorPorts?: VendorPorts;
}

export interface RunningDemo {
  /** The oidc-provider issuer, e.g. http://127.0.0.1:9400 */
  issuer: string;
  rogueIssuer: string;
  /** The vendor-shaped servers' issuers (demo/vendor-authorization-servers.ts). */
  vendorIssuers: Record<Vendor, string>;
  /** The origin of every authorization server of the demo: the pages a person answers or sees refusing are there. */
  serverOrigins: readonly string[];
  /** The client app, e.g. http://127.0.0.1:9401; its index page lists the variants. */
  clientOrigin: string;
  /** Where to open a variant (some run on http://localhost, their redirect URI's host). */
  variantUrl(variant: Pick<Variant, 'id' | 'host'>): string;
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  // The SDK clients' pages load these bundles; built once, again only when the SDKs or their pages change.
  await ensureSdkBundles();
  // The servers register the client's redirect URIs, so the client's port must be known first.
  const client = await listenClientApp(options.clientPort ?? 0);
  const as = await startAuthorizationServer({ port: options.asPort ?? 0, clientOrigin: client.origin });
  const rogue = await startRogueAuthorizationServer({
    port: options.roguePort ?? 0,
    clientOrigin: client.origin,
    mixUpIssuer: as.issuer,
  });
  const vendors = await startVendorAuthorizationServers(client.origin, options.vendorPorts);
  const vendorIssuers = Object.fromEntries(Object.values(vendors).map((v) => [v.vendor, v.issuer])) as Record<Vendor, string>;
  client.configure({ issuer: as.issuer, rogueIssuer: rogue.issuer, vendorIssuers });

  return {
    issuer: as.issuer,
    rogueIssuer: rogue.issuer,
    vendorIssuers,
    serverOrigins: [as.issuer, rogue.issuer, ...Object.values(vendors).map((v) => v.origin)].map((url) => new URL(url).origin),
    clientOrigin: client.origin,
    variantUrl: (variant) => `${variantOrigin(client.origin, variant)}/?variant=${encodeURIComponent(variant.id)}`,
    async close() {
      await Promise.all([client.close(), as.close(), rogue.close(), ...Object.values(vendors).map((v) => v.close())]);
    },
  };
}
