/**
 * The panel's light or dark styles follow DevTools' own theme wherever DevTools says what it is. Pure apart from
 * the listener it registers on the API object it is handed (tested with stand-ins).
 *
 * DevTools names its theme differently per browser:
 * - Chrome: `chrome.devtools.panels.themeName` is 'default' (light) or 'dark'; changes reach one handler set with
 *   `setThemeChangeHandler` (Chrome 99+; DevTools keeps one handler per extension, the last page to set one wins).
 *   https://developer.chrome.com/docs/extensions/reference/api/devtools/panels
 * - Firefox: `themeName` is 'light' or 'dark' (DevTools resolves its 'auto' setting to one of them; older releases
 *   also had 'firebug', a light theme), and changes fire the event `onThemeChanged`.
 *   https://developer.mozilla.org/docs/Mozilla/Add-ons/WebExtensions/API/devtools/panels/onThemeChanged
 */

export type PanelTheme = 'light' | 'dark';

/** DevTools' theme name (either browser's) as the panel's styles: only 'dark' is dark. */
export function panelTheme(themeName: string | null | undefined): PanelTheme {
  return themeName === 'dark' ? 'dark' : 'light';
}

/** The parts of `devtools.panels` that tell the theme, as each browser may (or may not) offer them. */
export interface DevToolsThemeSource {
  themeName?: string;
  onThemeChanged?: { addListener(listener: (themeName: string) => void): void };
  setThemeChangeHandler?: (handler: (themeName: string) => void) => void;
}

/**
 * Applies DevTools' theme now and on each change. Outside DevTools (`panels` absent: the inline shell opened as a
 * page) the fallback name applies (the page's `?theme=`), light when there is none.
 */
export function followDevToolsTheme(
  panels: DevToolsThemeSource | undefined,
  fallbackThemeName: string | null,
  apply: (theme: PanelTheme) => void,
): void {
  apply(panelTheme(panels?.themeName ?? fallbackThemeName));
  if (!panels) return;
  const onChange = (themeName: string) => apply(panelTheme(themeName));
  // The event where the browser has it (Firefox), else Chrome's single handler; with neither (Chrome before 99)
  // the theme read at start stays.
  if (panels.onThemeChanged) panels.onThemeChanged.addListener(onChange);
  else panels.setThemeChangeHandler?.(onChange);
}
