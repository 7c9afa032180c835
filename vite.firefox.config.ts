import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };
import { extensionConfig } from './vite.config.ts';

/**
 * The Firefox add-on, unpacked in dist-firefox/, built from the same sources and manifest as the Chrome one.
 * crxjs 3 targets Firefox itself (`browser: 'firefox'` writes the background as `background.scripts`: Firefox
 * runs no extension service workers). The manifest differs only where Firefox asks it to:
 * - `browser_specific_settings.gecko.id`: an MV3 add-on must name itself (web-ext lint: ADDON_ID_REQUIRED);
 * - `data_collection_permissions`: mandatory for new add-ons; OAuth Lens sends nothing anywhere, hence 'none'.
 *   Firefox reads the key from 140 on, hence `strict_min_version`;
 *   Firefox for Android reads it from 142 on, hence its own minimum (gecko_android);
 * - no `minimum_chrome_version`, which only Chrome reads;
 * - no optional `debugger` permission: deep capture (src/background/deep-capture.ts) is Chrome's; Firefox reads bodies itself;
 * - `webRequestBlocking` and `webRequestFilterResponse`: reading response bodies with a stream filter
 *   (src/background/response-bodies.ts) takes both in MV3 (Firefox 110 on), besides the host permission for the
 *   URL, which `host_permissions` grants already. Neither adds an install-time warning of its own (Firefox's
 *   permission messages, extensionPermissions.ftl in 153 ESR, have none for them; `<all_urls>` already asks).
 */
const { minimum_chrome_version: _chromeOnly, optional_permissions: _deepCaptureIsChromeOnly, background, ...shared } = manifest;
const firefoxManifest = {
  ...shared,
  // 'scripting' registers Chrome's page-body scripts (src/background/page-bodies.ts), which Firefox does without.
  // 'webNavigation' arms Chrome's capture (src/background/arming.ts); Firefox listens always and would show one
  // more install-time warning for it ("Access browser activity during navigation", extensionPermissions.ftl).
  permissions: [
    ...shared.permissions.filter((permission) => permission !== 'scripting' && permission !== 'webNavigation'),
    'webRequestBlocking',
    'webRequestFilterResponse',
  ],
  background: { scripts: [background.service_worker], type: 'module' },
  browser_specific_settings: {
    gecko: {
      id: 'oauth-lens@oauth-lens.dev',
      strict_min_version: '140.0',
      data_collection_permissions: { required: ['none'] },
    },
    gecko_android: { strict_min_version: '142.0' },
  },
  // crxjs's manifest type knows `gecko` but not `gecko_android`.
} as ManifestV3Export;

export default defineConfig(extensionConfig(crx({ manifest: firefoxManifest, browser: 'firefox' }), 'dist-firefox'));
