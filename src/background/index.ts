/**
 * The background service worker. Capture (webRequest listeners registered synchronously at the top level,
 * the session store and the badge) arrives with the capture issue; this entry point makes the worker load.
 */
import browser from 'webextension-polyfill';

browser.runtime.onInstalled.addListener(() => {
  void browser.action.setBadgeBackgroundColor({ color: '#5f6368' });
});
