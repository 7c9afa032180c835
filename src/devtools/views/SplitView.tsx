/**
 * The panel's split: the flow list beside the detail, or above it when the panel is narrow (DevTools docked to
 * the right of a small window). The separator between them is a WAI-ARIA window splitter
 * (https://www.w3.org/WAI/ARIA/apg/patterns/windowsplitter/): dragged with the pointer or moved with the arrow
 * keys (Home/End to the limits). The list's size, per orientation, is remembered in the panel page's
 * localStorage, so it survives closing DevTools.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

/** Below this panel width the list stacks above the detail (side by side, the detail would be too narrow to read). */
export const STACK_BELOW_PX = 600;

interface Axis {
  storageKey: string;
  /** The list's share of the split until the user sizes it. */
  initialShare: number;
  /** The list's and the detail's least size along the axis. */
  minList: number;
  minDetail: number;
}

const SIDE_BY_SIDE: Axis = { storageKey: 'oauth-lens.panel.list-width', initialShare: 0.4, minList: 200, minDetail: 280 };
const STACKED: Axis = { storageKey: 'oauth-lens.panel.list-height', initialShare: 0.3, minList: 88, minDetail: 120 };
const KEY_STEP_PX = 16;

/** The size the user last gave the list, if any. */
function storedSize(axis: Axis): number | undefined {
  try {
    const value = Number(localStorage.getItem(axis.storageKey));
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    // Storage can be off (a profile that blocks site data): the size is then forgotten on close.
    return undefined;
  }
}

function storeSize(axis: Axis, size: number): void {
  try {
    localStorage.setItem(axis.storageKey, String(Math.round(size)));
  } catch {
    // As above: not remembered, still applied.
  }
}

function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => matchMedia(query).matches);
  useEffect(() => {
    const list = matchMedia(query);
    const onChange = () => setMatches(list.matches);
    onChange();
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}

export function SplitView({ list, detail }: { list: ComponentChildren; detail: ComponentChildren }) {
  const stacked = useMediaQuery(`(max-width: ${STACK_BELOW_PX - 1}px)`);
  const axis = stacked ? STACKED : SIDE_BY_SIDE;
  const split = useRef<HTMLDivElement>(null);
  const [sizes, setSizes] = useState(() => ({ side: storedSize(SIDE_BY_SIDE), stacked: storedSize(STACKED) }));
  const [extent, setExtent] = useState(0);
  useLayoutEffect(() => {
    const element = split.current;
    if (!element) return;
    const measure = () => setExtent(stacked ? element.clientHeight : element.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [stacked]);

  const max = Math.max(axis.minList, extent - axis.minDetail);
  const clamp = useCallback((size: number) => Math.round(Math.min(max, Math.max(axis.minList, size))), [axis, max]);
  const wanted = (stacked ? sizes.stacked : sizes.side) ?? extent * axis.initialShare;
  // Shown clamped to the panel as it is now; the wanted size is kept for when the panel grows again.
  const size = extent ? clamp(wanted) : wanted;
  const resize = (next: number) => {
    const clamped = clamp(next);
    setSizes((s) => (stacked ? { ...s, stacked: clamped } : { ...s, side: clamped }));
    storeSize(axis, clamped);
  };

  const drag = useRef<{ from: number; size: number } | undefined>(undefined);
  const position = (e: PointerEvent) => (stacked ? e.clientY : e.clientX);
  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    drag.current = { from: position(e), size };
    e.preventDefault();
  };
  const onPointerMove = (e: PointerEvent) => {
    if (drag.current) resize(drag.current.size + position(e) - drag.current.from);
  };
  const onPointerUp = () => {
    drag.current = undefined;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.shiftKey ? KEY_STEP_PX * 4 : KEY_STEP_PX;
    const [less, more] = stacked ? ['ArrowUp', 'ArrowDown'] : ['ArrowLeft', 'ArrowRight'];
    if (e.key === less) resize(size - step);
    else if (e.key === more) resize(size + step);
    else if (e.key === 'Home') resize(axis.minList);
    else if (e.key === 'End') resize(max);
    else return;
    e.preventDefault();
  };

  return (
    <div ref={split} class={`split ${stacked ? 'stacked' : 'side-by-side'}`} data-layout={stacked ? 'stacked' : 'side-by-side'}>
      <div class="list-pane" id="list-pane" style={stacked ? { height: `${size}px` } : { width: `${size}px` }}>
        {list}
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: <hr> cannot take focus or pointer drags; a focusable separator is the ARIA window splitter */}
      <div
        class="splitter"
        role="separator"
        tabIndex={0}
        aria-label={stacked ? 'Resize the flow list’s height' : 'Resize the flow list’s width'}
        aria-controls="list-pane"
        aria-orientation={stacked ? 'horizontal' : 'vertical'}
        aria-valuenow={size}
        aria-valuemin={axis.minList}
        aria-valuemax={max}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
      />
      {detail}
    </div>
  );
}
