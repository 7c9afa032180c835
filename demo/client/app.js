// Entry point of the demo client page: starts the variant named in ?variant=, or continues the run of this
// tab when the authorization server sends the browser back. In a frame or a popup window that a run opened,
// it only hands the authorization response to the page that opened it; a new tab that a run opened is a tab
// of its own once it is under way.
import { callbackParams, incomingCallback, NEW_TAB_NAME_PREFIX, ORPHAN_CALLBACK_CHANNEL, POPUP_NAME_PREFIX, Run } from './run.js';
import { scripts } from './variants.js';

const config = JSON.parse(document.getElementById('demo-config').textContent);
const incoming = incomingCallback(config);

if (window.top !== window) {
  // A sign-in that ran in a frame (variants with two flows pending at once): the page that opened the
  // frame owns the flow, so hand it the response and do nothing else here.
  if (incoming) window.parent.postMessage({ kind: 'oauth-callback', callback: incoming }, location.origin);
  document.body.textContent = 'Callback handed to the main page.';
} else if (window.name.startsWith(POPUP_NAME_PREFIX)) {
  // A popup window that a run opened (Run.popup): the window that opened it owns the flow.
  if (!window.opener) {
    document.body.textContent = 'The window that started this sign-in is gone. Start again from the list of variants.';
  } else if (incoming) {
    // The callback: hand the response over, to this same origin only, and close.
    window.opener.postMessage({ kind: 'oauth-callback', name: window.name, callback: incoming }, location.origin);
    document.body.textContent = 'Callback handed to the window that opened this one.';
    window.close();
  } else {
    // The start page (/popup): say that the window is up, and the opener sends it to the authorization server.
    window.opener.postMessage({ kind: 'oauth-popup-ready', name: window.name }, location.origin);
    document.body.textContent = 'Opening the sign-in page…';
  }
} else if (window.name.startsWith(NEW_TAB_NAME_PREFIX) && !incoming && window.opener) {
  // The first page of a tab that a run opened (Run.newTab): say that it is up, and the opener sends it on.
  window.opener.postMessage({ kind: 'oauth-new-tab-ready' }, location.origin);
  document.body.textContent = 'Opening the sign-in page…';
} else {
  await main();
}

function fail(message) {
  document.getElementById('status').textContent = message;
  document.getElementById('result').dataset.status = 'error';
}

async function main() {
  let run;
  if (location.pathname === '/') {
    const { variant } = config;
    if (!variant || !scripts[variant.id]) return fail('Unknown variant.');
    // The redirect URI, and so the sessionStorage holding the run, belongs to the variant's host.
    if (variant.host && location.hostname !== variant.host) {
      const url = new URL(location.href);
      url.hostname = variant.host;
      return location.replace(url);
    }
    run = Run.start(variant, config);
  } else {
    run = Run.resume(incoming, config);
    if (!run) {
      // What a lost state looks like to an app: a callback, and no record of the request it answers. Tell the
      // other tabs of this origin (the one that opened this tab may be waiting, see Run.newTab).
      if (incoming) {
        const channel = new BroadcastChannel(ORPHAN_CALLBACK_CHANNEL);
        channel.postMessage({ kind: 'orphan-callback', state: callbackParams(incoming).get('state') });
        channel.close();
      }
      return fail('No sign-in in progress in this tab. Start one from the list of variants.');
    }
  }

  document.getElementById('title').textContent = `Variant: ${run.variant.id}`;
  document.getElementById('description').textContent = run.variant.description;
  try {
    run.finish('done', await scripts[run.variant.id](run));
  } catch (error) {
    console.error(error);
    run.finish('error', error);
  }
}
