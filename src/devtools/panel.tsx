/**
 * The panel entry: the panel page's adapter, which wires the store to the extension worker, the devtools page's
 * network capture and the HAR import worker (the devtools page, devtools.ts, is the other adapter touching
 * `chrome.*`). Two shells share the store and views:
 * - DevTools (Chrome's or Firefox's): the inspected tab is `chrome.devtools.inspectedWindow.tabId`, the theme
 *   follows DevTools' (theme.ts);
 * - inline: the same page opened in a normal tab with `?tabId=ID` (or the older `?tab=ID`; how the end-to-end
 *   tests drive it) and an optional `?theme=dark`, fed by the worker's snapshots and HAR imports only.
 */
import { render } from 'preact';
import browser from 'webextension-polyfill';
import { connectToWorker } from '../messaging/connection.ts';
import { requestedTabId } from '../report/requested-tab.ts';
import { workerImporter } from './import/importers.ts';
import { localKeptStorage } from './kept-storage.ts';
import { receiveNetworkExchanges } from './network-bridge.ts';
import { createStore, LIVE_SOURCE_ID } from './store.ts';
import { followDevToolsTheme } from './theme.ts';
import { StoreContext } from './views/context.ts';
import { Panel } from './views/Panel.tsx';
import './panel.css';

const devtools = typeof chrome !== 'undefined' ? chrome.devtools : undefined;
const tabId = devtools?.inspectedWindow ? devtools.inspectedWindow.tabId : requestedTabId(location.search);
// Only the panel follows the theme: Chrome keeps one theme handler per extension, the last page to set one wins
// (ExtensionServer's themeChangeHandlers).
followDevToolsTheme(devtools?.panels, new URLSearchParams(location.search).get('theme'), (theme) =>
  document.documentElement.classList.toggle('dark', theme === 'dark'),
);

let connection: ReturnType<typeof connectToWorker> | undefined;
const store = createStore({
  tabId,
  request: (command) => (connection ? connection.request(command) : Promise.reject(new Error('not connected'))),
  // Vite bundles the worker from this exact `new Worker(new URL(…), { type: 'module' })` form.
  importer: workerImporter(() => new Worker(new URL('./import/import-worker.ts', import.meta.url), { type: 'module' })),
  keptStorage: localKeptStorage(),
});
// `?flow=ID` (the popup's "Open in panel"): that flow of the live capture is selected once the capture has it.
const requestedFlow = new URLSearchParams(location.search).get('flow');
if (requestedFlow) store.selectedKey.value = `${LIVE_SOURCE_ID}/${requestedFlow}`;
// Kept flows survive restarts; another DevTools window's panel may keep or remove some meanwhile.
void store.compareKeep.load();
store.compareKeep.followStorage();
connection = connectToWorker(browser.runtime, {
  onSnapshot: (snapshot) => void store.applySnapshot(snapshot),
  onStatus: (status) => store.setStatus(status),
});

// Inside DevTools, response bodies of the inspected tab (token responses) come from the devtools page, which
// has captured them since DevTools opened: those from before this panel was first shown, then each new one.
if (devtools && tabId !== undefined) receiveNetworkExchanges(tabId, (exchanges) => void store.addNetworkExchanges(exchanges));

render(
  <StoreContext.Provider value={store}>
    <Panel />
  </StoreContext.Provider>,
  document.getElementById('app')!,
);
