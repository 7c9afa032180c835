/**
 * Kept flows in `storage.local` (kept.ts), read and written by the panel page itself: only the panel uses them
 * (the worker's badge is about live traffic), and every extension page may use `storage.local`, so they do not
 * travel through the worker's protocol. The panel's only `chrome.*` code besides panel.tsx and the theme.
 */
import browser from 'webextension-polyfill';
import { KEPT_STORAGE_KEY, type KeptStorage } from './kept.ts';

export function localKeptStorage(): KeptStorage {
  const area = browser.storage.local;
  return {
    read: async () => (await area.get(KEPT_STORAGE_KEY))[KEPT_STORAGE_KEY],
    write: (records) => (records.length ? area.set({ [KEPT_STORAGE_KEY]: records }) : area.remove(KEPT_STORAGE_KEY)),
    onChange(listener) {
      browser.storage.onChanged.addListener((changes, areaName) => {
        const change = changes[KEPT_STORAGE_KEY];
        if (areaName === 'local' && change) listener(change.newValue);
      });
    },
  };
}
