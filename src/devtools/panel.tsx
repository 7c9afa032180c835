/**
 * The panel entry, and the only file here that touches `chrome.*`. Two shells share the store and views:
 * - DevTools: the inspected tab is `chrome.devtools.inspectedWindow.tabId`, the theme follows DevTools';
 * - inline: the same page opened in a normal tab with `?tab=ID` (how the end-to-end tests drive it), fed
 *   by the worker's snapshots only.
 */
import { render } from 'preact';
import browser from 'webextension-polyfill';
import { connectToWorker } from '../messaging/connection.ts';
import { receiveNetworkExchanges } from './network-bridge.ts';
import { createStore } from './store.ts';
import { StoreContext } from './views/context.ts';
import { Panel } from './views/Panel.tsx';
import './panel.css';

const devtools = typeof chrome !== 'undefined' ? chrome.devtools : undefined;
const params = new URLSearchParams(location.search);
const requestedTab = params.get('tab');
const tabId = devtools?.inspectedWindow ? devtools.inspectedWindow.tabId : requestedTab !== null ? Number(requestedTab) : undefined;
const applyTheme = (theme: string | null) => document.documentElement.classList.toggle('dark', theme === 'dark');
applyTheme(devtools?.panels?.themeName ?? params.get('theme'));
// DevTools' theme is 'default' (light) or 'dark'. It keeps one theme handler per extension, the last page to set
// one wins (ExtensionServer's themeChangeHandlers), so only the panel sets it. Where the handler is absent (before
// Chrome 99), `themeName` read above stays. https://developer.chrome.com/docs/extensions/reference/api/devtools/panels
devtools?.panels?.setThemeChangeHandler?.(applyTheme);

let connection: ReturnType<typeof connectToWorker> | undefined;
const store = createStore({ tabId, request: (command) => (connection ? connection.request(command) : Promise.reject(new Error('not connected'))) });
connection = connectToWorker(browser.runtime, {
  onSnapshot: (snapshot) => void store.applySnapshot(snapshot),
  onStatus: (status) => store.setStatus(status),
});

// Inside DevTools, response bodies of the inspected tab (token responses) come from the devtools page, which
// has captured them since DevTools opened: those from before this panel was first shown, then each new one.
if (devtools && tabId !== undefined) receiveNetworkExchanges(tabId, (exchanges) => void store.addNetworkExchanges(exchanges));

render(<StoreContext.Provider value={store}><Panel /></StoreContext.Provider>, document.getElementById('app')!);
