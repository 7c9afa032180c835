import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { PanelStore } from '../store.ts';

export const StoreContext = createContext<PanelStore | undefined>(undefined);

export function useStore(): PanelStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('the panel views need a StoreContext');
  return store;
}
