/**
 * The devtools_page: creates the "OAuth" panel and captures the inspected tab's response bodies.
 *
 * Chrome loads this page as soon as DevTools opens, the panel page only when its tab is first shown
 * (https://developer.chrome.com/docs/extensions/how-to/devtools/extend-devtools). Capturing here means a sign-in
 * done before the panel is shown still has its token responses; network-bridge.ts hands them to the panel.
 * Firefox runs the same page through its `chrome.*` namespace (devtools.panels, devtools.network), with one
 * difference handled below: what `getContent` passes second.
 */
import { serveNetworkExchanges } from './network-bridge.ts';
import { exchangeOfNetworkEntry, wantsContent } from './network.ts';

const tabId = chrome.devtools.inspectedWindow.tabId;
const capture = serveNetworkExchanges(tabId);

// Listening before the panel is created: a request DevTools finishes meanwhile is not missed.
let finished = 0;
chrome.devtools.network.onRequestFinished.addListener((request) => {
  if (!wantsContent(request)) return;
  const id = `devtools-${finished++}`;
  // The callback form: `getContent` returns a promise only from Chrome 151 (the manifest allows 116). Its second
  // argument is the body's encoding in Chrome ('base64' or ''), but the MIME type in Firefox (its
  // ext-devtools-network.js passes `content.mimeType`): only 'base64' means the text is to be decoded.
  request.getContent((content, second) => {
    const encoding = second === 'base64' ? second : undefined;
    const exchange = exchangeOfNetworkEntry(request, content, encoding, id);
    if (exchange) capture({ ...exchange, tabId });
  });
});

void chrome.devtools.panels.create('OAuth', '', '/src/devtools/panel.html');
