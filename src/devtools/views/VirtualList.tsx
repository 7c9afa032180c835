/**
 * A list that renders only the rows in view (plus `overscan` rows either side), so thousands of flows cost
 * what forty do. Every row is `rowHeight` pixels high (the row sets it); two spacer items stand in for the rows
 * above and below the window, so the scrollbar reflects the whole list. The list element is the scroller.
 */
import type { ComponentChild, JSX, RefObject } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface VirtualListProps<T> extends Omit<JSX.HTMLAttributes<HTMLUListElement>, 'ref' | 'onScroll'> {
  items: readonly T[];
  rowHeight: number;
  overscan?: number;
  /** Renders one row (an `<li>` with a key, `rowHeight` high). */
  row(item: T, index: number): ComponentChild;
  /** The list element, for `scrollRowIntoView`. */
  listRef?: RefObject<HTMLUListElement>;
}

export function VirtualList<T>({ items, rowHeight, overscan = 8, row, listRef, ...attributes }: VirtualListProps<T>) {
  const ownRef = useRef<HTMLUListElement>(null);
  const ref = listRef ?? ownRef;
  const [scrollTop, setScrollTop] = useState(0);
  // Until measured, assume a tall viewport: the first render already shows a screenful.
  const [viewport, setViewport] = useState(1000);
  useLayoutEffect(() => {
    const list = ref.current;
    if (!list) return;
    const measure = () => setViewport(list.clientHeight);
    measure();
    const observer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(measure);
    observer?.observe(list);
    return () => observer?.disconnect();
  }, [ref]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(items.length, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  const rows: ComponentChild[] = [];
  for (let i = first; i < end; i++) rows.push(row(items[i]!, i));
  return (
    <ul {...attributes} ref={ref} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <li key="spacer-before" role="presentation" class="spacer" style={{ height: `${first * rowHeight}px` }} />
      {rows}
      <li key="spacer-after" role="presentation" class="spacer" style={{ height: `${(items.length - end) * rowHeight}px` }} />
    </ul>
  );
}

/** Scrolls the list the least needed to show row `index` whole. */
export function scrollRowIntoView(list: HTMLElement, index: number, rowHeight: number): void {
  const top = index * rowHeight;
  if (top < list.scrollTop) list.scrollTop = top;
  else if (top + rowHeight > list.scrollTop + list.clientHeight) list.scrollTop = top + rowHeight - list.clientHeight;
}
