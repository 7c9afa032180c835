// Starts the whole demo: the client app, the oidc-provider authorization server and the rogue one.
import { startAuthorizationServer } from './authorization-server.ts';
import { listenClientApp, variantOrigin } from './client-app.ts';
import { startRogueAuthorizationServer } from './rogue-authorization-server.ts';
import type { Variant } from './variants.ts';

export interface DemoOptions {
  /** 0 (the default) picks free ports. */
  asPort?: number;
  clientPort?: number;
  roguePort?: number;
}

export interface RunningDemo {
  /** The oidc-provider issuer, e.g. http://127.0.0.1:9400 */
  issuer: string;
  rogueIssuer: string;
  /** The client app, e.g. http://127.0.0.1:9401; its index page lists the variants. */
  clientOrigin: string;
  /** Where to open a variant (some run on http://localhost, their redirect URI's host). */
  variantUrl(variant: Pick<Variant, 'id' | 'host'>): string;
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  // The servers register the client's redirect URIs, so the client's port must be known first.
  const client = await listenClientApp(options.clientPort ?? 0);
  const as = await startAuthorizationServer({ port: options.asPort ?? 0, clientOrigin: client.origin });
  const rogue = await startRogueAuthorizationServer({
    port: options.roguePort ?? 0,
    clientOrigin: client.origin,
    mixUpIssuer: as.issuer,
  });
  client.configure({ issuer: as.issuer, rogueIssuer: rogue.issuer });

  return {
    issuer: as.issuer,
    rogueIssuer: rogue.issuer,
    clientOrigin: client.origin,
    variantUrl: (variant) => `${variantOrigin(client.origin, variant)}/?variant=${encodeURIComponent(variant.id)}`,
    async close() {
      await Promise.all([client.close(), as.close(), rogue.close()]);
    },
  };
}
