/**
 * Which tab a view opened as an ordinary page shows: the popup and the panel's inline shell read `?tabId=N`
 * (the older spelling `?tab=N` still works). Pure.
 */

/** The tab id asked for in a page's query string, or undefined when none (or no integer) is given. */
export function requestedTabId(search: string): number | undefined {
  const params = new URLSearchParams(search);
  const value = params.get('tabId') ?? params.get('tab');
  if (value === null || !/^-?\d+$/.test(value.trim())) return undefined;
  return Number(value);
}
