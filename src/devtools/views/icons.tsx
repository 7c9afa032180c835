/**
 * The toolbar's icons: 16 px inline SVG drawn in `currentColor`, so they take the theme's colours and need no
 * icon font and no network. Decorative: the button around each carries the name (aria-label) and the tooltip.
 */
import type { ComponentChildren } from 'preact';

function Icon({ children }: { children: ComponentChildren }) {
  return (
    <svg class="icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

const stroke = {
  fill: 'none',
  stroke: 'currentColor',
  'stroke-width': 1.5,
  'stroke-linecap': 'round',
  'stroke-linejoin': 'round',
} as const;

/** A circle struck through: DevTools' "clear". */
export const ClearIcon = () => (
  <Icon>
    <circle cx="8" cy="8" r="5.5" {...stroke} />
    <path d="M4.2 11.8 11.8 4.2" {...stroke} />
  </Icon>
);

export const PauseIcon = () => (
  <Icon>
    <path d="M5.5 3.5v9M10.5 3.5v9" {...stroke} stroke-width={2} />
  </Icon>
);

export const ResumeIcon = () => (
  <Icon>
    <path d="M5 3.2v9.6L12.5 8z" fill="currentColor" />
  </Icon>
);

/** Two overlapping windows: every tab's flows, not only the inspected tab's. */
export const AllTabsIcon = () => (
  <Icon>
    <rect x="2" y="5" width="9" height="8" rx="1" {...stroke} />
    <path d="M5 5V3.5a.5.5 0 0 1 .5-.5H13a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1h-2" {...stroke} />
  </Icon>
);

/** An eye: secrets shown; struck through while they are masked. */
export const RevealIcon = ({ revealed }: { revealed: boolean }) => (
  <Icon>
    <path d="M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8z" {...stroke} />
    <circle cx="8" cy="8" r="2" {...stroke} />
    {!revealed && <path d="M2.5 13.5 13.5 2.5" {...stroke} />}
  </Icon>
);

/** An arrow up out of a tray: load a file into the panel (DevTools' "Import HAR"). */
export const ImportIcon = () => (
  <Icon>
    <path d="M8 10.5V2.5M4.8 5.5 8 2.3l3.2 3.2M2.5 10v3h11v-3" {...stroke} />
  </Icon>
);

/** An arrow down into a tray: save from the panel (DevTools' "Export HAR"). */
export const ExportIcon = () => (
  <Icon>
    <path d="M8 2.5v8M4.8 7.5 8 10.7l3.2-3.2M2.5 10v3h11v-3" {...stroke} />
  </Icon>
);
