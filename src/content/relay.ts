/**
 * The isolated-world half of the page-reported bodies (Chrome only, src/background/page-bodies.ts): registered with
 * the page's script (page-hook.ts) for the same origins, it passes each report the page's script dispatches on to
 * the worker. The page can dispatch the same event, so nothing here is trusted: a report is bounded here and
 * checked whole by the worker (asPageBodyReport), which only joins it to what webRequest saw in this tab.
 */
import { MAX_REPORT_JSON_LENGTH, PAGE_BODY_EVENT, PAGE_BODY_MESSAGE } from '../capture/page-bodies.ts';

document.addEventListener(PAGE_BODY_EVENT, (event) => {
  const detail: unknown = (event as CustomEvent).detail;
  if (typeof detail !== 'string' || detail.length > MAX_REPORT_JSON_LENGTH) return;
  let report: unknown;
  try {
    report = JSON.parse(detail);
  } catch {
    return;
  }
  // The worker may be gone (extension reloaded): then this page's reports have nowhere to go.
  chrome.runtime.sendMessage({ type: PAGE_BODY_MESSAGE, report }).catch(() => undefined);
});
