import { describe, expect, it } from 'vitest';
import { followDevToolsTheme, panelTheme, type DevToolsThemeSource, type PanelTheme } from './theme.ts';

describe('panelTheme', () => {
  it("maps both browsers' names: only 'dark' is dark", () => {
    expect(panelTheme('dark')).toBe('dark');
    // Chrome's light theme, Firefox's, Firefox's old Firebug theme.
    for (const name of ['default', 'light', 'firebug']) expect(panelTheme(name)).toBe('light');
    expect(panelTheme(undefined)).toBe('light');
    expect(panelTheme(null)).toBe('light');
  });
});

describe('followDevToolsTheme', () => {
  const follow = (panels: DevToolsThemeSource | undefined, fallback: string | null = null) => {
    const applied: PanelTheme[] = [];
    followDevToolsTheme(panels, fallback, (theme) => applied.push(theme));
    return applied;
  };

  it("follows Firefox's theme at start and through onThemeChanged", () => {
    let listener: ((name: string) => void) | undefined;
    const applied = follow({ themeName: 'dark', onThemeChanged: { addListener: (l) => (listener = l) } });
    listener!('light');
    listener!('dark');
    expect(applied).toEqual(['dark', 'light', 'dark']);
  });

  it("follows Chrome's theme at start and through setThemeChangeHandler", () => {
    let handler: ((name: string) => void) | undefined;
    const applied = follow({ themeName: 'default', setThemeChangeHandler: (h) => (handler = h) });
    handler!('dark');
    expect(applied).toEqual(['light', 'dark']);
  });

  it('prefers the event where a browser offers both, registering once', () => {
    const registered: string[] = [];
    follow({
      themeName: 'light',
      onThemeChanged: { addListener: () => registered.push('event') },
      setThemeChangeHandler: () => registered.push('handler'),
    });
    expect(registered).toEqual(['event']);
  });

  it('keeps the theme read at start where no change is reported', () => {
    expect(follow({ themeName: 'dark' })).toEqual(['dark']);
  });

  it("takes DevTools' theme over the page's ?theme=, and the page's outside DevTools", () => {
    expect(follow({ themeName: 'default' }, 'dark')).toEqual(['light']);
    expect(follow(undefined, 'dark')).toEqual(['dark']);
    expect(follow(undefined)).toEqual(['light']);
  });
});
